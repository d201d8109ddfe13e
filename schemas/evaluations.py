"""Evaluations and release gates: datasets, evaluation reports, comparisons and gates.

A dataset holds items of run ``inputs`` with ``expected`` values keyed by
``<output>.<field path>`` (``mapped_data.annual_revenue``, ``final_report.risk_grade``,
``risk_analysis.reasons.0``). An expectation is a plain value (exact), or an object:
``{"value": v, "tolerance": t}`` (numeric with tolerance), ``{"present": true}``,
``{"one_of": [...]}``, ``{"text": "..."}`` (normalised text) or ``{"set": [...]}``
(the same items in any order).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

from schemas.common import StrictModel, UtcDatetime
from schemas.orchestration import ExecutionPlan

#: Longest ``<output>.<field path>`` key accepted in ``expected``.
MAX_FIELD_KEY_LENGTH = 300
MAX_DATASET_ITEMS = 500

EvaluationStatus = Literal["running", "completed", "failed"]
ScorerName = Literal["exact", "numeric", "text", "set", "present", "one_of", "judge"]
FieldChange = Literal["regressed", "improved", "unchanged", "added", "removed"]


#: Workflow type of an evaluation's driver (a name that outlives code).
EVALUATION_WORKFLOW_TYPE = "EvaluationWorkflow"
#: Activities of the evaluation workflow (names that outlive code).
START_EVALUATION_ITEM_ACTIVITY = "start_evaluation_item"
SCORE_EVALUATION_ITEM_ACTIVITY = "score_evaluation_item"
FINISH_EVALUATION_ACTIVITY = "finish_evaluation"
FAIL_EVALUATION_ACTIVITY = "fail_evaluation"
DEFAULT_JUDGE_RUBRIC = (
    "Does the actual value mean the same as the expected value for this field? "
    "Score 1 for a full match in meaning, 0 for a wrong or missing value, and a value "
    "in between for a partial match."
)


class JudgeConfig(StrictModel):
    """An LLM judge (opt-in): a model scores whether an output field matches its
    expectation, 0–1. The key is read by the worker from its environment (the provider's
    usual variable, or ``api_key_ref: env:NAME``); it is never stored nor sent to Temporal."""

    provider: Literal[
        "openai", "azure_openai", "anthropic", "aws_bedrock", "google_vertex", "local"
    ] = "openai"
    model: str = Field(min_length=1, max_length=200, examples=["gpt-4o-mini"])
    rubric: str = Field(default=DEFAULT_JUDGE_RUBRIC, min_length=1, max_length=4000)
    #: Expected keys the judge scores (instead of their code scorer); empty: every key.
    fields: list[str] = Field(default_factory=list, max_length=200)
    api_key_ref: str | None = Field(
        default=None,
        max_length=200,
        pattern=r"^env:[A-Za-z_][A-Za-z0-9_]*$",
        description="`env:NAME`: the worker's environment variable holding the key.",
    )


class DatasetItem(StrictModel):
    """One case: the run's inputs and what its outputs should hold."""

    inputs: dict[str, Any] = Field(default_factory=dict, description="The run's inputs.")
    expected: dict[str, Any] = Field(
        description='`"<output>.<field path>"` → a value (exact), `{"value": v, '
        '"tolerance": t}`, `{"present": true}`, `{"one_of": [...]}`, `{"text": "..."}` '
        'or `{"set": [...]}`.',
        min_length=1,
    )

    @field_validator("expected")
    @classmethod
    def _keys_name_an_output_field(cls, value: dict[str, Any]) -> dict[str, Any]:
        for key in value:
            if not key or len(key) > MAX_FIELD_KEY_LENGTH or key.startswith("."):
                raise ValueError(
                    f"expected key {key!r} must be '<output>.<field path>' "
                    f"(at most {MAX_FIELD_KEY_LENGTH} characters)"
                )
        return value


class DatasetCreate(StrictModel):
    """Body of ``POST /apps/{id}/datasets``; a name already used makes its next version."""

    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=2000)
    items: list[DatasetItem] = Field(min_length=1, max_length=MAX_DATASET_ITEMS)


class DatasetUpdate(StrictModel):
    """Body of ``PUT /datasets/{id}``: replaces the items of a version no evaluation used."""

    description: str | None = Field(default=None, max_length=2000)
    items: list[DatasetItem] = Field(min_length=1, max_length=MAX_DATASET_ITEMS)


class DatasetPublic(BaseModel):
    id: str
    app_id: str
    name: str
    version: int
    description: str = ""
    items: list[DatasetItem] = Field(default_factory=list)
    item_count: int = 0
    #: Set once an evaluation used this version: it can no longer change.
    locked: bool = False
    storage: Literal["database", "mlflow"] = "database"
    mlflow_dataset_id: str | None = None
    created_at: UtcDatetime
    created_by: str = ""


class EvaluationCreate(StrictModel):
    """Body of ``POST /apps/{id}/evaluations``."""

    dataset_id: str = Field(min_length=1, max_length=100)
    release: str = Field(
        default="deployed",
        min_length=1,
        max_length=60,
        description='`"deployed"`, `"draft"` (the current config) or a release version.',
    )
    concurrency: int | None = Field(
        default=None, ge=1, le=32, description="Runs in flight at once (default 4)."
    )
    item_timeout_seconds: float | None = Field(
        default=None,
        gt=0,
        le=86_400,
        description="An item's run still going after this is canceled and the item fails "
        "(default 900).",
    )
    judge: JudgeConfig | None = Field(
        default=None,
        description="An LLM judge scoring the fields it names (off by default; the code "
        "scorers score the others).",
    )


class FieldResult(BaseModel):
    """One expectation of one item, scored."""

    field: str
    scorer: ScorerName
    expected: Any = None
    actual: Any = None
    score: float


