"""The rollups give the figures the scan gave (``GET /observability/metrics``, and the
lifetime totals of ``GET /metrics``).

A seeded generator writes a history through the real write paths — many apps, agent
types, models and hours, every outcome, retried and rewritten attempts, re-synced
runs, schema violations and warnings, runs of evaluations mixed in — and each figure
of :class:`storage.rollups.RollupReader` is compared, over many windows (whole hours,
odd minutes, less than an hour, several days) and filters, with what the scan-based
code the endpoint ran before computes (kept below, verbatim, as the reference):
counts and token sums exactly, costs to float rounding, latency and duration
percentiles within ``RELATIVE_ACCURACY`` (2 %).
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import case, delete, func, select
from sqlalchemy.orm import Session

from storage.database import create_db_engine, create_session_factory
from storage.evaluations import production_runs_only
from storage.histogram import RELATIVE_ACCURACY, bucket_of, histogram_percentile
from storage.models import (
    ROLLUP_LEVELS,
    ROLLUP_SPANS,
    Base,
    EvaluationRun,
    RunSummary,
    SchemaViolation,
    StepResult,
)
from storage.observability import (
    ATTEMPT_COMPLETED,
    LifetimeTotals,
    ObservabilityRepository,
    StepAttempt,
    ViolationInput,
)
from storage.rollups import HOUR, LEVELS, RollupReader, Window, periods_of

START = datetime(2026, 3, 1, 0, 0, tzinfo=UTC)
HOURS = 60
APPS = [f"app-r{i}" for i in range(6)]
AGENT_TYPES = ["extractor", "mapper", "judge", "summarizer", "classifier"]
MODELS = ["gpt-4o", "gpt-4o-mini", "claude-3", ""]
STEP_STATUSES = ["completed"] * 6 + ["failed", "timed_out", "canceled"]
RUN_STATUSES = ["completed"] * 5 + ["failed", "canceled", "terminated", "timed_out"]


def percentile(sorted_values: Sequence[float], fraction: float) -> float | None:
    """Nearest-rank percentile of already sorted values (``None`` when empty)."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return float(sorted_values[rank - 1])


@dataclass
class AgentTypeStats:
    agent_type: str
    calls: int = 0
    failures: int = 0
    retries: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    latency_p50_ms: float | None = None
    latency_p95_ms: float | None = None
    schema_violations: int = 0


# ---------------------------------------------------------------------------------
# The reference: storage/observability.py's scan-based reads before the rollups.
# ---------------------------------------------------------------------------------


def scan_agent_type_stats(
    session: Session,
    since: datetime,
    until: datetime,
    *,
    app_id: str | None = None,
    agent_type: str | None = None,
) -> list[AgentTypeStats]:
    """Calls, failures, retries, latency percentiles, tokens, cost and violations."""
    conditions = [
        StepResult.ended_at >= since,
        StepResult.ended_at < until,
        production_runs_only(StepResult.run_id),
    ]
    if app_id:
        conditions.append(StepResult.app_id == app_id)
    if agent_type:
        conditions.append(StepResult.agent_type == agent_type)
    failed = case((StepResult.status != ATTEMPT_COMPLETED, 1), else_=0)
    retried = case((StepResult.attempt > 1, 1), else_=0)
    stats: dict[str, AgentTypeStats] = {}
    for row in session.execute(
        select(
            StepResult.agent_type,
            func.count(),
            func.sum(failed),
            func.sum(retried),
            func.sum(StepResult.input_tokens),
            func.sum(StepResult.output_tokens),
            func.sum(StepResult.cost_usd),
        )
        .where(*conditions)
        .group_by(StepResult.agent_type)
    ):
        name, calls, failures, retries, tokens_in, tokens_out, cost = row
        stats[name] = AgentTypeStats(
            agent_type=name,
            calls=int(calls),
            failures=int(failures or 0),
            retries=int(retries or 0),
            input_tokens=int(tokens_in or 0),
            output_tokens=int(tokens_out or 0),
            cost_usd=float(cost or 0.0),
        )
    latencies: dict[str, list[float]] = {}
    for name, latency in session.execute(
        select(StepResult.agent_type, StepResult.latency_ms)
        .where(*conditions, StepResult.status == ATTEMPT_COMPLETED)
        .order_by(StepResult.agent_type, StepResult.latency_ms)
    ):
        latencies.setdefault(name, []).append(float(latency))
    for name, values in latencies.items():
        stats[name].latency_p50_ms = percentile(values, 0.50)
        stats[name].latency_p95_ms = percentile(values, 0.95)
    # Warnings (a figure missing from a valid output) are not schema violations.
    violation_conditions = [
        SchemaViolation.created_at >= since,
        SchemaViolation.created_at < until,
        SchemaViolation.severity == "error",
        production_runs_only(SchemaViolation.run_id),
    ]
    if app_id:
        violation_conditions.append(SchemaViolation.app_id == app_id)
    if agent_type:
        violation_conditions.append(SchemaViolation.agent_type == agent_type)
    for name, count in session.execute(
        select(SchemaViolation.agent_type, func.count())
        .where(*violation_conditions)
        .group_by(SchemaViolation.agent_type)
    ):
        stats.setdefault(name, AgentTypeStats(agent_type=name)).schema_violations = int(count)
    return sorted(stats.values(), key=lambda s: s.agent_type)


