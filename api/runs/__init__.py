"""Runs: routes (router.py), rules (service.py), re-run points (rerun.py)."""
