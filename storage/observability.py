"""Repositories of the observability tables: step results, schema violations, run summaries.

The engine writes one ``step_results`` row per finished step attempt (idempotently);
metrics aggregate these tables with SQL instead of re-reading workflow histories.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import Any

import anyio.to_thread
from sqlalchemy import Connection, Select, func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from storage.database import AsyncReadPool
from storage.histogram import bucket_of
from storage.models import (
    RunSummary,
    RunTotal,
    SchemaViolation,
    StepResult,
    StepTotal,
    ViolationTotal,
)

#: Statuses of a step attempt in ``step_results``.
ATTEMPT_COMPLETED = "completed"
ATTEMPT_FAILED = "failed"
#: An attempt that never reported (worker crash, heartbeat or start-to-close timeout).
ATTEMPT_TIMED_OUT = "timed_out"
ATTEMPT_CANCELED = "canceled"


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
#: The hub's dialects, both with ``INSERT … ON CONFLICT DO UPDATE``.
_UPSERTS: dict[str, Callable[..., Any]] = {
    "sqlite": sqlite_insert,
    "postgresql": postgresql_insert,
}


@functools.cache
def _attempt_upsert(dialect: str) -> Any:
    """``INSERT … ON CONFLICT (run, activity, attempt) DO UPDATE`` of a whole attempt,
    built once per dialect."""
    insert = _UPSERTS.get(dialect)
    if insert is None:
        raise NotImplementedError(
            f"step results are written on SQLite or PostgreSQL, not {dialect}"
        )
    statement = insert(StepResult.__table__)
    excluded = statement.excluded
    return statement.on_conflict_do_update(
        index_elements=list(_ATTEMPT_KEY),
        set_={name: excluded[name] for name in _attempt_columns() if name not in _ATTEMPT_KEY},
    )


def _attempt_columns() -> list[str]:
    """The ``step_results`` columns an attempt writes (:func:`attempt_values`' keys)."""
    return [f.name for f in fields(StepAttempt)] + ["retries", "latency_bucket"]


def attempt_values(attempt: StepAttempt) -> dict[str, Any]:
    """The ``step_results`` column values of ``attempt``."""
    values = dict(attempt.__dict__)
    values["retries"] = max(0, attempt.attempt - 1)
    values["latency_bucket"] = bucket_of(attempt.latency_ms)
    return values


def upsert_attempts(connection: Connection, attempts: Sequence[StepAttempt]) -> None:
    """Insert (or overwrite) ``attempts`` with the attempt upsert; the caller commits.

    What :meth:`ObservabilityRepository.record_attempts` runs, on a bare connection:
    the recorder's inline SQLite write (``activities/step_results.py``).
    """
    upsert = _attempt_upsert(connection.dialect.name)
    connection.execute(upsert, [attempt_values(a) for a in attempts])


class ObservabilityRepository:
    """Reads and writes the observability tables within one session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    # ---------------------------------------------------------------- writes

    def record_attempt(self, attempt: StepAttempt, violations: Sequence[ViolationInput]) -> None:
        """Insert (or, for a repeated write of the same attempt, overwrite) one attempt."""
        self.record_attempts([(attempt, violations)])

    def record_attempts(
        self, batch: Sequence[tuple[StepAttempt, Sequence[ViolationInput]]]
    ) -> None:
        """Write attempts (one transaction's worth): back-fill earlier attempts of retried
        ones that never reported, then every attempt in one ``INSERT … ON CONFLICT DO
        UPDATE`` executemany (no read), then the violations of those that have some."""
        written = {(a.run_id, a.activity_id, a.attempt) for a, _ in batch}
        lost: list[StepAttempt] = []
        for attempt, _violations in batch:
            if attempt.attempt > 1:
                lost += [
                    a
                    for a in self._lost_attempts(attempt, attempt.attempt)
                    if (a.run_id, a.activity_id, a.attempt) not in written
                ]
                written |= {(a.run_id, a.activity_id, a.attempt) for a in lost}
        rows = [attempt_values(a) for a in lost] + [attempt_values(a) for a, _ in batch]
        self.session.flush()  # rows this session added first
        self.session.execute(_attempt_upsert(self.session.get_bind().dialect.name), rows)
        for attempt, violations in batch:
            if violations:
                self._record_violations(attempt, violations)

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
        lost = self._lost_attempts(template, before_attempt)
        if lost:
            self.record_attempts([(attempt, []) for attempt in lost])
        return len(lost)

    def _lost_attempts(self, template: StepAttempt, before_attempt: int) -> list[StepAttempt]:
        known = set(
            self.session.scalars(
                select(StepResult.attempt).where(
                    StepResult.run_id == template.run_id,
                    StepResult.activity_id == template.activity_id,
                )
            )
        )
        return [
            StepAttempt(
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
            for number in range(1, before_attempt)
            if number not in known
        ]

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
            summary.duration_bucket = bucket_of(summary.duration_ms)
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

    def latest_summary_end(self) -> datetime | None:
        """The newest close time recorded: visibility is re-read from shortly before it."""
        return self.session.scalar(select(func.max(RunSummary.ended_at)))

    def lifetime_totals(self) -> LifetimeTotals:
        """Everything ever recorded, grouped for Prometheus counters (``GET /metrics``).

        Read from the lifetime totals the triggers keep (``step_totals``,
        ``violation_totals``, ``run_totals``; migration 0015): a few rows per app and
        agent type, whatever the size of the tables. Rows are only ever added (or an
        attempt's row updated in place), so these sums only grow and Prometheus can
        take ``rate()`` of them. Runs of evaluations are left out (their
        ``evaluation_runs`` row exists before their first step result). A key whose
        rows were all taken back (a rewritten attempt's old status) is not reported, as
        a grouped read of the rows would not report it.
        """
        totals = LifetimeTotals()
        for app, status, count in self.session.execute(
            select(RunTotal.app_id, RunTotal.status, RunTotal.runs).where(RunTotal.runs > 0)
        ):
            totals.runs[(app, status)] = int(count)
        for app, agent_type, status, count, tokens_in, tokens_out, cost in self.session.execute(
            select(
                StepTotal.app_id,
                StepTotal.agent_type,
                StepTotal.status,
                StepTotal.attempts,
                StepTotal.input_tokens,
                StepTotal.output_tokens,
                StepTotal.cost_usd,
            ).where(StepTotal.attempts > 0)
        ):
            totals.attempts[(app, agent_type, status)] = int(count)
            key = (app, agent_type)
            totals.input_tokens[key] = totals.input_tokens.get(key, 0) + int(tokens_in or 0)
            totals.output_tokens[key] = totals.output_tokens.get(key, 0) + int(tokens_out or 0)
            totals.cost_usd[key] = totals.cost_usd.get(key, 0.0) + float(cost or 0.0)
        # Warnings (a figure missing from a valid output) are not schema violations.
        for app, agent_type, count in self.session.execute(
            select(
                ViolationTotal.app_id, ViolationTotal.agent_type, ViolationTotal.violations
            ).where(ViolationTotal.violations > 0)
        ):
            totals.violations[(app, agent_type)] = int(count)
        return totals


#: A listed violation's columns, in ``ViolationPublic``'s order.
VIOLATION_COLUMNS = (
    "id",
    "run_id",
    "app_id",
    "step_id",
    "activity_id",
    "agent_id",
    "agent_type",
    "pointer",
    "message",
    "attempt",
    "repair_attempt",
    "severity",
    "created_at",
)


def violation_page_sql(
    where: ViolationFilter, *, after_id: int | None, limit: int
) -> tuple[str, dict[str, Any]]:
    """:meth:`ObservabilityRepository.list_violations` as psycopg text and its values
    (the same conditions, newest first by id)."""
    conditions: list[str] = []
    values: dict[str, Any] = {"limit": limit}
    for name, condition in (
        ("app_id", "app_id = %(app_id)s"),
        ("agent", "(agent_id = %(agent)s OR agent_type = %(agent)s)"),
        ("run_id", "run_id = %(run_id)s"),
        ("since", "created_at >= %(since)s"),
        ("until", "created_at < %(until)s"),
        ("severity", "severity = %(severity)s"),
    ):
        value = getattr(where, name)
        if value:
            conditions.append(condition)
            values[name] = value
    if after_id is not None:
        conditions.append("id < %(after_id)s")
        values["after_id"] = after_id
    sql = f"SELECT {', '.join(VIOLATION_COLUMNS)} FROM schema_violations"
    if conditions:
        sql += " WHERE " + " AND ".join(conditions)
    return sql + " ORDER BY id DESC LIMIT %(limit)s", values


class AsyncViolationReader:
    """Reads a page of violations for ``GET /observability/violations`` as rows of
    :data:`VIOLATION_COLUMNS`: on PostgreSQL (``pool`` given) one autocommit ``SELECT``
    on the event loop, no worker thread, session or ORM; on SQLite a session on a
    worker thread."""

    def __init__(self, pool: AsyncReadPool | None, session_factory: Callable[[], Session]):
        self.pool = pool
        self.session_factory = session_factory

    async def page(
        self, where: ViolationFilter, *, after_id: int | None, limit: int
    ) -> list[dict[str, Any]]:
        """Newest first; ``after_id`` continues a page (rows with a smaller id)."""
        if self.pool is None:
            return await anyio.to_thread.run_sync(self._page_with_session, where, after_id, limit)
        sql, values = violation_page_sql(where, after_id=after_id, limit=limit)
        rows = await self.pool.fetch_all(sql, values)
        found = [dict(zip(VIOLATION_COLUMNS, row, strict=True)) for row in rows]
        for row in found:  # what the UtcDateTime column type does for ORM reads
            row["created_at"] = row["created_at"].astimezone(UTC)
        return found

    def _page_with_session(
        self, where: ViolationFilter, after_id: int | None, limit: int
    ) -> list[dict[str, Any]]:
        with self.session_factory() as session:
            rows = ObservabilityRepository(session).list_violations(
                where, after_id=after_id, limit=limit
            )
            return [{name: getattr(row, name) for name in VIOLATION_COLUMNS} for row in rows]
