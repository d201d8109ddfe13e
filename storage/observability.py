"""Repositories of the observability tables: step results, schema violations, run summaries.

The engine writes one ``step_results`` row per finished step attempt (idempotently);
metrics aggregate these tables with SQL instead of re-reading workflow histories.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Select, case, func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.evaluations import production_runs_only
from storage.models import RunSummary, SchemaViolation, StepResult

#: Statuses of a step attempt in ``step_results``.
ATTEMPT_COMPLETED = "completed"
ATTEMPT_FAILED = "failed"
#: An attempt that never reported (worker crash, heartbeat or start-to-close timeout).
ATTEMPT_TIMED_OUT = "timed_out"
ATTEMPT_CANCELED = "canceled"


def percentile(sorted_values: Sequence[float], fraction: float) -> float | None:
    """Nearest-rank percentile of already sorted values (``None`` when empty)."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return float(sorted_values[rank - 1])


@dataclass
class StepAttempt:
    """What the engine knows about one finished attempt."""

    run_id: str
    app_id: str
    step_id: str
    item_index: int | None
    activity_id: str
    attempt: int
    status: str
    ended_at: datetime
    app_version: str = ""
    agent_id: str = ""
    agent_type: str = ""
    task_queue: str = ""
    started_at: datetime | None = None
    latency_ms: float = 0.0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    model: str = ""
    provider: str = ""
    prompt_versions: dict[str, str] = field(default_factory=dict)
    error_type: str | None = None
    error: str | None = None


@dataclass
class ViolationInput:
    pointer: str
    message: str
    repair_attempt: int = 1
    severity: str = "error"


@dataclass
class ViolationFilter:
    app_id: str | None = None
    agent: str | None = None
    run_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    severity: str | None = None


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


@dataclass
class RunTotals:
    steps_completed: int = 0
    steps_failed: int = 0
    attempts: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0


@dataclass
class LifetimeTotals:
    """Totals since the tables began: runs by ``(app, status)``; attempts by
    ``(app, agent type, status)``; tokens, cost and violations by ``(app, agent type)``."""

    runs: dict[tuple[str, str], int] = field(default_factory=dict)
    attempts: dict[tuple[str, str, str], int] = field(default_factory=dict)
    input_tokens: dict[tuple[str, str], int] = field(default_factory=dict)
    output_tokens: dict[tuple[str, str], int] = field(default_factory=dict)
    cost_usd: dict[tuple[str, str], float] = field(default_factory=dict)
    violations: dict[tuple[str, str], int] = field(default_factory=dict)


#: The unique key of a ``step_results`` row (``uq_step_results_attempt``).
_ATTEMPT_KEY = ("run_id", "activity_id", "attempt")
#: Dialects with ``INSERT … ON CONFLICT DO UPDATE``; others read, then insert or update.
_UPSERTS: dict[str, Callable[..., Any]] = {
    "sqlite": sqlite_insert,
    "postgresql": postgresql_insert,
}


@functools.cache
def _attempt_upsert(dialect: str) -> Any:
    """``INSERT … ON CONFLICT (run, activity, attempt) DO UPDATE`` of a whole attempt,
    built once per dialect (None when the dialect has no such statement)."""
    insert = _UPSERTS.get(dialect)
    if insert is None:
        return None
    statement = insert(StepResult.__table__)
    excluded = statement.excluded
    return statement.on_conflict_do_update(
        index_elements=list(_ATTEMPT_KEY),
        set_={name: excluded[name] for name in _attempt_columns() if name not in _ATTEMPT_KEY},
    )


def _attempt_columns() -> list[str]:
    """The ``step_results`` columns an attempt writes (:func:`attempt_values`' keys)."""
    return [f.name for f in fields(StepAttempt)] + ["retries"]


def attempt_values(attempt: StepAttempt) -> dict[str, Any]:
    """The ``step_results`` column values of ``attempt``."""
    values = dict(attempt.__dict__)
    values["retries"] = max(0, attempt.attempt - 1)
    return values


def can_upsert_attempts(dialect: str) -> bool:
    """Whether :func:`upsert_attempts` works on ``dialect`` (SQLite and PostgreSQL)."""
    return dialect in _UPSERTS


def upsert_attempts(connection: Connection, attempts: Sequence[StepAttempt]) -> None:
    """Insert (or overwrite) ``attempts`` in one ``executemany`` on ``connection``.

    The writers' fast path: no ORM session, no read; the caller commits. Only for
    attempts without schema violations on a dialect where :func:`can_upsert_attempts`.
    """
    upsert = _attempt_upsert(connection.dialect.name)
    connection.execute(upsert, [attempt_values(a) for a in attempts])


