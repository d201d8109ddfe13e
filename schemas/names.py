"""Names that outlive code: workflow type, task queues, search attributes.

Renaming any of these breaks runs in flight: add new names, never rename.
They live in ``schemas`` (not ``workers``) because the compiler and the workflow,
which may import only ``schemas``, need them too.
"""

WORKFLOW_TYPE = "OrchestrationWorkflow"
ORCHESTRATOR_QUEUE = "hub-orchestrator"
AGENT_QUEUE_PREFIX = "agent-"

#: Custom search attributes the hub sets on every run, with their Temporal types.
SEARCH_ATTRIBUTES: dict[str, str] = {
    "AppId": "Keyword",
    "AppVersion": "Keyword",
    "HubRunId": "Keyword",
    "AgentTypes": "KeywordList",
    # The evaluation a run belongs to (unset on production runs): metrics leave these out.
    "HubEvaluationId": "Keyword",
    # What started the run (schedule, webhook, batch, api, cli) and which one.
    "HubTrigger": "Keyword",
    "HubTriggerId": "Keyword",
}


def agent_queue(agent_type: str) -> str:
    """The task queue that the workers of ``agent_type`` poll."""
    return f"{AGENT_QUEUE_PREFIX}{agent_type}"
