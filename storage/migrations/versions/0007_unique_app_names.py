"""App names are unique within a team (``hub apply`` and the CLI find apps by name).

Databases made before this revision may hold several apps of one name in one team
(every ``make run`` created another "Credit Memo Processor"). The migration keeps
them all and loses nothing: in each group of duplicates the oldest app keeps its name
and every later one is renamed ``<name> (<app id>)`` (an id is unique, so the new name
is too), logged with both names. Apps without a team share one namespace (``''``).

Revision ID: 0007_unique_app_names
Revises: 0006_app_list_indexes
Create Date: 2026-12-07
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_unique_app_names"
down_revision: str | None = "0006_app_list_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

logger = logging.getLogger("alembic.runtime.migration")

#: The length of ``apps.name``.
NAME_LENGTH = 200
INDEX_NAME = "uq_apps_team_name"
TEAM_KEY = "coalesce(team_id, '')"


def renamed(name: str, app_id: str) -> str:
    """``name`` made unique with the app's id, within the column's length."""
    suffix = f" ({app_id})"
    return name[: NAME_LENGTH - len(suffix)] + suffix


def upgrade() -> None:
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            f"SELECT id, name, {TEAM_KEY} AS team FROM apps ORDER BY created_at, id"  # noqa: S608
        )
    ).all()
    seen: set[tuple[str, str]] = set()
    for app_id, name, team in rows:
        if (team, name) not in seen:
            seen.add((team, name))
            continue
        new_name = renamed(name, app_id)
        bind.execute(
            sa.text("UPDATE apps SET name = :name WHERE id = :id"), {"name": new_name, "id": app_id}
        )
        logger.warning(
            "app %s renamed from %r to %r: app names are now unique per team", app_id, name, new_name
        )
    op.create_index(INDEX_NAME, "apps", [sa.text(TEAM_KEY), "name"], unique=True)


def downgrade() -> None:
    op.drop_index(INDEX_NAME, table_name="apps")
