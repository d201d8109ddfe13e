"""Storage fixtures: a migrated database per test module, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from storage.database import create_db_engine, create_session_factory
from storage.migrations import upgrade

PG_ADMIN = dict(
    host=os.environ.get("HUB_TEST_PG_HOST", "127.0.0.1"),
    port=int(os.environ.get("HUB_TEST_PG_PORT", "5432")),
    user=os.environ.get("HUB_TEST_PG_USER", "postgres"),
    dbname=os.environ.get("HUB_TEST_PG_DB", "test"),
)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def empty_database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """An empty (unmigrated) database on each backend."""
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("storage") / "hub.db"
        yield f"sqlite:///{path}"
        return
    import psycopg

    try:
        admin = psycopg.connect(**PG_ADMIN, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        reason = f"!!! PostgreSQL unreachable ({exc}); PostgreSQL storage tests did NOT run !!!"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    name = f"hub_storage_test_{uuid.uuid4().hex[:12]}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://{PG_ADMIN['user']}@{PG_ADMIN['host']}:{PG_ADMIN['port']}/{name}"
    finally:
        with psycopg.connect(**PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def database_url(empty_database_url: str) -> str:
    upgrade(empty_database_url)
    return empty_database_url


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    engine = create_db_engine(database_url)
    factory = create_session_factory(engine)
    with factory() as s:
        yield s
        s.rollback()
    engine.dispose()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``postgresql_only`` run once, on PostgreSQL (no SQLite case to skip)."""
    sqlite_cases = [
        item
        for item in items
        if item.get_closest_marker("postgresql_only")
        and getattr(item, "callspec", None) is not None
        and item.callspec.params.get("empty_database_url") == "sqlite"  # type: ignore[attr-defined]
    ]
    if sqlite_cases:
        config.hook.pytest_deselected(items=sqlite_cases)
        items[:] = [item for item in items if item not in sqlite_cases]
