"""Activities of ``EvaluationWorkflow``: start an item's run row, score it, finish.

Every write is idempotent, so Temporal may retry any of them: an item's run row and its
``evaluation_runs`` row are keyed by (evaluation, item) — a retried start hands back the
run id given the first time —, a scored item overwrites its slot of the report, and the
finish re-aggregates from the stored items.

Scoring runs here, on the worker, never in the API process: the code scorers
(``schemas/evaluation_scoring.py``) and, when the evaluation asks for one, the LLM judge
(:data:`Judge`, given by the composition root — ``hub.judge`` — so that this package does
not depend on the agents' provider code). The judge's key is read from the worker's
environment by the provider adapter: it never enters a workflow's history.
"""

from __future__ import annotations

import asyncio
import json
import logging
import statistics
import threading
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from temporalio import activity

from schemas.artifacts import ARTIFACT_REF_KEY, artifact_id_from_uri
from schemas.evaluation_scoring import aggregate, score_item
from schemas.evaluations import (
    FAIL_EVALUATION_ACTIVITY,
    FINISH_EVALUATION_ACTIVITY,
    SCORE_EVALUATION_ITEM_ACTIVITY,
    START_EVALUATION_ITEM_ACTIVITY,
    EvaluationItemOutcome,
    EvaluationItemToRun,
    FieldResult,
    FinishEvaluation,
    ItemResult,
    JudgeConfig,
)
from storage.artifacts import ArtifactNotFound, ArtifactStore
from storage.evaluations import DatasetRepository, EvaluationRepository, evaluation_public
from storage.mlflow_evaluations import log_to_mlflow
from storage.models import Evaluation, EvaluationRun, Run, utc_now

logger = logging.getLogger(__name__)

#: ``(config, field key, expected, actual) -> score 0–1``: the LLM judge.
Judge = Callable[[JudgeConfig, str, Any, Any], Awaitable[float]]


class JudgeUnavailable(RuntimeError):
    """The evaluation asks for a judge but this worker was built without one."""


def evaluation_run_id() -> str:
    return f"run-{uuid.uuid4().hex[:16]}"


def _item_status_done(item: dict[str, Any]) -> bool:
    return item.get("status") not in ("pending", "running", None)


