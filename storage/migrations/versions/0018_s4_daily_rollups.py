"""Coarser rollup levels: the hourly rollups summed per 6 hours and per day.

A window's whole hours used to be read from the hourly rollups, so a read grew with the
window's length (a 24-hour platform read summed ~11,000 latency-bucket rows, a 30-day
one ~340,000). Each hourly rollup table of ``0010_rollups`` gets two copies with the
same columns, ``<table>_6h`` and ``<table>_1d``, whose ``hour`` is the first hour of a
period of 6 hours or of a day (UTC, aligned to midnight). ``storage/rollups.py``
(:class:`Window`) reads a window as whole days, whole 6-hour periods and whole hours,
each end either added or cut, so a read sums a handful of periods whatever the
window's length.

They are kept from the hourly rows, not from the raw tables: a trigger on each hourly
table adds the change of every hourly row (an insert, the difference of an update, a
delete taken back) to its period's rows. So whatever keeps the hourly rows (the 0010
triggers, a set-wise back-fill) keeps these, and a period's row is always the sum of
its hours' rows. Existing hourly rows are summed in here.

Revision ID: 0018_s4_daily_rollups
Revises: 0017_s4_runs_listing
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from storage.models import UtcDateTime

revision: str = "0018_s4_daily_rollups"
down_revision: str | None = "0017_s4_runs_listing"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SPANS = ("6h", "1d")

#: Hourly table: (primary key, the counters). The key includes ``hour``.
TABLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "step_rollups": (
        ("app_id", "hour", "agent_type", "model"),
        (
            "calls",
            "failures",
            "retries",
            "input_tokens",
            "output_tokens",
            "cost_usd",
            "schema_violations",
        ),
    ),
    "step_latency_buckets": (("app_id", "hour", "agent_type", "bucket"), ("n",)),
    "run_rollups": (("app_id", "agent_type", "hour", "status"), ("runs",)),
    "run_duration_buckets": (("app_id", "agent_type", "hour", "bucket"), ("n",)),
}

_TYPES: dict[str, Any] = {
    "hour": UtcDateTime(),
    "app_id": sa.String(100),
    "agent_type": sa.String(100),
    "model": sa.String(200),
    "status": sa.String(20),
    "bucket": sa.Integer(),
    "input_tokens": sa.BigInteger(),
    "output_tokens": sa.BigInteger(),
    "cost_usd": sa.Float(),
}


def _columns(table: str) -> list[sa.Column[Any]]:
    key, counters = TABLES[table]
    return [
        sa.Column(name, _TYPES[name], primary_key=True, autoincrement=False) for name in key
    ] + [
        sa.Column(name, _TYPES.get(name, sa.Integer()), nullable=False, server_default="0")
        for name in counters
    ]


def _period(dialect: str, span: str, hour: str) -> str:
    """The first hour of ``hour``'s period of ``span`` (``hour`` is an hourly row's)."""
    if dialect == "postgresql":
        if span == "1d":
            return f"date_trunc('day', {hour} AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'"
        return (
            f"{hour} - make_interval(hours => "
            f"mod((extract(hour FROM {hour} AT TIME ZONE 'UTC'))::integer, 6))"
        )
    # SQLite: 'YYYY-MM-DD HH:00:00.000000', as the 0010 triggers write it.
    if span == "1d":
        return f"substr({hour}, 1, 10) || ' 00:00:00.000000'"
    return (
        f"substr({hour}, 1, 11) || printf('%02d', CAST(substr({hour}, 12, 2) AS INTEGER) "
        "/ 6 * 6) || ':00:00.000000'"
    )


def _upserts(dialect: str, table: str, r: str, value: Callable[[str], str]) -> list[str]:
    """Add ``value(counter)`` to the period rows of ``r``'s key, for every span."""
    key, counters = TABLES[table]
    statements = []
    for span in SPANS:
        target = f"{table}_{span}"
        values = [_period(dialect, span, f"{r}.hour") if k == "hour" else f"{r}.{k}" for k in key]
        values += [value(c) for c in counters]
        statements.append(
            f"""INSERT INTO {target} ({", ".join(key + counters)})
            VALUES ({", ".join(values)})
            ON CONFLICT ({", ".join(key)}) DO UPDATE SET
            {", ".join(f"{c} = {target}.{c} + excluded.{c}" for c in counters)}"""
        )
    return statements