def scan_cost_by_day(
    session: Session, since: datetime, until: datetime, *, app_id: str | None = None
) -> list[tuple[str, str, float, int]]:
    """``(day, app_id, cost, tokens)`` rows, by the day a step attempt ended (UTC)."""
    conditions = [
        StepResult.ended_at >= since,
        StepResult.ended_at < until,
        production_runs_only(StepResult.run_id),
    ]
    if app_id:
        conditions.append(StepResult.app_id == app_id)
    sums: dict[tuple[str, str], list[float]] = {}
    for ended, app, cost, tokens_in, tokens_out in session.execute(
        select(
            StepResult.ended_at,
            StepResult.app_id,
            StepResult.cost_usd,
            StepResult.input_tokens,
            StepResult.output_tokens,
        ).where(*conditions)
    ):
        key = (ended.date().isoformat(), app)
        bucket = sums.setdefault(key, [0.0, 0])
        bucket[0] += cost
        bucket[1] += tokens_in + tokens_out
    return [(day, app, v[0], int(v[1])) for (day, app), v in sorted(sums.items())]


def scan_run_stats(
    session: Session,
    since: datetime,
    until: datetime,
    *,
    app_id: str | None = None,
    agent_type: str | None = None,
) -> tuple[dict[str, int], list[float]]:
    """Runs started in the window by status, and finished runs' sorted durations."""
    conditions = [
        RunSummary.started_at >= since,
        RunSummary.started_at < until,
        production_runs_only(RunSummary.run_id),
    ]
    if app_id:
        conditions.append(RunSummary.app_id == app_id)
    by_status: dict[str, int] = {}
    durations: list[float] = []
    if agent_type:
        # JSON list membership is not portable SQL: filter these few columns here.
        for status, duration, types in session.execute(
            select(RunSummary.status, RunSummary.duration_ms, RunSummary.agent_types).where(
                *conditions
            )
        ):
            if agent_type in (types or []):
                by_status[status] = by_status.get(status, 0) + 1
                if duration is not None and status != "running":
                    durations.append(float(duration))
        return by_status, sorted(durations)
    for status, count in session.execute(
        select(RunSummary.status, func.count()).where(*conditions).group_by(RunSummary.status)
    ):
        by_status[status] = int(count)
    durations = [
        float(d or 0.0)  # NULLs are filtered out below; `or` only narrows the type
        for d in session.scalars(
            select(RunSummary.duration_ms)
            .where(*conditions, RunSummary.duration_ms.is_not(None))
            .order_by(RunSummary.duration_ms)
        )
    ]
    return by_status, durations


