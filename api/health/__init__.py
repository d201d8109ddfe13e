"""Liveness and readiness (router.py)."""
