"""Agents of an app: routes (router.py) and the agent-config checks (service.py)."""
