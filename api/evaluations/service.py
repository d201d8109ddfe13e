"""Evaluations: a dataset's items run through the real engine and scored per field.

``POST /apps/{id}/evaluations`` records the evaluation (each item's inputs checked at
the door) and starts its ``EvaluationWorkflow`` (``workflows/evaluation.py``) on the
orchestrator workers: each item is an ordinary run of the release under test, tagged with
the evaluation's id (``HubEvaluationId`` and an ``evaluation_runs`` row) so that
production metrics and run listings leave it out, at most ``concurrency`` at once; items
are scored by an activity as their runs end (``schemas/evaluation_scoring.py``, and the
LLM judge when asked), the report is written to the ``evaluations`` row as it fills and,
at the end, logged to MLflow. Nothing of it lives in the API process: an API that stops
or crashes loses no evaluation. A gated deploy awaits its evaluations' workflows.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker
from temporalio.client import WorkflowFailureError
from temporalio.common import SearchAttributePair, TypedSearchAttributes
from temporalio.service import RPCError

from api.auth.principals import Principal, require_principal
from api.config import PromptResolver
from api.errors import ConflictError, InvalidInputError, NotFoundError
from api.releases.service import build_plan
from api.runs.service import artifact_lookup
from api.temporal import TemporalGateway, TemporalUnavailable
from schemas.evaluations import (
    EVALUATION_WORKFLOW_TYPE,
    EvaluationComparison,
    EvaluationPublic,
    EvaluationSummary,
    EvaluationWorkflowInput,
    FieldComparison,
    GatePublic,
    ItemComparison,
    ItemResult,
    JudgeConfig,
)
from schemas.names import ORCHESTRATOR_QUEUE
from schemas.orchestration import ExecutionPlan
from schemas.workflow_contract import EVALUATION_ID_KEY
from storage.artifacts import ArtifactStore
from storage.evaluations import (
    DatasetRepository,
    EvaluationRepository,
    dataset_public,
    evaluation_public,
)
from storage.models import App, AppGate, EvalDataset, Evaluation, utc_now
from storage.repositories import ReleaseRepository
from storage.run_inputs import run_input_problems

__all__ = ["dataset_public", "evaluation_public"]

logger = logging.getLogger(__name__)

DEFAULT_CONCURRENCY = 4
#: An item's run that has not ended after this long is canceled and the item fails.
DEFAULT_ITEM_TIMEOUT_SECONDS = 900.0
#: A field whose score moved by less than this counts as unchanged.
SCORE_EPSILON = 1e-9


def evaluation_summary(row: Evaluation) -> EvaluationSummary:
    return EvaluationSummary(
        id=row.id,
        app_id=row.app_id,
        dataset_id=row.dataset_id,
        release=row.release,
        app_version=row.app_version,
        status=row.status,  # type: ignore[arg-type]
        score=row.score,
        field_scores=dict(row.field_scores or {}),
        items_total=row.items_total,
        items_done=row.items_done,
        purpose=row.purpose,  # type: ignore[arg-type]
        judge=row.judge,
        created_at=row.created_at,
        finished_at=row.finished_at,
    )


def gate_public(row: AppGate) -> GatePublic:
    return GatePublic(
        app_id=row.app_id,
        dataset_id=row.dataset_id,
        min_score=row.min_score,
        max_field_drop=row.max_field_drop,
        judge=JudgeConfig.model_validate(row.judge) if row.judge else None,
        updated_at=row.updated_at,
        updated_by=row.updated_by,
    )


def require_dataset(session: Session, dataset_id: str, app: App | None = None) -> EvalDataset:
    """The dataset version, or a 404 (also when it belongs to another app than ``app``)."""
    row = DatasetRepository(session).get(dataset_id) if len(dataset_id) <= 100 else None
    if row is None or (app is not None and row.app_id != app.id):
        where = f" of app {app.id!r}" if app is not None else ""
        raise NotFoundError(
            f"Dataset {dataset_id!r}{where} not found; "
            "list them with GET /apps/{app_id}/datasets."
        )
    return row


@dataclass(frozen=True)
class Candidate:
    """What an evaluation runs: a plan, the release it comes from and its version."""

    label: str
    plan: ExecutionPlan
    release_id: str | None
    app_version: str


def resolve_release(
    session: Session, app: App, release: str, prompt_resolver: PromptResolver | None
) -> Candidate:
    """``deployed`` (the latest release), ``draft`` (the current config) or a version."""
    releases = ReleaseRepository(session)
    if release == "draft":
        version = f"{app.version}-draft"
        return Candidate("draft", build_plan(session, app, prompt_resolver, version), None, version)
    if release == "deployed":
        row = releases.latest(app.id) if app.status == "deployed" else None
        if row is None:
            raise ConflictError(
                f"App {app.id!r} is not deployed, so there is no deployed release to evaluate; "
                'evaluate "draft" or deploy first.'
            )
    else:
        row = next((r for r in releases.list_for_app(app.id) if r.version == release), None)
        if row is None:
            known = ", ".join(r.version for r in releases.list_for_app(app.id)) or "none"
            raise InvalidInputError.at(
                ("body", "release"),
                f"App {app.id!r} has no release {release!r} (releases: {known}); use "
                '"deployed", "draft" or one of its versions.',
            )
    return Candidate(release, ExecutionPlan.model_validate(row.plan), row.id, row.version)


@dataclass
class EvaluationRunner:
    """Records evaluations and starts their ``EvaluationWorkflow`` (``app.state.evaluations``).

    Nothing of an evaluation runs in the API process: the workflow (on the orchestrator
    workers) starts the item runs, scores them and writes the report, so an evaluation
    outlives the API that started it.
    """

    session_factory: sessionmaker[Session]
    gateway: TemporalGateway
    artifact_store: ArtifactStore | None
    mlflow_tracking_uri: str | None = None
    default_concurrency: int = DEFAULT_CONCURRENCY

    # ---------------------------------------------------------------- creating

    def create(
        self,
        app: App,
        dataset: EvalDataset,
        candidate: Candidate,
        principal: Principal,
        *,
        purpose: str = "manual",
        judge: JudgeConfig | None = None,
    ) -> str:
        """Record a running evaluation (own transaction) and lock the dataset version.

        Each item's inputs are checked at the door here, as ``POST /runs`` does (with the
        caller's rights on the artifacts they name): an item refused fails alone, with
        the message, and no run is started for it."""
        who = require_principal(principal)
        with self.session_factory() as session:
            lookup = artifact_lookup(session, self.artifact_store, who)
            items = []
            for index, item in enumerate(dataset.items):
                inputs = item.get("inputs") or {}
                result = ItemResult(index=index, inputs=inputs)
                problems = run_input_problems(candidate.plan, inputs, lookup)
                if problems:
                    result.status = "failed"
                    result.error = "; ".join(dict.fromkeys(p.message for p in problems))
                items.append(result.model_dump(mode="json"))
            row = EvaluationRepository(session).add(
                Evaluation(
                    app_id=app.id,
                    dataset_id=dataset.id,
                    release=candidate.label,
                    release_id=candidate.release_id,
                    app_version=candidate.app_version,
                    status="running",
                    purpose=purpose,
                    judge=judge is not None,
                    judge_config=judge.model_dump(mode="json") if judge else None,
                    field_scores={},
                    items=items,
                    items_total=len(dataset.items),
                    items_done=0,
                    cost_usd=0.0,
                    created_by=who.subject,
                    created_at=utc_now(),
                )
            )
            stored = DatasetRepository(session).get(dataset.id)
            if stored is not None:
                DatasetRepository(session).lock(stored)
            session.commit()
            return row.id

    async def start(
        self,
        evaluation_id: str,
        candidate: Candidate,
        concurrency: int | None = None,
        item_timeout: float | None = None,
        judge: JudgeConfig | None = None,
    ) -> None:
        """Start the evaluation's workflow (its id is the evaluation's). When Temporal
        cannot take it the evaluation is marked failed and the error raised."""
        with self.session_factory() as session:
            row = EvaluationRepository(session).get(evaluation_id)
            assert row is not None
            app_id, total = row.app_id, row.items_total
        try:
            client = await self.gateway.client()
            await client.start_workflow(
                EVALUATION_WORKFLOW_TYPE,
                EvaluationWorkflowInput(
                    evaluation_id=evaluation_id,
                    app_id=app_id,
                    plan=candidate.plan,
                    release_id=candidate.release_id,
                    items_total=total,
                    concurrency=concurrency or self.default_concurrency,
                    item_timeout_seconds=item_timeout or DEFAULT_ITEM_TIMEOUT_SECONDS,
                    judge=judge,
                ),
                id=evaluation_id,
                task_queue=ORCHESTRATOR_QUEUE,
                search_attributes=TypedSearchAttributes(
                    [SearchAttributePair(EVALUATION_ID_KEY, evaluation_id)]
                ),
            )
        except (RPCError, TemporalUnavailable) as exc:
            self._fail(evaluation_id, f"the evaluation could not be started: {exc}")
            raise
        with self.session_factory() as session:
            row = EvaluationRepository(session).get(evaluation_id)
            if row is not None:
                row.workflow_id = evaluation_id
                session.commit()

    async def wait(self, evaluation_id: str) -> EvaluationPublic:
        """The report once the evaluation's workflow has ended."""
        client = await self.gateway.client()
        try:
            await client.get_workflow_handle(evaluation_id).result()
        except WorkflowFailureError:
            logger.info("evaluation %s failed", evaluation_id)
        with self.session_factory() as session:
            row = EvaluationRepository(session).get(evaluation_id)
            assert row is not None
            return evaluation_public(row, DatasetRepository(session).get(row.dataset_id))

    def _fail(self, evaluation_id: str, message: str) -> None:
        with self.session_factory() as session:
            row = EvaluationRepository(session).get(evaluation_id)
            if row is not None and row.status == "running":
                row.status = "failed"
                row.error = message
                row.finished_at = utc_now()
                session.commit()


