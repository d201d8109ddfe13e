"""Schema violations get a severity: ``error`` (schema broken) or ``warning`` (field missing).

Revision ID: 0005_violation_severity
Revises: 0004_schema_registry
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_violation_severity"
down_revision: str | None = "0004_schema_registry"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Every row written before this revision was an output-schema error.
    with op.batch_alter_table("schema_violations") as batch:
        batch.add_column(
            sa.Column("severity", sa.String(20), nullable=False, server_default="error")
        )


def downgrade() -> None:
    with op.batch_alter_table("schema_violations") as batch:
        batch.drop_column("severity")
