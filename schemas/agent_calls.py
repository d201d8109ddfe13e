"""Inputs and results of the orchestrator's activities (``invoke_agent``, ``load_plan``).

Activity names outlive code (runs in flight refer to them): add, never rename.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from schemas.invoke import SchemaViolationRecord, Usage
from schemas.orchestration import ResolvedAgentConfig

INVOKE_AGENT_ACTIVITY = "invoke_agent"
LOAD_PLAN_ACTIVITY = "load_plan"

#: ``ApplicationError.type`` values the activities raise; the non-retryable ones are
#: also listed in every retry policy so Temporal never retries them.
AGENT_REJECTED_REQUEST = "AgentRejectedRequest"
AGENT_BAD_RESPONSE = "AgentBadResponse"
AGENT_CONFIG_MISSING = "AgentConfigMissing"
ARTIFACT_NOT_FOUND = "ArtifactNotFound"
AGENT_UNAVAILABLE = "AgentUnavailable"
AGENT_TIMEOUT = "AgentTimeout"
AGENT_RETRYABLE_STATUS = "AgentRetryableStatus"
PLAN_NOT_DEPLOYED = "PlanNotDeployed"
#: A run's inputs do not fit its plan (missing, mistyped, unknown or unreadable artifact).
RUN_INPUT_INVALID = "RunInputInvalid"
NON_RETRYABLE_AGENT_ERRORS: tuple[str, ...] = (
    AGENT_REJECTED_REQUEST,
    AGENT_BAD_RESPONSE,
    AGENT_CONFIG_MISSING,
    ARTIFACT_NOT_FOUND,
)


class InvokeAgentInput(BaseModel):
    """One call of one agent for one step (or one ``foreach`` item of a step).

    The run id and the attempt are not carried here: the activity reads them from
    Temporal (workflow id, attempt number), so every retry sends the same input.
    """

    app_id: str
    step_id: str
    item_index: int | None = None
    #: The plan's app version, for the step-results record (optional: older runs lack it).
    app_version: str = ""
    agent_id: str
    agent_type: str
    config: ResolvedAgentConfig | None = None
    inputs: dict[str, Any] = Field(default_factory=dict)


class InvokeAgentResult(BaseModel):
    """What the agent answered; large output values are ``{"$artifact": uri}`` references."""

    outputs: dict[str, Any] = Field(default_factory=dict)
    usage: Usage = Field(default_factory=Usage)
    violations: list[SchemaViolationRecord] = Field(default_factory=list)
    tools_used: list[str] = Field(default_factory=list)
    attempt: int = 1


class LoadPlanInput(BaseModel):
    app_id: str
    #: The run's inputs, checked against the plan before the run goes on (optional: older
    #: workflows sent none).
    inputs: dict[str, Any] | None = None
