"""Observability API bodies: runs, traces (spans), metrics, schema violations, run events."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from schemas.common import UtcDatetime
from schemas.runs import RunStatus
from schemas.triggers import RunTrigger

SpanKind = Literal["run", "step", "attempt"]
SpanStatus = Literal[
    "scheduled", "running", "completed", "failed", "timed_out", "canceled", "terminated", "retrying"
]


class RunSummaryPublic(BaseModel):
    """One run in ``GET /observability/runs``."""

    run_id: str
    app_id: str = ""
    app_version: str = ""
    status: RunStatus
    started_at: UtcDatetime
    ended_at: UtcDatetime | None = None
    duration_ms: float | None = None
    steps_completed: int = 0
    steps_failed: int = 0
    attempts: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    tokens: int = 0
    cost_usd: float = 0.0
    agent_types: list[str] = Field(default_factory=list)
    temporal_ui_url: str | None = None
    trigger: RunTrigger | None = None


class RunSummaryPage(BaseModel):
    items: list[RunSummaryPublic]
    next_cursor: str | None = Field(
        default=None, description="Pass as `cursor` for the next page; absent on the last page."
    )


class Span(BaseModel):
    """A run, one of its steps, or one attempt of a step; ``parent_id`` nests them."""

    span_id: str
    parent_id: str | None = None
    kind: SpanKind
    name: str
    status: SpanStatus
    step_id: str | None = None
    item_index: int | None = None
    attempt: int | None = None
    scheduled_at: UtcDatetime | None = None
    started_at: UtcDatetime | None = None
    ended_at: UtcDatetime | None = None
    duration_ms: float | None = None
    error: str | None = None
    error_type: str | None = None
    retry_reason: str | None = Field(
        default=None, description="Why this attempt happened: the previous attempt's error."
    )
    agent_id: str | None = None
    agent_type: str | None = None
    task_queue: str | None = None
    prompt_versions: dict[str, str] = Field(default_factory=dict)
    model: str | None = None
    provider: str | None = None
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    schema_violations: int = 0
    warnings: list[str] = Field(
        default_factory=list,
        description="What the attempt completed without, as `pointer: message` (e.g. "
        "`/financials/ebitda: not found in the document`).",
    )
    inputs_ref: dict[str, Any] | None = Field(
        default=None, description="History event and input field names; artifact URIs."
    )
    outputs_ref: dict[str, Any] | None = Field(
        default=None, description="History event and output field names; artifact URIs."
    )


class RunTrace(BaseModel):
    run_id: str
    app_id: str = ""
    status: RunStatus
    temporal_ui_url: str | None = None
    spans: list[Span]


class AgentTypeMetrics(BaseModel):
    agent_type: str
    task_queue: str
    calls: int = 0
    failures: int = 0
    retries: int = 0
    latency_p50_ms: float | None = None
    latency_p95_ms: float | None = None
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    schema_violations: int = 0
    backlog: int | None = Field(
        default=None,
        description="Approximate backlog of the agent task queue (DescribeTaskQueue); null "
        "when Temporal could not say.",
    )


class DailyCost(BaseModel):
    day: str
    app_id: str
    cost_usd: float
    tokens: int


class ModelCost(BaseModel):
    """Attempts, tokens and cost of one model in the window (``""``: none reported)."""

    model: str
    calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0


class MetricsPublic(BaseModel):
    """``GET /observability/metrics``."""

    scope: Literal["platform", "app", "agent_type"]
    app_id: str | None = None
    agent_type: str | None = None
    since: UtcDatetime
    until: UtcDatetime
    runs_by_status: dict[str, int] = Field(default_factory=dict)
    runs_total: int = 0
    success_rate: float | None = Field(
        default=None, description="completed / finished runs in the window."
    )
    run_duration_p50_ms: float | None = None
    run_duration_p95_ms: float | None = None
    run_duration_p99_ms: float | None = None
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    schema_violations: int = 0
    agent_types: list[AgentTypeMetrics] = Field(default_factory=list)
    cost_by_day: list[DailyCost] = Field(default_factory=list)
    by_model: list[ModelCost] = Field(
        default_factory=list,
        description="Cost per model: calls, tokens and cost of each model's attempts.",
    )
    temporal_read_at: UtcDatetime | None = Field(
        default=None,
        description=(
            "When the figures read from Temporal (finished runs copied from visibility, "
            "the running count, the queue backlogs) were read: the oldest of them, at most "
            "HUB_METRICS_TEMPORAL_MAX_AGE_SECONDS (2 s) before the request."
        ),
    )


class ViolationPublic(BaseModel):
    id: int
    run_id: str
    app_id: str
    step_id: str
    activity_id: str
    agent_id: str
    agent_type: str
    pointer: str = Field(description="JSON pointer into the agent's output.")
    message: str
    attempt: int = Field(description="The step attempt (Temporal's).")
    repair_attempt: int = Field(description="The agent's repair round that produced it.")
    severity: Literal["error", "warning"] = Field(
        default="error",
        description="`error`: the output broke its schema; `warning`: the output is valid but "
        "a field is missing (e.g. a figure not found in the document).",
    )
    created_at: UtcDatetime


class ViolationPage(BaseModel):
    items: list[ViolationPublic]
    next_cursor: str | None = None


class RunEvent(BaseModel):
    """One Server-Sent Event of ``GET /runs/{run_id}/events``."""

    seq: int
    event: Literal["step", "run"]
    run_id: str
    step_id: str | None = None
    state: str
    attempts: int | None = None
    items_done: int | None = None
    items_total: int | None = None
    error: str | None = None
    at: UtcDatetime | None = None
