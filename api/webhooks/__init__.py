"""Webhooks: routes (router.py) and rules (service.py)."""
