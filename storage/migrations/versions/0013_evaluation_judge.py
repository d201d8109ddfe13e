"""Evaluations: an opt-in LLM judge per evaluation and per gate; the driving workflow.

Revision ID: 0013_evaluation_judge
Revises: 0012_run_id_length
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_evaluation_judge"
down_revision: str | None = "0012_run_id_length"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("evaluations") as batch:
        batch.add_column(sa.Column("judge_config", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("workflow_id", sa.String(200), nullable=True))
    with op.batch_alter_table("app_gates") as batch:
        batch.add_column(sa.Column("judge", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("app_gates") as batch:
        batch.drop_column("judge")
    with op.batch_alter_table("evaluations") as batch:
        batch.drop_column("workflow_id")
        batch.drop_column("judge_config")
