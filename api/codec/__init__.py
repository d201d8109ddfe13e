"""The Temporal codec server: routes (router.py) and its CORS middleware (cors.py)."""
