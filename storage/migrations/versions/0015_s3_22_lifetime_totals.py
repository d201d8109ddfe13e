"""Lifetime totals kept by triggers: what ``GET /metrics``'s platform counters read.

Three small tables, one row per key for the whole life of the tables (no hour), so
Prometheus's counters are read without aggregating ``step_results``,
``run_summaries`` or ``schema_violations``:

- ``step_totals``: attempts, tokens and cost per app, agent type and status;
- ``violation_totals``: schema violations (severity ``error``) per app and agent type;
- ``run_totals``: runs per app and status.

Kept like the hourly rollups (``0010_rollups``): triggers on every insert, update and
delete, an update taking the old row's contribution back first, runs of evaluations
left out. Existing rows are summed in here.

Revision ID: 0015_s3_22_lifetime_totals
Revises: 0014_orchestration_drafts
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_s3_22_lifetime_totals"
down_revision: str | None = "0014_orchestration_drafts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _production(r: str) -> str:
    return f"NOT EXISTS (SELECT 1 FROM evaluation_runs e WHERE e.run_id = {r}.run_id)"


def _statements(table: str, r: str, sign: str) -> list[str]:
    """Add ``sign`` times the row ``r``'s contribution (``r``: NEW/OLD or a record)."""
    where = _production(r)
    if table == "step_results":
        return [
            f"""INSERT INTO step_totals (app_id, agent_type, status, attempts, input_tokens,
                output_tokens, cost_usd)
            SELECT {r}.app_id, {r}.agent_type, {r}.status, {sign}, {sign} * {r}.input_tokens,
                {sign} * {r}.output_tokens, {sign} * {r}.cost_usd
            WHERE {where}
            ON CONFLICT (app_id, agent_type, status) DO UPDATE SET
                attempts = step_totals.attempts + excluded.attempts,
                input_tokens = step_totals.input_tokens + excluded.input_tokens,
                output_tokens = step_totals.output_tokens + excluded.output_tokens,
                cost_usd = step_totals.cost_usd + excluded.cost_usd"""
        ]
    if table == "schema_violations":
        return [
            f"""INSERT INTO violation_totals (app_id, agent_type, violations)
            SELECT {r}.app_id, {r}.agent_type, {sign}
            WHERE {where} AND {r}.severity = 'error'
            ON CONFLICT (app_id, agent_type) DO UPDATE SET
                violations = violation_totals.violations + excluded.violations"""
        ]
    return [
        f"""INSERT INTO run_totals (app_id, status, runs)
        SELECT {r}.app_id, {r}.status, {sign}
        WHERE {where}
        ON CONFLICT (app_id, status) DO UPDATE SET runs = run_totals.runs + excluded.runs"""
    ]


_TABLES = ("step_results", "schema_violations", "run_summaries")

_BACKFILL = [
    f"""INSERT INTO step_totals (app_id, agent_type, status, attempts, input_tokens,
        output_tokens, cost_usd)
    SELECT app_id, agent_type, status, count(*), sum(input_tokens), sum(output_tokens),
        sum(cost_usd)
    FROM step_results r WHERE {_production("r")}
    GROUP BY app_id, agent_type, status""",
    f"""INSERT INTO violation_totals (app_id, agent_type, violations)
    SELECT app_id, agent_type, count(*) FROM schema_violations r
    WHERE severity = 'error' AND {_production("r")}
    GROUP BY app_id, agent_type""",
    f"""INSERT INTO run_totals (app_id, status, runs)
    SELECT app_id, status, count(*) FROM run_summaries r WHERE {_production("r")}
    GROUP BY app_id, status""",
]


def _sqlite_triggers() -> list[str]:
    ddl = []
    for table in _TABLES:
        for event, rows in (
            ("INSERT", [("NEW", "1")]),
            ("UPDATE", [("OLD", "-1"), ("NEW", "1")]),
            ("DELETE", [("OLD", "-1")]),
        ):
            body = [s for r, sign in rows for s in _statements(table, r, sign)]
            ddl.append(
                f"CREATE TRIGGER {table}_totals_{event.lower()} AFTER {event} ON {table} "
                f"FOR EACH ROW BEGIN {'; '.join(body)}; END"
            )
    return ddl


def _postgresql_triggers() -> list[str]:
    ddl = []
    for table in _TABLES:
        body = ";\n".join(_statements(table, "r", "sign"))
        ddl.append(
            f"""CREATE FUNCTION {table}_totals_apply(r {table}, sign integer) RETURNS void
            LANGUAGE plpgsql AS $$ BEGIN {body}; END $$"""
        )
        ddl.append(
            f"""CREATE FUNCTION {table}_totals() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM {table}_totals_apply(OLD, -1);
                END IF;
                IF TG_OP IN ('INSERT', 'UPDATE') THEN PERFORM {table}_totals_apply(NEW, 1);
                END IF;
                RETURN NULL;
            END $$"""
        )
        ddl.append(
            f"CREATE TRIGGER {table}_totals AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_totals()"
        )
    return ddl


def _counter(name: str, kind: sa.types.TypeEngine[int] | None = None) -> sa.Column[int]:
    return sa.Column(name, kind or sa.Integer(), nullable=False, server_default="0")


def upgrade() -> None:
    op.create_table(
        "step_totals",
        sa.Column("app_id", sa.String(100), primary_key=True),
        sa.Column("agent_type", sa.String(100), primary_key=True),
        sa.Column("status", sa.String(20), primary_key=True),
        _counter("attempts"),
        _counter("input_tokens", sa.BigInteger()),
        _counter("output_tokens", sa.BigInteger()),
        sa.Column("cost_usd", sa.Float(), nullable=False, server_default="0"),
    )
    op.create_table(
        "violation_totals",
        sa.Column("app_id", sa.String(100), primary_key=True),
        sa.Column("agent_type", sa.String(100), primary_key=True),
        _counter("violations"),
    )
    op.create_table(
        "run_totals",
        sa.Column("app_id", sa.String(100), primary_key=True),
        sa.Column("status", sa.String(20), primary_key=True),
        _counter("runs"),
    )
    bind = op.get_bind()
    for statement in _BACKFILL:
        bind.exec_driver_sql(statement)
    triggers = _postgresql_triggers() if bind.dialect.name == "postgresql" else _sqlite_triggers()
    for statement in triggers:
        bind.exec_driver_sql(statement)


def downgrade() -> None:
    bind = op.get_bind()
    for table in _TABLES:
        if bind.dialect.name == "postgresql":
            bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_totals ON {table}")
            bind.exec_driver_sql(f"DROP FUNCTION IF EXISTS {table}_totals()")
            bind.exec_driver_sql(f"DROP FUNCTION IF EXISTS {table}_totals_apply({table}, integer)")
        else:
            for event in ("insert", "update", "delete"):
                bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_totals_{event}")
    for name in ("run_totals", "violation_totals", "step_totals"):
        op.drop_table(name)
