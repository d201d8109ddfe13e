"""Triggers of runs: schedules, signed webhooks and batches (API bodies and the batch
workflow's contracts)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AliasChoices, BaseModel, Field

from schemas.common import StrictModel, UtcDatetime

#: Temporal keeps a schedule's note in at most 1000 bytes: 250 characters fit whatever they are.
NOTE_MAX_CHARS = 250

TriggerKind = Literal["schedule", "webhook", "batch", "api", "cli"]
TRIGGER_KINDS: tuple[str, ...] = ("schedule", "webhook", "batch", "api", "cli")

OverlapPolicy = Literal["skip", "buffer_one", "allow_all"]

#: Workflow type of a batch's parent workflow (a name that outlives code).
BATCH_WORKFLOW_TYPE = "BatchWorkflow"
#: Activities of the batch workflow (names that outlive code).
CLAIM_BATCH_ITEMS_ACTIVITY = "claim_batch_items"
RECORD_BATCH_ITEM_ACTIVITY = "record_batch_item"
FINISH_BATCH_ACTIVITY = "finish_batch"


class RunTrigger(BaseModel):
    """What started a run: ``kind`` and the schedule, webhook or batch id (``None`` for
    ``api`` and ``cli``)."""

    kind: TriggerKind
    id: str | None = None


# --- schedules -------------------------------------------------------------------------


class ScheduleCreate(StrictModel):
    """Body of ``POST /apps/{id}/schedules``: ``cron`` or ``interval_seconds``."""

    cron: str | None = Field(default=None, max_length=200, examples=["0 7 * * MON"])
    interval_seconds: int | None = Field(default=None, ge=1, le=366 * 24 * 3600)
    timezone: str = Field(default="UTC", max_length=100, examples=["Europe/Oslo"])
    inputs: dict[str, Any] = Field(default_factory=dict)
    overlap: OverlapPolicy = "skip"
    catchup_window_seconds: int | None = Field(default=None, ge=10, le=366 * 24 * 3600)
    paused: bool = False
    note: str = Field(default="", max_length=NOTE_MAX_CHARS)


class ScheduleUpdate(StrictModel):
    """Body of ``PATCH /schedules/{id}``: the fields to change."""

    cron: str | None = Field(default=None, max_length=200)
    interval_seconds: int | None = Field(default=None, ge=1, le=366 * 24 * 3600)
    timezone: str | None = Field(default=None, max_length=100)
    inputs: dict[str, Any] | None = None
    overlap: OverlapPolicy | None = None
    catchup_window_seconds: int | None = Field(default=None, ge=10, le=366 * 24 * 3600)
    paused: bool | None = None
    note: str | None = Field(default=None, max_length=NOTE_MAX_CHARS)


class ScheduleNote(StrictModel):
    """Optional body of ``POST /schedules/{id}/pause|unpause``."""

    note: str = Field(default="", max_length=NOTE_MAX_CHARS)


class ScheduleBackfill(StrictModel):
    """Body of ``POST /schedules/{id}/backfill``: the fire times in ``[start, end)`` run now
    (``start``/``end`` and ``start_at``/``end_at`` are accepted too)."""

    start_time: UtcDatetime = Field(
        validation_alias=AliasChoices("start_time", "start_at", "start", "from")
    )
    end_time: UtcDatetime = Field(
        validation_alias=AliasChoices("end_time", "end_at", "end", "to"),
        description="Must be after start_time (else 422).",
        json_schema_extra={"x-hub-after": "start_time"},
    )
    overlap: OverlapPolicy = "allow_all"


class SchedulePublic(BaseModel):
    id: str
    app_id: str
    cron: str | None = None
    interval_seconds: int | None = None
    timezone: str = "UTC"
    inputs: dict[str, Any] = Field(default_factory=dict)
    overlap: OverlapPolicy = "skip"
    catchup_window_seconds: int | None = None
    paused: bool = False
    note: str = ""
    next_fire_times: list[UtcDatetime] = Field(default_factory=list)
    recent_runs: list[str] = Field(
        default_factory=list, description="Run ids of the latest fires, newest last."
    )
    created_at: UtcDatetime | None = None
    updated_at: UtcDatetime | None = None


# --- webhooks --------------------------------------------------------------------------

#: An RFC 6901 pointer: empty (the whole body) or starting with ``/``.
JsonPointer = Annotated[str, Field(pattern="^(/|$)")]


class WebhookCreate(StrictModel):
    """Body of ``POST /apps/{id}/webhooks``."""

    input_mapping: dict[str, JsonPointer] = Field(
        description="Run input name → JSON pointer (RFC 6901) into the posted body.",
        examples=[{"document": "/data/file_uri"}],
    )
    idempotency_pointer: str | None = Field(
        default=None,
        max_length=500,
        pattern="^/",
        description="JSON pointer of a body field that identifies the event (used when no "
        "Idempotency-Key header is sent).",
    )
    rate_limit_per_minute: int = Field(default=600, ge=1, le=100_000)
    note: str = Field(default="", max_length=2000)


class WebhookUpdate(StrictModel):
    input_mapping: dict[str, JsonPointer] | None = None
    idempotency_pointer: str | None = Field(default=None, max_length=500, pattern="^/")
    rate_limit_per_minute: int | None = Field(default=None, ge=1, le=100_000)
    note: str | None = Field(default=None, max_length=2000)


class WebhookRotate(StrictModel):
    """Body of ``POST /webhooks/{id}/rotate-secret``: how long the old secret stays valid."""

    overlap_seconds: int = Field(default=3600, ge=0, le=30 * 24 * 3600)


class WebhookPublic(BaseModel):
    id: str
    app_id: str
    url: str
    input_mapping: dict[str, str]
    idempotency_pointer: str | None = None
    rate_limit_per_minute: int
    note: str = ""
    previous_secret_expires_at: UtcDatetime | None = None
    created_at: UtcDatetime | None = None
    #: Only in the answers of create and rotate-secret: shown once, never again.
    secret: str | None = None


class WebhookAccepted(BaseModel):
    """Answer of ``POST /hooks/{id}``."""

    run_id: str
    status: str
    app_id: str
    webhook_id: str
    created: bool = True


# --- batches ---------------------------------------------------------------------------

BatchStatus = Literal["running", "completed", "failed", "canceled"]
BatchItemStatus = Literal["pending", "running", "completed", "failed", "canceled"]


class BatchItemCreate(StrictModel):
    inputs: dict[str, Any] = Field(default_factory=dict)


class BatchCreate(StrictModel):
    """Body of ``POST /apps/{id}/batches``: ``items``, or ``archive`` (a zip artifact)
    with ``input_field``."""

    items: list[BatchItemCreate] | None = None
    archive: str | None = Field(default=None, max_length=300, examples=["artifact://art-…"])
    input_field: str = Field(default="document", max_length=200)
    inputs: dict[str, Any] = Field(
        default_factory=dict, description="Inputs every item gets (an item's own win)."
    )
    max_concurrency: int = Field(default=8, ge=1, le=256)
    max_cost_usd: float | None = Field(default=None, ge=0)


class BatchStarted(BaseModel):
    batch_id: str
    status: BatchStatus
    app_id: str
    total: int


class BatchCounts(BaseModel):
    total: int = 0
    pending: int = 0
    running: int = 0
    completed: int = 0
    failed: int = 0
    canceled: int = 0


class BatchItemPublic(BaseModel):
    position: int
    status: BatchItemStatus
    run_id: str | None = None
    inputs: dict[str, Any] = Field(default_factory=dict)
    error: str | None = None
    cost_usd: float = 0.0


class BatchPublic(BaseModel):
    batch_id: str
    app_id: str
    status: BatchStatus
    counts: BatchCounts
    cost_usd: float = 0.0
    max_cost_usd: float | None = None
    max_concurrency: int
    error: str | None = None
    created_at: UtcDatetime | None = None
    ended_at: UtcDatetime | None = None
    items: list[BatchItemPublic] = Field(default_factory=list)
    items_limit: int = 100
    items_offset: int = 0
    results_csv: str = ""
    results_jsonl: str = ""


class BatchWorkflowInput(BaseModel):
    """``BatchWorkflow``'s input; ``started`` carries the count across continue-as-new."""

    batch_id: str
    app_id: str
    max_concurrency: int = 8
    max_cost_usd: float | None = None
    cost_usd: float = 0.0
    started: int = 0
    #: Items at or before this position were handed to an earlier claim.
    after_position: int = -1


class ClaimBatchItems(BaseModel):
    batch_id: str
    app_id: str
    limit: int
    after_position: int = -1


class BatchItemToRun(BaseModel):
    position: int
    run_id: str
    inputs: dict[str, Any] = Field(default_factory=dict)


class BatchItemOutcome(BaseModel):
    batch_id: str
    position: int
    status: BatchItemStatus
    outputs: dict[str, Any] | None = None
    error: str | None = None
    cost_usd: float = 0.0


class FinishBatch(BaseModel):
    batch_id: str
    status: BatchStatus
    cost_usd: float = 0.0
    error: str | None = None
