"""The schema registry: routes (router.py) and where schema URIs may point (sources.py)."""
