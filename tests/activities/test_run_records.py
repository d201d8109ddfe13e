"""The ``record_run`` activity's writes on SQLite: an end goes inline on a kept
connection (one statement, one commit, the caller's thread); a locked database, or a run
without a row, takes the thread path, and the row says the same either way."""

from __future__ import annotations

import asyncio
import threading
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select

from activities.run_records import RunRecords
from schemas.run_records import RunRecord
from storage.database import create_session_factory
from storage.models import Run
from storage.repositories import RunRepository
from tests.engine_support.harness import hub_database_with_app


@pytest.fixture
def stack(tmp_path: Path) -> tuple[RunRecords, Any, str, list[str]]:
    hub = hub_database_with_app(tmp_path, "records")
    engine, sessions, app_id = hub.engine, hub.sessions, hub.app_id
    # Which thread each commit ran on: the inline end commits on the caller's.
    threads: list[str] = []
    event.listen(engine, "commit", lambda _c: threads.append(threading.current_thread().name))
    return RunRecords(sessions), engine, app_id, threads


def started(engine: Any, app_id: str) -> str:
    run_id = f"run-{uuid.uuid4().hex[:12]}"
    with create_session_factory(engine)() as session:
        RunRepository(session).create(app_id, run_id=run_id, workflow_id=run_id)
        session.commit()
    return run_id


def end(run_id: str, app_id: str, status: Any, error: str | None = None) -> RunRecord:
    now = datetime.now(UTC)
    return RunRecord(
        run_id=run_id,
        app_id=app_id,
        started_at=now - timedelta(seconds=3),
        status=status,
        ended_at=now,
        error=error,
        temporal_run_id="temporal-run-1",
    )


def row(engine: Any, run_id: str) -> Any:
    with engine.connect() as conn:
        return conn.execute(
            select(Run.status, Run.ended_at, Run.error, Run.temporal_run_id).where(Run.id == run_id)
        ).one_or_none()


async def test_an_end_is_one_commit_on_the_callers_thread(
    stack: tuple[RunRecords, Any, str, list[str]],
) -> None:
    records, engine, app_id, threads = stack
    for status, error in (("completed", None), ("failed", "no document"), ("canceled", "canceled")):
        run_id = started(engine, app_id)
        threads.clear()
        record = end(run_id, app_id, status, error)
        await records.record_run(record)
        assert threads == [threading.current_thread().name]
        assert tuple(row(engine, run_id)) == (status, record.ended_at, error, "temporal-run-1")


async def test_a_locked_database_and_a_run_without_a_row_take_the_thread_path(
    stack: tuple[RunRecords, Any, str, list[str]],
) -> None:
    records, engine, app_id, threads = stack
    run_id = started(engine, app_id)
    blocker = engine.connect()
    blocker.exec_driver_sql("BEGIN IMMEDIATE")  # another writer holds the lock
    threads.clear()
    writing = asyncio.create_task(records.record_run(end(run_id, app_id, "completed")))
    await asyncio.sleep(0)  # the inline try has met the lock
    blocker.rollback()
    blocker.close()
    await writing
    assert row(engine, run_id).status == "completed"
    assert threads and threading.current_thread().name not in threads

    # Started without a row (the Temporal CLI): the end adds one, on the thread path.
    stranger = f"run-cli-{uuid.uuid4().hex[:8]}"
    threads.clear()
    await records.record_run(end(stranger, app_id, "completed"))
    assert row(engine, stranger).status == "completed"
    assert any(name != threading.current_thread().name for name in threads)
