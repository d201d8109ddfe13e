"""Task-queue names. They outlive code: add new ones, never rename."""

ORCHESTRATOR_QUEUE = "hub-orchestrator"
AGENT_QUEUE_PREFIX = "agent-"


def agent_queue(agent_type: str) -> str:
    """The task queue that the workers of ``agent_type`` poll."""
    return f"{AGENT_QUEUE_PREFIX}{agent_type}"
