"""Observability: step_results, schema_violations and run_summaries.

Revision ID: 0002_observability
Revises: 0001_initial
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.models import UtcDateTime

revision: str = "0002_observability"
down_revision: str | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "step_results",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.String(200), nullable=False),
        sa.Column("app_id", sa.String(100), nullable=False),
        sa.Column("app_version", sa.String(40), nullable=False),
        sa.Column("step_id", sa.String(200), nullable=False),
        sa.Column("item_index", sa.Integer(), nullable=True),
        sa.Column("activity_id", sa.String(220), nullable=False),
        sa.Column("agent_id", sa.String(100), nullable=False),
        sa.Column("agent_type", sa.String(100), nullable=False),
        sa.Column("task_queue", sa.String(200), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("retries", sa.Integer(), nullable=False),
        sa.Column("started_at", UtcDateTime(), nullable=True),
        sa.Column("ended_at", UtcDateTime(), nullable=False),
        sa.Column("latency_ms", sa.Float(), nullable=False),
        sa.Column("input_tokens", sa.Integer(), nullable=False),
        sa.Column("output_tokens", sa.Integer(), nullable=False),
        sa.Column("cost_usd", sa.Float(), nullable=False),
        sa.Column("model", sa.String(200), nullable=False),
        sa.Column("provider", sa.String(100), nullable=False),
        sa.Column("prompt_versions", sa.JSON(), nullable=False),
        sa.Column("error_type", sa.String(100), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.UniqueConstraint("run_id", "activity_id", "attempt", name="uq_step_results_attempt"),
    )
    op.create_index("ix_step_results_run_id", "step_results", ["run_id"])
    op.create_index("ix_step_results_ended", "step_results", ["ended_at"])
    op.create_index("ix_step_results_app_ended", "step_results", ["app_id", "ended_at"])
    op.create_index(
        "ix_step_results_agent_type_ended", "step_results", ["agent_type", "ended_at"]
    )

    op.create_table(
        "schema_violations",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.String(200), nullable=False),
        sa.Column("app_id", sa.String(100), nullable=False),
        sa.Column("step_id", sa.String(200), nullable=False),
        sa.Column("activity_id", sa.String(220), nullable=False),
        sa.Column("agent_id", sa.String(100), nullable=False),
        sa.Column("agent_type", sa.String(100), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("repair_attempt", sa.Integer(), nullable=False),
        sa.Column("pointer", sa.Text(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.UniqueConstraint(
            "run_id", "activity_id", "attempt", "seq", name="uq_schema_violations_attempt"
        ),
    )
    op.create_index("ix_schema_violations_run_id", "schema_violations", ["run_id"])
    op.create_index("ix_schema_violations_created", "schema_violations", ["created_at"])
    op.create_index(
        "ix_schema_violations_app_created", "schema_violations", ["app_id", "created_at"]
    )

    op.create_table(
        "run_summaries",
        sa.Column("run_id", sa.String(200), primary_key=True),
        sa.Column("app_id", sa.String(100), nullable=False),
        sa.Column("app_version", sa.String(40), nullable=False),
        sa.Column("agent_types", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("started_at", UtcDateTime(), nullable=False),
        sa.Column("ended_at", UtcDateTime(), nullable=True),
        sa.Column("duration_ms", sa.Float(), nullable=True),
    )
    op.create_index("ix_run_summaries_start", "run_summaries", ["started_at"])
    op.create_index("ix_run_summaries_app_start", "run_summaries", ["app_id", "started_at"])


def downgrade() -> None:
    op.drop_table("run_summaries")
    op.drop_table("schema_violations")
    op.drop_table("step_results")