class DriverUpsert:
    """:func:`upsert_attempts` compiled once for a dialect and run on a DB-API cursor.

    Values go through the columns' own bind processors (UTC datetimes, JSON), so the
    rows are the ones the Core statement writes; what is skipped is SQLAlchemy's work
    around each execution (cache lookup, execution context, result object), which was
    most of the inline SQLite write's CPU in a profile of the bench's 40-step runs. For
    the SQLite inline write, which sits on every step's critical path.
    """

    def __init__(self, dialect: Dialect) -> None:
        compiled = _attempt_upsert(dialect.name).compile(
            dialect=dialect, column_keys=_attempt_columns()
        )
        self.sql = str(compiled)
        self._positional = bool(compiled.positional)
        self._names = list(compiled.positiontup or []) if self._positional else list(compiled.binds)
        types = [compiled.binds[name].type.dialect_impl(dialect) for name in self._names]
        self._processors = [type_.bind_processor(dialect) for type_ in types]

    def parameters(self, attempt: StepAttempt) -> tuple[Any, ...] | dict[str, Any]:
        values = attempt_values(attempt)
        processed = [
            value if process is None else process(value)
            for value, process in zip(
                (values[name] for name in self._names), self._processors, strict=True
            )
        ]
        if self._positional:
            return tuple(processed)
        return dict(zip(self._names, processed, strict=True))

    def execute(self, cursor: Any, attempts: Sequence[StepAttempt]) -> None:
        """Write ``attempts`` with ``cursor``; the caller commits its connection."""
        if len(attempts) == 1:
            cursor.execute(self.sql, self.parameters(attempts[0]))
        else:
            cursor.executemany(self.sql, [self.parameters(a) for a in attempts])


