"""The step-result recorder on SQLite and PostgreSQL: rows land, a repeated attempt
overwrites its row, retried and violating attempts in one batch, a connection the
database drops is replaced without failing the attempt; and on SQLite (the one fast
path kept) a lone attempt is written inline without ever blocking the event loop on a
lock, with the WAL checkpointed by the writer thread."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Engine, event, select

from activities import step_results
from activities.step_results import StepResultRecorder
from schemas.invoke import SchemaViolationRecord
from storage.database import create_db_engine, create_session_factory, postgresql_conninfo
from storage.migrations import upgrade
from storage.models import SchemaViolation, StepResult
from storage.observability import (
    ATTEMPT_COMPLETED,
    ATTEMPT_FAILED,
    ATTEMPT_TIMED_OUT,
    StepAttempt,
)
from storage.prices import PriceTable


def attempt(
    run_id: str, step: str, number: int = 1, status: str = ATTEMPT_COMPLETED
) -> StepAttempt:
    return StepAttempt(
        run_id=run_id,
        app_id="app-1",
        step_id=step,
        item_index=None,
        activity_id=step,
        attempt=number,
        status=status,
        ended_at=datetime.now(UTC),
        agent_type="extractor",
    )


@pytest.fixture
async def writer(database_url: str) -> AsyncIterator[tuple[StepResultRecorder, Engine]]:
    engine = create_db_engine(database_url)
    recorder = StepResultRecorder(create_session_factory(engine), PriceTable.load())
    yield recorder, engine
    recorder.close()
    engine.dispose()


def statuses(engine: Engine, run_id: str) -> list[tuple[str, int, str]]:
    with engine.connect() as conn:
        query = (
            select(StepResult.step_id, StepResult.attempt, StepResult.status)
            .where(StepResult.run_id == run_id)
            .order_by(StepResult.step_id, StepResult.attempt)
        )
        return [tuple(row) for row in conn.execute(query)]  # type: ignore[misc]


async def test_first_attempts_are_written_and_a_repeat_overwrites_its_row(
    writer: tuple[StepResultRecorder, Engine],
) -> None:
    recorder, engine = writer
    run_id = f"run-{uuid.uuid4().hex[:8]}"
    await asyncio.gather(*(recorder.record(attempt(run_id, f"s{i}"), []) for i in range(20)))
    await recorder.record(attempt(run_id, "s0", status=ATTEMPT_FAILED), [])

    rows = statuses(engine, run_id)
    assert len(rows) == 20
    assert rows[0] == ("s0", 1, ATTEMPT_FAILED)
    assert all(status == ATTEMPT_COMPLETED for _, _, status in rows[1:])


async def test_retried_and_violating_attempts_in_one_batch_take_the_full_path(
    writer: tuple[StepResultRecorder, Engine],
) -> None:
    recorder, engine = writer
    run_id = f"run-{uuid.uuid4().hex[:8]}"
    violation = SchemaViolationRecord(pointer="/total", message="not a number")
    await asyncio.gather(
        recorder.record(attempt(run_id, "a"), []),
        recorder.record(attempt(run_id, "b", number=3), []),  # attempts 1 and 2 never reported
        recorder.record(attempt(run_id, "c"), [violation]),
    )

    assert statuses(engine, run_id) == [
        ("a", 1, ATTEMPT_COMPLETED),
        ("b", 1, ATTEMPT_TIMED_OUT),
        ("b", 2, ATTEMPT_TIMED_OUT),
        ("b", 3, ATTEMPT_COMPLETED),
        ("c", 1, ATTEMPT_COMPLETED),
    ]
    with engine.connect() as conn:
        pointers = conn.scalars(
            select(SchemaViolation.pointer).where(SchemaViolation.run_id == run_id)
        ).all()
    assert pointers == ["/total"]


async def test_a_dropped_connection_is_replaced_without_failing_the_attempt(
    writer: tuple[StepResultRecorder, Engine],
) -> None:
    recorder, engine = writer
    run_id = f"run-{uuid.uuid4().hex[:8]}"
    await recorder.record(attempt(run_id, "before"), [])
    connects: list[int] = []
    event.listen(engine, "connect", lambda *_args: connects.append(1))

    if engine.dialect.name != "postgresql":
        # SQLite has no server: close the inline connection's DBAPI connection under it.
        kept = recorder._inline  # noqa: SLF001 - the thing under test
        assert kept is not None
        kept.connection.dbapi_connection.close()  # type: ignore[union-attr]
        await recorder.record(attempt(run_id, "after"), [])
        assert [row[0] for row in statuses(engine, run_id)] == ["after", "before"]
        return
    # What a database restart does to the pooled connection: the server ends it.
    with psycopg.connect(postgresql_conninfo(str(engine.url.render_as_string(False)))) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )

    await recorder.record(attempt(run_id, "after"), [])

    assert statuses(engine, run_id) == [
        ("after", 1, ATTEMPT_COMPLETED),
        ("before", 1, ATTEMPT_COMPLETED),
    ]
    assert len(connects) >= 1  # the recorder opened a fresh connection


@pytest.fixture
async def sqlite_writer(tmp_path: Path) -> AsyncIterator[tuple[StepResultRecorder, Engine, Path]]:
    path = tmp_path / "hub.db"
    upgrade(f"sqlite:///{path}")
    engine = create_db_engine(f"sqlite:///{path}")
    recorder = StepResultRecorder(create_session_factory(engine), PriceTable.load())
    yield recorder, engine, path
    recorder.close()
    engine.dispose()


def commit_threads(engine: Engine) -> list[str]:
    names: list[str] = []
    event.listen(engine, "commit", lambda _conn: names.append(threading.current_thread().name))
    return names


async def test_a_lone_attempt_on_sqlite_is_written_inline(
    sqlite_writer: tuple[StepResultRecorder, Engine, Path],
) -> None:
    recorder, engine, _path = sqlite_writer
    threads = commit_threads(engine)
    run_id = f"run-{uuid.uuid4().hex[:8]}"
    await recorder.record(attempt(run_id, "s1"), [])
    assert recorder._inline_writes == 1  # noqa: SLF001 - written on the event loop's thread
    assert threads == [threading.current_thread().name]
    await recorder.record(attempt(run_id, "s2", number=2), [])  # a retry: the writer thread

    assert [row[:2] for row in statuses(engine, run_id)] == [("s1", 1), ("s2", 1), ("s2", 2)]
    assert recorder._inline_writes == 1  # noqa: SLF001
    assert len(threads) == 2 and threads[1].startswith("step-results")
    # The inline connection never waits for a lock (the event loop would wait with it).
    inline = recorder._inline  # noqa: SLF001
    assert inline is not None
    assert inline.exec_driver_sql("PRAGMA busy_timeout").scalar() == 0


async def test_a_locked_sqlite_database_never_blocks_the_event_loop(
    sqlite_writer: tuple[StepResultRecorder, Engine, Path],
) -> None:
    recorder, engine, path = sqlite_writer
    threads = commit_threads(engine)
    run_id = f"run-{uuid.uuid4().hex[:8]}"
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process's write transaction holds the lock
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    ticking = asyncio.create_task(ticker())
    writing = asyncio.create_task(recorder.record(attempt(run_id, "s1"), []))
    while ticks < 20:  # the loop keeps running while the write waits for the lock
        await asyncio.sleep(0.01)
    assert not writing.done()
    other.execute("COMMIT")
    await writing
    ticking.cancel()
    other.close()

    assert statuses(engine, run_id) == [("s1", 1, ATTEMPT_COMPLETED)]
    assert threads and all(name.startswith("step-results") for name in threads)


async def test_inline_writes_are_checkpointed_by_the_writer_thread(
    sqlite_writer: tuple[StepResultRecorder, Engine, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder, _engine, path = sqlite_writer
    monkeypatch.setattr(step_results, "INLINE_CHECKPOINT_EVERY", 10)
    run_id = f"run-{uuid.uuid4().hex[:8]}"

    def rows_in_main_file() -> int:
        # immutable=1 reads the database file alone, ignoring the WAL: only rows a
        # checkpoint has copied there are seen.
        with sqlite3.connect(f"file:{path}?immutable=1", uri=True) as main_file:
            query = "SELECT count(*) FROM step_results WHERE run_id = ?"
            return int(main_file.execute(query, (run_id,)).fetchone()[0])

    for index in range(9):
        await recorder.record(attempt(run_id, f"s{index}"), [])
    recorder._thread.submit(lambda: None).result()  # noqa: SLF001 - let the thread catch up
    assert rows_in_main_file() == 0  # still only in the WAL

    await recorder.record(attempt(run_id, "s9"), [])
    recorder._thread.submit(lambda: None).result()  # noqa: SLF001
    assert rows_in_main_file() == 10