class EvaluationActivities:
    """The evaluation workflow's reads and writes of the hub database (and MLflow)."""

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        artifact_store: ArtifactStore | None = None,
        mlflow_tracking_uri: str | None = None,
        judge: Judge | None = None,
    ) -> None:
        self._sessions = session_factory
        self._store = artifact_store
        self._mlflow = mlflow_tracking_uri
        self._judge = judge
        # Scored items of one evaluation share a row: one writer at a time in this process
        # (and a row lock across processes where the database has them).
        self._write = threading.Lock()

    # ------------------------------------------------------------------ starting

    @activity.defn(name=START_EVALUATION_ITEM_ACTIVITY)
    async def start_evaluation_item(self, evaluation_id: str, index: int) -> EvaluationItemToRun:
        """The item's inputs and run id (its run and ``evaluation_runs`` rows written), or
        the error the door gave it when the evaluation was created."""
        return await asyncio.to_thread(self._start_item, evaluation_id, index)

    def _start_item(self, evaluation_id: str, index: int) -> EvaluationItemToRun:
        with self._sessions() as session:
            row = session.get(Evaluation, evaluation_id)
            dataset = DatasetRepository(session).get(row.dataset_id) if row else None
            if row is None or dataset is None or index >= len(dataset.items):
                return EvaluationItemToRun(index=index, error="the evaluation's item is gone")
            inputs = dict(dataset.items[index].get("inputs") or {})
            stored = (row.items or [])[index] if index < len(row.items or []) else {}
            if stored.get("status") == "failed" and not stored.get("run_id"):
                # Refused at the door (POST /apps/{id}/evaluations checked its inputs).
                return EvaluationItemToRun(index=index, inputs=inputs, error=stored.get("error"))
            existing = session.scalar(
                select(EvaluationRun.run_id).where(
                    EvaluationRun.evaluation_id == evaluation_id,
                    EvaluationRun.item_index == index,
                )
            )
            run_id = existing or evaluation_run_id()
            if session.get(Run, run_id) is None:
                now = utc_now()
                session.add(
                    Run(
                        id=run_id,
                        app_id=row.app_id,
                        workflow_id=run_id,
                        status="running",
                        inputs=inputs,
                        release_id=row.release_id,
                        created_at=now,
                        updated_at=now,
                        trigger_kind="api",
                        evaluation=True,
                    )
                )
            EvaluationRepository(session).record_run(evaluation_id, index, run_id)
            session.commit()
        # The report shows the item's run while it goes on.
        self._update_item(evaluation_id, index, {"run_id": run_id, "status": "running"})
        return EvaluationItemToRun(index=index, run_id=run_id, inputs=inputs)

    def _update_item(self, evaluation_id: str, index: int, values: dict[str, Any]) -> None:
        with self._write, self._sessions() as session:
            row = session.scalar(
                select(Evaluation).where(Evaluation.id == evaluation_id).with_for_update()
            )
            if row is None or index >= len(row.items or []):
                return
            items = list(row.items)
            if items[index].get("status") in ("pending", "running"):
                items[index] = {**items[index], **values}
                row.items = items
                session.commit()

    # ------------------------------------------------------------------- scoring

    @activity.defn(name=SCORE_EVALUATION_ITEM_ACTIVITY)
    async def score_evaluation_item(self, outcome: EvaluationItemOutcome) -> float | None:
        """Score the item (code scorers, and the judge for the fields it is asked to
        score) and write it into the report; returns the item's score."""
        item = await asyncio.to_thread(self._dataset_item, outcome.evaluation_id, outcome.index)
        if item is None:
            return None
        result = ItemResult(
            index=outcome.index,
            inputs=dict(item.get("inputs") or {}),
            run_id=outcome.run_id,
            status=outcome.status,
            error=outcome.error,
            cost_usd=outcome.cost_usd,
            tokens=outcome.tokens,
            latency_ms=outcome.latency_ms,
        )
        outputs = outcome.outputs if outcome.status == "completed" else None
        result.fields = await asyncio.to_thread(
            score_item, dict(item.get("expected") or {}), outputs, self._resolve
        )
        if outcome.judge is not None and outputs is not None:
            result.fields = [await self._judged(outcome.judge, f) for f in result.fields]
        scores = [f.score for f in result.fields]
        result.score = sum(scores) / len(scores) if scores else None
        await asyncio.to_thread(self._record_item, outcome.evaluation_id, result)
        return result.score

    def _dataset_item(self, evaluation_id: str, index: int) -> dict[str, Any] | None:
        with self._sessions() as session:
            row = session.get(Evaluation, evaluation_id)
            dataset = DatasetRepository(session).get(row.dataset_id) if row else None
            if row is None or dataset is None or index >= len(dataset.items):
                return None
            return dict(dataset.items[index])

    async def _judged(self, config: JudgeConfig, result: FieldResult) -> FieldResult:
        """The judge's score for a field it is asked to score (a missing value scores 0
        without asking)."""
        if config.fields and result.field not in config.fields:
            return result
        if result.actual is None:
            return result.model_copy(update={"scorer": "judge", "score": 0.0})
        if self._judge is None:
            raise JudgeUnavailable(
                "this worker has no LLM judge; start it with the hub's worker command"
            )
        expected = result.expected
        if isinstance(expected, dict) and "value" in expected:
            expected = expected["value"]
        activity.heartbeat(result.field)
        score = await self._judge(config, result.field, expected, result.actual)
        return result.model_copy(update={"scorer": "judge", "score": min(1.0, max(0.0, score))})

    def _resolve(self, value: Any) -> Any:
        """A claim-check reference (``{"$artifact": uri}``) read from the artifact store."""
        if (
            isinstance(value, dict)
            and set(value) == {ARTIFACT_REF_KEY}
            and isinstance(value[ARTIFACT_REF_KEY], str)
            and self._store is not None
        ):
            artifact_id = artifact_id_from_uri(value[ARTIFACT_REF_KEY])
            if artifact_id is None:
                return value
            try:
                data, _ = self._store.get(artifact_id)
                return json.loads(data)
            except (ArtifactNotFound, ValueError):
                return value
        return value

    def _record_item(self, evaluation_id: str, result: ItemResult) -> None:
        with self._write, self._sessions() as session:
            row = session.scalar(
                select(Evaluation).where(Evaluation.id == evaluation_id).with_for_update()
            )
            if row is None:
                return
            items = list(row.items or [])
            while len(items) <= result.index:
                items.append(ItemResult(index=len(items)).model_dump(mode="json"))
            items[result.index] = result.model_dump(mode="json")
            row.items = items
            row.items_done = sum(1 for i in items if _item_status_done(i))
            if result.run_id:
                run = session.get(Run, result.run_id)
                if run is not None and run.status == "running":
                    now = utc_now()
                    run.status = "completed" if result.status == "completed" else "failed"
                    run.error = result.error
                    run.ended_at = now
                    run.updated_at = now
            session.commit()

    # ------------------------------------------------------------------ finishing

    @activity.defn(name=FINISH_EVALUATION_ACTIVITY)
    async def finish_evaluation(self, finish: FinishEvaluation) -> float | None:
        """Aggregate the scored items, log them to MLflow, then mark the evaluation
        completed (so a completed report has its MLflow run id when MLflow took it)."""
        public = await asyncio.to_thread(self._aggregate, finish.evaluation_id)
        if public is None:
            return None
        mlflow_run_id: str | None = None
        if self._mlflow:
            try:
                mlflow_run_id = await asyncio.to_thread(log_to_mlflow, self._mlflow, public)
            except Exception:  # MLflow is a mirror: the report stands without it
                logger.warning(
                    "evaluation %s not logged to MLflow", finish.evaluation_id, exc_info=True
                )
        await asyncio.to_thread(self._complete, finish.evaluation_id, mlflow_run_id)
        return public.score

    def _fill(self, row: Evaluation) -> None:
        results = [ItemResult.model_validate(i) for i in row.items or []]
        totals = aggregate(results)
        latencies = sorted(r.latency_ms for r in results if r.latency_ms is not None)
        row.items_done = len(results)
        row.score = totals.score if totals.score is not None else 0.0
        row.field_scores = totals.field_scores
        row.cost_usd = sum(r.cost_usd for r in results)
        row.latency_p50_ms = float(statistics.median(latencies)) if latencies else None
        row.latency_max_ms = latencies[-1] if latencies else None
        row.status = "completed"
        row.finished_at = utc_now()

    def _aggregate(self, evaluation_id: str) -> Any:
        with self._sessions() as session:
            row = session.get(Evaluation, evaluation_id)
            if row is None or row.status != "running":
                return None
            self._fill(row)
            public = evaluation_public(row, DatasetRepository(session).get(row.dataset_id))
            session.rollback()  # written by _complete, once MLflow has answered
            return public

    def _complete(self, evaluation_id: str, mlflow_run_id: str | None) -> None:
        with self._write, self._sessions() as session:
            row = session.get(Evaluation, evaluation_id)
            if row is None or row.status != "running":
                return
            self._fill(row)
            row.mlflow_run_id = mlflow_run_id
            session.commit()

    @activity.defn(name=FAIL_EVALUATION_ACTIVITY)
    async def fail_evaluation(self, finish: FinishEvaluation) -> None:
        """The evaluation could not finish (canceled, or a step failed past its retries)."""
        await asyncio.to_thread(self._fail, finish)

    def _fail(self, finish: FinishEvaluation) -> None:
        with self._write, self._sessions() as session:
            row = session.get(Evaluation, finish.evaluation_id)
            if row is not None and row.status == "running":
                row.status = "failed"
                row.error = finish.error or "the evaluation could not finish"
                row.finished_at = utc_now()
                session.commit()
