"""The runs listing from the hub's own database (``GET /observability/runs``).

``runs`` gets what the listing shows and filters on, which only Temporal's visibility
had: the release's version, the plan's agent types (and ``run_agent_types``, one row per
type, for the ``agent_type`` filter) and whether an evaluation started the run. The
listing pages newest first by ``(created_at, id)``; each filter walks an index in that
order: every run, one app, one status, one trigger kind, one agent type.

Existing rows are back-filled:

- ``evaluation`` from ``evaluation_runs``;
- version, agent types, and the status and end of runs the table still shows running,
  from ``run_summaries`` (the closed runs the metrics copied from visibility);
- runs of known apps that only ``run_summaries`` has (started by a schedule or the
  Temporal CLI and never read through the API) get a row: trigger ``schedule`` for a
  schedule's run id (``run-sch-…``), else ``cli``.

Revision ID: 0017_s4_runs_listing
Revises: 0016_s4_app_counts
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.models import UtcDateTime

revision: str = "0017_s4_runs_listing"
down_revision: str | None = "0016_s4_app_counts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SUMMARY = "SELECT s.{column} FROM run_summaries s WHERE s.run_id = runs.id"

_BACKFILL = (
    "UPDATE runs SET evaluation = TRUE WHERE id IN (SELECT run_id FROM evaluation_runs)",
    f"""UPDATE runs SET app_version = ({_SUMMARY.format(column="app_version")}),
        agent_types = ({_SUMMARY.format(column="agent_types")})
    WHERE EXISTS (SELECT 1 FROM run_summaries s WHERE s.run_id = runs.id)""",
    f"""UPDATE runs SET status = ({_SUMMARY.format(column="status")}),
        ended_at = ({_SUMMARY.format(column="ended_at")})
    WHERE status = 'running' AND EXISTS (
        SELECT 1 FROM run_summaries s WHERE s.run_id = runs.id AND s.status <> 'running')""",
    """INSERT INTO runs (id, app_id, workflow_id, status, inputs, created_at, updated_at,
        ended_at, trigger_kind, app_version, agent_types, evaluation)
    SELECT s.run_id, s.app_id, s.run_id, s.status, '{}', s.started_at, s.started_at,
        s.ended_at, CASE WHEN substr(s.run_id, 1, 8) = 'run-sch-' THEN 'schedule' ELSE 'cli' END,
        s.app_version, s.agent_types, FALSE
    FROM run_summaries s
    WHERE EXISTS (SELECT 1 FROM apps a WHERE a.id = s.app_id)
        AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.id = s.run_id)""",
)

_AGENT_TYPES = {
    "postgresql": """INSERT INTO run_agent_types (run_id, agent_type, created_at)
        SELECT DISTINCT r.id, t.value, r.created_at FROM runs r
        CROSS JOIN LATERAL json_array_elements_text(CASE WHEN
            json_typeof(r.agent_types::json) = 'array' THEN r.agent_types::json
            ELSE '[]'::json END) AS t(value)""",
    "sqlite": """INSERT INTO run_agent_types (run_id, agent_type, created_at)
        SELECT DISTINCT r.id, t.value, r.created_at FROM runs r, json_each(
            CASE WHEN json_valid(r.agent_types) AND json_type(r.agent_types) = 'array'
            THEN r.agent_types ELSE '[]' END) AS t""",
}


def upgrade() -> None:
    op.add_column(
        "runs", sa.Column("app_version", sa.String(40), nullable=False, server_default="")
    )
    op.add_column("runs", sa.Column("agent_types", sa.JSON(), nullable=False, server_default="[]"))
    op.add_column(
        "runs", sa.Column("evaluation", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    op.create_table(
        "run_agent_types",
        sa.Column(
            "run_id",
            sa.String(200),
            sa.ForeignKey("runs.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("agent_type", sa.String(100), primary_key=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )
    bind = op.get_bind()
    for statement in _BACKFILL:
        bind.exec_driver_sql(statement)
    bind.exec_driver_sql(_AGENT_TYPES[bind.dialect.name])
    op.drop_index("ix_runs_app_created", table_name="runs")
    op.drop_index("ix_runs_status", table_name="runs")
    op.create_index("ix_runs_created_id", "runs", ["created_at", "id"])
    op.create_index("ix_runs_app_created_id", "runs", ["app_id", "created_at", "id"])
    op.create_index("ix_runs_status_created_id", "runs", ["status", "created_at", "id"])
    op.create_index("ix_runs_trigger_created_id", "runs", ["trigger_kind", "created_at", "id"])
    op.create_index(
        "ix_run_agent_types_type_created", "run_agent_types", ["agent_type", "created_at", "run_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_run_agent_types_type_created", table_name="run_agent_types")
    op.drop_table("run_agent_types")
    for name in (
        "ix_runs_created_id",
        "ix_runs_app_created_id",
        "ix_runs_status_created_id",
        "ix_runs_trigger_created_id",
    ):
        op.drop_index(name, table_name="runs")
    op.create_index("ix_runs_app_created", "runs", ["app_id", "created_at"])
    op.create_index("ix_runs_status", "runs", ["status"])
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("evaluation")
        batch.drop_column("agent_types")
        batch.drop_column("app_version")
