"""Observability fixtures: the engine fixtures plus a migrated SQLite database."""

from tests.engine_support.fixtures import agent_service, temporal_env  # noqa: F401
