"""Evaluations and release gates: datasets, evaluations, their runs, app gates.

Revision ID: 0008_evaluations
Revises: 0007_unique_app_names
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.models import UtcDateTime

revision: str = "0008_evaluations"
down_revision: str | None = "0007_unique_app_names"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _app_id(primary_key: bool = False) -> sa.Column[str]:
    return sa.Column(
        "app_id",
        sa.String(40),
        sa.ForeignKey("apps.id", ondelete="CASCADE"),
        nullable=False,
        primary_key=primary_key,
    )


def upgrade() -> None:
    op.create_table(
        "eval_datasets",
        sa.Column("id", sa.String(40), primary_key=True),
        _app_id(),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("locked_at", UtcDateTime(), nullable=True),
        sa.Column("mlflow_dataset_id", sa.String(200), nullable=True),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.UniqueConstraint("app_id", "name", "version", name="uq_eval_datasets_name_version"),
    )
    op.create_index("ix_eval_datasets_app_id", "eval_datasets", ["app_id"])

    op.create_table(
        "evaluations",
        sa.Column("id", sa.String(40), primary_key=True),
        _app_id(),
        sa.Column("dataset_id", sa.String(40), nullable=False),
        sa.Column("release", sa.String(60), nullable=False),
        sa.Column("release_id", sa.String(40), nullable=True),
        sa.Column("app_version", sa.String(60), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("purpose", sa.String(20), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("field_scores", sa.JSON(), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("items_total", sa.Integer(), nullable=False),
        sa.Column("items_done", sa.Integer(), nullable=False),
        sa.Column("cost_usd", sa.Float(), nullable=False),
        sa.Column("latency_p50_ms", sa.Float(), nullable=True),
        sa.Column("latency_max_ms", sa.Float(), nullable=True),
        sa.Column("judge", sa.Boolean(), nullable=False),
        sa.Column("mlflow_run_id", sa.String(100), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("finished_at", UtcDateTime(), nullable=True),
    )
    op.create_index("ix_evaluations_app_created", "evaluations", ["app_id", "created_at"])
    op.create_index("ix_evaluations_dataset", "evaluations", ["dataset_id"])

    op.create_table(
        "evaluation_runs",
        sa.Column("run_id", sa.String(200), primary_key=True),
        sa.Column("evaluation_id", sa.String(40), nullable=False),
        sa.Column("item_index", sa.Integer(), nullable=False),
    )
    op.create_index("ix_evaluation_runs_evaluation_id", "evaluation_runs", ["evaluation_id"])

    op.create_table(
        "app_gates",
        _app_id(primary_key=True),
        sa.Column("dataset_id", sa.String(40), nullable=False),
        sa.Column("min_score", sa.Float(), nullable=False),
        sa.Column("max_field_drop", sa.Float(), nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("app_gates")
    op.drop_table("evaluation_runs")
    op.drop_table("evaluations")
    op.drop_table("eval_datasets")
