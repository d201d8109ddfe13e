"""Artifacts (documents and large results): routes (router.py)."""
