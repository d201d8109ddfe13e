"""The model price table behind cost figures: routes (router.py) over storage/prices.py."""
