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

Coarser levels (migration ``0018_s4_daily_rollups``): each table has a copy per 6 hours
and per day (``<table>_6h``, ``<table>_1d``; ``hour`` is the period's first hour), kept
from the hourly rows by triggers on them, so a period's row is the sum of its hours'.

Reads (:class:`RollupReader`): a window's whole hours are read as whole days, 6-hour
periods and hours, each end of a level either added from the finer levels or taken as
the whole period minus its part outside (:func:`periods_of`): a few periods whatever
the window's length. A partial hour at either end is either its part inside the window
read from the raw table, or the whole hour's rollup minus the raw rows of its part
outside the window, whichever spans less time that can hold rows (:class:`Window`): at
most half an hour of raw rows at each end, and none at an end that is now. The raw
slices are aggregated through the tables' ``ended_at``/``started_at``/``created_at``
indexes, so counts and sums equal the scan's exactly, for any ``since``/``until``. All of
it is one statement per request (:meth:`RollupReader.figures`). The API reads through
:class:`AsyncRollupReader`: the same statements, on PostgreSQL one autocommit round trip
on the event loop, each statement prepared once and planned generically.
"""

from __future__ import annotations

import functools
import json
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import anyio.to_thread
from sqlalchemy import (
    BigInteger,
    Float,
    Integer,
    String,
    TextualSelect,
    bindparam,
    column,
    text,
)
from sqlalchemy.dialects.postgresql.psycopg import PGDialect_psycopg
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from storage.database import AsyncReadPool
from storage.histogram import histogram_percentile as histogram_percentile
from storage.models import (
    ROLLUP_SPANS,
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
    #: start, end, sign)`` (span ``""``: hours; ``6h``, ``1d``: migration 0018)
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

    def slices(self) -> list[tuple[list[tuple[datetime, datetime]], int]]:
        """``(raw slices, sign)``: the edges to add and the cuts to take away."""
        return [(s, sign) for s, sign in ((self.edges, 1), (self.cuts, -1)) if s]


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


class RollupReader:
    """The metrics' figures over a window, from rollups plus the window's raw edges."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def figures(
        self, window: Window, *, app_id: str | None, agent_type: str | None
    ) -> WindowFigures:
        """Every figure of the window in one statement (two when kept figures went stale).

        A ``UNION ALL`` of the window's parts — for each level (hours, 6 hours, days)
        and sign, its rollup rows; for the raw slices added and taken away, the raw
        rows — summed in SQL by figure, key and part (rollups or raw): a few hundred rows
        back, whatever the window's length and the tables' size.

        On PostgreSQL the rollup part is kept (:class:`KeptFigures`, per engine) with
        the ``(count, sum)`` of its hours' versions (migration
        ``0019_s5_metrics_rollup_versions``), read in the same statement. The next read
        of the same periods runs only the raw slices and the versions; if the versions
        are the same, no write touched those hours, and the kept rows are what the
        rollups hold now. Otherwise it reads everything again.
        """
        dialect = self.session.get_bind().dialect.name
        read = _Read(window, app_id, agent_type, dialect, _kept_of(self.session))
        kept = read.kept_statement()
        if kept is not None:
            shape, values = kept
            figures = read.from_kept(self.session.execute(_statement_of(shape), values).all())
            if figures is not None:
                return figures
        if dialect == "postgresql":
            # A few thousand rows: starting parallel workers (which PostgreSQL plans for
            # a statement this size) took 20-30 ms more than the read itself.
            self.session.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))
        shape, values = read.statement()
        return read.from_all(self.session.execute(_statement_of(shape), values).all())

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


#: Server settings of the connections :class:`AsyncRollupReader` reads through.
#: - ``plan_cache_mode``: each statement (one per window shape, prepared on its first
#:   run) is planned once, generically, instead of for every read. Its custom plans
#:   cost 0.7–1.2 ms of planning for 0.2 ms of execution; the generic plans walk the
#:   same indexes (``tests/storage/test_query_plans.py``).
#: - ``max_parallel_workers_per_gather``: starting parallel workers, which PostgreSQL
#:   plans for a statement this size, took 8–30 ms more than the read itself.
#: - ``TimeZone``: ``t`` (cost by day) comes back in UTC, as ``UtcDateTime`` gives it.
METRICS_READ_SETTINGS: dict[str, str] = {
    "plan_cache_mode": "force_generic_plan",
    "max_parallel_workers_per_gather": "0",
    "TimeZone": "UTC",
}


