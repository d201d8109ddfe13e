"""Releases record who deployed them; the price table can live in the database; uploaded
artifacts keep their file name, media type and size for the artifact list.

Revision ID: 0010_s2_16_release_author_prices
Revises: 0009_triggers
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.models import UtcDateTime

revision: str = "0011_release_author_prices"
down_revision: str | None = "0010_rollups"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("releases") as batch:
        batch.add_column(sa.Column("created_by", sa.String(200), nullable=True))
    with op.batch_alter_table("artifact_owners") as batch:
        batch.add_column(sa.Column("filename", sa.String(255), nullable=True))
        batch.add_column(sa.Column("media_type", sa.String(255), nullable=True))
        batch.add_column(sa.Column("size", sa.BigInteger(), nullable=True))
    op.create_index("ix_artifact_owners_created", "artifact_owners", ["created_at"])
    op.create_table(
        "model_prices",
        sa.Column("provider", sa.String(100), primary_key=True),
        sa.Column("model", sa.String(200), primary_key=True),
        sa.Column("input_per_million", sa.Float(), nullable=False),
        sa.Column("output_per_million", sa.Float(), nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("model_prices")
    op.drop_index("ix_artifact_owners_created", "artifact_owners")
    with op.batch_alter_table("artifact_owners") as batch:
        batch.drop_column("size")
        batch.drop_column("media_type")
        batch.drop_column("filename")
    with op.batch_alter_table("releases") as batch:
        batch.drop_column("created_by")
