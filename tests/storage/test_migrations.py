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