def scan_by_model(
    session: Session, since: datetime, until: datetime, app_id: str | None, agent_type: str | None
) -> dict[str, tuple[int, int, int, float]]:
    conditions = [
        StepResult.ended_at >= since,
        StepResult.ended_at < until,
        production_runs_only(StepResult.run_id),
    ]
    if app_id:
        conditions.append(StepResult.app_id == app_id)
    if agent_type:
        conditions.append(StepResult.agent_type == agent_type)
    return {
        model: (int(calls), int(tokens_in), int(tokens_out), float(cost))
        for model, calls, tokens_in, tokens_out, cost in session.execute(
            select(
                StepResult.model,
                func.count(),
                func.sum(StepResult.input_tokens),
                func.sum(StepResult.output_tokens),
                func.sum(StepResult.cost_usd),
            )
            .where(*conditions)
            .group_by(StepResult.model)
        )
    }


# ---------------------------------------------------------------------------------
# The generated history
# ---------------------------------------------------------------------------------


def scan_lifetime_totals(session: Session) -> LifetimeTotals:
    """``ObservabilityRepository.lifetime_totals`` before the lifetime tables (0015)."""
    totals = LifetimeTotals()
    for app, status, count in session.execute(
        select(RunSummary.app_id, RunSummary.status, func.count())
        .where(production_runs_only(RunSummary.run_id))
        .group_by(RunSummary.app_id, RunSummary.status)
    ):
        totals.runs[(app, status)] = int(count)
    for app, agent_type, status, count, tokens_in, tokens_out, cost in session.execute(
        select(
            StepResult.app_id,
            StepResult.agent_type,
            StepResult.status,
            func.count(),
            func.sum(StepResult.input_tokens),
            func.sum(StepResult.output_tokens),
            func.sum(StepResult.cost_usd),
        )
        .where(production_runs_only(StepResult.run_id))
        .group_by(StepResult.app_id, StepResult.agent_type, StepResult.status)
    ):
        totals.attempts[(app, agent_type, status)] = int(count)
        key = (app, agent_type)
        totals.input_tokens[key] = totals.input_tokens.get(key, 0) + int(tokens_in or 0)
        totals.output_tokens[key] = totals.output_tokens.get(key, 0) + int(tokens_out or 0)
        totals.cost_usd[key] = totals.cost_usd.get(key, 0.0) + float(cost or 0.0)
    for app, agent_type, count in session.execute(
        select(SchemaViolation.app_id, SchemaViolation.agent_type, func.count())
        .where(
            SchemaViolation.severity == "error",
            production_runs_only(SchemaViolation.run_id),
        )
        .group_by(SchemaViolation.app_id, SchemaViolation.agent_type)
    ):
        totals.violations[(app, agent_type)] = int(count)
    return totals


def moment(rng: random.Random) -> datetime:
    return START + timedelta(microseconds=rng.randrange(HOURS * 3600 * 10**6))


def latency(rng: random.Random) -> float:
    if rng.random() < 0.02:
        return 0.0
    return rng.lognormvariate(6, 1.5)


