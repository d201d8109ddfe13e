"""Indexes for GET /apps in each sort order with the id as tie-breaker (keyset paging).

Revision ID: 0006_app_list_indexes
Revises: 0005_violation_severity
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_app_list_indexes"
down_revision: str | None = "0005_violation_severity"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_apps_created_id", "apps", ["created_at", "id"])
    op.create_index("ix_apps_updated_id", "apps", ["updated_at", "id"])
    op.create_index("ix_apps_lower_name_id", "apps", [sa.text("lower(name)"), "id"])
    op.create_index("ix_apps_team_created_id", "apps", ["team_id", "created_at", "id"])


def downgrade() -> None:
    for name in (
        "ix_apps_team_created_id",
        "ix_apps_lower_name_id",
        "ix_apps_updated_id",
        "ix_apps_created_id",
    ):
        op.drop_index(name, table_name="apps")
