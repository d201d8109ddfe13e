"""Evaluations: a dataset's items run through the real engine and scored per field.

Each item is an ordinary run (``RunService.start``) of the release under test, tagged
with the evaluation's id (``HubEvaluationId`` and an ``evaluation_runs`` row) so that
production metrics and run listings leave it out. At most ``concurrency`` runs are in
flight at once. Items are scored as their runs end (``api/evaluations/scoring.py``); the
report is written to the ``evaluations`` row as it fills and, at the end, logged to
MLflow (an experiment per app, a run per evaluation with its scores as metrics).

``POST /apps/{id}/evaluations`` runs an evaluation in the background of the API process;
a gated deploy awaits one inside its request. An evaluation interrupted by the API
stopping is marked failed (start it again).
"""

from __future__ import annotations

import asyncio
import json
import logging
import statistics
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session, sessionmaker
from temporalio.client import WorkflowFailureError
from temporalio.service import RPCError

from api.auth.principals import Principal
from api.config import PromptResolver
from api.errors import ConflictError, InvalidInputError, NotFoundError
from api.evaluations.scoring import aggregate, score_item
from api.releases.service import build_plan
from api.runs.service import RunService
from api.temporal import TemporalGateway, TemporalUnavailable
from schemas.artifacts import ARTIFACT_REF_KEY, ArtifactRef, artifact_id_from_uri
from schemas.evaluations import (
    DatasetItem,
    DatasetPublic,
    EvaluationComparison,
    EvaluationPublic,
    EvaluationSummary,
    FieldComparison,
    GatePublic,
    ItemComparison,
    ItemResult,
)
from schemas.orchestration import ExecutionPlan
from schemas.runs import RunResult
from schemas.workflow_contract import failure_message
from storage.artifacts import ArtifactNotFound, ArtifactStore
from storage.evaluations import DatasetRepository, EvaluationRepository
from storage.mlflow_evaluations import log_to_mlflow
from storage.models import App, AppGate, EvalDataset, Evaluation, utc_now
from storage.repositories import ReleaseRepository
from storage.run_inputs import run_input_problems
from storage.security import ArtifactOwnerRepository

logger = logging.getLogger(__name__)

DEFAULT_CONCURRENCY = 4
#: An item's run that has not ended after this long is canceled and the item fails.
DEFAULT_ITEM_TIMEOUT_SECONDS = 900.0
#: A field whose score moved by less than this counts as unchanged.
SCORE_EPSILON = 1e-9


def iso(value: Any) -> str | None:
    return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ") if value is not None else None


def dataset_public(row: EvalDataset, *, with_items: bool = True) -> DatasetPublic:
    return DatasetPublic(
        id=row.id,
        app_id=row.app_id,
        name=row.name,
        version=row.version,
        description=row.description,
        items=[DatasetItem.model_validate(i) for i in row.items] if with_items else [],
        item_count=len(row.items),
        locked=row.locked_at is not None,
        storage="mlflow" if row.mlflow_dataset_id else "database",
        mlflow_dataset_id=row.mlflow_dataset_id,
        created_at=iso(row.created_at) or "",
        created_by=row.created_by,
    )


def evaluation_public(row: Evaluation, dataset: EvalDataset | None = None) -> EvaluationPublic:
    return EvaluationPublic(
        id=row.id,
        app_id=row.app_id,
        dataset_id=row.dataset_id,
        dataset_name=dataset.name if dataset else "",
        dataset_version=dataset.version if dataset else 0,
        release=row.release,
        release_id=row.release_id,
        app_version=row.app_version,
        status=row.status,  # type: ignore[arg-type]
        score=row.score,
        field_scores=dict(row.field_scores or {}),
        items_total=row.items_total,
        items_done=row.items_done,
        items=[ItemResult.model_validate(i) for i in row.items or []],
        cost_usd=row.cost_usd,
        latency_p50_ms=row.latency_p50_ms,
        latency_max_ms=row.latency_max_ms,
        purpose=row.purpose,  # type: ignore[arg-type]
        judge=row.judge,
        mlflow_run_id=row.mlflow_run_id,
        error=row.error,
        created_at=iso(row.created_at) or "",
        finished_at=iso(row.finished_at),
        created_by=row.created_by,
    )


