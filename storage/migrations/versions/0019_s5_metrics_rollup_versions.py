"""A version per hour of the rollups, so the API can keep a window's rollup figures.

``GET /observability/metrics`` reads a window's whole hours from the rollups
(``storage/rollups.py``). Those rows change only when ``step_results``,
``schema_violations`` or ``run_summaries`` change (their triggers keep the rollups), so
the API may keep what it read as long as it can tell, cheaply and exactly, that none of
the window's hours changed since.

``rollup_versions`` holds one row per hour (UTC) a write touched. On PostgreSQL a
statement-level trigger on each of the three tables (with the rows it wrote as
transition tables) sets the ``version`` of every hour of those rows — the hour the
rollups file them under: ``ended_at`` of a step result, ``created_at`` of a violation,
``started_at`` of a run — to the next value of ``rollup_version_seq``, in the writer's
own transaction. A row's version only grows (the writer holds its lock until it
commits, and each value is newer than any committed before), and sequences do not roll
back, so the ``(count, sum)`` of the versions of a range of hours, read in the same
statement as the figures, changes whenever any committed write touches the range, and a
rolled-back write leaves no value a later one could repeat. One bump per hour per
statement: a bulk insert of 2,000 runs updates ~20 rows, not one per row.

Existing hours get a version here. SQLite (the single-process dev mode) has no
triggers for it: the reader keeps no figures there.

Revision ID: 0019_s5_metrics_rollup_versions
Revises: 0018_s4_daily_rollups
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.models import UtcDateTime

revision: str = "0019_s5_metrics_rollup_versions"
down_revision: str | None = "0018_s4_daily_rollups"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The tables whose triggers keep the rollups, and the column that files a row's hour.
TABLES = {
    "step_results": "ended_at",
    "schema_violations": "created_at",
    "run_summaries": "started_at",
}
#: Event → the transition tables its trigger sees.
EVENTS = {
    "insert": ("new_rows",),
    "update": ("old_rows", "new_rows"),
    "delete": ("old_rows",),
}


def _bump(column: str, sources: Sequence[str]) -> str:
    hours = " UNION ".join(
        f"SELECT DISTINCT date_trunc('hour', {column} AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS hour "
        f"FROM {source} WHERE {column} IS NOT NULL"
        for source in sources
    )
    # In hour order: two writers of the same hours lock their rows in the same order.
    return f"""INSERT INTO rollup_versions (hour, version)
        SELECT hour, nextval('rollup_version_seq') FROM ({hours}) AS hours ORDER BY hour
        ON CONFLICT (hour) DO UPDATE SET version = excluded.version"""


def _postgresql() -> list[str]:
    ddl = ["CREATE SEQUENCE rollup_version_seq"]
    for table, column in TABLES.items():
        for event, sources in EVENTS.items():
            function = f"{table}_version_{event}"
            ddl.append(
                f"""CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN {_bump(column, sources)}; RETURN NULL; END $$"""
            )
            referencing = " ".join(
                f"{'OLD' if source == 'old_rows' else 'NEW'} TABLE AS {source}"
                for source in sources
            )
            ddl.append(
                f"CREATE TRIGGER {function} AFTER {event.upper()} ON {table} "
                f"REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
            )
    ddl.append(
        "INSERT INTO rollup_versions (hour, version) SELECT hour, nextval('rollup_version_seq') "
        "FROM (SELECT hour FROM step_rollups UNION SELECT hour FROM run_rollups) AS hours "
        "ORDER BY hour"
    )
    return ddl


def upgrade() -> None:
    op.create_table(
        "rollup_versions",
        sa.Column("hour", UtcDateTime(), primary_key=True),
        sa.Column("version", sa.BigInteger(), nullable=False, server_default="0"),
    )
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for statement in _postgresql():
            bind.exec_driver_sql(statement)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for table in TABLES:
            for event in EVENTS:
                bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_version_{event} ON {table}")
                bind.exec_driver_sql(f"DROP FUNCTION IF EXISTS {table}_version_{event}()")
    op.drop_table("rollup_versions")
    if bind.dialect.name == "postgresql":
        bind.exec_driver_sql("DROP SEQUENCE IF EXISTS rollup_version_seq")
