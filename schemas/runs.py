"""Runs: the workflow's input and result, progress, approvals and the runs API bodies."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from schemas.common import StrictModel, UtcDatetime
from schemas.invoke import Usage
from schemas.orchestration import ExecutionPlan
from schemas.triggers import RunTrigger

RunStatus = Literal["running", "completed", "failed", "canceled", "terminated", "timed_out"]
StepState = Literal[
    "pending", "running", "waiting_approval", "completed", "failed", "skipped", "canceled"
]


class RunInput(BaseModel):
    """``OrchestrationWorkflow``'s one input. Only ``app_id`` is required, so the
    Temporal CLI can start a run of the deployed release with just that and inputs."""

    app_id: str
    inputs: dict[str, Any] = Field(default_factory=dict)
    plan: ExecutionPlan | None = None
    release_id: str | None = None
    #: Set by the hub's own starters (the API, schedules, batches): the run records its
    #: end in the hub's ``runs`` table, and its history needs no ``workflow.patched``
    #: marker to say so (the marker costs every run an upsert of
    #: ``TemporalChangeVersion``). Unset (the Temporal CLI, starts from before the
    #: field): the patch decides, so histories from before the records still replay.
    records: bool = False
    #: Set with ``records`` by the hub's starters: the orchestrator worker writes the run's
    #: end as the workflow task that ends it completes (``activities.run_records``), so the
    #: workflow runs no ``record_run`` local activity for it. Unset (runs started before
    #: the field): the workflow records its end itself, as its history says.
    worker_records_end: bool = False


class StepProgress(BaseModel):
    step_id: str
    state: StepState = "pending"
    attempts: int = 0
    started_at: UtcDatetime | None = None
    ended_at: UtcDatetime | None = None
    error: str | None = None
    usage: Usage | None = None
    items_total: int | None = None
    items_done: int | None = None


class RunProgress(BaseModel):
    """Answer of the ``progress`` query."""

    app_id: str
    app_version: str = ""
    steps: list[StepProgress] = Field(default_factory=list)
    tokens: int = 0
    cost_usd: float = 0.0


class RunResult(BaseModel):
    """What ``OrchestrationWorkflow`` returns."""

    app_id: str
    app_version: str = ""
    outputs: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="step id -> output name -> value"
    )
    steps: list[StepProgress] = Field(default_factory=list)
    usage: Usage = Field(default_factory=Usage)
    total_tokens: int = 0
    cost_usd: float = 0.0


class ApprovalDecision(StrictModel):
    """Body of ``POST /runs/{run_id}/approvals`` and the workflow's ``approve`` update."""

    step_id: str
    approved: bool = True
    payload: dict[str, Any] = Field(default_factory=dict)
    comment: str = Field(default="", max_length=2000)
    approver: str = Field(default="", max_length=200)


class RunCreate(StrictModel):
    """Body of ``POST /apps/{app_id}/runs``."""

    inputs: dict[str, Any] = Field(default_factory=dict)
    draft: bool = Field(default=False, description="Run the current (undeployed) config.")


class RunStarted(BaseModel):
    run_id: str
    status: RunStatus
    app_id: str
    workflow_id: str
    temporal_ui_url: str | None = None


class RunPublic(BaseModel):
    run_id: str
    app_id: str
    status: RunStatus
    app_version: str = ""
    release_id: str | None = Field(
        default=None,
        description="The release the run was started with (null for a run of the draft): "
        "its orchestration is GET /apps/{app_id}/releases/{release_id}.",
    )
    started_at: UtcDatetime | None = None
    ended_at: UtcDatetime | None = None
    steps: list[StepProgress] = Field(default_factory=list)
    outputs: dict[str, dict[str, Any]] | None = None
    error: str | None = None
    temporal_ui_url: str | None = None
    trigger: RunTrigger | None = Field(
        default=None, description="What started the run: kind and the schedule/webhook/batch id."
    )


class RerunRequest(StrictModel):
    from_step: str