class AsyncRollupReader:
    """:meth:`RollupReader.figures` on the event loop, for ``GET /observability/metrics``.

    On PostgreSQL (``pool`` given, its connections made with
    :data:`METRICS_READ_SETTINGS` and preparing each statement at once) a read is one
    autocommit round trip — no session, no pool pre-ping, no ``BEGIN``/``COMMIT``, no
    worker thread — two when kept figures went stale; the rollup part is kept here
    (one :class:`KeptFigures` per reader, i.e. per API process and database). On SQLite,
    a session on a worker thread.
    """

    def __init__(self, pool: AsyncReadPool | None, session_factory: Callable[[], Session]):
        self.pool = pool
        self.session_factory = session_factory
        self.kept = KeptFigures()

    async def figures(
        self, window: Window, *, app_id: str | None, agent_type: str | None
    ) -> WindowFigures:
        """The figures of the window (see :meth:`RollupReader.figures`)."""
        if self.pool is None:
            return await anyio.to_thread.run_sync(
                functools.partial(self._with_session, window, app_id, agent_type)
            )
        read = _Read(window, app_id, agent_type, "postgresql", self.kept)
        kept = read.kept_statement()
        if kept is not None:
            figures = read.from_kept(await self._fetch(*kept))
            if figures is not None:
                return figures
        return read.from_all(await self._fetch(*read.statement()))

    async def _fetch(self, shape: _Shape, values: dict[str, Any]) -> list[tuple[Any, ...]]:
        assert self.pool is not None
        return await self.pool.fetch_all(_psycopg_text_of(shape), values)

    def _with_session(
        self, window: Window, app_id: str | None, agent_type: str | None
    ) -> WindowFigures:
        with self.session_factory() as session:
            return RollupReader(session).figures(window, app_id=app_id, agent_type=agent_type)


class _Read:
    """One read's steps, whichever way its statements run: the kept read (when the
    window's rollup part is kept), then, if that went stale or nothing is kept, the
    whole read. Rows are the statement's (``kind``, ``t``, … ``cost``) as tuples."""

    def __init__(
        self,
        window: Window,
        app_id: str | None,
        agent_type: str | None,
        dialect: str,
        kept: KeptFigures | None,
    ) -> None:
        self.window, self.app_id, self.agent_type, self.dialect = (
            window,
            app_id,
            agent_type,
            dialect,
        )
        self.kept = kept if window.periods else None
        self.key = (tuple(window.periods), app_id, agent_type)
        self.entry = self.kept.get(self.key) if self.kept is not None else None

    def kept_statement(self) -> tuple[_Shape, dict[str, Any]] | None:
        """The raw slices and the versions, when the rollup part is kept."""
        if self.entry is None:
            return None
        return self._statement(rollups=False, versions=True)

    def from_kept(self, rows: Sequence[Any]) -> WindowFigures | None:
        """The figures of the kept read's rows; ``None`` when a write touched the kept
        hours since (the versions differ): read everything."""
        assert self.entry is not None
        if _version(rows) != self.entry[0]:
            return None
        return _fold(self.entry[1].copy().add(rows))

    def statement(self) -> tuple[_Shape, dict[str, Any]]:
        """The whole read (with the versions when its rollup part is to be kept)."""
        return self._statement(rollups=True, versions=self.kept is not None)

    def from_all(self, rows: Sequence[Any]) -> WindowFigures:
        """The figures of the whole read's rows; keeps their rollup part."""
        version = _version(rows)
        if self.kept is not None and version[0] > 0:  # hours no write touched since 0019
            self.kept.put(self.key, (version, _Sums().add([row for row in rows if row[5] == 0])))
        return _fold(_Sums().add(rows))

    def _statement(self, *, rollups: bool, versions: bool) -> tuple[_Shape, dict[str, Any]]:
        """The shape of the statement (its text is built once per shape) and its values:
        the rollup periods unless not ``rollups``, the raw slices, and with ``versions``
        the ``(count, sum)`` of the versions of the periods' hours."""
        window, app_id, agent_type = self.window, self.app_id, self.agent_type
        groups: dict[tuple[str, int], list[tuple[datetime, datetime]]] = {}
        for span, start, end, sign in window.periods if rollups else []:
            groups.setdefault((span, sign), []).append((start, end))
        raw = window.slices()
        shape = _Shape(
            dialect=self.dialect,
            levels=tuple((span, sign, len(r)) for (span, sign), r in groups.items()),
            raw=tuple((sign, len(slices)) for slices, sign in raw),
            app=app_id is not None,
            agent_type=agent_type is not None,
            versions=versions,
        )
        values: dict[str, Any] = {
            "app": app_id or EVERY_APP,
            "app_id": app_id,
            "agent_type": agent_type,
            "run_key": agent_type or EVERY_AGENT_TYPE,
            "agent_type_json": json.dumps([agent_type]),
        }
        for g, ranges in enumerate(groups.values()):
            for j, (start, end) in enumerate(ranges):
                values[f"l{g}a{j}"], values[f"l{g}b{j}"] = start, end
        for g, (slices, _sign) in enumerate(raw):
            for j, (start, end) in enumerate(slices):
                values[f"r{g}a{j}"], values[f"r{g}b{j}"] = start, end
        if versions:
            values["va"] = min(start for _span, start, _end, _sign in window.periods)
            values["vb"] = max(end for _span, _start, end, _sign in window.periods)
        return shape, values


