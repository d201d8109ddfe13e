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

Reads (:class:`RollupReader`): a window's whole hours come from the rollups; a partial
hour at either end is either its part inside the window read from the raw table, or
the whole hour's rollup minus the raw rows of its part outside the window, whichever
spans less time that can hold rows (:class:`Window`): at most half an hour of raw rows
at each end, and none at an end that is now. The raw slices are aggregated through the
tables' ``ended_at``/``started_at``/``created_at`` indexes, so counts and sums equal the
scan's exactly, for any ``since``/``until``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
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
    """``[since, until)`` as whole hours from the rollups, plus or minus raw slices.

    A partial hour at either end is read one of two ways, whichever reads fewer raw
    rows: its part inside the window from the raw table (an *edge*, added), or the
    whole hour from the rollups minus the raw rows of its part outside the window (a
    *cut*, taken away). Both give the same figures exactly: an hour's rollup rows are
    the sum of its raw rows. "Fewer rows" is judged by time, counting nothing after
    ``now`` (no row has ended yet there): so the dashboard's windows, which end now,
    read the current hour from the rollups and no raw rows at that end, and a window's
    raw part is at most half an hour at each end.
    """

    since: datetime
    until: datetime
    #: ``[start, end)`` of the hours read from the rollups; empty when ``start >= end``.
    hours_start: datetime
    hours_end: datetime
    #: Raw slices inside the window, added to the hours.
    edges: list[tuple[datetime, datetime]]
    #: Raw slices of the rollup hours outside the window, taken away.
    cuts: list[tuple[datetime, datetime]] = field(default_factory=list)

    @classmethod
    def of(cls, since: datetime, until: datetime, *, now: datetime | None = None) -> Window:
        now = now or datetime.now(UTC)

        def rows(start: datetime, end: datetime) -> timedelta:
            """How much of ``[start, end)`` may hold rows (nothing after ``now``)."""
            return max(min(end, now) - start, timedelta(0))

        first = _floor_hour(since)
        if first < since:
            first += HOUR
        last = _floor_hour(until)
        if first >= last:  # no whole hour inside: within one hour, or across one boundary
            hour = _floor_hour(since)
            if until <= hour + HOUR:
                outside = [(a, b) for a, b in ((hour, since), (until, hour + HOUR)) if a < b]
                if sum((rows(a, b) for a, b in outside), timedelta(0)) < rows(since, until):
                    return cls(since, until, hour, hour + HOUR, [], outside)
                return cls(since, until, hour, hour, [(since, until)])
        hours_start, hours_end = first, last
        edges: list[tuple[datetime, datetime]] = []
        cuts: list[tuple[datetime, datetime]] = []
        if since < first:  # the partial first hour
            if rows(first - HOUR, since) < rows(since, first):
                hours_start = first - HOUR
                cuts.append((first - HOUR, since))
            else:
                edges.append((since, first))
        if last < until:  # the partial last hour
            if rows(until, last + HOUR) < rows(last, until):
                hours_end = last + HOUR
                cuts.append((until, last + HOUR))
            else:
                edges.append((last, until))
        return cls(since, until, hours_start, hours_end, edges, cuts)

    def has_hours(self) -> bool:
        return self.hours_start < self.hours_end

    def raw(self, column: Column[Any] | Any) -> ColumnElement[bool]:
        """``column`` within one of the edges."""
        return _within(column, self.edges)

    def slices(self) -> list[tuple[list[tuple[datetime, datetime]], int]]:
        """``(raw slices, sign)``: the edges to add and the cuts to take away."""
        return [(s, sign) for s, sign in ((self.edges, 1), (self.cuts, -1)) if s]

    def hourly(self, column: Any) -> ColumnElement[bool]:
        return and_(column >= self.hours_start, column < self.hours_end)


def _within(column: Any, slices: list[tuple[datetime, datetime]]) -> ColumnElement[bool]:
    return or_(*[and_(column >= a, column < b) for a, b in slices])


