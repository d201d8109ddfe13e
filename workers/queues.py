"""Task-queue names, re-exported from :mod:`schemas.names` where they are defined."""

from schemas.names import AGENT_QUEUE_PREFIX, ORCHESTRATOR_QUEUE, agent_queue

__all__ = ["AGENT_QUEUE_PREFIX", "ORCHESTRATOR_QUEUE", "agent_queue"]
