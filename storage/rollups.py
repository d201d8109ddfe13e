"""Dashboard rollups: hourly sums of the observability tables, kept as rows are written.

Four tables, maintained by database triggers on ``step_results``, ``schema_violations``
and ``run_summaries`` (migration ``0010_rollups``), so every writer — the engine's
step-result writer, the summary sync, a hand-written ``INSERT`` — keeps them in the same
transaction as the row it writes, and a rewritten row (same attempt written twice, a
re-synced run) first takes its old contribution back:

- ``step_rollups``: per app, hour (of ``ended_at``), agent type and model: calls,
  failures, retries, tokens and cost; and schema violations (severity ``error``, by the
  hour of ``created_at``, under model ``""``).
- ``step_latency_buckets``: the completed attempts' latencies as a histogram per app,
  hour and agent type.
- ``run_rollups``: runs per app, agent type, hour (of ``started_at``) and status; the
  agent type ``*`` counts every run once, whatever its agent types.
- ``run_duration_buckets``: finished runs' durations as a histogram per app, agent type
  (``*`` again for every run) and hour.

Every row is counted twice: under its app and under the app ``*`` (every app), so the
platform's figures read as few rows as one app's — the keys lead with the app.

Runs of evaluations never reach a rollup (the triggers skip a run with an
``evaluation_runs`` row, which the evaluation writes before it starts the run).

Percentiles cannot be summed, so latencies and durations are counted in fixed,
logarithmic buckets (as DDSketch does): bucket ``i`` holds values in
``(GAMMA**(i-1), GAMMA**i]`` and stands for ``2 * GAMMA**i / (GAMMA + 1)``, which is
within ``RELATIVE_ACCURACY`` (2 %) of every value in it. A percentile read from the
buckets is the nearest-rank percentile of the raw values (what the scan computed) to
within that 2 %, whatever the number of values. The bucket of a value is computed by
the writer and stored next to it (``step_results.latency_bucket``,
``run_summaries.duration_bucket``), so the triggers need no logarithm (SQLite may lack
one).

Reads (:class:`RollupReader`): a window's whole hours come from the rollups; the
partial hours at its two ends (at most two hours of rows) are aggregated from the raw
tables through their ``ended_at``/``started_at`` indexes, so counts and sums equal the
scan's exactly, for any ``since``/``until``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Column, ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session

from storage.evaluations import production_runs_only
from storage.histogram import histogram_percentile as histogram_percentile
from storage.models import (
    RunDurationBucket,
    RunRollup,
    RunSummary,
    SchemaViolation,
    StepLatencyBucket,
    StepResult,
    StepRollup,
)

#: ``run_rollups.agent_type`` of the row counting every run once.
EVERY_AGENT_TYPE = "*"
#: ``app_id`` of the rollup rows counting every app (the platform's figures).
EVERY_APP = "*"
HOUR = timedelta(hours=1)


def _add(into: dict[int, int], bucket: int | None, count: int) -> None:
    if bucket is not None and count:
        into[bucket] = into.get(bucket, 0) + int(count)


@dataclass
class AgentTypeRollup:
    agent_type: str
    calls: int = 0
    failures: int = 0
    retries: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    schema_violations: int = 0
    latencies: dict[int, int] = field(default_factory=dict)


@dataclass
class ModelRollup:
    model: str
    calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0


@dataclass
class RunRollupFigures:
    by_status: dict[str, int] = field(default_factory=dict)
    durations: dict[int, int] = field(default_factory=dict)


@dataclass
class Window:
    """``[since, until)`` cut into whole hours (from the rollups) and raw edges."""

    since: datetime
    until: datetime
    #: ``[start, end)`` of the whole hours; empty when ``start >= end``.
    hours_start: datetime
    hours_end: datetime
    #: The partial hours, read from the raw tables.
    edges: list[tuple[datetime, datetime]]

    @classmethod
    def of(cls, since: datetime, until: datetime) -> Window:
        first = _floor_hour(since)
        if first < since:
            first += HOUR
        last = _floor_hour(until)
        if first >= last:  # no whole hour inside: all of it is an edge
            return cls(since, until, first, first, [(since, until)])
        edges = [(a, b) for a, b in ((since, first), (last, until)) if a < b]
        return cls(since, until, first, last, edges)

    def has_hours(self) -> bool:
        return self.hours_start < self.hours_end

    def raw(self, column: Column[Any] | Any) -> ColumnElement[bool]:
        """``column`` within one of the edges."""
        return or_(*[and_(column >= a, column < b) for a, b in self.edges])

    def hourly(self, column: Any) -> ColumnElement[bool]:
        return and_(column >= self.hours_start, column < self.hours_end)


def _floor_hour(value: datetime) -> datetime:
    return value.replace(minute=0, second=0, microsecond=0)


class RollupReader:
    """The metrics' figures over a window, from rollups plus the window's raw edges."""

    def __init__(self, session: Session) -> None:
        self.session = session

    # ----------------------------------------------------------- step figures

    def agent_types(
        self, window: Window, *, app_id: str | None, agent_type: str | None
    ) -> list[AgentTypeRollup]:
        """Per agent type: calls … cost, violations and the latency histogram."""
        found: dict[str, AgentTypeRollup] = {}

        def entry(name: str) -> AgentTypeRollup:
            return found.setdefault(name, AgentTypeRollup(agent_type=name))

        for (
            name,
            calls,
            failures,
            retries,
            tokens_in,
            tokens_out,
            cost,
            violations,
        ) in self._step_sums(window, StepRollup.agent_type, app_id, agent_type):
            row = entry(name)
            row.calls += int(calls or 0)
            row.failures += int(failures or 0)
            row.retries += int(retries or 0)
            row.input_tokens += int(tokens_in or 0)
            row.output_tokens += int(tokens_out or 0)
            row.cost_usd += float(cost or 0.0)
            row.schema_violations += int(violations or 0)
        for name, bucket, count in self._latency_buckets(window, app_id, agent_type):
            _add(entry(name).latencies, bucket, count)
        return sorted(
            (r for r in found.values() if r.calls > 0 or r.schema_violations > 0),
            key=lambda r: r.agent_type,
        )

    def models(
        self, window: Window, *, app_id: str | None, agent_type: str | None
    ) -> list[ModelRollup]:
        """Calls, tokens and cost per model (``""``: attempts that reported none)."""
        found: dict[str, ModelRollup] = {}
        for model, calls, _f, _r, tokens_in, tokens_out, cost, _v in self._step_sums(
            window, StepRollup.model, app_id, agent_type
        ):
            row = found.setdefault(model, ModelRollup(model=model))
            row.calls += int(calls or 0)
            row.input_tokens += int(tokens_in or 0)
            row.output_tokens += int(tokens_out or 0)
            row.cost_usd += float(cost or 0.0)
        return sorted((r for r in found.values() if r.calls > 0), key=lambda r: r.model)

    def cost_by_day(
        self, window: Window, *, app_id: str | None
    ) -> list[tuple[str, str, float, int]]:
        """``(day, app_id, cost, tokens)`` by the UTC day a step attempt ended."""
        sums: dict[tuple[str, str], list[float]] = {}

        def add(day: str, app: str, cost: Any, tokens: Any) -> None:
            bucket = sums.setdefault((day, app), [0.0, 0])
            bucket[0] += float(cost or 0.0)
            bucket[1] += int(tokens or 0)

        if window.has_hours():
            conditions = [
                window.hourly(StepRollup.hour),
                StepRollup.app_id == app_id if app_id else StepRollup.app_id != EVERY_APP,
            ]
            for hour, app, calls, cost, tokens in self.session.execute(
                select(
                    StepRollup.hour,
                    StepRollup.app_id,
                    func.sum(StepRollup.calls),
                    func.sum(StepRollup.cost_usd),
                    func.sum(StepRollup.input_tokens + StepRollup.output_tokens),
                )
                .where(*conditions)
                .group_by(StepRollup.hour, StepRollup.app_id)
            ):
                if calls:
                    add(hour.date().isoformat(), app, cost, tokens)
        for start, end in window.edges:  # each edge lies within one hour, so one day
            conditions = [
                StepResult.ended_at >= start,
                StepResult.ended_at < end,
                production_runs_only(StepResult.run_id),
            ]
            if app_id:
                conditions.append(StepResult.app_id == app_id)
            for app, cost, tokens in self.session.execute(
                select(
                    StepResult.app_id,
                    func.sum(StepResult.cost_usd),
                    func.sum(StepResult.input_tokens + StepResult.output_tokens),
                )
                .where(*conditions)
                .group_by(StepResult.app_id)
            ):
                add(start.date().isoformat(), app, cost, tokens)
        return [(day, app, v[0], int(v[1])) for (day, app), v in sorted(sums.items())]

    def _step_sums(
        self, window: Window, key: Any, app_id: str | None, agent_type: str | None
    ) -> Iterable[tuple[Any, ...]]:
        """``(key, calls, failures, retries, in, out, cost, violations)`` rows to add up."""
        if window.has_hours():
            conditions = [
                StepRollup.app_id == (app_id or EVERY_APP),
                window.hourly(StepRollup.hour),
            ]
            if agent_type:
                conditions.append(StepRollup.agent_type == agent_type)
            yield from self.session.execute(
                select(
                    key,
                    func.sum(StepRollup.calls),
                    func.sum(StepRollup.failures),
                    func.sum(StepRollup.retries),
                    func.sum(StepRollup.input_tokens),
                    func.sum(StepRollup.output_tokens),
                    func.sum(StepRollup.cost_usd),
                    func.sum(StepRollup.schema_violations),
                )
                .where(*conditions)
                .group_by(key)
            )
        if not window.edges:
            return
        raw_key = getattr(StepResult, key.key)
        conditions = [window.raw(StepResult.ended_at), production_runs_only(StepResult.run_id)]
        if app_id:
            conditions.append(StepResult.app_id == app_id)
        if agent_type:
            conditions.append(StepResult.agent_type == agent_type)
        for row in self.session.execute(
            select(
                raw_key,
                func.count(),
                func.sum(case((StepResult.status != "completed", 1), else_=0)),
                func.sum(case((StepResult.attempt > 1, 1), else_=0)),
                func.sum(StepResult.input_tokens),
                func.sum(StepResult.output_tokens),
                func.sum(StepResult.cost_usd),
            )
            .where(*conditions)
            .group_by(raw_key)
        ):
            yield (*row, 0)
        if key.key != "agent_type":
            return
        violation_conditions = [
            window.raw(SchemaViolation.created_at),
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
            yield (name, 0, 0, 0, 0, 0, 0.0, count)

    def _latency_buckets(
        self, window: Window, app_id: str | None, agent_type: str | None
    ) -> Iterable[tuple[Any, ...]]:
        if window.has_hours():
            conditions = [
                StepLatencyBucket.app_id == (app_id or EVERY_APP),
                window.hourly(StepLatencyBucket.hour),
            ]
            if agent_type:
                conditions.append(StepLatencyBucket.agent_type == agent_type)
            yield from self.session.execute(
                select(
                    StepLatencyBucket.agent_type,
                    StepLatencyBucket.bucket,
                    func.sum(StepLatencyBucket.n),
                )
                .where(*conditions)
                .group_by(StepLatencyBucket.agent_type, StepLatencyBucket.bucket)
            )
        if not window.edges:
            return
        conditions = [
            window.raw(StepResult.ended_at),
            StepResult.status == "completed",
            production_runs_only(StepResult.run_id),
        ]
        if app_id:
            conditions.append(StepResult.app_id == app_id)
        if agent_type:
            conditions.append(StepResult.agent_type == agent_type)
        yield from self.session.execute(
            select(StepResult.agent_type, StepResult.latency_bucket, func.count())
            .where(*conditions)
            .group_by(StepResult.agent_type, StepResult.latency_bucket)
        )

    # ------------------------------------------------------------ run figures

    def runs(
        self, window: Window, *, app_id: str | None, agent_type: str | None
    ) -> RunRollupFigures:
        """Runs started in the window by status, and the finished runs' durations."""
        figures = RunRollupFigures()
        key = agent_type or EVERY_AGENT_TYPE
        if window.has_hours():
            conditions = [
                RunRollup.app_id == (app_id or EVERY_APP),
                RunRollup.agent_type == key,
                window.hourly(RunRollup.hour),
            ]
            for status, count in self.session.execute(
                select(RunRollup.status, func.sum(RunRollup.runs))
                .where(*conditions)
                .group_by(RunRollup.status)
            ):
                if count:
                    figures.by_status[status] = figures.by_status.get(status, 0) + int(count)
            bucket_conditions = [
                RunDurationBucket.app_id == (app_id or EVERY_APP),
                RunDurationBucket.agent_type == key,
                window.hourly(RunDurationBucket.hour),
            ]
            for bucket, count in self.session.execute(
                select(RunDurationBucket.bucket, func.sum(RunDurationBucket.n))
                .where(*bucket_conditions)
                .group_by(RunDurationBucket.bucket)
            ):
                _add(figures.durations, bucket, count)
        if not window.edges:
            return figures
        conditions = [window.raw(RunSummary.started_at), production_runs_only(RunSummary.run_id)]
        if app_id:
            conditions.append(RunSummary.app_id == app_id)
        for status, duration_bucket, types in self.session.execute(
            select(RunSummary.status, RunSummary.duration_bucket, RunSummary.agent_types).where(
                *conditions
            )
        ):
            # JSON list membership is not portable SQL; edges hold at most two hours.
            if agent_type and agent_type not in (types or []):
                continue
            figures.by_status[status] = figures.by_status.get(status, 0) + 1
            if status != "running":
                _add(figures.durations, duration_bucket, 1)
        return figures
