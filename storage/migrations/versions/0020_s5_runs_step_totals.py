"""Each run's step totals kept as its step results are written: the runs listing's page
is one statement with no aggregate over ``step_results``.

``run_step_totals`` has one row per run id that has step results: finished attempts,
completed attempts (``steps_completed``), steps whose last attempt failed (later than
their last completed one), tokens in and out, and cost. A trigger on ``step_results``
(insert, update, delete) recomputes the run's row from the run's step results (a few
rows, on the ``run_id`` index), so the row always equals what the listing summed per
request before (``storage/run_listing.py``). It is a table of its own, not columns of
``runs``: a step result may be written before its run has a row (runs adopted from
visibility), and an update of this narrow row touches one index, not the six of
``runs``. The listing joins it by primary key.

On PostgreSQL the trigger first locks the run's totals row. Its recompute is a later
statement of the function, which (under READ COMMITTED) sees what a concurrent writer
of the same run's steps committed while this one waited: the last to commit counts
every step result.

Existing step results are summed in here.

Revision ID: 0020_s5_runs_step_totals
Revises: 0019_s5_metrics_rollup_versions
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020_s5_runs_step_totals"
down_revision: str | None = "0019_s5_metrics_rollup_versions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = "attempts, steps_completed, steps_failed, input_tokens, output_tokens, cost_usd"

#: Per step first (its attempts, and whether its last attempt is later than its last
#: completed one), then per run: the listing's totals before this migration.
_TOTALS = """SELECT {key} coalesce(sum(attempts), 0), coalesce(sum(done), 0),
    coalesce(sum(CASE WHEN last > coalesce(last_done, 0) THEN 1 ELSE 0 END), 0),
    coalesce(sum(tokens_in), 0), coalesce(sum(tokens_out), 0), coalesce(sum(cost), 0)
FROM (SELECT run_id, count(*) AS attempts,
        sum(CASE WHEN status = 'completed' THEN 1 ELSE 0 END) AS done,
        sum(input_tokens) AS tokens_in, sum(output_tokens) AS tokens_out,
        sum(cost_usd) AS cost, max(attempt) AS last,
        max(CASE WHEN status = 'completed' THEN attempt END) AS last_done
    FROM step_results {where} GROUP BY run_id, activity_id) AS steps {group}"""


def recompute(run_id: str) -> str:
    """The trigger's statement: the run ``run_id`` (an SQL expression) summed again."""
    totals = _TOTALS.format(key="", where=f"WHERE run_id = {run_id}", group="")
    return f"UPDATE run_step_totals SET ({_COLUMNS}) = ({totals}) WHERE run_id = {run_id}"


#: Every run's totals, summed set-wise: the back-fill.
BACKFILL = f"""INSERT INTO run_step_totals (run_id, {_COLUMNS})
{_TOTALS.format(key="run_id,", where="", group="GROUP BY run_id")}"""


def _sqlite_triggers() -> list[str]:
    ddl = []
    for event, rows in (
        ("INSERT", ["NEW"]),
        ("UPDATE", ["OLD", "NEW"]),
        ("DELETE", ["OLD"]),
    ):
        body = []
        for r in rows:
            body += [
                # Not INSERT OR IGNORE: an outer upsert's conflict handling overrides it.
                f"INSERT INTO run_step_totals (run_id) SELECT {r}.run_id WHERE NOT EXISTS "
                f"(SELECT 1 FROM run_step_totals WHERE run_id = {r}.run_id)",
                recompute(f"{r}.run_id"),
            ]
        ddl.append(
            f"CREATE TRIGGER step_results_run_totals_{event.lower()} AFTER {event} "
            f"ON step_results FOR EACH ROW BEGIN {'; '.join(body)}; END"
        )
    return ddl


def _postgresql_triggers() -> list[str]:
    return [
        # A plan per call: PL/pgSQL caches a generic plan after five calls, and one made
        # while the tables were small (or never analysed) reads them whole on every
        # write, which made a bulk load quadratic. A custom plan sees their size.
        f"""CREATE FUNCTION run_step_totals_of(rid varchar) RETURNS void
        LANGUAGE plpgsql SET plan_cache_mode = force_custom_plan AS $$ BEGIN
            INSERT INTO run_step_totals (run_id) VALUES (rid) ON CONFLICT DO NOTHING;
            PERFORM 1 FROM run_step_totals WHERE run_id = rid FOR UPDATE;
            {recompute("rid")};
        END $$""",
        """CREATE FUNCTION step_results_run_totals() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.run_id <> NEW.run_id) THEN
                PERFORM run_step_totals_of(OLD.run_id);
            END IF;
            IF TG_OP IN ('INSERT', 'UPDATE') THEN PERFORM run_step_totals_of(NEW.run_id);
            END IF;
            RETURN NULL;
        END $$""",
        "CREATE TRIGGER step_results_run_totals AFTER INSERT OR UPDATE OR DELETE "
        "ON step_results FOR EACH ROW EXECUTE FUNCTION step_results_run_totals()",
    ]


def upgrade() -> None:
    op.create_table(
        "run_step_totals",
        sa.Column("run_id", sa.String(200), primary_key=True),
        *(
            sa.Column(name, sa.Integer(), nullable=False, server_default="0")
            for name in ("attempts", "steps_completed", "steps_failed")
        ),
        sa.Column("input_tokens", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("output_tokens", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("cost_usd", sa.Float(), nullable=False, server_default="0"),
    )
    bind = op.get_bind()
    bind.exec_driver_sql(BACKFILL)
    postgresql = bind.dialect.name == "postgresql"
    for statement in _postgresql_triggers() if postgresql else _sqlite_triggers():
        bind.exec_driver_sql(statement)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        bind.exec_driver_sql("DROP TRIGGER IF EXISTS step_results_run_totals ON step_results")
        bind.exec_driver_sql("DROP FUNCTION IF EXISTS step_results_run_totals()")
        bind.exec_driver_sql("DROP FUNCTION IF EXISTS run_step_totals_of(varchar)")
    else:
        for event in ("insert", "update", "delete"):
            bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS step_results_run_totals_{event}")
    op.drop_table("run_step_totals")
