"""Engine test fixtures (shared with the other engine test folders)."""

from tests.engine_support.fixtures import agent_service, temporal_env  # noqa: F401
