"""Dashboard rollups kept by triggers: steps, latencies, runs and durations per hour.

See ``storage/rollups.py`` for what each table holds. The triggers fire on every
insert, update and delete of ``step_results``, ``schema_violations`` and
``run_summaries``: an update takes the old row's contribution back and adds the new
one, so a rewritten attempt or a re-synced run is counted once. Existing rows get
their histogram buckets and are summed into the rollups here.

Revision ID: 0010_s2_22_rollups
Revises: 0009_triggers
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from storage.histogram import bucket_of
from storage.models import UtcDateTime

revision: str = "0010_rollups"
down_revision: str | None = "0009_triggers"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Primary keys, led by the app (``*``: every app) so that a read of one app, or of the
#: whole platform, walks only its own rows of the window.
_STEP_KEY = ("app_id", "hour", "agent_type", "model")
_LATENCY_KEY = ("app_id", "hour", "agent_type", "bucket")
_RUN_KEY = ("app_id", "agent_type", "hour", "status")
_DURATION_KEY = ("app_id", "agent_type", "hour", "bucket")


def _key(names: Sequence[str]) -> list[sa.Column[Any]]:
    types: dict[str, Any] = {
        "hour": UtcDateTime(),
        "app_id": sa.String(100),
        "agent_type": sa.String(100),
        "model": sa.String(200),
        "status": sa.String(20),
        "bucket": sa.Integer(),
    }
    return [
        sa.Column(name, types[name], primary_key=True, autoincrement=False) for name in names
    ]


def _counter(name: str, kind: Any = None) -> sa.Column[Any]:
    return sa.Column(name, kind or sa.Integer(), nullable=False, server_default="0")


# ------------------------------------------------------------------ trigger bodies
# Each "apply" statement adds ``sign`` times a row's contribution; ``{r}`` is the row
# (NEW or OLD on SQLite, the record variable in PL/pgSQL) and ``{hour}`` its hour. Each
# row counts twice: under its app and under ``*`` (every app).


def _apps(r: str) -> str:
    return f"(SELECT {r}.app_id AS app UNION ALL SELECT '*') AS apps"


def _step_statements(r: str, sign: str, hour: str, where: str) -> list[str]:
    return [
        f"""INSERT INTO step_rollups (app_id, hour, agent_type, model, calls, failures,
            retries, input_tokens, output_tokens, cost_usd, schema_violations)
        SELECT apps.app, {hour}, {r}.agent_type, {r}.model, {sign},
            CASE WHEN {r}.status <> 'completed' THEN {sign} ELSE 0 END,
            CASE WHEN {r}.attempt > 1 THEN {sign} ELSE 0 END,
            {sign} * {r}.input_tokens, {sign} * {r}.output_tokens, {sign} * {r}.cost_usd, 0
        FROM {_apps(r)}
        WHERE {where}
        ON CONFLICT (app_id, hour, agent_type, model) DO UPDATE SET
            calls = step_rollups.calls + excluded.calls,
            failures = step_rollups.failures + excluded.failures,
            retries = step_rollups.retries + excluded.retries,
            input_tokens = step_rollups.input_tokens + excluded.input_tokens,
            output_tokens = step_rollups.output_tokens + excluded.output_tokens,
            cost_usd = step_rollups.cost_usd + excluded.cost_usd""",
        f"""INSERT INTO step_latency_buckets (app_id, hour, agent_type, bucket, n)
        SELECT apps.app, {hour}, {r}.agent_type, {r}.latency_bucket, {sign}
        FROM {_apps(r)}
        WHERE {where} AND {r}.status = 'completed' AND {r}.latency_bucket IS NOT NULL
        ON CONFLICT (app_id, hour, agent_type, bucket) DO UPDATE SET
            n = step_latency_buckets.n + excluded.n""",
    ]


def _violation_statements(r: str, sign: str, hour: str, where: str) -> list[str]:
    return [
        f"""INSERT INTO step_rollups (app_id, hour, agent_type, model, calls, failures,
            retries, input_tokens, output_tokens, cost_usd, schema_violations)
        SELECT apps.app, {hour}, {r}.agent_type, '', 0, 0, 0, 0, 0, 0, {sign}
        FROM {_apps(r)}
        WHERE {where} AND {r}.severity = 'error'
        ON CONFLICT (app_id, hour, agent_type, model) DO UPDATE SET
            schema_violations = step_rollups.schema_violations + excluded.schema_violations"""
    ]


def _run_statements(r: str, sign: str, hour: str, where: str, types: str) -> list[str]:
    """``types``: a FROM item of one ``value`` column, ``*`` and the run's agent types."""
    return [
        f"""INSERT INTO run_rollups (app_id, agent_type, hour, status, runs)
        SELECT apps.app, types.value, {hour}, {r}.status, {sign} FROM {_apps(r)}, {types}
        WHERE {where}
        ON CONFLICT (app_id, agent_type, hour, status) DO UPDATE SET
            runs = run_rollups.runs + excluded.runs""",
        f"""INSERT INTO run_duration_buckets (app_id, agent_type, hour, bucket, n)
        SELECT apps.app, types.value, {hour}, {r}.duration_bucket, {sign}
        FROM {_apps(r)}, {types}
        WHERE {where} AND {r}.status <> 'running' AND {r}.duration_bucket IS NOT NULL
        ON CONFLICT (app_id, agent_type, hour, bucket) DO UPDATE SET
            n = run_duration_buckets.n + excluded.n""",
    ]


