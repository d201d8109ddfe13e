"""Alembic builds the whole schema, and the models match it exactly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from storage.database import create_db_engine
from storage.migrations import alembic_config, current_revision, upgrade
from storage.models import Base

TABLES = {"apps", "agents", "orchestrations", "releases", "runs"}


def test_upgrade_creates_every_table_and_matches_the_models(empty_database_url: str) -> None:
    assert current_revision(empty_database_url) is None
    upgrade(empty_database_url)
    upgrade(empty_database_url)  # idempotent
    head = ScriptDirectory.from_config(alembic_config(empty_database_url)).get_current_head()
    assert current_revision(empty_database_url) == head
    engine = create_db_engine(empty_database_url)
    try:
        assert set(inspect(engine).get_table_names()) >= TABLES
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
        uniques = inspect(engine).get_unique_constraints("runs")
        assert any(set(u["column_names"]) == {"app_id", "idempotency_key"} for u in uniques)
    finally:
        engine.dispose()


def test_sqlite_connections_enforce_foreign_keys_and_use_wal(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path}/pragmas.db"
    upgrade(url)
    engine = create_db_engine(url)
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        engine.dispose()


def test_duplicate_app_names_of_an_old_database_are_renamed_not_lost(
    empty_database_url: str,
) -> None:
    """0007 makes names unique per team; duplicates made before it keep every row."""
    from alembic import command
    from sqlalchemy import text

    upgrade(empty_database_url)
    command.downgrade(alembic_config(empty_database_url), "0006_app_list_indexes")
    engine = create_db_engine(empty_database_url)
    rows = [
        ("app-000000000001", "Credit Memo Processor", None, "2026-01-01 00:00:00"),
        ("app-000000000002", "Credit Memo Processor", None, "2026-01-02 00:00:00"),
        ("app-000000000003", "Credit Memo Processor", "risk", "2026-01-03 00:00:00"),
        ("app-000000000004", "Credit Memo Processor", "risk", "2026-01-04 00:00:00"),
        ("app-000000000005", "Other", "risk", "2026-01-05 00:00:00"),
    ]
    try:
        with engine.begin() as connection:
            for app_id, name, team, created in rows:
                connection.execute(
                    text(
                        "INSERT INTO apps (id, name, description, version, status, team_id, "
                        "created_at, updated_at) VALUES (:id, :name, '', '1.0.0', 'draft', "
                        ":team, :created, :created)"
                    ),
                    {"id": app_id, "name": name, "team": team, "created": created},
                )
        upgrade(empty_database_url)
        with engine.connect() as connection:
            names = dict(connection.execute(text("SELECT id, name FROM apps")).all())
    finally:
        engine.dispose()
    assert names == {
        "app-000000000001": "Credit Memo Processor",
        "app-000000000002": "Credit Memo Processor (app-000000000002)",
        "app-000000000003": "Credit Memo Processor",
        "app-000000000004": "Credit Memo Processor (app-000000000004)",
        "app-000000000005": "Other",
    }


def test_the_runs_listing_columns_are_back_filled(empty_database_url: str) -> None:
    """0017: version, agent types and evaluation flag from what the database knew; a
    row still running that visibility saw close takes its end; runs of known apps that
    only ``run_summaries`` had get a row (a schedule's by its run id)."""
    from alembic import command
    from sqlalchemy import text

    upgrade(empty_database_url)
    command.downgrade(alembic_config(empty_database_url), "0016_s4_app_counts")
    engine = create_db_engine(empty_database_url)
    at = "2026-01-01 00:00:00"
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO apps (id, name, description, version, status, created_at, "
                    "updated_at) VALUES ('app-bf', 'Backfill', '', '1.0.0', 'draft', :at, :at)"
                ),
                {"at": at},
            )
            for run_id, status in (("run-api-1", "running"), ("run-eval-1", "completed")):
                connection.execute(
                    text(
                        "INSERT INTO runs (id, app_id, workflow_id, status, inputs, created_at, "
                        "updated_at, trigger_kind) VALUES (:id, 'app-bf', :id, :status, '{}', "
                        ":at, :at, 'api')"
                    ),
                    {"id": run_id, "status": status, "at": at},
                )
            connection.execute(
                text(
                    "INSERT INTO evaluation_runs (run_id, evaluation_id, item_index) "
                    "VALUES ('run-eval-1', 'eval-1', 0)"
                )
            )
            for run_id, app_id, status in (
                ("run-api-1", "app-bf", "terminated"),
                ("run-sch-abc-2026-01-01T00:00:00Z", "app-bf", "completed"),
                ("run-cli-1", "app-bf", "failed"),
                ("run-gone-1", "app-deleted", "completed"),
            ):
                connection.execute(
                    text(
                        "INSERT INTO run_summaries (run_id, app_id, app_version, agent_types, "
                        "status, started_at, ended_at, duration_ms) VALUES (:id, :app, '2.0.0', "
                        """'["mapper", "extractor"]', :status, :at, :at, 0)"""
                    ),
                    {"id": run_id, "app": app_id, "status": status, "at": at},
                )
        upgrade(empty_database_url)
        with engine.connect() as connection:
            runs = {
                row.id: row
                for row in connection.execute(
                    text(
                        "SELECT id, status, app_version, trigger_kind, evaluation, ended_at "
                        "FROM runs"
                    )
                )
            }
            types = sorted(
                tuple(row)
                for row in connection.execute(
                    text("SELECT run_id, agent_type FROM run_agent_types")
                )
            )
    finally:
        engine.dispose()
    assert set(runs) == {"run-api-1", "run-eval-1", "run-sch-abc-2026-01-01T00:00:00Z", "run-cli-1"}
    assert runs["run-api-1"].status == "terminated" and runs["run-api-1"].ended_at is not None
    assert runs["run-api-1"].app_version == "2.0.0" and not runs["run-api-1"].evaluation
    assert runs["run-eval-1"].evaluation and runs["run-eval-1"].app_version == ""
    assert runs["run-sch-abc-2026-01-01T00:00:00Z"].trigger_kind == "schedule"
    assert (runs["run-cli-1"].trigger_kind, runs["run-cli-1"].status) == ("cli", "failed")
    assert types == sorted(
        (run_id, agent_type)
        for run_id in ("run-api-1", "run-sch-abc-2026-01-01T00:00:00Z", "run-cli-1")
        for agent_type in ("extractor", "mapper")
    )


