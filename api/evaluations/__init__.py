"""Evaluations and datasets: routes (router.py), the runner (service.py), scoring (scoring.py)."""
