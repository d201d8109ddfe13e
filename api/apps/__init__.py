"""Apps: routes (router.py)."""