def write_history(session: Session, seed: int = 22) -> dict[str, int]:
    rng = random.Random(seed)
    repository = ObservabilityRepository(session)
    counts = {"runs": 0, "evaluation_runs": 0, "attempts": 0, "rewrites": 0, "violations": 0}
    summaries: list[RunSummary] = []
    for index in range(400):
        run_id = f"run-gen-{seed}-{index:05d}"
        if rng.random() < 0.15:  # an evaluation's run: its row exists before it starts
            session.add(EvaluationRun(run_id=run_id, evaluation_id="eval-gen", item_index=index))
            session.flush()
            counts["evaluation_runs"] += 1
        app = rng.choice(APPS)
        types = rng.sample(AGENT_TYPES, rng.randint(0, 3))
        started = moment(rng)
        status = rng.choice(RUN_STATUSES)
        duration = None if rng.random() < 0.03 else latency(rng) * 20
        summaries.append(
            RunSummary(
                run_id=run_id,
                app_id=app,
                app_version="1.0.0",
                agent_types=types,
                status=status,
                started_at=started,
                ended_at=started + timedelta(milliseconds=duration or 0),
                duration_ms=duration,
            )
        )
        counts["runs"] += 1
        for step in range(rng.randint(1, 8)):
            agent_type = rng.choice(types or AGENT_TYPES)
            model = rng.choice(MODELS)
            last = rng.choice([1, 1, 1, 2, 3])
            ended = moment(rng)
            lost = last > 1 and rng.random() < 0.3  # earlier attempts never reported
            for number in range(1, last + 1):
                if lost and number < last:
                    continue
                attempt = StepAttempt(
                    run_id=run_id,
                    app_id=app,
                    step_id=f"s{step}",
                    item_index=None,
                    activity_id=f"s{step}",
                    attempt=number,
                    status=rng.choice(STEP_STATUSES) if number == last else "failed",
                    ended_at=ended + timedelta(seconds=number * rng.randint(1, 900)),
                    agent_type=agent_type,
                    latency_ms=latency(rng),
                    input_tokens=rng.randint(0, 4000),
                    output_tokens=rng.randint(0, 900),
                    cost_usd=rng.uniform(0, 0.05),
                    model=model,
                )
                violations = [
                    ViolationInput(
                        pointer=f"/f{v}",
                        message="bad",
                        severity=rng.choice(["error", "error", "warning"]),
                    )
                    for v in range(rng.choice([0, 0, 0, 0, 1, 2]))
                ]
                if lost:
                    repository.record_lost_attempts(attempt, number)  # back-filled rows
                repository.record_attempt(attempt, violations)
                counts["attempts"] += 1
                counts["violations"] += len(violations)
                if rng.random() < 0.1:  # written again: another outcome, hour and model
                    attempt.status = rng.choice(STEP_STATUSES)
                    attempt.latency_ms = latency(rng)
                    attempt.ended_at = moment(rng)
                    attempt.model = rng.choice(MODELS)
                    attempt.cost_usd = rng.uniform(0, 0.05)
                    repository.record_attempt(attempt, violations[:1])
                    counts["rewrites"] += 1
        if index % 50 == 49:
            session.commit()
    repository.upsert_run_summaries(summaries)
    session.commit()
    # A later sync sees some runs again, a few changed (visibility caught up).
    again = []
    for summary in rng.sample(summaries, 60):
        changed = RunSummary(
            **{c.name: getattr(summary, c.name) for c in RunSummary.__table__.columns}
        )
        changed.status = rng.choice(RUN_STATUSES)
        changed.duration_ms = latency(rng) * 20
        changed.started_at = moment(rng)
        again.append(changed)
    repository.upsert_run_summaries(again)
    session.commit()
    # A deleted row takes its contribution with it.
    session.execute(delete(StepResult).where(StepResult.run_id == summaries[0].run_id))
    session.execute(delete(SchemaViolation).where(SchemaViolation.run_id == summaries[1].run_id))
    session.commit()
    return counts


@pytest.fixture(scope="module")
def history(database_url: str) -> dict[str, int]:
    engine = create_db_engine(database_url)
    with create_session_factory(engine)() as session:
        counts = write_history(session)
    engine.dispose()
    return counts


WINDOWS = [
    (START, START + timedelta(hours=HOURS)),  # everything, whole hours
    (START + timedelta(minutes=17, seconds=3), START + timedelta(hours=24, minutes=41)),
    (START + timedelta(hours=5, minutes=10), START + timedelta(hours=5, minutes=50)),  # < 1 h
    (START + timedelta(hours=7, minutes=30), START + timedelta(hours=8, minutes=30)),
    (START + timedelta(hours=9), START + timedelta(hours=9, minutes=1)),
    (START + timedelta(hours=23, microseconds=1), START + timedelta(hours=49, seconds=1)),
    (START - timedelta(days=3), START + timedelta(days=10)),
    # Across one hour boundary with no whole hour inside, and across midnight.
    (START + timedelta(hours=23, minutes=20), START + timedelta(hours=24, minutes=10)),
    (START + timedelta(hours=30, minutes=55), START + timedelta(hours=31, minutes=5)),
]
FILTERS = [(None, None), (APPS[0], None), (None, "mapper"), (APPS[1], "judge")]


def close(rollup: float | None, scan: float | None) -> bool:
    if rollup is None or scan is None:
        return rollup is None and scan is None
    return abs(rollup - scan) <= RELATIVE_ACCURACY * abs(scan) + 1e-9


