"""The rollup figures the API keeps between reads (``storage/rollups.py``,
:class:`KeptFigures`; migration ``0019_s5_metrics_rollup_versions``) are never stale.

On PostgreSQL a read keeps the rollup part of its window with the versions of the
window's hours, and the next read of the same periods reads only the raw slices and the
versions. Here, between two reads through one engine (one API process), another
session writes — step attempts, rewrites, violations, run summaries, deletes — and
commits or rolls back, or reads its own uncommitted write (so a version seen only inside
a transaction was kept) and then rolls back; the second read must equal the scan of
what is committed. On SQLite nothing is kept, and the same comparisons hold.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterator, Mapping
from dataclasses import astuple
from datetime import datetime, timedelta
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from sqlalchemy import delete, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from storage.database import AsyncReadPool, create_db_engine, create_session_factory
from storage.models import RunSummary, StepResult
from storage.observability import ObservabilityRepository, StepAttempt, ViolationInput
from storage.rollups import (
    METRICS_READ_SETTINGS,
    AsyncRollupReader,
    RollupReader,
    Window,
    WindowFigures,
)
from tests.storage.test_rollups import (
    AGENT_TYPES,
    APPS,
    FILTERS,
    HOURS,
    MODELS,
    START,
    assert_figures_equal_the_scan,
    moments,
    window_examples,
    write_history,
)


@pytest.fixture(scope="module")
def engine(database_url: str) -> Iterator[Engine]:
    engine = create_db_engine(database_url)
    with create_session_factory(engine)() as session:
        write_history(session, seed=5)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def statements(engine: Engine) -> Iterator[list[str]]:
    """Every statement the engine runs, in order (cleared by the tests)."""
    seen: list[str] = []

    def capture(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", capture)
    yield seen
    event.remove(engine, "before_cursor_execute", capture)


class CountingPool(AsyncReadPool):
    """The API's metrics pool (its settings, statements prepared at once), counting the
    statements sent: each is one round trip."""

    def __init__(self, database_url: str) -> None:
        super().__init__(
            database_url, max_size=1, settings=METRICS_READ_SETTINGS, prepare_threshold=0
        )
        self.sent: list[str] = []

    async def fetch(
        self, query: str, params: Mapping[str, Any], *, first_only: bool
    ) -> list[tuple[Any, ...]]:
        self.sent.append(query)
        return await super().fetch(query, params, first_only=first_only)


class LoopReader:
    """``GET /observability/metrics``'s reader (:class:`AsyncRollupReader`: the pool on
    PostgreSQL, a session on a thread on SQLite) with :class:`RollupReader`'s figure
    methods, on an event loop of its own."""

    def __init__(self, engine: Engine, database_url: str) -> None:
        self.loop = asyncio.new_event_loop()
        self.pool = CountingPool(database_url) if engine.dialect.name == "postgresql" else None
        self.reader = AsyncRollupReader(self.pool, create_session_factory(engine))

    def figures(self, window: Window, *, app_id: str | None, agent_type: str | None) -> Any:
        read = self.reader.figures(window, app_id=app_id, agent_type=agent_type)
        return self.loop.run_until_complete(read)

    def agent_types(self, window: Window, *, app_id: str | None, agent_type: str | None) -> Any:
        return self.figures(window, app_id=app_id, agent_type=agent_type).agent_types

    def models(self, window: Window, *, app_id: str | None, agent_type: str | None) -> Any:
        return self.figures(window, app_id=app_id, agent_type=agent_type).models

    def runs(self, window: Window, *, app_id: str | None, agent_type: str | None) -> Any:
        return self.figures(window, app_id=app_id, agent_type=agent_type).runs

    def cost_by_day(self, window: Window, *, app_id: str | None) -> Any:
        return self.figures(window, app_id=app_id, agent_type=None).cost_by_day

    def close(self) -> None:
        if self.pool is not None:
            self.loop.run_until_complete(self.pool.close())
        self.loop.close()


@pytest.fixture(scope="module")
def loop_reader(engine: Engine, database_url: str) -> Iterator[LoopReader]:
    reader = LoopReader(engine, database_url)
    yield reader
    reader.close()


def write(
    session: Session, rng: random.Random, at: datetime, kind: str, *, prefix: str = "run-kept"
) -> None:
    """One write of ``kind`` at ``at`` through the real write paths (a new run named
    ``prefix-<n>``: the same seed and prefix write the same run again, an upsert)."""
    repository = ObservabilityRepository(session)
    run_id = f"{prefix}-{rng.randrange(10**9)}"
    if kind == "delete":  # every attempt of one of the history's runs
        victim = f"run-gen-5-{rng.randrange(400):05d}"
        session.execute(delete(StepResult).where(StepResult.run_id == victim))
        return
    if kind == "run":
        repository.upsert_run_summaries(
            [
                RunSummary(
                    run_id=run_id,
                    app_id=rng.choice(APPS),
                    app_version="1.0.0",
                    agent_types=rng.sample(AGENT_TYPES, 2),
                    status=rng.choice(["completed", "failed"]),
                    started_at=at,
                    ended_at=at + timedelta(seconds=30),
                    duration_ms=rng.uniform(10, 90_000),
                )
            ]
        )
        return
    attempt = StepAttempt(
        run_id=run_id,
        app_id=rng.choice(APPS),
        step_id="s0",
        item_index=None,
        activity_id="s0",
        attempt=1,
        status=rng.choice(["completed", "failed"]),
        ended_at=at,
        agent_type=rng.choice(AGENT_TYPES),
        latency_ms=rng.uniform(1, 9000),
        input_tokens=rng.randint(0, 4000),
        output_tokens=rng.randint(0, 900),
        cost_usd=rng.uniform(0, 0.05),
        model=rng.choice(MODELS),
    )
    violations = [ViolationInput(pointer="/x", message="bad", severity="error")]
    repository.record_attempt(attempt, violations if kind == "violation" else [])
    if kind == "rewrite":  # the same attempt again, another hour and outcome
        attempt.ended_at = at + timedelta(hours=rng.randint(-30, 30))
        attempt.status = "completed"
        repository.record_attempt(attempt, [])


@window_examples
@given(
    a=moments,
    b=moments,
    ends_now=st.booleans(),
    filters=st.sampled_from(FILTERS),
    writes=st.lists(
        st.tuples(moments, st.sampled_from(["attempt", "rewrite", "violation", "run", "delete"])),
        min_size=1,
        max_size=3,
    ),
    outcome=st.sampled_from(["commit", "rollback", "read then rollback"]),
    seed=st.integers(0, 2**32),
)
def test_a_write_between_two_reads_shows_in_the_second(
    engine: Engine,
    loop_reader: LoopReader,
    a: datetime,
    b: datetime,
    ends_now: bool,
    filters: tuple[str | None, str | None],
    writes: list[tuple[datetime, str]],
    outcome: str,
    seed: int,
) -> None:
    since, until = sorted((a, b))
    assume(since < until)
    app_id, agent_type = filters
    now = until if ends_now else None
    sessions = create_session_factory(engine)
    with sessions() as reader:  # fills (or checks) what is kept, by both readers
        assert_figures_equal_the_scan(reader, since, until, app_id, agent_type, now=now)
        assert_figures_equal_the_scan(
            reader, since, until, app_id, agent_type, now=now, reader=loop_reader
        )
    rng = random.Random(seed)
    with sessions() as writer:
        for at, kind in writes:
            write(writer, rng, at, kind)
        if outcome == "read then rollback":  # keeps figures of an uncommitted write
            assert_figures_equal_the_scan(writer, since, until, app_id, agent_type, now=now)
        if outcome == "commit":
            writer.commit()
        else:
            writer.rollback()
    with sessions() as reader:
        assert_figures_equal_the_scan(reader, since, until, app_id, agent_type, now=now)
        assert_figures_equal_the_scan(
            reader, since, until, app_id, agent_type, now=now, reader=loop_reader
        )


def _reads_rollups(statements: list[str]) -> bool:
    return any("step_latency_buckets" in s for s in statements)


def test_a_second_read_keeps_the_rollups_until_a_write(
    engine: Engine, statements: list[str]
) -> None:
    """Not vacuous: on PostgreSQL the second read of a window reads no rollup table, and
    the read after a committed write in the window's hours reads them again. SQLite
    keeps nothing: every read reads the rollups."""
    since, until = START + timedelta(minutes=20), START + timedelta(hours=30, minutes=10)
    window = Window.of(since, until)
    sessions = create_session_factory(engine)

    def read() -> list[str]:
        statements.clear()
        with sessions() as session:
            RollupReader(session).figures(window, app_id=None, agent_type=None)
        return list(statements)

    read()
    if engine.dialect.name != "postgresql":
        assert _reads_rollups(read())
        return
    assert not _reads_rollups(read())  # kept: only the raw slices and the versions
    # Runs of their own: the generated test above may have written ``run-kept-*`` runs of
    # any seed, and the same run written again would move its earlier hour's version.
    with sessions() as writer:
        write(writer, random.Random(1), START + timedelta(hours=12), "attempt", prefix="inside")
        writer.commit()
    assert _reads_rollups(read())  # a write in the window's hours: read again
    assert not _reads_rollups(read())
    with sessions() as writer:  # a write outside the window's hours keeps them
        write(writer, random.Random(2), START + timedelta(hours=HOURS + 5), "attempt", prefix="out")
        writer.commit()
    assert not _reads_rollups(read())


@pytest.mark.postgresql_only
def test_the_event_loop_reader_sends_one_prepared_statement_with_a_generic_plan(
    engine: Engine, database_url: str
) -> None:
    """The API's reader (PostgreSQL): a read of a kept window is one statement — the raw
    slices and the versions — sent on one autocommit connection (no pre-ping, no
    ``BEGIN``/``COMMIT``), prepared there and run with its generic plan (planned once,
    not per read); its figures are the session reader's. (On SQLite the reader opens a
    session on a worker thread and keeps nothing: the generated test covers it.)"""
    loop_reader = LoopReader(engine, database_url)  # a connection of its own
    assert loop_reader.pool is not None
    pool = loop_reader.pool
    since, until = START + timedelta(hours=2, minutes=35), START + timedelta(hours=40, minutes=5)
    window = Window.of(since, until)
    first = loop_reader.figures(window, app_id=None, agent_type="mapper")
    pool.sent.clear()
    kept = [loop_reader.figures(window, app_id=None, agent_type="mapper") for _ in range(3)]
    assert len(pool.sent) == 3 and len(set(pool.sent)) == 1, pool.sent
    assert "rollup_versions" in pool.sent[0] and "step_latency_buckets" not in pool.sent[0]
    with create_session_factory(engine)() as session:
        want = RollupReader(session).figures(window, app_id=None, agent_type="mapper")
    assert all(_same(have, want) for have in (first, *kept))
    plans = loop_reader.loop.run_until_complete(
        pool.fetch_all(
            "SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements", {}
        )
    )
    loop_reader.close()
    ours = {text: (generic, custom) for text, generic, custom in plans if "rollup" in text}
    assert len(ours) == 2, plans  # the whole read and the kept read, each prepared once
    (kept_plans,) = [n for text, n in ours.items() if "step_latency_buckets" not in text]
    assert kept_plans == (3, 0), plans


def _same(have: WindowFigures, want: WindowFigures) -> bool:
    """Equal figures (costs summed in another order may differ in the last bits)."""

    def rounded(figures: WindowFigures) -> Any:
        agent_types = [
            (*astuple(a)[:6], a.schema_violations, a.latencies, round(a.cost_usd, 9))
            for a in figures.agent_types
        ]
        models = [(*astuple(m)[:4], round(m.cost_usd, 9)) for m in figures.models]
        days = [(d, a, round(c, 9), t) for d, a, c, t in figures.cost_by_day]
        return agent_types, models, figures.runs, days

    return bool(rounded(have) == rounded(want))
