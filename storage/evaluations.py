"""Repositories of evaluation datasets, evaluations, their runs and app gates.

Like every repository they flush but never commit: the caller owns the transaction.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from schemas.evaluations import (
    DatasetItem,
    DatasetPublic,
    EvaluationPublic,
    ItemResult,
    JudgeConfig,
)
from storage.models import AppGate, EvalDataset, Evaluation, EvaluationRun, utc_now


def production_runs_only(run_id_column: Any) -> ColumnElement[bool]:
    """A condition keeping only rows of runs no evaluation started (metrics' filter)."""
    return ~select(EvaluationRun.run_id).where(EvaluationRun.run_id == run_id_column).exists()


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
        created_at=row.created_at,
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
        judge_config=JudgeConfig.model_validate(row.judge_config) if row.judge_config else None,
        workflow_id=row.workflow_id,
        mlflow_run_id=row.mlflow_run_id,
        error=row.error,
        created_at=row.created_at,
        finished_at=row.finished_at,
        created_by=row.created_by,
    )


class DatasetRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, dataset_id: str) -> EvalDataset | None:
        return self.session.get(EvalDataset, dataset_id)

    def latest_version(self, app_id: str, name: str) -> int:
        found = self.session.scalar(
            select(func.max(EvalDataset.version)).where(
                EvalDataset.app_id == app_id, EvalDataset.name == name
            )
        )
        return int(found or 0)

    def create(
        self,
        app_id: str,
        name: str,
        items: list[dict[str, Any]],
        *,
        description: str = "",
        created_by: str = "",
    ) -> EvalDataset:
        """A new version of ``name`` (1 for a new name)."""
        row = EvalDataset(
            app_id=app_id,
            name=name,
            version=self.latest_version(app_id, name) + 1,
            description=description,
            items=items,
            created_by=created_by,
            created_at=utc_now(),
        )
        self.session.add(row)
        self.session.flush()
        return row

    def list_for_app(self, app_id: str) -> list[EvalDataset]:
        return list(
            self.session.scalars(
                select(EvalDataset)
                .where(EvalDataset.app_id == app_id)
                .order_by(EvalDataset.name, EvalDataset.version.desc())
            )
        )

    def lock(self, row: EvalDataset) -> None:
        if row.locked_at is None:
            row.locked_at = utc_now()
            self.session.flush()


class EvaluationRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, evaluation_id: str) -> Evaluation | None:
        return self.session.get(Evaluation, evaluation_id)

    def add(self, row: Evaluation) -> Evaluation:
        self.session.add(row)
        self.session.flush()
        return row

    def list_for_app(self, app_id: str, limit: int = 50) -> list[Evaluation]:
        return list(
            self.session.scalars(
                select(Evaluation)
                .where(Evaluation.app_id == app_id)
                .order_by(Evaluation.created_at.desc(), Evaluation.id.desc())
                .limit(limit)
            )
        )

    def latest_completed(self, dataset_id: str, release_id: str) -> Evaluation | None:
        """The newest completed evaluation of a release on a dataset version."""
        return self.session.scalar(
            select(Evaluation)
            .where(
                Evaluation.dataset_id == dataset_id,
                Evaluation.release_id == release_id,
                Evaluation.status == "completed",
            )
            .order_by(Evaluation.created_at.desc())
            .limit(1)
        )

    def record_run(self, evaluation_id: str, item_index: int, run_id: str) -> None:
        self.session.merge(
            EvaluationRun(run_id=run_id, evaluation_id=evaluation_id, item_index=item_index)
        )
        self.session.flush()

    def unfinished(self) -> list[Evaluation]:
        return list(self.session.scalars(select(Evaluation).where(Evaluation.status == "running")))


class GateRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, app_id: str) -> AppGate | None:
        return self.session.get(AppGate, app_id)

    def put(
        self,
        app_id: str,
        dataset_id: str,
        min_score: float,
        max_field_drop: float,
        by: str,
        judge: dict[str, Any] | None = None,
    ) -> AppGate:
        row = self.get(app_id)
        if row is None:
            row = AppGate(app_id=app_id)
            self.session.add(row)
        row.dataset_id = dataset_id
        row.min_score = min_score
        row.max_field_drop = max_field_drop
        row.judge = judge
        row.updated_by = by
        row.updated_at = utc_now()
        self.session.flush()
        return row

    def delete(self, row: AppGate) -> None:
        self.session.delete(row)
        self.session.flush()