class ObservabilityRepository:
    """Reads and writes the observability tables within one session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    # ---------------------------------------------------------------- writes

    def record_attempt(self, attempt: StepAttempt, violations: Sequence[ViolationInput]) -> None:
        """Insert (or, for a repeated write of the same attempt, overwrite) one attempt.

        Every step of every run passes here, on the step's critical path: on SQLite and
        PostgreSQL it is one ``INSERT … ON CONFLICT DO UPDATE`` statement (no read, no
        savepoint), and the violations table is only touched when there are some.
        """
        values = attempt_values(attempt)
        upsert = _attempt_upsert(self.session.get_bind().dialect.name)
        if upsert is not None:
            self.session.flush()  # earlier rows of this session (lost attempts) go first
            self.session.execute(upsert, values)
            if violations:
                self._record_violations(attempt, violations)
            return
        existing = self._attempt_row(attempt.run_id, attempt.activity_id, attempt.attempt)
        if existing is None:
            try:
                with self.session.begin_nested():
                    self.session.add(StepResult(**values))
            except IntegrityError:
                existing = self._attempt_row(attempt.run_id, attempt.activity_id, attempt.attempt)
        if existing is not None:
            for key, value in values.items():
                setattr(existing, key, value)
        self._record_violations(attempt, violations)

    def _attempt_row(self, run_id: str, activity_id: str, attempt: int) -> StepResult | None:
        return self.session.scalar(
            select(StepResult).where(
                StepResult.run_id == run_id,
                StepResult.activity_id == activity_id,
                StepResult.attempt == attempt,
            )
        )

    def _record_violations(
        self, attempt: StepAttempt, violations: Sequence[ViolationInput]
    ) -> None:
        existing = {
            row.seq: row
            for row in self.session.scalars(
                select(SchemaViolation).where(
                    SchemaViolation.run_id == attempt.run_id,
                    SchemaViolation.activity_id == attempt.activity_id,
                    SchemaViolation.attempt == attempt.attempt,
                )
            )
        }
        for seq, violation in enumerate(violations):
            row = existing.get(seq)
            if row is None:
                self.session.add(
                    SchemaViolation(
                        run_id=attempt.run_id,
                        app_id=attempt.app_id,
                        step_id=attempt.step_id,
                        activity_id=attempt.activity_id,
                        agent_id=attempt.agent_id,
                        agent_type=attempt.agent_type,
                        attempt=attempt.attempt,
                        seq=seq,
                        repair_attempt=violation.repair_attempt,
                        pointer=violation.pointer,
                        message=violation.message,
                        severity=violation.severity,
                        created_at=attempt.ended_at,
                    )
                )
            else:
                row.pointer, row.message = violation.pointer, violation.message
                row.severity = violation.severity

    def record_lost_attempts(self, template: StepAttempt, before_attempt: int) -> int:
        """Add a ``timed_out`` row for each earlier attempt that never reported.

        Called by attempt ``before_attempt``: an earlier attempt without a row ended
        without running its completion (worker crash, timeout). Returns rows added.
        """
        known = set(
            self.session.scalars(
                select(StepResult.attempt).where(
                    StepResult.run_id == template.run_id,
                    StepResult.activity_id == template.activity_id,
                )
            )
        )
        added = 0
        for number in range(1, before_attempt):
            if number in known:
                continue
            lost = StepAttempt(
                **{
                    **template.__dict__,
                    "attempt": number,
                    "status": ATTEMPT_TIMED_OUT,
                    "started_at": None,
                    "latency_ms": 0.0,
                    "input_tokens": 0,
                    "output_tokens": 0,
                    "cost_usd": 0.0,
                    "error_type": "AttemptLost",
                    "error": f"attempt {number} ended without reporting (timeout or worker "
                    "crash); the run's Temporal history has the details",
                }
            )
            self.record_attempt(lost, [])
            added += 1
        return added

    def upsert_run_summaries(self, summaries: Iterable[RunSummary]) -> int:
        """Insert or refresh run summaries (by run id); returns how many were written.

        A re-run (Temporal reset) leaves two closed executions under one run id in
        visibility: only the one that started last is kept, so one batch never inserts
        the same run twice.
        """
        newest: dict[str, RunSummary] = {}
        for summary in summaries:
            kept = newest.get(summary.run_id)
            if kept is None or summary.started_at >= kept.started_at:
                newest[summary.run_id] = summary
        for summary in newest.values():
            self.session.merge(summary)
        return len(newest)

    # ----------------------------------------------------------------- reads

    def attempts_of(self, run_id: str) -> list[StepResult]:
        return list(
            self.session.scalars(
                select(StepResult)
                .where(StepResult.run_id == run_id)
                .order_by(StepResult.activity_id, StepResult.attempt)
            )
        )

    def violations_of_run(self, run_id: str) -> list[SchemaViolation]:
        return list(
            self.session.scalars(
                select(SchemaViolation)
                .where(SchemaViolation.run_id == run_id)
                .order_by(SchemaViolation.id)
            )
        )

    def run_totals(self, run_ids: Sequence[str]) -> dict[str, RunTotals]:
        """Per run: finished steps, attempts, tokens and cost from ``step_results``."""
        if not run_ids:
            return {}
        completed = case((StepResult.status == ATTEMPT_COMPLETED, 1), else_=0)
        rows = self.session.execute(
            select(
                StepResult.run_id,
                func.count(),
                func.sum(completed),
                func.sum(StepResult.input_tokens),
                func.sum(StepResult.output_tokens),
                func.sum(StepResult.cost_usd),
            )
            .where(StepResult.run_id.in_(list(run_ids)))
            .group_by(StepResult.run_id)
        ).all()
        totals: dict[str, RunTotals] = {}
        for run_id, attempts, done, tokens_in, tokens_out, cost in rows:
            totals[run_id] = RunTotals(
                steps_completed=int(done or 0),
                attempts=int(attempts or 0),
                input_tokens=int(tokens_in or 0),
                output_tokens=int(tokens_out or 0),
                cost_usd=float(cost or 0.0),
            )
        # A step failed when its last recorded attempt did not complete.
        last = (
            select(
                StepResult.run_id,
                StepResult.activity_id,
                func.max(StepResult.attempt).label("last_attempt"),
            )
            .where(StepResult.run_id.in_(list(run_ids)))
            .group_by(StepResult.run_id, StepResult.activity_id)
            .subquery()
        )
        failed_rows = self.session.execute(
            select(StepResult.run_id, func.count())
            .join(
                last,
                (StepResult.run_id == last.c.run_id)
                & (StepResult.activity_id == last.c.activity_id)
                & (StepResult.attempt == last.c.last_attempt),
            )
            .where(StepResult.status != ATTEMPT_COMPLETED)
            .group_by(StepResult.run_id)
        ).all()
        for run_id, failed in failed_rows:
            totals.setdefault(run_id, RunTotals()).steps_failed = int(failed)
        return totals

    def list_violations(
        self, where: ViolationFilter, *, after_id: int | None, limit: int
    ) -> list[SchemaViolation]:
        """Newest first; ``after_id`` continues a page (rows with a smaller id)."""
        query = select(SchemaViolation)
        query = self._violation_filter(query, where)
        if after_id is not None:
            query = query.where(SchemaViolation.id < after_id)
        return list(self.session.scalars(query.order_by(SchemaViolation.id.desc()).limit(limit)))

    @staticmethod
    def _violation_filter(query: Select[Any], where: ViolationFilter) -> Select[Any]:
        if where.app_id:
            query = query.where(SchemaViolation.app_id == where.app_id)
        if where.agent:
            query = query.where(
                (SchemaViolation.agent_id == where.agent)
                | (SchemaViolation.agent_type == where.agent)
            )
        if where.run_id:
            query = query.where(SchemaViolation.run_id == where.run_id)
        if where.since:
            query = query.where(SchemaViolation.created_at >= where.since)
        if where.until:
            query = query.where(SchemaViolation.created_at < where.until)
        if where.severity:
            query = query.where(SchemaViolation.severity == where.severity)
        return query

    def agent_type_stats(
        self,
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
        for row in self.session.execute(
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
        for name, latency in self.session.execute(
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
        for name, count in self.session.execute(
            select(SchemaViolation.agent_type, func.count())
            .where(*violation_conditions)
            .group_by(SchemaViolation.agent_type)
        ):
            stats.setdefault(name, AgentTypeStats(agent_type=name)).schema_violations = int(count)
        return sorted(stats.values(), key=lambda s: s.agent_type)

    def cost_by_day(
        self, since: datetime, until: datetime, *, app_id: str | None = None
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
        for ended, app, cost, tokens_in, tokens_out in self.session.execute(
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

    def run_stats(
        self,
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
            for status, duration, types in self.session.execute(
                select(RunSummary.status, RunSummary.duration_ms, RunSummary.agent_types).where(
                    *conditions
                )
            ):
                if agent_type in (types or []):
                    by_status[status] = by_status.get(status, 0) + 1
                    if duration is not None and status != "running":
                        durations.append(float(duration))
            return by_status, sorted(durations)
        for status, count in self.session.execute(
            select(RunSummary.status, func.count()).where(*conditions).group_by(RunSummary.status)
        ):
            by_status[status] = int(count)
        durations = [
            float(d or 0.0)  # NULLs are filtered out below; `or` only narrows the type
            for d in self.session.scalars(
                select(RunSummary.duration_ms)
                .where(*conditions, RunSummary.duration_ms.is_not(None))
                .order_by(RunSummary.duration_ms)
            )
        ]
        return by_status, durations

    def latest_summary_end(self) -> datetime | None:
        """The newest close time recorded: visibility is re-read from shortly before it."""
        return self.session.scalar(select(func.max(RunSummary.ended_at)))

    def lifetime_totals(self) -> LifetimeTotals:
        """Everything ever recorded, grouped for Prometheus counters (``GET /metrics``).

        Rows are only ever added (or an attempt's row updated in place), so these sums
        only grow and Prometheus can take ``rate()`` of them. Runs of evaluations are left
        out (their ``evaluation_runs`` row exists before their first step result).
        """
        totals = LifetimeTotals()
        for app, status, count in self.session.execute(
            select(RunSummary.app_id, RunSummary.status, func.count())
            .where(production_runs_only(RunSummary.run_id))
            .group_by(RunSummary.app_id, RunSummary.status)
        ):
            totals.runs[(app, status)] = int(count)
        for app, agent_type, status, count, tokens_in, tokens_out, cost in self.session.execute(
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
        # Warnings (a figure missing from a valid output) are not schema violations.
        for app, agent_type, count in self.session.execute(
            select(SchemaViolation.app_id, SchemaViolation.agent_type, func.count())
            .where(
                SchemaViolation.severity == "error",
                production_runs_only(SchemaViolation.run_id),
            )
            .group_by(SchemaViolation.app_id, SchemaViolation.agent_type)
        ):
            totals.violations[(app, agent_type)] = int(count)
        return totals


def cost_by_model(
    session: Session,
    since: datetime,
    until: datetime,
    *,
    app_id: str | None = None,
    agent_type: str | None = None,
) -> list[tuple[str, int, int, int, float]]:
    """``(model, calls, input_tokens, output_tokens, cost)`` of the attempts that ended in
    the window, costliest first (``""``: no model reported)."""
    conditions = [
        StepResult.ended_at >= since,
        StepResult.ended_at < until,
        production_runs_only(StepResult.run_id),
    ]
    if app_id:
        conditions.append(StepResult.app_id == app_id)
    if agent_type:
        conditions.append(StepResult.agent_type == agent_type)
    rows = [
        (str(model or ""), int(calls), int(tokens_in or 0), int(tokens_out or 0), float(cost or 0))
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
    ]
    return sorted(rows, key=lambda r: (-r[4], r[0]))
