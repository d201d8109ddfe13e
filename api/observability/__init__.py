"""Run listing, traces and metrics: routes (router.py), reads (service.py),
platform metrics and history payloads."""
