"""Batches of runs: routes (router.py) and rules (service.py)."""
