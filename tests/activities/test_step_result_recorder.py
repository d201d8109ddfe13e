"""The step-result recorder's group commit: attempts finishing together share one
transaction, every one of them is written, and a bad row fails only its own attempt."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select

from activities.step_results import StepResultRecorder
from storage.database import create_db_engine, create_session_factory
from storage.migrations import upgrade
from storage.models import StepResult
from storage.observability import StepAttempt
from storage.prices import PriceTable


def attempt(run_id: Any, step: int) -> StepAttempt:
    return StepAttempt(
        run_id=run_id,
        app_id="app-1",
        step_id=f"s{step}",
        item_index=None,
        activity_id=f"s{step}",
        attempt=1,
        status="completed",
        ended_at=datetime.now(UTC),
    )


@pytest.fixture
def database(tmp_path: Path) -> tuple[StepResultRecorder, Any, list[int]]:
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    upgrade(url)
    engine = create_db_engine(url)
    commits: list[int] = []
    event.listen(engine, "commit", lambda _conn: commits.append(1))
    recorder = StepResultRecorder(create_session_factory(engine), PriceTable.load())
    # The queued path, as on PostgreSQL: on SQLite a lone attempt is written inline
    # instead (tests/storage/test_step_result_writer.py covers that path).
    recorder._inline_possible = False  # noqa: SLF001
    return recorder, engine, commits


def rows_of(engine: Any, run_id: str) -> int:
    with engine.connect() as conn:
        query = select(func.count()).select_from(StepResult).where(StepResult.run_id == run_id)
        return int(conn.scalar(query))


async def test_attempts_finishing_together_share_a_commit(
    database: tuple[StepResultRecorder, Any, list[int]],
) -> None:
    recorder, engine, commits = database
    await asyncio.gather(*(recorder.record(attempt("run-a", i), []) for i in range(50)))
    assert rows_of(engine, "run-a") == 50
    assert 1 <= len(commits) <= 2  # all 50 queued before the writer ran

    # Alone, an attempt is written at once, in its own commit.
    commits.clear()
    await recorder.record(attempt("run-a", 50), [])
    assert rows_of(engine, "run-a") == 51
    assert len(commits) == 1


async def test_a_bad_row_fails_only_its_own_attempt(
    database: tuple[StepResultRecorder, Any, list[int]],
) -> None:
    recorder, engine, _commits = database
    outcomes = await asyncio.gather(
        recorder.record(attempt("run-b", 1), []),
        recorder.record(attempt(None, 2), []),  # NOT NULL run_id: the database refuses it
        recorder.record(attempt("run-b", 3), []),
        return_exceptions=True,
    )
    assert outcomes[0] is None and outcomes[2] is None
    assert isinstance(outcomes[1], Exception)
    assert rows_of(engine, "run-b") == 2