def _compiled(shape: _Shape, values: dict[str, Any]) -> tuple[TextualSelect, dict[str, Any]]:
    return _statement_of(shape), values


def _version(rows: Sequence[Any]) -> tuple[int, int]:
    """The ``(count, sum)`` of the versions in a statement's rows (``(0, 0)``: none)."""
    for row in rows:
        if row[0] == "ver":
            return int(row[6] or 0), int(row[7] or 0)
    return 0, 0


@dataclass
class _Sums:
    """A statement's rows summed by figure and key (what :func:`_fold` adds up)."""

    steps: dict[tuple[str, str], list[Any]] = field(default_factory=dict)
    latencies: dict[str, dict[int, int]] = field(default_factory=dict)
    by_status: dict[str, int] = field(default_factory=dict)
    durations: dict[int, int] = field(default_factory=dict)
    #: (day, app) → [calls, cost, tokens]; a day with no call left is not shown.
    days: dict[tuple[str, str], list[Any]] = field(default_factory=dict)

    def copy(self) -> _Sums:
        return _Sums(
            {k: list(v) for k, v in self.steps.items()},
            {k: dict(v) for k, v in self.latencies.items()},
            dict(self.by_status),
            dict(self.durations),
            {k: list(v) for k, v in self.days.items()},
        )

    def add(self, rows: Sequence[Any]) -> _Sums:
        """Add a statement's rows (each figure and key may come once per part)."""
        steps, latencies, days = self.steps, self.latencies, self.days
        for kind, t, name, sub, bucket, _p, v1, v2, v3, v4, v5, v6, cost in rows:
            if kind == "step":
                entry = steps.setdefault((name, sub), [0, 0, 0, 0, 0, 0, 0.0])
                for i, value in enumerate((v1, v2, v3, v4, v5, v6, cost)):
                    entry[i] += value
            elif kind == "lat":
                _add(latencies.setdefault(name, {}), bucket, v1)
            elif kind == "runs":
                self.by_status[name] = self.by_status.get(name, 0) + int(v1)
            elif kind == "dur":
                _add(self.durations, bucket, v1)
            elif kind == "cost":
                entry = days.setdefault((t.date().isoformat(), sub), [0, 0.0, 0])
                entry[0] += int(v1)
                entry[1] += float(cost)
                entry[2] += int(v4)
        return self


def _fold(sums: _Sums) -> WindowFigures:
    """The figures of the summed rows."""
    steps, latencies, days = sums.steps, sums.latencies, sums.days
    runs = RunRollupFigures(by_status=dict(sums.by_status), durations=dict(sums.durations))
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
        types.setdefault(name, AgentTypeRollup(agent_type=name)).latencies = {
            b: n for b, n in counts.items() if n
        }
    runs.by_status = {status: n for status, n in runs.by_status.items() if n}
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


#: What :class:`KeptFigures` holds per key: the versions read with the rows, their sums.
Kept = tuple[tuple[int, int], _Sums]


class KeptFigures:
    """The rollup part of recent windows' figures, per engine (so per database), each
    with the ``(count, sum)`` of its hours' versions read in the same statement. At most
    ``size`` windows, the least recently used dropped first. Shared by the threads of a
    process; every process keeps its own (each checks the versions on every read)."""

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self._entries: OrderedDict[Any, Kept] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any) -> Kept | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key: Any, entry: Kept) -> None:
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)


_KEPT: weakref.WeakKeyDictionary[Engine, KeptFigures] = weakref.WeakKeyDictionary()
_KEPT_LOCK = threading.Lock()


def forget_kept(engine: Engine) -> None:
    """Drop what is kept for ``engine`` (the bench times a read without it)."""
    with _KEPT_LOCK:
        _KEPT.pop(engine, None)


def _kept_of(session: Session) -> KeptFigures | None:
    """The session's engine's kept figures; ``None`` on SQLite (no versions kept there)."""
    bind = session.get_bind()
    if bind.dialect.name != "postgresql":
        return None
    engine = bind if isinstance(bind, Engine) else bind.engine
    with _KEPT_LOCK:
        kept = _KEPT.get(engine)
        if kept is None:
            kept = _KEPT[engine] = KeptFigures()
        return kept


