"""Swagger UI and ReDoc, served from a package (router.py)."""
