"""Repositories of evaluation datasets, evaluations, their runs and app gates.

Like every repository they flush but never commit: the caller owns the transaction.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from storage.models import AppGate, EvalDataset, Evaluation, EvaluationRun, utc_now


def production_runs_only(run_id_column: Any) -> ColumnElement[bool]:
    """A condition keeping only rows of runs no evaluation started (metrics' filter)."""
    return ~select(EvaluationRun.run_id).where(EvaluationRun.run_id == run_id_column).exists()


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
        self, app_id: str, dataset_id: str, min_score: float, max_field_drop: float, by: str
    ) -> AppGate:
        row = self.get(app_id)
        if row is None:
            row = AppGate(app_id=app_id)
            self.session.add(row)
        row.dataset_id = dataset_id
        row.min_score = min_score
        row.max_field_drop = max_field_drop
        row.updated_by = by
        row.updated_at = utc_now()
        self.session.flush()
        return row

    def delete(self, row: AppGate) -> None:
        self.session.delete(row)
        self.session.flush()