class ItemResult(BaseModel):
    index: int
    inputs: dict[str, Any] = Field(default_factory=dict)
    run_id: str | None = None
    status: str = "pending"
    score: float | None = None
    fields: list[FieldResult] = Field(default_factory=list)
    cost_usd: float = 0.0
    latency_ms: float | None = None
    tokens: int = 0
    error: str | None = None


class EvaluationPublic(BaseModel):
    """``GET /evaluations/{id}``: the report."""

    id: str
    app_id: str
    dataset_id: str
    dataset_name: str = ""
    dataset_version: int = 0
    release: str
    release_id: str | None = None
    app_version: str = ""
    status: EvaluationStatus
    #: Mean of every expectation's score over every item (0–1); ``None`` until done.
    score: float | None = None
    #: Per ``<output>.<field path>``: the mean of its scores over the items expecting it.
    field_scores: dict[str, float] = Field(default_factory=dict)
    items_total: int = 0
    items_done: int = 0
    items: list[ItemResult] = Field(default_factory=list)
    cost_usd: float = 0.0
    latency_p50_ms: float | None = None
    latency_max_ms: float | None = None
    purpose: Literal["manual", "gate"] = "manual"
    judge: bool = False
    judge_config: JudgeConfig | None = None
    #: Whether a durable ``EvaluationWorkflow`` drives it (its Temporal workflow id is ``id``).
    workflow_id: str | None = None
    mlflow_run_id: str | None = None
    error: str | None = None
    created_at: UtcDatetime
    finished_at: UtcDatetime | None = None
    created_by: str = ""


class EvaluationSummary(BaseModel):
    """An evaluation in a list (no per-item results)."""

    id: str
    app_id: str
    dataset_id: str
    release: str
    app_version: str = ""
    status: EvaluationStatus
    score: float | None = None
    field_scores: dict[str, float] = Field(default_factory=dict)
    items_total: int = 0
    items_done: int = 0
    purpose: Literal["manual", "gate"] = "manual"
    judge: bool = False
    created_at: UtcDatetime
    finished_at: UtcDatetime | None = None


class FieldComparison(BaseModel):
    field: str
    baseline: float | None = None
    candidate: float | None = None
    delta: float | None = None
    change: FieldChange


class ItemComparison(BaseModel):
    index: int
    field: str
    baseline: float | None = None
    candidate: float | None = None
    baseline_actual: Any = None
    candidate_actual: Any = None
    expected: Any = None


class EvaluationComparison(BaseModel):
    """``GET /evaluations/{id}/compare/{other_id}``: regressions first.

    The evaluation of the older release is the baseline (by version; a draft comes after
    the release it starts from; the same release: the older evaluation), the other the
    candidate; deltas are candidate − baseline.
    """

    baseline_id: str
    candidate_id: str
    baseline_release: str = ""
    candidate_release: str = ""
    baseline_score: float | None = None
    candidate_score: float | None = None
    score_delta: float | None = None
    regressions: int = 0
    fields: list[FieldComparison] = Field(default_factory=list)
    #: Item-level scores that dropped, worst first.
    item_regressions: list[ItemComparison] = Field(default_factory=list)
    same_dataset: bool = True


class GateConfig(StrictModel):
    """Body of ``PUT /apps/{id}/gate``."""

    dataset_id: str = Field(min_length=1, max_length=100)
    min_score: float = Field(default=0.0, ge=0.0, le=1.0)
    max_field_drop: float = Field(default=1.0, ge=0.0, le=1.0)
    judge: JudgeConfig | None = Field(
        default=None, description="An LLM judge for the gate's evaluations (off by default)."
    )


class GatePublic(BaseModel):
    app_id: str
    dataset_id: str
    min_score: float
    max_field_drop: float
    judge: JudgeConfig | None = None
    updated_at: UtcDatetime
    updated_by: str = ""


class GateReport(BaseModel):
    """Why a deploy was refused (the 409's ``report``), or what let it through."""

    passed: bool
    reasons: list[str] = Field(default_factory=list)
    gate: GatePublic
    candidate: EvaluationPublic
    baseline: EvaluationPublic | None = None
    comparison: EvaluationComparison | None = None


class GateRefusal(BaseModel):
    """The 409 of a deploy: ``report`` when the release gate refused it; without one the
    app could not be deployed at all (archived, no orchestration)."""

    detail: str
    report: GateReport | None = None


# --- the evaluation workflow's contracts ------------------------------------------------


class EvaluationWorkflowInput(BaseModel):
    """What ``EvaluationWorkflow`` runs: the release's plan over the dataset's items."""

    evaluation_id: str
    app_id: str
    plan: ExecutionPlan
    release_id: str | None = None
    items_total: int
    concurrency: int = 4
    item_timeout_seconds: float = 900.0
    judge: JudgeConfig | None = None


class EvaluationItemToRun(BaseModel):
    """An item ready to run (``run_id`` set: its run's row exists) or refused at the door
    (``error`` set, nothing to run)."""

    index: int
    run_id: str | None = None
    inputs: dict[str, Any] = Field(default_factory=dict)
    error: str | None = None


class EvaluationItemOutcome(BaseModel):
    """How an item's run ended, for the scoring activity."""

    evaluation_id: str
    index: int
    run_id: str | None = None
    status: str = "failed"
    outputs: dict[str, Any] | None = None
    error: str | None = None
    cost_usd: float = 0.0
    tokens: int = 0
    latency_ms: float | None = None
    judge: JudgeConfig | None = None


class FinishEvaluation(BaseModel):
    evaluation_id: str
    status: Literal["completed", "failed"] = "completed"
    error: str | None = None