def test_the_run_step_totals_are_back_filled(empty_database_url: str) -> None:
    """0020: each run's step totals from the step results written before it (a step
    retried then completed, one whose last attempt failed), then kept by the triggers:
    a step result written after the migration counts too."""
    from alembic import command
    from sqlalchemy import text

    upgrade(empty_database_url)
    command.downgrade(alembic_config(empty_database_url), "0019_s5_metrics_rollup_versions")
    engine = create_db_engine(empty_database_url)
    insert = text(
        "INSERT INTO step_results (run_id, app_id, app_version, step_id, activity_id, "
        "agent_id, agent_type, task_queue, status, attempt, retries, ended_at, latency_ms, "
        "input_tokens, output_tokens, cost_usd, model, provider, prompt_versions) VALUES "
        "(:run, 'app-bf', '', :step, :step, '', '', '', :status, :attempt, 0, "
        "'2026-01-01 00:00:00', 1, :tokens, 1, 0.25, '', '', '{}')"
    )
    try:
        with engine.begin() as connection:
            for run, step, status, attempt in (
                ("run-a", "s1", "failed", 1),
                ("run-a", "s1", "completed", 2),
                ("run-a", "s2", "completed", 1),
                ("run-a", "s2", "failed", 2),
                ("run-b", "s1", "completed", 1),
            ):
                connection.execute(
                    insert,
                    {"run": run, "step": step, "status": status, "attempt": attempt}
                    | {"tokens": 10},
                )
        upgrade(empty_database_url)
        with engine.begin() as connection:
            connection.execute(
                insert,
                {"run": "run-b", "step": "s2", "status": "failed", "attempt": 1} | {"tokens": 5},
            )
        with engine.connect() as connection:
            totals = {
                row[0]: tuple(row[1:])
                for row in connection.execute(
                    text(
                        "SELECT run_id, attempts, steps_completed, steps_failed, input_tokens, "
                        "output_tokens, cost_usd FROM run_step_totals ORDER BY run_id"
                    )
                )
            }
    finally:
        engine.dispose()
    assert totals == {"run-a": (4, 2, 1, 40, 4, 1.0), "run-b": (2, 1, 1, 15, 2, 0.5)}
