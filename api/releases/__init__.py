"""Releases: deploy and the version rule (service.py), release gates (gates.py)."""