def _production(r: str) -> str:
    return f"NOT EXISTS (SELECT 1 FROM evaluation_runs e WHERE e.run_id = {r}.run_id)"


_TABLES = {
    # table: (time column, statements)
    "step_results": ("ended_at", "step"),
    "schema_violations": ("created_at", "violation"),
    "run_summaries": ("started_at", "run"),
}


def _statements(kind: str, r: str, sign: str, hour: str, types: str) -> list[str]:
    where = _production(r)
    if kind == "step":
        return _step_statements(r, sign, hour, where)
    if kind == "violation":
        return _violation_statements(r, sign, hour, where)
    return _run_statements(r, sign, hour, where, types)


def _sqlite_triggers() -> list[str]:
    ddl = []
    for table, (column, kind) in _TABLES.items():
        for event, rows in (
            ("INSERT", [("NEW", "1")]),
            ("UPDATE", [("OLD", "-1"), ("NEW", "1")]),
            ("DELETE", [("OLD", "-1")]),
        ):
            body = []
            for r, sign in rows:
                hour = f"substr({r}.{column}, 1, 13) || ':00:00.000000'"
                types = (
                    f"(SELECT '*' AS value UNION SELECT value FROM json_each({r}.agent_types) "
                    f"WHERE json_type({r}.agent_types) = 'array')"
                    " AS types"
                )
                body += _statements(kind, r, sign, hour, types)
            ddl.append(
                f"CREATE TRIGGER {table}_rollup_{event.lower()} AFTER {event} ON {table} "
                f"FOR EACH ROW BEGIN {'; '.join(body)}; END"
            )
    return ddl


def _postgresql_triggers() -> list[str]:
    ddl = []
    for table, (column, kind) in _TABLES.items():
        hour = f"date_trunc('hour', r.{column} AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'"
        types = (
            "(SELECT '*' AS value UNION SELECT json_array_elements_text(CASE WHEN "
            "json_typeof(r.agent_types::json) = 'array' THEN r.agent_types::json "
            "ELSE '[]'::json END)) AS types"
        )
        body = ";\n".join(_statements(kind, "r", "sign", hour, types))
        ddl.append(
            f"""CREATE FUNCTION {table}_rollup_apply(r {table}, sign integer) RETURNS void
            LANGUAGE plpgsql AS $$ BEGIN {body}; END $$"""
        )
        ddl.append(
            f"""CREATE FUNCTION {table}_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM {table}_rollup_apply(OLD, -1);
                END IF;
                IF TG_OP IN ('INSERT', 'UPDATE') THEN PERFORM {table}_rollup_apply(NEW, 1);
                END IF;
                RETURN NULL;
            END $$"""
        )
        ddl.append(
            f"CREATE TRIGGER {table}_rollup AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_rollup()"
        )
    return ddl


