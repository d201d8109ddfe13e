"""A run's live events (SSE): routes (router.py) and the stream (service.py)."""
