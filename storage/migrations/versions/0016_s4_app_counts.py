"""App counts kept by triggers: ``GET /apps``'s ``X-Total-Count`` without counting apps.

``app_counts`` holds how many apps each team has in each status, under the team and
under ``*`` (every team), split over 16 shards (the last hex digit of the app's id) so
that concurrent creates seldom wait on one counter row. A page's total without a name
search sums at most 48 rows (``*``) or 48 per team, however many apps there are.
Apps without a team count under ``''``. Triggers on insert, delete and an update of
``team_id`` or ``status`` keep it; existing apps are counted in here.

Revision ID: 0016_s4_app_counts
Revises: 0015_s3_22_lifetime_totals
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_s4_app_counts"
down_revision: str | None = "0015_s3_22_lifetime_totals"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _statements(r: str, sign: str, shard: str) -> list[str]:
    """Add ``sign`` for the app ``r`` under its team, then under ``*`` (always in this
    order, so two transactions take the rows' locks in the same order)."""
    return [
        f"""INSERT INTO app_counts (team_id, status, shard, apps)
        VALUES ({team}, {r}.status, {shard}, {sign})
        ON CONFLICT (team_id, status, shard) DO UPDATE SET apps = app_counts.apps + excluded.apps"""
        for team in (f"coalesce({r}.team_id, '')", "'*'")
    ]


def _sqlite_triggers() -> list[str]:
    def shard(r: str) -> str:
        return f"substr({r}.id, -1)"

    ddl = []
    for event, rows, when in (
        ("INSERT", [("NEW", "1")], ""),
        ("UPDATE OF team_id, status", [("OLD", "-1"), ("NEW", "1")], _changed()),
        ("DELETE", [("OLD", "-1")], ""),
    ):
        body = [s for r, sign in rows for s in _statements(r, sign, shard(r))]
        name = event.split()[0].lower()
        ddl.append(
            f"CREATE TRIGGER apps_count_{name} AFTER {event} ON apps FOR EACH ROW {when} "
            f"BEGIN {'; '.join(body)}; END"
        )
    return ddl


def _changed() -> str:
    return "WHEN OLD.team_id IS NOT NEW.team_id OR OLD.status IS NOT NEW.status"


def _postgresql_triggers() -> list[str]:
    body = ";\n".join(_statements("r", "sign", "right(r.id, 1)"))
    return [
        f"""CREATE FUNCTION apps_count_apply(r apps, sign integer) RETURNS void
        LANGUAGE plpgsql AS $$ BEGIN {body}; END $$""",
        """CREATE FUNCTION apps_count() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'UPDATE' AND OLD.team_id IS NOT DISTINCT FROM NEW.team_id
                AND OLD.status IS NOT DISTINCT FROM NEW.status THEN
                RETURN NULL;
            END IF;
            IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM apps_count_apply(OLD, -1);
            END IF;
            IF TG_OP IN ('INSERT', 'UPDATE') THEN PERFORM apps_count_apply(NEW, 1);
            END IF;
            RETURN NULL;
        END $$""",
        "CREATE TRIGGER apps_count AFTER INSERT OR DELETE OR UPDATE OF team_id, status "
        "ON apps FOR EACH ROW EXECUTE FUNCTION apps_count()",
    ]


def _backfill(shard: str) -> list[str]:
    return [
        f"""INSERT INTO app_counts (team_id, status, shard, apps)
        SELECT {team}, status, {shard}, count(*) FROM apps GROUP BY 1, 2, 3"""
        for team in ("coalesce(team_id, '')", "'*'")
    ]


def upgrade() -> None:
    op.create_table(
        "app_counts",
        sa.Column("team_id", sa.String(100), primary_key=True),
        sa.Column("status", sa.String(20), primary_key=True),
        sa.Column("shard", sa.String(1), primary_key=True),
        sa.Column("apps", sa.Integer(), nullable=False, server_default="0"),
    )
    bind = op.get_bind()
    postgresql = bind.dialect.name == "postgresql"
    for statement in _backfill("right(id, 1)" if postgresql else "substr(id, -1)"):
        bind.exec_driver_sql(statement)
    for statement in _postgresql_triggers() if postgresql else _sqlite_triggers():
        bind.exec_driver_sql(statement)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        bind.exec_driver_sql("DROP TRIGGER IF EXISTS apps_count ON apps")
        bind.exec_driver_sql("DROP FUNCTION IF EXISTS apps_count()")
        bind.exec_driver_sql("DROP FUNCTION IF EXISTS apps_count_apply(apps, integer)")
    else:
        for event in ("insert", "update", "delete"):
            bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS apps_count_{event}")
    op.drop_table("app_counts")