@pytest.mark.parametrize("window", WINDOWS, ids=[f"w{i}" for i in range(len(WINDOWS))])
@pytest.mark.parametrize("app_id,agent_type", FILTERS)
@pytest.mark.parametrize("ends_now", [False, True], ids=["past", "ends-now"])
def test_rollup_figures_equal_the_scan(
    session: Session,
    history: dict[str, int],
    window: tuple[datetime, datetime],
    app_id: str | None,
    agent_type: str | None,
    ends_now: bool,
) -> None:
    """``ends-now``: the window read as if it ended now (the dashboard's case), so a
    partial last hour is the whole hour's rollup minus the raw rows after ``until``."""
    since, until = window
    assert_figures_equal_the_scan(
        session, since, until, app_id, agent_type, now=until if ends_now else None
    )


def assert_figures_equal_the_scan(
    session: Session,
    since: datetime,
    until: datetime,
    app_id: str | None,
    agent_type: str | None,
    *,
    now: datetime | None,
    reader: Any = None,
) -> None:
    """Every figure of the rollup read of ``[since, until)`` (as if read at ``now``)
    equals the scan's; read by ``reader`` (one with :class:`RollupReader`'s figure
    methods), by default the session's."""
    reader = reader or RollupReader(session)
    cut = Window.of(since, until, now=now)

    expected = {
        s.agent_type: s
        for s in scan_agent_type_stats(session, since, until, app_id=app_id, agent_type=agent_type)
    }
    got = {s.agent_type: s for s in reader.agent_types(cut, app_id=app_id, agent_type=agent_type)}
    assert sorted(got) == sorted(expected)
    for name, want in expected.items():
        have = got[name]
        assert (
            have.calls,
            have.failures,
            have.retries,
            have.input_tokens,
            have.output_tokens,
            have.schema_violations,
        ) == (
            want.calls,
            want.failures,
            want.retries,
            want.input_tokens,
            want.output_tokens,
            want.schema_violations,
        ), name
        assert have.cost_usd == pytest.approx(want.cost_usd, rel=1e-9, abs=1e-9)
        assert close(histogram_percentile(have.latencies, 0.50), want.latency_p50_ms), name
        assert close(histogram_percentile(have.latencies, 0.95), want.latency_p95_ms), name

    by_status, durations = scan_run_stats(
        session, since, until, app_id=app_id, agent_type=agent_type
    )
    runs = reader.runs(cut, app_id=app_id, agent_type=agent_type)
    assert runs.by_status == by_status
    for fraction in (0.50, 0.95, 0.99):
        assert close(
            histogram_percentile(runs.durations, fraction), percentile(durations, fraction)
        )

    if agent_type is None:
        want_days = scan_cost_by_day(session, since, until, app_id=app_id)
        have_days = reader.cost_by_day(cut, app_id=app_id)
        assert [(d, a, t) for d, a, _c, t in have_days] == [(d, a, t) for d, a, _c, t in want_days]
        assert [c for *_x, c, _t in have_days] == pytest.approx(
            [c for *_x, c, _t in want_days], rel=1e-9, abs=1e-9
        )

    want_models = scan_by_model(session, since, until, app_id, agent_type)
    have_models = {
        m.model: (m.calls, m.input_tokens, m.output_tokens, m.cost_usd)
        for m in reader.models(cut, app_id=app_id, agent_type=agent_type)
    }
    assert sorted(have_models) == sorted(want_models)
    for model, (calls, tokens_in, tokens_out, cost) in want_models.items():
        assert have_models[model][:3] == (calls, tokens_in, tokens_out)
        assert have_models[model][3] == pytest.approx(cost, rel=1e-9, abs=1e-9)


def test_lifetime_totals_equal_the_scan(session: Session, history: dict[str, int]) -> None:
    """``GET /metrics``'s counters from the lifetime tables (0015) equal the grouped
    scan of the raw tables they replaced, over the same history (rewrites, re-syncs,
    deletes, evaluation runs)."""
    have = ObservabilityRepository(session).lifetime_totals()
    want = scan_lifetime_totals(session)
    assert have.runs == want.runs and have.runs
    assert have.attempts == want.attempts and have.attempts
    assert have.input_tokens == want.input_tokens
    assert have.output_tokens == want.output_tokens
    assert have.violations == want.violations and have.violations
    assert sorted(have.cost_usd) == sorted(want.cost_usd)
    for key, cost in want.cost_usd.items():
        assert have.cost_usd[key] == pytest.approx(cost, rel=1e-9, abs=1e-9), key


