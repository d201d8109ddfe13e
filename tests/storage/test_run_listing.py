"""The runs listing's statement (``storage/run_listing.py``) on SQLite and PostgreSQL:
every filter combination equals a plain-Python filter of the same rows, and paging by
the keyset cursor visits each run exactly once while new runs start."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from schemas.run_records import RunRecord
from storage.database import AsyncReadPool, create_db_engine, create_session_factory
from storage.models import App, Run, RunAgentType, StepResult
from storage.observability import ObservabilityRepository, StepAttempt
from storage.repositories import AppRepository, RunRepository
from storage.run_listing import AsyncRunReader, RunListing, RunQuery, VisibleRun, record_run

STATUSES = ("running", "completed", "failed", "canceled", "terminated")
TRIGGERS = ("api", "cli", "schedule", "webhook", "batch")
TYPES = ("extractor", "mapper", "judge")
BASE = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def seeded(database_url: str) -> Iterator[tuple[Any, list[str], list[dict[str, Any]]]]:
    """Three apps and 240 runs of varied status, trigger, agent types and evaluation flag;
    many share a ``created_at`` (the id breaks the tie)."""
    engine = create_db_engine(database_url)
    factory = create_session_factory(engine)
    rows: list[dict[str, Any]] = []
    with factory() as session:
        apps = [AppRepository(session).create(f"listing {uuid.uuid4().hex[:8]}").id for _ in "abc"]
        runs = RunRepository(session)
        for i in range(240):
            row = runs.create(
                apps[i % 3],
                run_id=f"run-list-{i:04d}",
                workflow_id=f"run-list-{i:04d}",
                status=STATUSES[i % 5],
                trigger_kind=TRIGGERS[(i // 5) % 5],
                app_version="1.0.0",
                agent_types=[t for k, t in enumerate(TYPES) if (i >> k) & 1],
                evaluation=i % 7 == 0,
            )
            row.created_at = BASE + timedelta(seconds=i // 3)
            session.flush()
            rows.append(
                {
                    "id": row.id,
                    "app_id": row.app_id,
                    "status": row.status,
                    "trigger_kind": row.trigger_kind,
                    "agent_types": set(row.agent_types),
                    "evaluation": row.evaluation,
                    "created_at": row.created_at,
                }
            )
        # The agent-type rows carry the run's created_at (set above, after create).
        for r in rows:
            session.query(RunAgentType).filter(RunAgentType.run_id == r["id"]).update(
                {"created_at": r["created_at"]}
            )
        session.commit()
    yield factory, apps, rows
    with factory() as session:
        session.execute(delete(App).where(App.id.in_(apps)))
        session.commit()
    engine.dispose()


def expected(rows: list[dict[str, Any]], query: RunQuery) -> list[str]:
    """The filter in plain Python, newest first (ties: the larger id first)."""
    kept = [
        r
        for r in rows
        if (query.app_id is None or r["app_id"] == query.app_id)
        and (query.app_ids is None or r["app_id"] in query.app_ids)
        and (query.status is None or r["status"] == query.status)
        and (query.trigger_kind is None or r["trigger_kind"] == query.trigger_kind)
        and (query.agent_type is None or query.agent_type in r["agent_types"])
        and (query.include_evaluations or not r["evaluation"])
        and (query.since is None or r["created_at"] >= query.since)
        and (query.until is None or r["created_at"] < query.until)
    ]
    kept.sort(key=lambda r: (r["created_at"], r["id"]), reverse=True)
    return [r["id"] for r in kept]


def walk(session: Session, query: RunQuery, limit: int) -> list[str]:
    listing = RunListing(session)
    seen: list[str] = []
    after = None
    while True:
        page = listing.page(query, after=after, limit=limit)
        seen += [row.id for row in page]
        if len(page) < limit:
            return seen
        after = (page[-1].created_at, page[-1].id)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_every_filter_combination_and_its_count_equal_a_python_filter(
    seeded: tuple[Any, list[str], list[dict[str, Any]]], data: st.DataObject
) -> None:
    factory, apps, rows = seeded
    since = data.draw(st.none() | st.integers(0, 80))
    until = data.draw(st.none() | st.integers(0, 80))
    query = RunQuery(
        app_id=data.draw(st.none() | st.sampled_from(apps)),
        app_ids=data.draw(st.none() | st.lists(st.sampled_from(apps), max_size=3, unique=True)),
        status=data.draw(st.none() | st.sampled_from(STATUSES)),
        trigger_kind=data.draw(st.none() | st.sampled_from(TRIGGERS)),
        agent_type=data.draw(st.none() | st.sampled_from(TYPES)),
        include_evaluations=data.draw(st.booleans()),
        since=None if since is None else BASE + timedelta(seconds=since),
        until=None if until is None else BASE + timedelta(seconds=until),
    )
    limit = data.draw(st.integers(1, 60))
    with factory() as session:
        assert walk(session, query, limit) == expected(rows, query)
        url = session.get_bind().url.render_as_string(hide_password=False)
    # The API's reader: on PostgreSQL the statement's compiled text through the async
    # pool (one autocommit SELECT), on SQLite the session on a worker thread.
    assert asyncio.run(walk_async(url, factory, query, limit)) == expected(rows, query)
    # The count (``GET /observability/metrics``' running runs, issue 22): the rows the
    # listing shows over all its pages, with the session and with the API's reader.
    with factory() as session:
        assert RunListing(session).count(query) == len(expected(rows, query))
    assert asyncio.run(count_async(url, factory, query)) == len(expected(rows, query))


async def count_async(url: str, factory: Any, query: RunQuery) -> int:
    pool = None if url.startswith("sqlite") else AsyncReadPool(url, max_size=1)
    try:
        return await AsyncRunReader(pool, factory).count(query)
    finally:
        if pool is not None:
            await pool.close()


async def walk_async(url: str, factory: Any, query: RunQuery, limit: int) -> list[str]:
    pool = None if url.startswith("sqlite") else AsyncReadPool(url, max_size=1)
    reader = AsyncRunReader(pool, factory)
    seen: list[str] = []
    after = None
    try:
        while True:
            page = await reader.page(query, after=after, limit=limit)
            seen += [row.id for row in page]
            if len(page) < limit:
                return seen
            after = (page[-1].created_at, page[-1].id)
    finally:
        if pool is not None:
            await pool.close()


def test_paging_visits_each_run_once_while_runs_start(
    seeded: tuple[Any, list[str], list[dict[str, Any]]],
) -> None:
    """Runs that start while a client pages are newer than its cursor: never on a later
    page, and no run before the cursor is skipped or repeated."""
    factory, apps, rows = seeded
    query = RunQuery(app_ids=[apps[0]], include_evaluations=True)
    before = expected(rows, query)
    seen: list[str] = []
    after = None
    with factory() as session:
        listing = RunListing(session)
        started: list[str] = []
        while True:
            page = listing.page(query, after=after, limit=7)
            seen += [row.id for row in page]
            # A new run of the same app starts between two pages.
            run = RunRepository(session).create(
                apps[0], run_id=f"run-new-{uuid.uuid4().hex[:8]}", workflow_id="w"
            )
            started.append(run.id)
            session.commit()
            if len(page) < 7:
                break
            after = (page[-1].created_at, page[-1].id)
        assert seen == before
        assert len(set(seen)) == len(seen)
        # A new walk sees them first, newest first.
        fresh = walk(session, query, 50)
        assert fresh[: len(started)] == started[::-1]
        session.execute(delete(Run).where(Run.id.in_(started)))
        session.commit()


def test_records_and_the_reconcile_write_what_the_listing_shows(
    seeded: tuple[Any, list[str], list[dict[str, Any]]],
) -> None:
    """The workflow's start and end records, and visibility's word on a run no workflow
    code recorded (terminated; started outside the API), as the listing shows them."""
    factory, apps, _rows = seeded
    started = datetime.now(UTC).replace(microsecond=0)
    with factory() as session:
        # A run started without a row (a schedule's fire): its start record writes one.
        record = RunRecord(
            run_id="run-sch-x-1",
            app_id=apps[1],
            app_version="2.0.0",
            agent_types=["mapper", "extractor", "mapper"],
            trigger_kind="schedule",
            trigger_id="sch-x",
            temporal_run_id="t1",
            started_at=started,
        )
        record_run(session, record)
        # Its end is one UPDATE of that row.
        record_run(session, record.model_copy(update={"status": "failed", "error": "boom"}))
        # A run of an app the hub does not know gets no row.
        record_run(session, record.model_copy(update={"run_id": "run-x", "app_id": "app-none"}))
        # Terminated (a row the API wrote) and adopted (no row: the Temporal CLI).
        RunRepository(session).create(apps[1], run_id="run-term", workflow_id="run-term")
        session.commit()
        visible = [
            VisibleRun(
                run_id=run_id,
                temporal_run_id="t2",
                app_id=apps[1],
                app_version="1.0.0",
                agent_types=["judge"],
                status=status,
                started_at=started,
                ended_at=started + timedelta(seconds=3),
                trigger_kind=kind,
                trigger_id=None,
                evaluation=False,
            )
            for run_id, status, kind in (
                ("run-term", "terminated", "api"),
                ("run-cli", "timed_out", "cli"),
            )
        ]
        listing = RunListing(session)
        assert listing.reconcile(visible) == 2
        session.commit()
        assert listing.reconcile(visible) == 0  # already so
        page = {
            row.id: row
            for row in listing.page(RunQuery(app_id=apps[1], since=started), after=None, limit=10)
        }
        assert set(page) == {"run-sch-x-1", "run-term", "run-cli"}
        assert page["run-sch-x-1"].status == "failed"
        assert page["run-sch-x-1"].agent_types == ["extractor", "mapper"]
        assert (page["run-sch-x-1"].trigger_kind, page["run-sch-x-1"].trigger_id) == (
            "schedule",
            "sch-x",
        )
        assert page["run-term"].status == "terminated"
        assert page["run-cli"].status == "timed_out" and page["run-cli"].trigger_kind == "cli"
        by_type = listing.page(
            RunQuery(app_id=apps[1], agent_type="judge", since=started), after=None, limit=10
        )
        assert {row.id for row in by_type} == {"run-term", "run-cli"}
        assert session.get(Run, "run-x") is None
        # A reset run (another execution now) is left alone by the old one's close.
        session.get(Run, "run-term").temporal_run_id = "t3"  # type: ignore[union-attr]
        session.get(Run, "run-term").status = "running"  # type: ignore[union-attr]
        session.commit()
        assert listing.reconcile(visible[:1]) == 0
        assert listing.mark_gone(["run-term"], "gone") == 1
        session.commit()
        assert session.get(Run, "run-term").status == "terminated"  # type: ignore[union-attr]
        session.execute(delete(Run).where(Run.id.in_(["run-sch-x-1", "run-term", "run-cli"])))
        session.commit()


def python_totals(results: list[StepResult]) -> tuple[int, int, int, int, int, float]:
    """A run's totals by their definition: completed attempts, steps whose last attempt
    did not complete (retried then completed: not failed), attempts, tokens, cost."""
    last: dict[str, StepResult] = {}
    for r in sorted(results, key=lambda r: r.attempt):
        last[r.activity_id] = r
    return (
        sum(r.status == "completed" for r in results),
        sum(r.status != "completed" for r in last.values()),
        len(results),
        sum(r.input_tokens for r in results),
        sum(r.output_tokens for r in results),
        sum(r.cost_usd for r in results),
    )


#: One write of a step attempt: (run, step, attempt, status, tokens in, out, cost / 4).
WRITE = st.tuples(
    st.integers(0, 3),
    st.integers(0, 2),
    st.integers(1, 3),
    st.sampled_from(["completed", "failed", "timed_out"]),
    st.integers(0, 9),
    st.integers(0, 9),
    st.integers(0, 9),
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    writes=st.lists(st.lists(WRITE, min_size=1, max_size=5), max_size=6),
    rows_after=st.integers(0, 6),
    deletes=st.lists(st.tuples(st.integers(0, 3), st.integers(0, 2)), max_size=2),
)
def test_the_listing_totals_equal_a_python_sum_of_the_step_results(
    seeded: tuple[Any, list[str], list[dict[str, Any]]],
    writes: list[list[tuple[int, int, int, str, int, int, int]]],
    rows_after: int,
    deletes: list[tuple[int, int]],
) -> None:
    """Step results written through the recorder's path (a transaction per batch:
    upserts that overwrite an attempt, lost earlier attempts back-filled), before and
    after the run's row is written, then some deleted: each run's totals in the listing
    equal a Python sum of its step results as stored (``run_step_totals``, kept by the
    triggers of migration 0020)."""
    factory, _apps, _rows = seeded
    prefix = f"run-tot-{uuid.uuid4().hex[:8]}"
    with factory() as session:
        app = AppRepository(session).create(f"totals {uuid.uuid4().hex[:8]}").id
        session.commit()

        def create_rows() -> None:
            for run in range(4):
                RunRepository(session).create(app, run_id=f"{prefix}-{run}", workflow_id="w")
            session.commit()

        for index, batch in enumerate(writes):
            if index == rows_after:
                create_rows()
            ObservabilityRepository(session).record_attempts(
                [
                    (
                        StepAttempt(
                            run_id=f"{prefix}-{run}",
                            app_id=app,
                            step_id=f"s{step}",
                            item_index=None,
                            activity_id=f"s{step}",
                            attempt=attempt,
                            status=status,
                            ended_at=BASE,
                            input_tokens=tokens_in,
                            output_tokens=tokens_out,
                            cost_usd=cost / 4,
                        ),
                        [],
                    )
                    for (run, step, attempt), (status, tokens_in, tokens_out, cost) in {
                        (w[0], w[1], w[2]): w[3:]
                        for w in batch  # one write per attempt
                    }.items()
                ]
            )
            session.commit()
        if rows_after >= len(writes):
            create_rows()
        for run, step in deletes:
            session.execute(
                delete(StepResult).where(
                    StepResult.run_id == f"{prefix}-{run}", StepResult.activity_id == f"s{step}"
                )
            )
        session.commit()
        stored = list(
            session.scalars(select(StepResult).where(StepResult.run_id.like(f"{prefix}-%")))
        )
        listed = RunListing(session).page(
            RunQuery(app_id=app, include_evaluations=True), after=None, limit=10
        )
        assert len(listed) == 4
        for row in listed:
            assert (
                row.steps_completed,
                row.steps_failed,
                row.attempts,
                row.input_tokens,
                row.output_tokens,
                row.cost_usd,
            ) == python_totals([r for r in stored if r.run_id == row.id]), row.id
        session.execute(delete(StepResult).where(StepResult.run_id.like(f"{prefix}-%")))
        session.execute(delete(App).where(App.id == app))
        session.commit()


@pytest.mark.postgresql_only
def test_concurrent_writers_of_one_runs_steps_both_count(
    seeded: tuple[Any, list[str], list[dict[str, Any]]], database_url: str
) -> None:
    """PostgreSQL, READ COMMITTED: two transactions write step results of the same run at
    once (parallel steps). The second waits on the first's totals row; once the first
    commits, its recompute sees the first's step result: the totals count both."""
    import threading

    factory, apps, _rows = seeded
    run_id = f"run-conc-{uuid.uuid4().hex[:8]}"

    def attempt(step: str) -> StepAttempt:
        return StepAttempt(
            run_id=run_id,
            app_id=apps[0],
            step_id=step,
            item_index=None,
            activity_id=step,
            attempt=1,
            status="completed",
            ended_at=BASE,
            input_tokens=3,
        )

    with factory() as setup:  # the run's totals row exists: no insert to wait on
        RunRepository(setup).create(apps[0], run_id=run_id, workflow_id="w")
        ObservabilityRepository(setup).record_attempt(attempt("0"), [])
        setup.commit()
    first, second = factory(), factory()
    try:
        ObservabilityRepository(first).record_attempt(attempt("a"), [])
        first.flush()
        pid = second.scalar(select(func.pg_backend_pid()))
        errors: list[BaseException] = []

        def write_second() -> None:
            try:
                ObservabilityRepository(second).record_attempt(attempt("b"), [])
                second.commit()
            except BaseException as exc:  # reported below
                errors.append(exc)

        thread = threading.Thread(target=write_second)
        thread.start()
        with factory() as watch:  # until the second writer waits on the first's lock
            while thread.is_alive() and not watch.scalar(
                select(func.count())
                .select_from(text("pg_stat_activity"))
                .where(text("pid = :pid AND wait_event_type = 'Lock'"))
                .params(pid=pid)
            ):
                watch.rollback()
        assert thread.is_alive(), "the second writer did not wait for the first"
        first.commit()
        thread.join()
        assert not errors, errors
    finally:
        first.close()
        second.close()
    with factory() as session:
        (row,) = RunListing(session).page(
            RunQuery(app_id=apps[0], include_evaluations=True), after=None, limit=1
        )
        assert (row.id, row.attempts, row.steps_completed, row.input_tokens) == (run_id, 3, 3, 9)
        session.execute(delete(StepResult).where(StepResult.run_id == run_id))
        session.execute(delete(Run).where(Run.id == run_id))
        session.commit()
