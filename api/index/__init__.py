"""The API's index page (router.py)."""