def _release_order(
    evaluation: EvaluationPublic,
) -> tuple[tuple[int, ...], bool, datetime, str]:
    """Sort key: the release's version, a draft after the release it starts from, then
    the evaluation's own age."""
    version, _, suffix = evaluation.app_version.partition("-")
    parts = version.split(".")
    numbers = tuple(int(p) for p in parts) if all(p.isdigit() for p in parts) else (0,)
    return numbers, bool(suffix), evaluation.created_at, evaluation.id


def baseline_and_candidate(
    first: EvaluationPublic, second: EvaluationPublic
) -> tuple[EvaluationPublic, EvaluationPublic]:
    """The evaluation of the older release is the baseline, the other the candidate."""
    baseline, candidate = sorted((first, second), key=_release_order)
    return baseline, candidate


def _release_label(evaluation: EvaluationPublic) -> str:
    """``deployed 1.1.0``, ``candidate 1.2.0``; a version alone when it was asked for."""
    if evaluation.release == evaluation.app_version or not evaluation.app_version:
        return evaluation.release
    return f"{evaluation.release} {evaluation.app_version}"


def compare(baseline: EvaluationPublic, candidate: EvaluationPublic) -> EvaluationComparison:
    """Field by field, regressions (candidate below baseline) first, worst first."""
    fields: list[FieldComparison] = []
    for key in sorted(set(baseline.field_scores) | set(candidate.field_scores)):
        before = baseline.field_scores.get(key)
        after = candidate.field_scores.get(key)
        if before is None:
            fields.append(FieldComparison(field=key, candidate=after, change="added"))
            continue
        if after is None:
            fields.append(FieldComparison(field=key, baseline=before, change="removed"))
            continue
        delta = after - before
        change = (
            "regressed"
            if delta < -SCORE_EPSILON
            else "improved"
            if delta > SCORE_EPSILON
            else "unchanged"
        )
        fields.append(
            FieldComparison(field=key, baseline=before, candidate=after, delta=delta, change=change)
        )
    order = {"regressed": 0, "removed": 1, "improved": 2, "added": 3, "unchanged": 4}
    fields.sort(key=lambda f: (order[f.change], f.delta if f.delta is not None else 0.0, f.field))
    item_regressions: list[ItemComparison] = []
    before_items = {i.index: i for i in baseline.items}
    for item in candidate.items:
        previous = before_items.get(item.index)
        if previous is None:
            continue
        earlier = {f.field: f for f in previous.fields}
        for result in item.fields:
            old = earlier.get(result.field)
            if old is not None and result.score < old.score - SCORE_EPSILON:
                item_regressions.append(
                    ItemComparison(
                        index=item.index,
                        field=result.field,
                        baseline=old.score,
                        candidate=result.score,
                        baseline_actual=old.actual,
                        candidate_actual=result.actual,
                        expected=result.expected,
                    )
                )
    item_regressions.sort(key=lambda i: ((i.candidate or 0) - (i.baseline or 0), i.index, i.field))
    score_delta = (
        candidate.score - baseline.score
        if candidate.score is not None and baseline.score is not None
        else None
    )
    return EvaluationComparison(
        baseline_id=baseline.id,
        candidate_id=candidate.id,
        baseline_release=_release_label(baseline),
        candidate_release=_release_label(candidate),
        baseline_score=baseline.score,
        candidate_score=candidate.score,
        score_delta=score_delta,
        regressions=sum(1 for f in fields if f.change in ("regressed", "removed")),
        fields=fields,
        item_regressions=item_regressions,
        same_dataset=baseline.dataset_id == candidate.dataset_id,
    )
