"""Schedules: routes (router.py), rules (service.py), cron checks (cron.py)."""
