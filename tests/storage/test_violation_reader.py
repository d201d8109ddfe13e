"""``GET /observability/violations``'s read: on PostgreSQL one ``SELECT`` through the
async read pool (:class:`AsyncViolationReader`), on SQLite the repository on a thread.
Both give the repository's rows — same rows, same order, same values (times in UTC) —
for every filter, page after page."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine

from storage.database import AsyncReadPool, create_db_engine, create_session_factory
from storage.observability import (
    VIOLATION_COLUMNS,
    AsyncViolationReader,
    ObservabilityRepository,
    StepAttempt,
    ViolationFilter,
    ViolationInput,
)

START = datetime(2026, 5, 1, tzinfo=UTC)
APPS = ["app-v0", "app-v1", "app-v2"]
AGENT_TYPES = ["mapper", "extractor"]


@pytest.fixture(scope="module")
def engine(database_url: str) -> Iterator[Engine]:
    engine = create_db_engine(database_url)
    rng = random.Random(7)
    with create_session_factory(engine)() as session:
        repository = ObservabilityRepository(session)
        for index in range(120):
            attempt = StepAttempt(
                run_id=f"run-v-{index % 30}",
                app_id=rng.choice(APPS),
                step_id="s0",
                item_index=None,
                activity_id=f"a{index}",
                attempt=1,
                status="completed",
                ended_at=START + timedelta(minutes=rng.randrange(48 * 60)),
                agent_type=rng.choice(AGENT_TYPES),
                agent_id=rng.choice(["agent-a", "agent-b"]),
                latency_ms=10.0,
            )
            violations = [
                ViolationInput(
                    pointer=f"/f{v}", message="bad", severity=rng.choice(["error", "warning"])
                )
                for v in range(rng.randint(1, 2))
            ]
            repository.record_attempt(attempt, violations)
        session.commit()
    yield engine
    engine.dispose()


FILTERS = [
    ViolationFilter(),
    ViolationFilter(severity="error"),
    ViolationFilter(app_id="app-v1"),
    ViolationFilter(agent="mapper"),
    ViolationFilter(agent="agent-b", severity="warning"),
    ViolationFilter(run_id="run-v-3"),
    ViolationFilter(since=START + timedelta(hours=10), until=START + timedelta(hours=30)),
    ViolationFilter(app_id="app-v2", since=START + timedelta(hours=5), severity="error"),
]


@pytest.mark.parametrize("where", FILTERS, ids=[f"f{i}" for i in range(len(FILTERS))])
def test_the_read_gives_the_repositorys_rows_page_after_page(
    engine: Engine, database_url: str, where: ViolationFilter
) -> None:
    sessions = create_session_factory(engine)
    pool = AsyncReadPool(database_url) if engine.dialect.name == "postgresql" else None
    reader = AsyncViolationReader(pool, sessions)

    async def pages() -> list[list[dict[str, object]]]:
        found, after = [], None
        while True:
            rows = await reader.page(where, after_id=after, limit=7)
            found.append(rows)
            if len(rows) < 7:
                break
            after = int(rows[-1]["id"])  # type: ignore[call-overload]
        if pool is not None:
            await pool.close()
        return found

    got = asyncio.run(pages())
    want: list[list[dict[str, object]]] = []
    with sessions() as session:
        after = None
        while True:
            rows = ObservabilityRepository(session).list_violations(where, after_id=after, limit=7)
            want.append([{name: getattr(row, name) for name in VIOLATION_COLUMNS} for row in rows])
            if len(rows) < 7:
                break
            after = rows[-1].id
    assert got == want
    assert sum(len(page) for page in got) > 0
    for page in got:
        for row in page:
            assert row["created_at"].tzinfo == UTC  # type: ignore[attr-defined]