def _same_key(table: str) -> str:
    key, _ = TABLES[table]
    return " AND ".join(f"OLD.{k} = NEW.{k}" for k in key)


def _postgresql_triggers(table: str) -> list[str]:
    def body(statements: list[str]) -> str:
        return ";\n".join(statements) + ";"

    added = _upserts("postgresql", table, "NEW", lambda c: f"NEW.{c}")
    taken = _upserts("postgresql", table, "OLD", lambda c: f"-OLD.{c}")
    changed = _upserts("postgresql", table, "NEW", lambda c: f"NEW.{c} - OLD.{c}")
    return [
        f"""CREATE FUNCTION {table}_levels() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'INSERT' THEN {body(added)}
            ELSIF TG_OP = 'DELETE' THEN {body(taken)}
            ELSIF {_same_key(table)} THEN {body(changed)}
            ELSE {body(taken)} {body(added)}
            END IF;
            RETURN NULL;
        END $$""",
        f"CREATE TRIGGER {table}_levels AFTER INSERT OR UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {table}_levels()",
    ]


def _sqlite_triggers(table: str) -> list[str]:
    def trigger(name: str, event: str, statements: list[str], when: str = "") -> str:
        return (
            f"CREATE TRIGGER {table}_levels_{name} AFTER {event} ON {table} FOR EACH ROW "
            f"{f'WHEN {when} ' if when else ''}BEGIN {'; '.join(statements)}; END"
        )

    added = _upserts("sqlite", table, "NEW", lambda c: f"NEW.{c}")
    taken = _upserts("sqlite", table, "OLD", lambda c: f"-OLD.{c}")
    changed = _upserts("sqlite", table, "NEW", lambda c: f"NEW.{c} - OLD.{c}")
    return [
        trigger("insert", "INSERT", added),
        trigger("delete", "DELETE", taken),
        trigger("update", "UPDATE", changed, _same_key(table)),
        trigger("rekey", "UPDATE", taken + added, f"NOT ({_same_key(table)})"),
    ]


def _backfill(dialect: str, table: str, span: str) -> str:
    key, counters = TABLES[table]
    selected = [_period(dialect, span, "hour") if k == "hour" else k for k in key]
    return f"""INSERT INTO {table}_{span} ({", ".join(key + counters)})
        SELECT {", ".join(selected + [f"sum({c})" for c in counters])}
        FROM {table} GROUP BY {", ".join(str(i + 1) for i in range(len(key)))}"""


def upgrade() -> None:
    bind = op.get_bind()
    dialect = bind.dialect.name
    for table in TABLES:
        for span in SPANS:
            op.create_table(f"{table}_{span}", *_columns(table))
            bind.exec_driver_sql(_backfill(dialect, table, span))
    # cost by day and app reads every app's rows of the window: by period.
    for span in SPANS:
        op.create_index(f"ix_step_rollups_{span}_hour", f"step_rollups_{span}", ["hour"])
    for table in TABLES:
        triggers = (
            _postgresql_triggers(table) if dialect == "postgresql" else _sqlite_triggers(table)
        )
        for statement in triggers:
            bind.exec_driver_sql(statement)


def downgrade() -> None:
    bind = op.get_bind()
    for table in TABLES:
        if bind.dialect.name == "postgresql":
            bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_levels ON {table}")
            bind.exec_driver_sql(f"DROP FUNCTION IF EXISTS {table}_levels()")
        else:
            for name in ("insert", "delete", "update", "rekey"):
                bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_levels_{name}")
    for span in SPANS:
        op.drop_index(f"ix_step_rollups_{span}_hour", f"step_rollups_{span}")
    for table in TABLES:
        for span in SPANS:
            op.drop_table(f"{table}_{span}")
