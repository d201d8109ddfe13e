"""An app's orchestration: routes (router.py)."""