def evaluation_summary(row: Evaluation) -> EvaluationSummary:
    return EvaluationSummary(
        id=row.id,
        app_id=row.app_id,
        dataset_id=row.dataset_id,
        release=row.release,
        app_version=row.app_version,
        status=row.status,  # type: ignore[arg-type]
        score=row.score,
        purpose=row.purpose,  # type: ignore[arg-type]
        created_at=iso(row.created_at) or "",
        finished_at=iso(row.finished_at),
    )


def gate_public(row: AppGate) -> GatePublic:
    return GatePublic(
        app_id=row.app_id,
        dataset_id=row.dataset_id,
        min_score=row.min_score,
        max_field_drop=row.max_field_drop,
        updated_at=iso(row.updated_at) or "",
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


def _artifact_lookup(
    session: Session, store: ArtifactStore | None, principal: Principal
) -> Callable[[str], ArtifactRef | None]:
    owners = ArtifactOwnerRepository(session)

    def lookup(uri: str) -> ArtifactRef | None:
        artifact_id = artifact_id_from_uri(uri) or ""
        owner = owners.get(artifact_id) if len(artifact_id) <= 100 else None
        if owner is not None and not principal.can_see_team(owner.team_id):
            return None
        if store is None:
            return None
        try:
            return store.get(artifact_id)[1]
        except (ArtifactNotFound, ValueError):
            return None

    return lookup


def _percentile_50(values: list[float]) -> float | None:
    return float(statistics.median(values)) if values else None


@dataclass
class EvaluationRunner:
    """Starts and scores evaluations; one per API process (``app.state.evaluations``)."""

    session_factory: sessionmaker[Session]
    gateway: TemporalGateway
    artifact_store: ArtifactStore | None
    mlflow_tracking_uri: str | None = None
    default_concurrency: int = DEFAULT_CONCURRENCY
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    # ---------------------------------------------------------------- creating

    def create(
        self,
        app: App,
        dataset: EvalDataset,
        candidate: Candidate,
        principal: Principal,
        *,
        purpose: str = "manual",
        judge: bool = False,
    ) -> str:
        """Record a running evaluation (own transaction) and lock the dataset version."""
        who = principal
        with self.session_factory() as session:
            row = EvaluationRepository(session).add(
                Evaluation(
                    app_id=app.id,
                    dataset_id=dataset.id,
                    release=candidate.label,
                    release_id=candidate.release_id,
                    app_version=candidate.app_version,
                    status="running",
                    purpose=purpose,
                    judge=judge,
                    field_scores={},
                    items=[
                        ItemResult(index=i, inputs=item.get("inputs") or {}).model_dump(mode="json")
                        for i, item in enumerate(dataset.items)
                    ],
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

    def start_background(
        self,
        evaluation_id: str,
        candidate: Candidate,
        principal: Principal,
        concurrency: int | None,
        item_timeout: float | None = None,
    ) -> None:
        """Run the evaluation after the request has answered."""
        self._spawn(self.execute(evaluation_id, candidate, principal, concurrency, item_timeout))

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def shutdown(self) -> None:
        """Cancel evaluations in flight; their rows say they were interrupted."""
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            try:
                await task
            except BaseException:  # noqa: BLE001 - cancelled or already failed and recorded
                logger.debug("evaluation task ended at shutdown", exc_info=True)

    # ----------------------------------------------------------------- running

    async def execute(
        self,
        evaluation_id: str,
        candidate: Candidate,
        principal: Principal,
        concurrency: int | None = None,
        item_timeout: float | None = None,
    ) -> None:
        """Run every item (bounded concurrency), score it, then finish the report."""
        with self.session_factory() as session:
            row = EvaluationRepository(session).get(evaluation_id)
            dataset = DatasetRepository(session).get(row.dataset_id) if row else None
            if row is None or dataset is None:
                return
            items = list(dataset.items)
            app_id = row.app_id
        limit = asyncio.Semaphore(concurrency or self.default_concurrency)
        timeout = item_timeout or DEFAULT_ITEM_TIMEOUT_SECONDS
        try:
            results = await asyncio.gather(
                *(
                    self._run_item(
                        evaluation_id, app_id, index, item, candidate, limit, principal, timeout
                    )
                    for index, item in enumerate(items)
                )
            )
            await self._finish(evaluation_id, list(results))
        except asyncio.CancelledError:
            self._fail(evaluation_id, "the API stopped during the evaluation; start it again")
            raise
        except Exception as exc:
            logger.exception("evaluation %s failed", evaluation_id)
            self._fail(evaluation_id, f"the evaluation could not finish: {exc}")

    def _fail(self, evaluation_id: str, message: str) -> None:
        with self.session_factory() as session:
            row = EvaluationRepository(session).get(evaluation_id)
            if row is not None and row.status == "running":
                row.status = "failed"
                row.error = message
                row.finished_at = utc_now()
                session.commit()

    async def _run_item(
        self,
        evaluation_id: str,
        app_id: str,
        index: int,
        item: dict[str, Any],
        candidate: Candidate,
        limit: asyncio.Semaphore,
        principal: Principal,
        timeout: float = DEFAULT_ITEM_TIMEOUT_SECONDS,
    ) -> ItemResult:
        inputs = dict(item.get("inputs") or {})
        expected = dict(item.get("expected") or {})
        result = ItemResult(index=index, inputs=inputs)
        outputs: dict[str, Any] | None = None
        async with limit:
            try:
                outputs = await self._start_and_await(
                    evaluation_id, app_id, index, inputs, candidate, principal, result, timeout
                )
            except (RPCError, TemporalUnavailable) as exc:
                # One item the engine could not take does not lose the others.
                result.status = "failed"
                result.error = f"the run could not be started or followed: {exc}"
        result.fields = score_item(expected, outputs, self._resolve)
        scores = [f.score for f in result.fields]
        result.score = sum(scores) / len(scores) if scores else None
        self._record_item(evaluation_id, result)
        return result

    async def _start_and_await(
        self,
        evaluation_id: str,
        app_id: str,
        index: int,
        inputs: dict[str, Any],
        candidate: Candidate,
        principal: Principal,
        result: ItemResult,
        timeout: float = DEFAULT_ITEM_TIMEOUT_SECONDS,
    ) -> dict[str, Any] | None:
        """Start the item's run (after the door's input check) and wait for its outputs."""
        outputs: dict[str, Any] | None = None
        with self.session_factory() as session:
            problems = run_input_problems(
                candidate.plan,
                inputs,
                _artifact_lookup(session, self.artifact_store, principal),
            )
            if problems:
                result.status = "failed"
                result.error = "; ".join(dict.fromkeys(p.message for p in problems))
            else:
                service = RunService(session=session, gateway=self.gateway, principal=principal)
                started, _ = await service.start(
                    app_id,
                    inputs=inputs,
                    plan=candidate.plan,
                    release_id=candidate.release_id,
                    idempotency_key=None,
                    evaluation=(evaluation_id, index),
                )
                result.run_id = started.run_id
        # The session is closed while the run goes on: no connection held meanwhile.
        if result.run_id is not None:
            outputs = await self._await_run(result, timeout)
        return outputs

    async def _await_run(
        self, result: ItemResult, timeout: float = DEFAULT_ITEM_TIMEOUT_SECONDS
    ) -> dict[str, Any] | None:
        """Wait for the item's run; fill status, cost and latency; return its outputs
        (``None`` when it did not complete). A run still going after ``timeout`` seconds
        (say, waiting for an approval nobody gives) is canceled and the item fails."""
        assert result.run_id is not None
        client = await self.gateway.client()
        handle = client.get_workflow_handle(result.run_id, result_type=RunResult)
        outputs: dict[str, Any] | None = None
        try:
            run: RunResult = await asyncio.wait_for(handle.result(), timeout)
            result.status = "completed"
            outputs = dict(run.outputs)
            result.cost_usd = float(run.cost_usd or 0.0)
            result.tokens = int(run.total_tokens or 0)
        except WorkflowFailureError as exc:
            result.status = "failed"
            result.error = failure_message(exc)
        except TimeoutError:
            result.status = "failed"
            result.error = (
                f"the run did not end within {timeout:g} s (item_timeout_seconds) and was canceled"
            )
            try:
                await handle.cancel()
            except RPCError:
                logger.info("run %s could not be canceled", result.run_id, exc_info=True)
        try:
            description = await handle.describe()
            if description.start_time and description.close_time:
                seconds = (description.close_time - description.start_time).total_seconds()
                result.latency_ms = seconds * 1000
        except RPCError:
            logger.debug("no description of run %s", result.run_id, exc_info=True)
        return outputs

    def _resolve(self, value: Any) -> Any:
        """A claim-check reference (``{"$artifact": uri}``) read from the artifact store."""
        if (
            isinstance(value, dict)
            and set(value) == {ARTIFACT_REF_KEY}
            and isinstance(value[ARTIFACT_REF_KEY], str)
            and self.artifact_store is not None
        ):
            artifact_id = artifact_id_from_uri(value[ARTIFACT_REF_KEY])
            if artifact_id is None:
                return value
            try:
                data, _ = self.artifact_store.get(artifact_id)
                return json.loads(data)
            except (ArtifactNotFound, ValueError):
                return value
        return value

    def _record_item(self, evaluation_id: str, result: ItemResult) -> None:
        """Write one scored item into the report (runs on the loop: no interleaving)."""
        with self.session_factory() as session:
            row = EvaluationRepository(session).get(evaluation_id)
            if row is None:
                return
            items = list(row.items or [])
            while len(items) <= result.index:
                items.append(ItemResult(index=len(items)).model_dump(mode="json"))
            items[result.index] = result.model_dump(mode="json")
            row.items = items
            row.items_done = sum(1 for i in items if i.get("status") not in ("pending", None))
            session.commit()

    async def _finish(self, evaluation_id: str, results: list[ItemResult]) -> None:
        """Aggregate, log to MLflow, then mark completed (so a completed report has its
        MLflow run id when MLflow took it)."""
        totals = aggregate(results)
        latencies = sorted(r.latency_ms for r in results if r.latency_ms is not None)

        def fill(row: Evaluation) -> None:
            row.items = [r.model_dump(mode="json") for r in results]
            row.items_done = len(results)
            row.score = totals.score if totals.score is not None else 0.0
            row.field_scores = totals.field_scores
            row.cost_usd = sum(r.cost_usd for r in results)
            row.latency_p50_ms = _percentile_50(latencies)
            row.latency_max_ms = latencies[-1] if latencies else None
            row.status = "completed"
            row.finished_at = utc_now()

        with self.session_factory() as session:
            row = EvaluationRepository(session).get(evaluation_id)
            if row is None:
                return
            fill(row)
            public = evaluation_public(row, DatasetRepository(session).get(row.dataset_id))
            session.rollback()  # written below, once MLflow has answered
        mlflow_run_id: str | None = None
        if self.mlflow_tracking_uri:
            try:
                mlflow_run_id = await asyncio.to_thread(
                    log_to_mlflow, self.mlflow_tracking_uri, public
                )
            except Exception:  # MLflow is a mirror: the report stands without it
                logger.warning("evaluation %s not logged to MLflow", evaluation_id, exc_info=True)
        with self.session_factory() as session:
            row = EvaluationRepository(session).get(evaluation_id)
            if row is None:
                return
            fill(row)
            row.mlflow_run_id = mlflow_run_id
            session.commit()


def _release_order(evaluation: EvaluationPublic) -> tuple[tuple[int, ...], bool, str, str]:
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
