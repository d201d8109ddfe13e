"""Prompts in the MLflow registry: routes (router.py)."""
