"""The embedded (SQLite) hub database: WAL journal synced at checkpoints, foreign keys on."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import sqlite3
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from api.app import create_app
from api.config import ApiConfig
from storage.database import (
    BACKGROUND_CHECKPOINT_SAFETY_PAGES,
    WalCheckpointer,
    create_db_engine,
    discard_connection,
    event_loop_sqlite_connection,
)
from storage.migrations import upgrade
from tests.auth_support import admin_headers


def test_sqlite_connections_use_wal_synced_at_checkpoints(tmp_path: Path) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'hub.db'}")
    with engine.connect() as conn:
        assert conn.scalar(text("PRAGMA journal_mode")) == "wal"
        assert conn.scalar(text("PRAGMA synchronous")) == 1  # NORMAL
        assert conn.scalar(text("PRAGMA foreign_keys")) == 1
    engine.dispose()


def _rows_in_database_file(path: Path, tmp_path: Path) -> int:
    """Rows of ``t`` in the database file alone: what was checkpointed out of the WAL."""
    copy = tmp_path / "file-only.db"
    shutil.copyfile(path, copy)
    with contextlib.closing(sqlite3.connect(copy)) as db:
        tables = db.execute("SELECT count(*) FROM sqlite_master WHERE name = 't'").fetchone()
        return int(db.execute("SELECT count(*) FROM t").fetchone()[0]) if tables[0] else 0


def _write_rows(engine: Engine, count: int) -> None:
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS t (x INTEGER)"))
        for x in range(count):
            conn.execute(text("INSERT INTO t VALUES (:x)"), {"x": x})


def test_background_checkpoints_leave_the_wal_to_the_checkpointer(tmp_path: Path) -> None:
    path = tmp_path / "hub.db"
    default = create_db_engine(f"sqlite:///{path}")
    background = create_db_engine(f"sqlite:///{path}", background_checkpoints=True)
    with default.connect() as conn:
        assert conn.scalar(text("PRAGMA wal_autocheckpoint")) == 1000
    with background.connect() as conn:
        assert conn.scalar(text("PRAGMA wal_autocheckpoint")) == BACKGROUND_CHECKPOINT_SAFETY_PAGES
    default.dispose()
    background.dispose()


def test_the_checkpointer_moves_commits_into_the_database_file(tmp_path: Path) -> None:
    path = tmp_path / "hub.db"
    engine = create_db_engine(f"sqlite:///{path}", background_checkpoints=True)
    checkpointer = WalCheckpointer(engine, interval_seconds=0.01)
    _write_rows(engine, 3)
    assert _rows_in_database_file(path, tmp_path) == 0  # still in the WAL

    async def run_until_checkpointed() -> None:
        checkpointer.start()
        while _rows_in_database_file(path, tmp_path) != 3:
            await asyncio.sleep(0.01)
        await checkpointer.close()

    asyncio.run(asyncio.wait_for(run_until_checkpointed(), timeout=30))
    engine.dispose()


def test_the_checkpointer_waits_for_a_commit(tmp_path: Path) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'hub.db'}", background_checkpoints=True)
    checkpointer = WalCheckpointer(engine, interval_seconds=0.01)
    checkpoints: list[int] = []
    checkpointer.checkpoint = lambda: checkpoints.append(1)  # type: ignore[method-assign]

    async def scenario() -> None:
        checkpointer.start()
        await asyncio.sleep(0.1)
        assert checkpoints == []  # nothing committed: nothing to checkpoint
        await asyncio.to_thread(_write_rows, engine, 1)
        while not checkpoints:
            await asyncio.sleep(0.01)
        await checkpointer.close()

    asyncio.run(asyncio.wait_for(scenario(), timeout=30))
    assert checkpoints == [1]
    engine.dispose()


def test_the_event_loop_writers_commits_are_checkpointed_too(tmp_path: Path) -> None:
    """A run's end is written on the event loop's own connection (which never
    checkpoints): the checkpointer moves it into the database file all the same."""
    path = tmp_path / "hub.db"
    engine = create_db_engine(f"sqlite:///{path}", background_checkpoints=True)
    _write_rows(engine, 0)  # the table, still in the WAL
    checkpointer = WalCheckpointer(engine, interval_seconds=0.01)

    async def scenario() -> None:
        checkpointer.start()
        inline = event_loop_sqlite_connection(engine)
        for x in range(2):
            inline.execute(text("INSERT INTO t VALUES (:x)"), {"x": x})
        inline.commit()
        discard_connection(inline)
        while _rows_in_database_file(path, tmp_path) != 2:
            await asyncio.sleep(0.01)
        await checkpointer.close()

    asyncio.run(asyncio.wait_for(scenario(), timeout=30))
    engine.dispose()


def test_one_app_serves_test_clients_nested_and_in_turn(tmp_path: Path) -> None:
    """Each test client runs the app's lifespan on an event loop of its own, and one may
    be opened inside another: each starts the checkpointer on its loop and stops only
    its own (the first version awaited another loop's task and failed the shutdown)."""
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    upgrade(url)
    app = create_app(ApiConfig(database_url=url))
    with TestClient(app, headers=admin_headers()) as outer:
        for round_ in range(2):
            with TestClient(app, headers=admin_headers()) as inner:
                created = inner.post("/apps", json={"name": f"app {round_}"})
                assert created.status_code == 201, created.text
        assert outer.post("/apps", json={"name": "app 2"}).status_code == 201
    with TestClient(app, headers=admin_headers()) as client:
        names = sorted(a["name"] for a in client.get("/apps").json())
        assert names == ["app 0", "app 1", "app 2"]
