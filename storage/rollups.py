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

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    ColumnElement,
    Float,
    Integer,
    Select,
    String,
    Table,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from storage.evaluations import production_runs_only
from storage.histogram import histogram_percentile as histogram_percentile
from storage.models import (
    ROLLUP_LEVELS,
    ROLLUP_SPANS,
    RunDurationBucket,
    RunRollup,
    RunSummary,
    SchemaViolation,
    StepLatencyBucket,
    StepResult,
    StepRollup,
    UtcDateTime,
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
    #: ``[hours_start, hours_end)`` as signed periods of the rollup levels, ``(span,
    #: start, end, sign)`` (span ``""``: hours; ``6h``, ``1d``: migration 0016)
    #: (:func:`periods_of`).
    periods: list[Period] = field(default_factory=list)
    #: What counts as "now" when choosing (no rows after it); ``None``: the real now.
    now: datetime | None = None

    def __post_init__(self) -> None:
        if not self.periods and self.hours_start < self.hours_end:
            self.periods = periods_of(self.hours_start, self.hours_end, now=self.now)

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
                    return cls(since, until, hour, hour + HOUR, [], outside, now=now)
                return cls(since, until, hour, hour, [(since, until)], now=now)
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
        return cls(since, until, hours_start, hours_end, edges, cuts, now=now)

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


#: ``(span, start, end, sign)``: rollup rows of level ``span`` in ``[start, end)``, added
#: (``1``) or taken away (``-1``).
Period = tuple[str, datetime, datetime, int]
#: The rollup levels, finest first: span name (``""``: the hourly tables) and length.
LEVELS: tuple[tuple[str, timedelta], ...] = (("", HOUR), *ROLLUP_SPANS.items())


def _floor(value: datetime, unit: timedelta) -> datetime:
    """``value`` down to a multiple of ``unit`` from midnight (``unit`` divides a day)."""
    midnight = value.replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight + ((value - midnight) // unit) * unit


def periods_of(start: datetime, end: datetime, *, now: datetime | None = None) -> list[Period]:
    """``[start, end)`` (whole hours) as signed periods of the rollup levels.

    Top down: the whole periods of a level inside, and at each end either the part
    inside read at the finer levels (added) or the whole period around it minus the
    part outside (a cut), whichever reads fewer periods. Periods after ``now`` count as
    empty (nothing has ended there yet), so a window that ends now reads its current day
    as one row per key. Each rollup row lies within one UTC day (periods are aligned to
    midnight): its ``hour`` tells its day.
    """
    now = now or datetime.now(UTC)

    def cost(periods: list[Period]) -> float:
        units = 0.0
        for span, a, b, _sign in periods:
            unit = dict(LEVELS)[span]
            live = min(b, now) - a
            units += max(0, -(-live // unit)) if live > timedelta(0) else 0
        return units + 0.01 * len(periods)  # fewer ranges on a tie

    def split(a: datetime, b: datetime, level: int, sign: int) -> list[Period]:
        if a >= b:
            return []
        span, unit = LEVELS[level]
        if level == 0:
            return [(span, a, b, sign)]
        options = [split(a, b, level - 1, sign)]
        first = _floor(a, unit)
        if first < a:
            first += unit
        last = _floor(b, unit)
        if first <= last:
            lefts = [split(a, first, level - 1, sign)]
            if a < first:
                lefts.append(
                    [(span, first - unit, first, sign), *split(first - unit, a, level - 1, -sign)]
                )
            rights = [split(last, b, level - 1, sign)]
            if last < b:
                rights.append(
                    [(span, last, last + unit, sign), *split(b, last + unit, level - 1, -sign)]
                )
            middle = [(span, first, last, sign)] if first < last else []
            options.append(min(lefts, key=cost) + middle + min(rights, key=cost))
        else:  # within one period: the whole period minus its parts outside
            around = _floor(a, unit)
            options.append(
                [
                    (span, around, around + unit, sign),
                    *split(around, a, level - 1, -sign),
                    *split(b, around + unit, level - 1, -sign),
                ]
            )
        return min(options, key=cost)

    return split(start, end, len(LEVELS) - 1, 1)


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


@dataclass
class WindowFigures:
    """Everything the metrics read over a window (:meth:`RollupReader.figures`)."""

    agent_types: list[AgentTypeRollup]
    models: list[ModelRollup]
    runs: RunRollupFigures
    #: ``(day, app_id, cost, tokens)`` by the UTC day a step attempt ended.
    cost_by_day: list[tuple[str, str, float, int]]


#: The columns every part of the one statement returns (``kind`` says which figure).
_PART_COLUMNS = ("kind", "t", "name", "sub", "bucket", "v1", "v2", "v3", "v4", "v5", "v6", "cost")


def _part(
    kind: str,
    sign: int,
    *,
    t: Any = None,
    name: Any = None,
    sub: Any = None,
    bucket: Any = None,
    values: Sequence[Any] = (),
    cost: Any = None,
) -> list[ColumnElement[Any]]:
    """One part's columns: the keys as they are, the counts and cost times ``sign``."""
    counts = [*values, *([None] * (6 - len(values)))]
    return [
        literal(kind, String()).label("kind"),
        (t if t is not None else cast(null(), UtcDateTime())).label("t"),
        (name if name is not None else cast(null(), String())).label("name"),
        (sub if sub is not None else cast(null(), String())).label("sub"),
        (bucket if bucket is not None else cast(null(), Integer())).label("bucket"),
        *(
            cast(literal(0) if v is None else v * sign, BigInteger()).label(f"v{i + 1}")
            for i, v in enumerate(counts)
        ),
        cast(literal(0.0) if cost is None else cost * sign, Float()).label("cost"),
    ]


def _has_agent_type(dialect: str, agent_type: str) -> ColumnElement[bool]:
    """``run_summaries.agent_types`` (a JSON list) holds ``agent_type``."""
    types = RunSummary.agent_types
    if dialect == "postgresql":
        return and_(
            func.json_typeof(types) == "array",
            cast(types, JSONB).op("@>")(cast(literal(json.dumps([agent_type])), JSONB)),
        )
    each = func.json_each(types).table_valued("value")
    return and_(
        func.json_type(types) == "array",
        exists().select_from(each).where(each.c.value == agent_type),
    )


class RollupReader:
    """The metrics' figures over a window, from rollups plus the window's raw edges."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def figures(
        self, window: Window, *, app_id: str | None, agent_type: str | None
    ) -> WindowFigures:
        """Every figure of the window in one statement.

        A ``UNION ALL`` of the window's parts — for each level (hours, 6 hours, days)
        and sign, its rollup rows; for the raw slices added and taken away, the raw
        rows — summed in SQL by figure and key: a few hundred rows back, whatever the
        window's length and the tables' size.
        """
        statement = self._statement(window, app_id=app_id, agent_type=agent_type)
        steps: dict[tuple[str, str], list[Any]] = {}
        latencies: dict[str, dict[int, int]] = {}
        runs = RunRollupFigures()
        #: (day, app) → [calls, cost, tokens]; a day with no call left is not shown.
        days: dict[tuple[str, str], list[Any]] = {}
        for kind, t, name, sub, bucket, v1, v2, v3, v4, v5, v6, cost in self.session.execute(
            statement
        ):
            if kind == "step":
                steps[(name, sub)] = [v1, v2, v3, v4, v5, v6, cost]
            elif kind == "lat":
                _add(latencies.setdefault(name, {}), bucket, v1)
            elif kind == "runs":
                if v1:
                    runs.by_status[name] = int(v1)
            elif kind == "dur":
                _add(runs.durations, bucket, v1)
            else:
                entry = days.setdefault((t.date().isoformat(), sub), [0, 0.0, 0])
                entry[0] += int(v1)
                entry[1] += float(cost)
                entry[2] += int(v4)
        types: dict[str, AgentTypeRollup] = {}
        models: dict[str, ModelRollup] = {}
        for (name, model), (calls, fails, retries, t_in, t_out, violations, cost) in sorted(
            steps.items()
        ):
            row = types.setdefault(name, AgentTypeRollup(agent_type=name))
            row.calls += int(calls)
            row.failures += int(fails)
            row.retries += int(retries)
            row.input_tokens += int(t_in)
            row.output_tokens += int(t_out)
            row.cost_usd += float(cost)
            row.schema_violations += int(violations)
            by_model = models.setdefault(model, ModelRollup(model=model))
            by_model.calls += int(calls)
            by_model.input_tokens += int(t_in)
            by_model.output_tokens += int(t_out)
            by_model.cost_usd += float(cost)
        for name, counts in latencies.items():
            types.setdefault(name, AgentTypeRollup(agent_type=name)).latencies = counts
        runs.durations = {b: n for b, n in runs.durations.items() if n}
        return WindowFigures(
            agent_types=sorted(
                (r for r in types.values() if r.calls > 0 or r.schema_violations > 0),
                key=lambda r: r.agent_type,
            ),
            models=sorted((m for m in models.values() if m.calls > 0), key=lambda m: m.model),
            runs=runs,
            cost_by_day=[
                (day, app, v[1], int(v[2])) for (day, app), v in sorted(days.items()) if v[0] > 0
            ],
        )

    # The figures one at a time (what the tests compare with the scan).

    def agent_types(
        self, window: Window, *, app_id: str | None, agent_type: str | None
    ) -> list[AgentTypeRollup]:
        """Per agent type: calls … cost, violations and the latency histogram."""
        return self.figures(window, app_id=app_id, agent_type=agent_type).agent_types

    def models(
        self, window: Window, *, app_id: str | None, agent_type: str | None
    ) -> list[ModelRollup]:
        """Calls, tokens and cost per model (``""``: attempts that reported none)."""
        return self.figures(window, app_id=app_id, agent_type=agent_type).models

    def runs(
        self, window: Window, *, app_id: str | None, agent_type: str | None
    ) -> RunRollupFigures:
        """Runs started in the window by status, and the finished runs' durations."""
        return self.figures(window, app_id=app_id, agent_type=agent_type).runs

    def cost_by_day(
        self, window: Window, *, app_id: str | None
    ) -> list[tuple[str, str, float, int]]:
        """``(day, app_id, cost, tokens)`` by the UTC day a step attempt ended."""
        return self.figures(window, app_id=app_id, agent_type=None).cost_by_day

    # ------------------------------------------------------------ the statement

    def _statement(
        self, window: Window, *, app_id: str | None, agent_type: str | None
    ) -> Select[Any]:
        parts: list[Select[Any]] = []
        ranges: dict[tuple[str, int], list[tuple[datetime, datetime]]] = {}
        for span, start, end, sign in window.periods:
            ranges.setdefault((span, sign), []).append((start, end))
        for (span, sign), spans in ranges.items():
            parts += _rollup_parts(span, spans, sign, app_id, agent_type)
        dialect = self.session.get_bind().dialect.name
        for slices, sign in window.slices():
            parts += _raw_parts(dialect, slices, sign, app_id, agent_type)
        if not parts:  # an empty window: one part that matches nothing
            parts = _raw_parts(dialect, [(window.since, window.since)], 1, app_id, agent_type)
        every = union_all(*parts).subquery("parts")
        keys = [every.c.kind, every.c.t, every.c.name, every.c.sub, every.c.bucket]
        return select(
            *keys,
            *(cast(func.sum(every.c[f"v{i}"]), BigInteger()) for i in range(1, 7)),
            func.sum(every.c.cost),
        ).group_by(*keys)


def _tables(span: str) -> tuple[Table, Table, Table, Table]:
    if not span:
        return (
            StepRollup.__table__,  # type: ignore[return-value]
            StepLatencyBucket.__table__,
            RunRollup.__table__,
            RunDurationBucket.__table__,
        )
    level = ROLLUP_LEVELS[span]
    return (
        level["step_rollups"],
        level["step_latency_buckets"],
        level["run_rollups"],
        level["run_duration_buckets"],
    )


def _rollup_parts(
    span: str,
    spans: list[tuple[datetime, datetime]],
    sign: int,
    app_id: str | None,
    agent_type: str | None,
) -> list[Select[Any]]:
    """The rollup rows of level ``span`` in ``spans``, times ``sign``, for each figure."""
    steps, latencies, runs, durations = _tables(span)
    app = app_id or EVERY_APP
    step_where = [steps.c.app_id == app, _within(steps.c.hour, spans)]
    latency_where = [latencies.c.app_id == app, _within(latencies.c.hour, spans)]
    if agent_type:
        step_where.append(steps.c.agent_type == agent_type)
        latency_where.append(latencies.c.agent_type == agent_type)
    run_key = agent_type or EVERY_AGENT_TYPE
    # Cost by day: every app's own rows (not ``*``), or the app's.
    cost_app = steps.c.app_id == app_id if app_id else steps.c.app_id != EVERY_APP
    c = steps.c
    return [
        select(
            *_part(
                "step",
                sign,
                name=c.agent_type,
                sub=c.model,
                values=(c.calls, c.failures, c.retries, c.input_tokens, c.output_tokens)
                + (c.schema_violations,),
                cost=c.cost_usd,
            )
        ).where(*step_where),
        select(
            *_part(
                "lat",
                sign,
                name=latencies.c.agent_type,
                bucket=latencies.c.bucket,
                values=(latencies.c.n,),
            )
        ).where(*latency_where),
        select(*_part("runs", sign, name=runs.c.status, values=(runs.c.runs,))).where(
            runs.c.app_id == app, runs.c.agent_type == run_key, _within(runs.c.hour, spans)
        ),
        select(*_part("dur", sign, bucket=durations.c.bucket, values=(durations.c.n,))).where(
            durations.c.app_id == app,
            durations.c.agent_type == run_key,
            _within(durations.c.hour, spans),
        ),
        select(
            *_part(
                "cost",
                sign,
                t=c.hour,
                sub=c.app_id,
                values=(c.calls, literal(0), literal(0), c.input_tokens + c.output_tokens),
                cost=c.cost_usd,
            )
        ).where(cost_app, _within(c.hour, spans)),
    ]


def _raw_parts(
    dialect: str,
    slices: list[tuple[datetime, datetime]],
    sign: int,
    app_id: str | None,
    agent_type: str | None,
) -> list[Select[Any]]:
    """The raw rows of ``slices`` (each within one hour), times ``sign``, per figure."""
    r = StepResult
    step_where = _raw_conditions(r, r.ended_at, slices, app_id, agent_type)
    violation_where = [
        *_raw_conditions(SchemaViolation, SchemaViolation.created_at, slices, app_id, agent_type),
        SchemaViolation.severity == "error",
    ]
    run_where = _raw_conditions(RunSummary, RunSummary.started_at, slices, app_id)
    if agent_type:
        run_where.append(_has_agent_type(dialect, agent_type))
    one = literal(1)
    parts = [
        select(
            *_part(
                "step",
                sign,
                name=r.agent_type,
                sub=r.model,
                values=(
                    one,
                    case((r.status != "completed", 1), else_=0),
                    case((r.attempt > 1, 1), else_=0),
                    r.input_tokens,
                    r.output_tokens,
                ),
                cost=r.cost_usd,
            )
        ).where(*step_where),
        select(
            *_part(
                "step",
                sign,
                name=SchemaViolation.agent_type,
                sub=literal("", String()),
                values=(literal(0), literal(0), literal(0), literal(0), literal(0), one),
            )
        ).where(*violation_where),
        select(
            *_part("lat", sign, name=r.agent_type, bucket=r.latency_bucket, values=(one,))
        ).where(*step_where, r.status == "completed"),
        select(*_part("runs", sign, name=RunSummary.status, values=(one,))).where(*run_where),
        select(*_part("dur", sign, bucket=RunSummary.duration_bucket, values=(one,))).where(
            *run_where, RunSummary.status != "running"
        ),
    ]
    # Cost by day is the app's or every app's, whatever the agent type asked for.
    for start, end in slices:  # each slice lies within one hour, so one day
        where = _raw_conditions(r, r.ended_at, [(start, end)], app_id)
        parts.append(
            select(
                *_part(
                    "cost",
                    sign,
                    t=literal(start, UtcDateTime()),
                    sub=r.app_id,
                    values=(one, literal(0), literal(0), r.input_tokens + r.output_tokens),
                    cost=r.cost_usd,
                )
            ).where(*where)
        )
    return parts