@dataclass(frozen=True)
class _Shape:
    """What the statement's text depends on (not the times, nor the app asked for)."""

    dialect: str
    #: ``(span, sign, ranges)`` of each level read.
    levels: tuple[tuple[str, int, int], ...]
    #: ``(sign, slices)`` of the raw slices added and taken away.
    raw: tuple[tuple[int, int], ...]
    app: bool
    agent_type: bool
    #: With the ``(count, sum)`` of the versions of the hours ``[:va, :vb)``.
    versions: bool = False


@functools.lru_cache(maxsize=256)
def _psycopg_text_of(shape: _Shape) -> str:
    """The statement of ``shape`` as psycopg text (``%(name)s`` placeholders), compiled
    once per shape: what :class:`AsyncRollupReader` sends."""
    return str(_statement_of(shape).compile(dialect=_PSYCOPG))


_PSYCOPG = PGDialect_psycopg()


@functools.lru_cache(maxsize=256)
def _statement_of(shape: _Shape) -> TextualSelect:
    """One ``UNION ALL`` of every part of the window, summed by figure and key.

    Each part returns ``kind`` (the figure), its keys (``t``: the period or slice start,
    for cost by day; ``name``; ``sub``; ``bucket``), ``sg`` (the sign) and the values
    ``v1``…``v6``, ``cost``. Written as text, built once per shape: the statement is the
    same for every request of one shape (psycopg prepares it after a few runs).
    """
    postgresql = shape.dialect == "postgresql"
    nothing = {
        "t": "CAST(NULL AS TIMESTAMP WITH TIME ZONE)" if postgresql else "NULL",
        "name": "CAST(NULL AS VARCHAR)",
        "sub": "CAST(NULL AS VARCHAR)",
        "bucket": "CAST(NULL AS INTEGER)",
    }

    def part(
        kind: str, sign: int, source: str, where: list[str], p: int = 0, **columns: str
    ) -> str:
        keys = [columns.get(k, nothing[k]) for k in ("t", "name", "sub", "bucket")]
        counts = [columns.get(f"v{i}", "0") for i in range(1, 7)]
        cost = columns.get("cost", "CAST(0 AS FLOAT)")
        return (
            f"SELECT '{kind}' AS kind, {keys[0]} AS t, {keys[1]} AS name, {keys[2]} AS sub, "
            f"{keys[3]} AS bucket, {p} AS p, {sign} AS sg, "
            + ", ".join(f"CAST({v} AS DOUBLE PRECISION) AS v{i + 1}" for i, v in enumerate(counts))
            + f", {cost} AS cost FROM {source} WHERE "
            + " AND ".join(where)
        )

    def within(column: str, prefix: str, count: int) -> str:
        return (
            "("
            + " OR ".join(
                f"({column} >= :{prefix}a{j} AND {column} < :{prefix}b{j})" for j in range(count)
            )
            + ")"
        )

    parts: list[str] = []
    times: list[str] = []
    for g, (span, sign, count) in enumerate(shape.levels):
        suffix = f"_{span}" if span else ""
        times += [f"l{g}{e}{j}" for j in range(count) for e in "ab"]
        hours = within("hour", f"l{g}", count)
        of_app = ["app_id = :app", hours]
        of_type = ["agent_type = :agent_type"] if shape.agent_type else []
        of_runs = ["app_id = :app", "agent_type = :run_key", hours]
        parts += [
            part(
                "step",
                sign,
                f"step_rollups{suffix}",
                of_app + of_type,
                name="agent_type",
                sub="model",
                v1="calls",
                v2="failures",
                v3="retries",
                v4="input_tokens",
                v5="output_tokens",
                v6="schema_violations",
                cost="cost_usd",
            ),
            part(
                "lat",
                sign,
                f"step_latency_buckets{suffix}",
                of_app + of_type,
                name="agent_type",
                bucket="bucket",
                v1="n",
            ),
            part("runs", sign, f"run_rollups{suffix}", of_runs, name="status", v1="runs"),
            part("dur", sign, f"run_duration_buckets{suffix}", of_runs, bucket="bucket", v1="n"),
            # Cost by day: the app's rows, or every app's own (not ``*``); any agent type.
            part(
                "cost",
                sign,
                f"step_rollups{suffix}",
                ["app_id = :app" if shape.app else f"app_id <> '{EVERY_APP}'", hours],
                t="hour",
                sub="app_id",
                v1="calls",
                v4="input_tokens + output_tokens",
                cost="cost_usd",
            ),
        ]

    def raw_part(kind: str, sign: int, source: str, where: list[str], **columns: str) -> str:
        return part(kind, sign, source, where, p=1, **columns)

    for g, (sign, count) in enumerate(shape.raw):
        times += [f"r{g}{e}{j}" for j in range(count) for e in "ab"]

        def raw(
            alias: str, moment: str, agent_type: bool = True, g: int = g, count: int = count
        ) -> list[str]:
            where = [
                within(f"{alias}.{moment}", f"r{g}", count),
                f"NOT EXISTS (SELECT 1 FROM evaluation_runs e WHERE e.run_id = {alias}.run_id)",
            ]
            if shape.app:
                where.append(f"{alias}.app_id = :app_id")
            if shape.agent_type and agent_type:
                where.append(f"{alias}.agent_type = :agent_type")
            return where

        runs = raw("r", "started_at", agent_type=False)
        if shape.agent_type:  # a JSON list of the run's agent types
            runs.append(
                "json_typeof(r.agent_types) = 'array' AND CAST(r.agent_types AS jsonb) "
                "@> CAST(:agent_type_json AS jsonb)"
                if postgresql
                else "json_type(r.agent_types) = 'array' AND EXISTS (SELECT 1 FROM "
                "json_each(r.agent_types) AS types WHERE types.value = :agent_type)"
            )
        parts += [
            raw_part(
                "step",
                sign,
                "step_results s",
                raw("s", "ended_at"),
                name="s.agent_type",
                sub="s.model",
                v1="1",
                v2="CASE WHEN s.status <> 'completed' THEN 1 ELSE 0 END",
                v3="CASE WHEN s.attempt > 1 THEN 1 ELSE 0 END",
                v4="s.input_tokens",
                v5="s.output_tokens",
                cost="s.cost_usd",
            ),
            raw_part(
                "step",
                sign,
                "schema_violations v",
                [*raw("v", "created_at"), "v.severity = 'error'"],
                name="v.agent_type",
                sub="''",
                v6="1",
            ),
            raw_part(
                "lat",
                sign,
                "step_results s",
                [*raw("s", "ended_at"), "s.status = 'completed'"],
                name="s.agent_type",
                bucket="s.latency_bucket",
                v1="1",
            ),
            raw_part("runs", sign, "run_summaries r", runs, name="r.status", v1="1"),
            raw_part(
                "dur",
                sign,
                "run_summaries r",
                [*runs, "r.status <> 'running'"],
                bucket="r.duration_bucket",
                v1="1",
            ),
        ]
        # Cost by day, any agent type; each slice lies within one hour, so one day.
        for j in range(count):
            where = [
                f"s.ended_at >= :r{g}a{j}",
                f"s.ended_at < :r{g}b{j}",
                "NOT EXISTS (SELECT 1 FROM evaluation_runs e WHERE e.run_id = s.run_id)",
            ]
            if shape.app:
                where.append("s.app_id = :app_id")
            parts.append(
                raw_part(
                    "cost",
                    sign,
                    "step_results s",
                    where,
                    t=f":r{g}a{j}",
                    sub="s.app_id",
                    v1="1",
                    v4="s.input_tokens + s.output_tokens",
                    cost="s.cost_usd",
                )
            )
    if shape.versions:
        times += ["va", "vb"]
        parts.append(
            raw_part(
                "ver",
                1,
                "rollup_versions",
                ["hour >= :va", "hour < :vb"],
                v1="count(*)",
                v2="coalesce(sum(version), 0)",
            )
        )
    if not parts:  # nothing to read: an empty result of the same columns
        parts.append(part("none", 1, "run_rollups", ["1 = 0"]))
    # Counts are summed as doubles (exact below 2**53): PostgreSQL sums bigints as
    # numeric, several times slower.
    sums = ", ".join(f"CAST(sum(sg * v{i}) AS BIGINT)" for i in range(1, 7))
    sql = (
        f"SELECT kind, t, name, sub, bucket, p, {sums}, sum(sg * cost) FROM ("
        + " UNION ALL ".join(parts)
        + ") AS parts GROUP BY kind, t, name, sub, bucket, p"
    )
    return (
        text(sql)
        .bindparams(*(bindparam(name, type_=UtcDateTime()) for name in times))
        .columns(
            column("kind", String()),
            column("t", UtcDateTime()),
            column("name", String()),
            column("sub", String()),
            column("bucket", Integer()),
            column("p", Integer()),
            *(column(f"v{i}", BigInteger()) for i in range(1, 7)),
            column("cost", Float()),
        )
    )
