"""The runs listing's statement (``storage/run_listing.py``) on SQLite and PostgreSQL:
every filter combination equals a plain-Python filter of the same rows, and paging by
the keyset cursor visits each run exactly once while new runs start."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete
from sqlalchemy.orm import Session

from schemas.run_records import RunRecord
from storage.database import create_db_engine, create_session_factory
from storage.models import App, Run, RunAgentType
from storage.repositories import AppRepository, RunRepository
from storage.run_listing import RunListing, RunQuery, VisibleRun, record_run

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
def test_every_filter_combination_equals_a_python_filter(
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


def test_a_pages_totals_equal_a_python_sum(database_url: str) -> None:
    """One statement per page: attempts, completed attempts, tokens, cost, and steps whose
    last attempt did not complete (retried then completed: not failed)."""
    import random

    from storage.models import StepResult
    from storage.observability import ObservabilityRepository

    rng = random.Random(7)
    rows = []
    for run in range(12):
        for step in range(rng.randint(0, 4)):
            attempts = rng.randint(1, 3)
            for attempt in range(1, attempts + 1):
                last = attempt == attempts
                rows.append(
                    StepResult(
                        run_id=f"run-tot-{run}",
                        app_id="app-x",
                        step_id=f"s{step}",
                        activity_id=f"s{step}",
                        status=rng.choice(["completed", "failed"]) if last else "failed",
                        attempt=attempt,
                        input_tokens=rng.randint(0, 9),
                        output_tokens=rng.randint(0, 9),
                        cost_usd=rng.randint(0, 9) / 4,
                    )
                )
    engine = create_db_engine(database_url)
    try:
        with create_session_factory(engine)() as session:
            session.add_all(rows)
            session.flush()
            ids = [f"run-tot-{run}" for run in range(12)]
            totals = ObservabilityRepository(session).run_totals(ids)
            session.rollback()
    finally:
        engine.dispose()
    expected: dict[str, tuple[int, ...]] = {}
    for run_id in ids:
        mine = [r for r in rows if r.run_id == run_id]
        if not mine:
            continue
        last = {r.activity_id: r for r in sorted(mine, key=lambda r: r.attempt)}
        expected[run_id] = (
            sum(r.status == "completed" for r in mine),
            sum(r.status != "completed" for r in last.values()),
            len(mine),
            sum(r.input_tokens for r in mine),
            sum(r.output_tokens for r in mine),
            int(sum(r.cost_usd for r in mine) * 4),
        )
    assert {
        run_id: (
            t.steps_completed,
            t.steps_failed,
            t.attempts,
            t.input_tokens,
            t.output_tokens,
            int(t.cost_usd * 4),
        )
        for run_id, t in totals.items()
    } == expected
    assert any(v[1] for v in expected.values()) and any(
        v[2] > v[0] + v[1] for v in expected.values()
    )
