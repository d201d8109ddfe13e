"""The audit trail: routes (router.py) and the writer every change calls (service.py)."""