def _raw_conditions(
    model: Any,
    column: Any,
    slices: list[tuple[datetime, datetime]],
    app_id: str | None,
    agent_type: str | None = None,
) -> list[ColumnElement[bool]]:
    """The raw rows of ``model`` in ``slices`` (by ``column``), of production runs, of the
    app and agent type asked for (when asked)."""
    conditions = [_within(column, slices), production_runs_only(model.run_id)]
    if app_id:
        conditions.append(model.app_id == app_id)
    if agent_type:
        conditions.append(model.agent_type == agent_type)
    return conditions


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
        #: (day, app) → [calls, cost, tokens]; a day with no call left is not shown.
        sums: dict[tuple[str, str], list[Any]] = {}

        def add(day: str, app: str, calls: Any, cost: Any, tokens: Any, sign: int = 1) -> None:
            bucket = sums.setdefault((day, app), [0, 0.0, 0])
            bucket[0] += sign * int(calls or 0)
            bucket[1] += sign * float(cost or 0.0)
            bucket[2] += sign * int(tokens or 0)

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
                add(hour.date().isoformat(), app, calls, cost, tokens)
        for slices, sign in window.slices():
            for start, end in slices:  # each slice lies within one hour, so one day
                conditions = [
                    StepResult.ended_at >= start,
                    StepResult.ended_at < end,
                    production_runs_only(StepResult.run_id),
                ]
                if app_id:
                    conditions.append(StepResult.app_id == app_id)
                for app, calls, cost, tokens in self.session.execute(
                    select(
                        StepResult.app_id,
                        func.count(),
                        func.sum(StepResult.cost_usd),
                        func.sum(StepResult.input_tokens + StepResult.output_tokens),
                    )
                    .where(*conditions)
                    .group_by(StepResult.app_id)
                ):
                    add(start.date().isoformat(), app, calls, cost, tokens, sign)
        return [(day, app, v[1], int(v[2])) for (day, app), v in sorted(sums.items()) if v[0] > 0]

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
        raw_key = getattr(StepResult, key.key)
        for slices, sign in window.slices():
            conditions = _raw_conditions(
                StepResult, StepResult.ended_at, slices, app_id, agent_type
            )
            for name, *sums in self.session.execute(
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
                yield (name, *(sign * (v or 0) for v in sums), 0)
            if key.key != "agent_type":
                continue
            violation_conditions = [
                *_raw_conditions(
                    SchemaViolation, SchemaViolation.created_at, slices, app_id, agent_type
                ),
                SchemaViolation.severity == "error",
            ]
            for name, count in self.session.execute(
                select(SchemaViolation.agent_type, func.count())
                .where(*violation_conditions)
                .group_by(SchemaViolation.agent_type)
            ):
                yield (name, 0, 0, 0, 0, 0, 0.0, sign * count)

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
        for slices, sign in window.slices():
            conditions = [
                *_raw_conditions(StepResult, StepResult.ended_at, slices, app_id, agent_type),
                StepResult.status == "completed",
            ]
            for name, bucket, count in self.session.execute(
                select(StepResult.agent_type, StepResult.latency_bucket, func.count())
                .where(*conditions)
                .group_by(StepResult.agent_type, StepResult.latency_bucket)
            ):
                yield name, bucket, sign * count

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
        for slices, sign in window.slices():
            # The agent type is filtered below: it is a JSON list here.
            conditions = _raw_conditions(RunSummary, RunSummary.started_at, slices, app_id)
            for status, duration_bucket, types in self.session.execute(
                select(RunSummary.status, RunSummary.duration_bucket, RunSummary.agent_types).where(
                    *conditions
                )
            ):
                # JSON list membership is not portable SQL; slices are under an hour each.
                if agent_type and agent_type not in (types or []):
                    continue
                figures.by_status[status] = figures.by_status.get(status, 0) + sign
                if status != "running":
                    _add(figures.durations, duration_bucket, sign)
        figures.by_status = {s: n for s, n in figures.by_status.items() if n}
        figures.durations = {b: n for b, n in figures.durations.items() if n}
        return figures