def test_the_history_has_every_kind_of_row(session: Session, history: dict[str, int]) -> None:
    """The generator exercised what the triggers must handle (not a vacuous comparison)."""
    assert history["evaluation_runs"] > 20 and history["rewrites"] > 50
    assert history["violations"] > 100
    statuses = set(session.scalars(select(StepResult.status).distinct()))
    assert statuses == {"completed", "failed", "timed_out", "canceled"}
    evaluated = session.scalar(
        select(func.count()).select_from(StepResult).where(~production_runs_only(StepResult.run_id))
    )
    assert evaluated and evaluated > 50


def test_buckets_stand_for_their_values_within_the_bound() -> None:
    rng = random.Random(5)
    for _ in range(20_000):
        value = rng.lognormvariate(3, 4)
        bucket = bucket_of(value)
        assert bucket is not None
        assert close(histogram_percentile({bucket: 1}, 0.5), value)
    assert histogram_percentile({bucket_of(0.0) or 0: 3}, 0.5) == 0.0
    assert histogram_percentile({}, 0.5) is None


def test_whole_hours_and_edges_cover_the_window_once() -> None:
    since = datetime(2026, 1, 1, 10, 20, tzinfo=UTC)
    hour = since.replace(minute=0)
    later = since + timedelta(days=30)
    # 40 minutes of the first hour inside: its rollup minus the 20 minutes before ``since``;
    # 20 minutes of the last hour inside: read raw.
    cut = Window.of(since, since + timedelta(hours=3), now=later)
    assert (cut.hours_start, cut.hours_end) == (hour, hour + timedelta(hours=3))
    assert cut.cuts == [(hour, since)]
    assert cut.edges == [(hour + timedelta(hours=3), since + timedelta(hours=3))]
    # Ending now: the last hour's rest is in the future (no rows), so its rollup is read.
    until = since + timedelta(hours=3, minutes=30)
    ending = Window.of(since, until, now=until)
    assert (ending.hours_start, ending.hours_end) == (hour, hour + timedelta(hours=4))
    assert ending.cuts == [(hour, since), (until, hour + timedelta(hours=4))]
    assert ending.edges == []
    aligned = Window.of(hour, hour + timedelta(hours=2), now=later)
    assert aligned.edges == [] and aligned.cuts == [] and aligned.has_hours()
    short = Window.of(since, since + timedelta(minutes=5), now=later)
    assert not short.has_hours() and short.edges == [(since, since + timedelta(minutes=5))]
    most = Window.of(hour + timedelta(minutes=5), hour + timedelta(minutes=50), now=later)
    assert (most.hours_start, most.hours_end) == (hour, hour + timedelta(hours=1))
    assert most.edges == [] and most.cuts == [
        (hour, hour + timedelta(minutes=5)),
        (hour + timedelta(minutes=50), hour + timedelta(hours=1)),
    ]
    # Across a boundary with no whole hour inside: each side is within one hour (one day).
    across = Window.of(hour + timedelta(minutes=50), hour + timedelta(hours=1, minutes=5))
    for a, b in across.edges + across.cuts:
        assert a.replace(minute=0, second=0, microsecond=0) == (
            b - timedelta(microseconds=1)
        ).replace(minute=0, second=0, microsecond=0)
    # The equivalence test above reads windows both ways.
    cuts = [Window.of(a, b) for a, b in WINDOWS]
    assert any(w.cuts for w in cuts) and any(w.edges for w in cuts)


# ---------------------------------------------------------------------------------
# The coarser levels (migration 0018): 6-hour and daily rows, and windows read
# through them.
# ---------------------------------------------------------------------------------

#: 40 examples of a test that reads windows of the module's history.
window_examples = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
#: Any moment from a day before the history to a day after it (microseconds).
moments = st.integers(min_value=-24 * 3600 * 10**6, max_value=(HOURS + 24) * 3600 * 10**6).map(
    lambda us: START + timedelta(microseconds=us)
)