def _backfill_buckets(table: str, key: str, value: str, bucket: str) -> None:
    """Give existing rows their bucket (before the triggers exist)."""
    bind = op.get_bind()
    rows = sa.table(table, sa.column(key), sa.column(value), sa.column(bucket))
    pending = bind.execute(sa.select(rows.c[key], rows.c[value])).all()
    update = (
        sa.update(rows)
        .where(rows.c[key] == sa.bindparam("k"))
        .values({bucket: sa.bindparam("b")})
    )
    for start in range(0, len(pending), 5000):
        chunk = pending[start : start + 5000]
        bind.execute(update, [{"k": k, "b": bucket_of(v)} for k, v in chunk])


def _replay(table: str) -> None:
    """Apply the insert trigger's contribution of each existing row of ``table``."""
    bind = op.get_bind()
    column, kind = _TABLES[table]
    if bind.dialect.name == "postgresql":
        bind.exec_driver_sql(f"SELECT {table}_rollup_apply(r, 1) FROM {table} r")
        return
    # SQLite: the trigger statements, run once per row with the row's values bound.
    names = [c["name"] for c in sa.inspect(bind).get_columns(table)]
    hour = f"substr(:{column}, 1, 13) || ':00:00.000000'"
    types = (
        "(SELECT '*' AS value UNION SELECT value FROM json_each(:agent_types) "
        "WHERE json_type(:agent_types) = 'array') AS types"
    )
    statements = _statements(kind, "r", "1", hour, types)
    rows = bind.execute(sa.text(f"SELECT {', '.join(names)} FROM {table}")).mappings().all()
    for statement in statements:
        sql = statement
        for name in names:
            sql = sql.replace(f"r.{name}", f":{name}")
        if rows:
            bind.execute(sa.text(sql), [dict(row) for row in rows])


def upgrade() -> None:
    with op.batch_alter_table("step_results") as batch:
        batch.add_column(sa.Column("latency_bucket", sa.Integer(), nullable=True))
    with op.batch_alter_table("run_summaries") as batch:
        batch.add_column(sa.Column("duration_bucket", sa.Integer(), nullable=True))
    op.create_table(
        "step_rollups",
        *_key(_STEP_KEY),
        _counter("calls"),
        _counter("failures"),
        _counter("retries"),
        _counter("input_tokens", sa.BigInteger()),
        _counter("output_tokens", sa.BigInteger()),
        _counter("cost_usd", sa.Float()),
        _counter("schema_violations"),
    )
    # The summary sync starts from the newest close seen (max(ended_at)) on each read.
    op.create_index("ix_run_summaries_ended", "run_summaries", ["ended_at"])
    # cost by day and app reads every app's rows of the window: by hour.
    op.create_index("ix_step_rollups_hour", "step_rollups", ["hour"])
    op.create_table("step_latency_buckets", *_key(_LATENCY_KEY), _counter("n"))
    op.create_table("run_rollups", *_key(_RUN_KEY), _counter("runs"))
    op.create_table("run_duration_buckets", *_key(_DURATION_KEY), _counter("n"))
    _backfill_buckets("step_results", "id", "latency_ms", "latency_bucket")
    _backfill_buckets("run_summaries", "run_id", "duration_ms", "duration_bucket")
    bind = op.get_bind()
    triggers = _postgresql_triggers() if bind.dialect.name == "postgresql" else _sqlite_triggers()
    for statement in triggers:
        bind.exec_driver_sql(statement)
    for table in _TABLES:
        _replay(table)


def downgrade() -> None:
    bind = op.get_bind()
    for table in _TABLES:
        if bind.dialect.name == "postgresql":
            bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_rollup ON {table}")
            bind.exec_driver_sql(f"DROP FUNCTION IF EXISTS {table}_rollup()")
            bind.exec_driver_sql(f"DROP FUNCTION IF EXISTS {table}_rollup_apply({table}, integer)")
        else:
            for event in ("insert", "update", "delete"):
                bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_rollup_{event}")
    for name in ("run_duration_buckets", "run_rollups", "step_latency_buckets", "step_rollups"):
        op.drop_table(name)
    op.drop_index("ix_run_summaries_ended", "run_summaries")
    with op.batch_alter_table("run_summaries") as batch:
        batch.drop_column("duration_bucket")
    with op.batch_alter_table("step_results") as batch:
        batch.drop_column("latency_bucket")
