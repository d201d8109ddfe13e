"""Run ids up to 200 characters: a run a schedule fires is ``run-sch-<12 hex>-<fire time>``
(41 characters), which PostgreSQL refused in a 40-character column when the API adopted it.

Revision ID: 0012_run_id_length
Revises: 0011_release_author_prices
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_run_id_length"
down_revision: str | None = "0011_release_author_prices"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # SQLite alters a column by copying the table (batch mode); PostgreSQL in place.
    with op.batch_alter_table("runs") as batch:
        batch.alter_column("id", type_=sa.String(200), existing_type=sa.String(40))


def downgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.alter_column("id", type_=sa.String(40), existing_type=sa.String(200))