@window_examples
@given(
    a=moments,
    b=moments,
    ends_now=st.booleans(),
    whole_hours=st.booleans(),
    filters=st.sampled_from(FILTERS),
)
def test_any_window_over_days_and_hours_equals_the_scan(
    session: Session,
    history: dict[str, int],
    a: datetime,
    b: datetime,
    ends_now: bool,
    whole_hours: bool,
    filters: tuple[str | None, str | None],
) -> None:
    """Random windows — across midnights, 6-hour boundaries and hours, on whole hours
    or not, read as past or as ending now — give the scan's figures."""
    since, until = sorted((a, b))
    if whole_hours:
        since, until = (t.replace(minute=0, second=0, microsecond=0) for t in (since, until))
    assume(since < until)
    app_id, agent_type = filters
    assert_figures_equal_the_scan(
        session, since, until, app_id, agent_type, now=until if ends_now else None
    )


@settings(max_examples=400, deadline=None)
@given(
    start=st.integers(min_value=0, max_value=60 * 24),
    hours=st.integers(min_value=1, max_value=45 * 24),
    now_after=st.integers(min_value=-50 * 24, max_value=50 * 24),
)
def test_periods_cover_the_hours_once(start: int, hours: int, now_after: int) -> None:
    """``periods_of`` adds each hour of the range once and every other hour not at all
    (cuts taken back), with periods aligned to their span; and it reads few periods: no
    more than the whole days inside plus 6 hours and two 6-hour periods at each end."""
    first = START + timedelta(hours=start)
    end = first + timedelta(hours=hours)
    now = first + timedelta(hours=now_after)
    periods = periods_of(first, end, now=now)
    spans = dict(LEVELS)
    counted: dict[datetime, int] = {}
    for span, a, b, sign in periods:
        unit = spans[span]
        midnight = a.replace(hour=0, minute=0, second=0, microsecond=0)
        assert (a - midnight) % unit == timedelta(0) and (b - a) % unit == timedelta(0)
        hour = a
        while hour < b:
            counted[hour] = counted.get(hour, 0) + sign
            hour += HOUR
    assert {h: n for h, n in counted.items() if n} == {
        first + timedelta(hours=i): 1 for i in range(hours)
    }
    read = sum(
        max(0, -(-(min(b, now) - a) // spans[span])) for span, a, b, _ in periods if min(b, now) > a
    )
    whole_days = hours // 24 + 1
    assert read <= whole_days + 2 * (6 + 2), periods


def _period_of(hour: datetime, span: timedelta) -> datetime:
    midnight = hour.replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight + ((hour - midnight) // span) * span


def test_the_coarser_levels_sum_the_hours(session: Session, history: dict[str, int]) -> None:
    """Each 6-hour and daily row is the sum of its hours' rows, after the history's
    inserts, rewrites (an hourly row updated), re-syncs and deletes."""
    checked = 0
    for span, levels in ROLLUP_LEVELS.items():
        length = ROLLUP_SPANS[span]
        for name, level in levels.items():
            hourly = Base.metadata.tables[name]
            keys = [c.name for c in hourly.primary_key]
            counters = [c.name for c in hourly.columns if c.name not in keys]
            want: dict[tuple[Any, ...], list[float]] = {}
            for row in session.execute(select(hourly)).mappings():
                key = tuple(_period_of(row[k], length) if k == "hour" else row[k] for k in keys)
                sums = want.setdefault(key, [0.0] * len(counters))
                for i, counter in enumerate(counters):
                    sums[i] += row[counter]
            have = {
                tuple(row[k] for k in keys): [row[c] for c in counters]
                for row in session.execute(select(level)).mappings()
            }
            want = {k: v for k, v in want.items() if any(v)}
            have = {k: v for k, v in have.items() if any(v)}
            assert sorted(have) == sorted(want), (span, name)
            for key, values in want.items():
                assert have[key] == pytest.approx(values, rel=1e-9, abs=1e-9), (span, name, key)
            checked += len(want)
    assert checked > 1000
