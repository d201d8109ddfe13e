"""The runs listing's reads and writes of ``runs`` (migration ``0017_s4_runs_listing``).

- :class:`RunListing.page`: a page of runs newest first, keyset-paged by
  ``(created_at, id)``; every filter walks an index in that order (the ``agent_type``
  filter walks ``run_agent_types``).
- :func:`record_run`: what the workflow records of itself (its start when it has no row
  yet, its end): in the common case one ``UPDATE``.
- :meth:`RunListing.reconcile`: what visibility says of closed runs, for what no
  workflow code can record (terminated, timed out, runs started outside the API).
- :meth:`RunListing.running_after`: rows still running, oldest first, for the check of
  runs whose workflow Temporal no longer has (a reset store).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import anyio.to_thread
from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Connection,
    Integer,
    String,
    any_,
    bindparam,
    exists,
    func,
    insert,
    literal_column,
    select,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import psycopg as postgresql_psycopg
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from schemas.run_records import RunEnd, RunRecord
from storage.database import AsyncReadPool
from storage.models import App, Run, RunAgentType, RunStepTotals, UtcDateTime, utc_now

#: ``(created_at, id)`` of the last run of a page: the next page starts after it.
Keyset = tuple[datetime, str]


@dataclass(frozen=True)
class RunQuery:
    """The listing's filters (``None``: no restriction)."""

    app_id: str | None = None
    #: Only runs of these apps (a team's apps); ``None``: every app.
    app_ids: Sequence[str] | None = None
    status: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    agent_type: str | None = None
    trigger_kind: str | None = None
    include_evaluations: bool = False


@dataclass(frozen=True)
class RunRow:
    id: str
    app_id: str
    app_version: str
    agent_types: list[str]
    status: str
    created_at: datetime
    ended_at: datetime | None
    trigger_kind: str
    trigger_id: str | None
    #: The run's step totals (``run_step_totals``, kept as step results are written).
    steps_completed: int = 0
    steps_failed: int = 0
    attempts: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0


@dataclass(frozen=True)
class VisibleRun:
    """A closed run as visibility shows it."""

    run_id: str
    temporal_run_id: str
    app_id: str
    app_version: str
    agent_types: list[str]
    status: str
    started_at: datetime
    ended_at: datetime | None
    trigger_kind: str
    trigger_id: str | None
    evaluation: bool


_COLUMNS = (
    Run.id,
    Run.app_id,
    Run.app_version,
    Run.agent_types,
    Run.status,
    Run.created_at,
    Run.ended_at,
    Run.trigger_kind,
    Run.trigger_id,
    *(
        func.coalesce(column, literal_column("0")).label(column.key)
        for column in (
            RunStepTotals.steps_completed,
            RunStepTotals.steps_failed,
            RunStepTotals.attempts,
            RunStepTotals.input_tokens,
            RunStepTotals.output_tokens,
            RunStepTotals.cost_usd,
        )
    ),
)


class RunListing:
    def __init__(self, session: Session) -> None:
        self.session = session

    def page(self, query: RunQuery, *, after: Keyset | None, limit: int) -> list[RunRow]:
        """Up to ``limit`` runs after ``after``, newest first, with their step totals (one
        statement: the filter's index in order, then each run's totals by primary key)."""
        if query.app_ids is not None and not query.app_ids:
            return []
        postgresql = self.session.get_bind().dialect.name == "postgresql"
        statement = _page_statement(_shape(query, after, postgresql))
        rows = self.session.execute(statement, _page_params(query, after, limit))
        return [_run_row(tuple(row)) for row in rows]

    def count(self, query: RunQuery) -> int:
        """How many runs :meth:`page` would list under ``query``, over all pages."""
        if query.app_ids is not None and not query.app_ids:
            return 0
        postgresql = self.session.get_bind().dialect.name == "postgresql"
        statement = _count_statement(_shape(query, None, postgresql))
        return int(self.session.execute(statement, _count_params(query)).scalar_one())

    def reconcile(self, seen: Iterable[VisibleRun]) -> int:
        """Make the rows of closed runs say what visibility says; returns rows changed.

        A row of another execution of the same workflow id (a re-run reset it) is left
        alone; runs of known apps without a row get one; rows that know no version or
        agent types yet get them. The caller commits.
        """
        by_id = {run.run_id: run for run in seen}
        changed = 0
        ids = list(by_id)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows = {
                row.id: row
                for row in self.session.execute(
                    select(
                        Run.id,
                        Run.status,
                        Run.temporal_run_id,
                        Run.ended_at,
                        Run.app_version,
                        Run.agent_types,
                    ).where(Run.id.in_(chunk))
                )
            }
            missing = [by_id[i] for i in chunk if i not in rows]
            for run_id, row in rows.items():
                run = by_id[run_id]
                if row.temporal_run_id not in (None, run.temporal_run_id):
                    continue
                values: dict[str, object] = {}
                if row.status != run.status or (row.ended_at is None and run.ended_at):
                    values |= {"status": run.status, "ended_at": run.ended_at}
                    values["temporal_run_id"] = run.temporal_run_id
                if not row.app_version and not row.agent_types and run.app_version:
                    values |= {"app_version": run.app_version, "agent_types": run.agent_types}
                    self._add_agent_types(run_id, run.agent_types, run.started_at)
                if values:
                    values["updated_at"] = utc_now()
                    self.session.execute(update(Run).where(Run.id == run_id).values(**values))
                    changed += 1
            changed += self._adopt(missing)
        return changed

    def _adopt(self, runs: list[VisibleRun]) -> int:
        if not runs:
            return 0
        known = set(
            self.session.scalars(select(App.id).where(App.id.in_({r.app_id for r in runs})))
        )
        adopted = 0
        for run in runs:
            if run.app_id not in known:
                continue
            try:
                with self.session.begin_nested():
                    self._adopt_one(run)
            except IntegrityError:  # recorded meanwhile by its workflow, or the API
                continue
            adopted += 1
        return adopted

    def _adopt_one(self, run: VisibleRun) -> None:
        self.session.add(
            Run(
                id=run.run_id,
                app_id=run.app_id,
                workflow_id=run.run_id,
                temporal_run_id=run.temporal_run_id,
                status=run.status,
                inputs={},
                created_at=run.started_at,
                updated_at=utc_now(),
                ended_at=run.ended_at,
                trigger_kind=run.trigger_kind,
                trigger_id=run.trigger_id,
                app_version=run.app_version,
                agent_types=run.agent_types,
                evaluation=run.evaluation,
            )
        )
        self.session.flush()
        self._add_agent_types(run.run_id, run.agent_types, run.started_at)

    def _add_agent_types(self, run_id: str, agent_types: list[str], created: datetime) -> None:
        if agent_types:
            self.session.execute(
                insert(RunAgentType),
                [
                    {"run_id": run_id, "agent_type": t, "created_at": created}
                    for t in sorted(set(agent_types))
                ],
            )

    def running_after(self, after: Keyset | None, *, before: datetime, limit: int) -> list[Keyset]:
        """Rows running since before ``before``, oldest first, after ``after``."""
        conditions = [Run.status == "running", Run.created_at < before]
        if after is not None:
            conditions.append(tuple_(Run.created_at, Run.id) > tuple_(after[0], after[1]))
        statement = (
            select(Run.created_at, Run.id)
            .where(*conditions)
            .order_by(Run.created_at, Run.id)
            .limit(limit)
        )
        return [(row.created_at, row.id) for row in self.session.execute(statement)]

    def mark_gone(self, run_ids: Sequence[str], message: str) -> int:
        """Runs whose workflow Temporal does not have: ``terminated``, saying why."""
        if not run_ids:
            return 0
        now = utc_now()
        result = self.session.execute(
            update(Run)
            .where(Run.id.in_(list(run_ids)), Run.status == "running")
            .values(status="terminated", ended_at=now, updated_at=now, error=message)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


def record_end(connection: Connection | Session, end: RunEnd) -> bool:
    """The run's end on the row the starter wrote: one ``UPDATE``; whether there was
    one. The caller commits."""
    done = connection.execute(
        update(Run)
        .where(Run.id == end.run_id)
        .values(
            status=end.status,
            ended_at=end.ended_at,
            error=end.error,
            updated_at=utc_now(),
            temporal_run_id=end.temporal_run_id,
        )
    )
    return bool(done.rowcount)  # type: ignore[attr-defined]


#: Which filters a page has (and whether it runs on PostgreSQL): the page statement is
#: built (and on PostgreSQL compiled to text) once per shape, its values bound per request.
_Shape = tuple[bool, ...]


def _shape(query: RunQuery, after: Keyset | None, postgresql: bool) -> _Shape:
    return (
        bool(query.agent_type),
        bool(query.app_id),
        query.app_ids is not None,
        bool(query.status),
        bool(query.trigger_kind),
        query.include_evaluations,
        query.since is not None,
        query.until is not None,
        after is not None,
        postgresql,
    )


def _page_params(query: RunQuery, after: Keyset | None, limit: int) -> dict[str, Any]:
    params: dict[str, Any] = {
        "agent_type": query.agent_type,
        "app_id": query.app_id,
        "app_ids": None if query.app_ids is None else list(query.app_ids),
        "status": query.status,
        "trigger_kind": query.trigger_kind,
        "since": query.since,
        "until": query.until,
        "limit": limit,
    }
    if after is not None:
        params["after_created"], params["after_id"] = after
    return {k: v for k, v in params.items() if v is not None}


def _count_params(query: RunQuery) -> dict[str, Any]:
    params = _page_params(query, None, 0)
    del params["limit"]
    return params


@functools.cache
def _page_statement(shape: _Shape) -> Any:  # a Select of the 15 columns
    """The page statement of ``shape``, newest first by ``(created_at, id)``: with an
    agent type it walks ``run_agent_types`` and joins the run; each run's totals are
    joined by primary key (``run_step_totals``, migration 0020)."""
    agent_type, *_filters, after, _pg = shape
    statement, created, key, conditions = _filtered(select(*_COLUMNS), shape)
    statement = statement.outerjoin(RunStepTotals, RunStepTotals.run_id == Run.id)
    if after:
        moment = UtcDateTime()
        keyset = tuple_(bindparam("after_created", type_=moment), bindparam("after_id"))
        conditions.append(tuple_(created, key) < keyset)
    return (
        statement.where(*conditions)
        .order_by(created.desc(), key.desc())
        .limit(bindparam("limit", type_=Integer()))
    )


@functools.cache
def _count_statement(shape: _Shape) -> Any:  # a Select of one count
    """How many runs match ``shape``'s filters (no keyset, no limit): the same index
    walk as the page's, without the totals."""
    statement, _created, _key, conditions = _filtered(select(func.count()), shape)
    return statement.where(*conditions)


def _filtered(columns: Any, shape: _Shape) -> tuple[Any, Any, Any, list[ColumnElement[bool]]]:
    """``columns`` from the runs (or, with an agent type, from ``run_agent_types`` joined
    to the run), the ``(created_at, id)`` pair the filter's index is in, and the
    filters' conditions (values bound per request)."""
    agent_type, app_id, app_ids, status, trigger, evaluations, since, until, _after, pg = shape
    if agent_type:
        # Walk the agent type's rows newest first; the run's own filters on the join.
        created, key = RunAgentType.created_at, RunAgentType.run_id
        statement = (
            columns.select_from(RunAgentType)
            .join(Run, Run.id == RunAgentType.run_id)
            .where(RunAgentType.agent_type == bindparam("agent_type"))
        )
    else:
        created, key = Run.created_at, Run.id
        statement = columns.select_from(Run)
    conditions: list[ColumnElement[bool]] = []
    if app_id:
        conditions.append(Run.app_id == bindparam("app_id"))
    if app_ids:  # PostgreSQL: one array parameter, however many apps (the same plan)
        if pg:
            conditions.append(Run.app_id == any_(bindparam("app_ids", type_=ARRAY(String))))
        else:
            conditions.append(Run.app_id.in_(bindparam("app_ids", expanding=True)))
    if status:
        conditions.append(Run.status == bindparam("status"))
    if trigger:
        conditions.append(Run.trigger_kind == bindparam("trigger_kind"))
    if not evaluations:
        conditions.append(Run.evaluation.is_(False))
    moment = UtcDateTime()
    if since:
        conditions.append(created >= bindparam("since", type_=moment))
    if until:
        conditions.append(created < bindparam("until", type_=moment))
    return statement, created, key, conditions


@functools.cache
def _page_sql(shape: _Shape) -> str:
    """The page statement as psycopg text (``%(name)s`` placeholders), compiled once."""
    compiled = _page_statement(shape).compile(dialect=postgresql_psycopg.dialect())
    return str(compiled)


@functools.cache
def _count_sql(shape: _Shape) -> str:
    """The count statement as psycopg text, compiled once."""
    return str(_count_statement(shape).compile(dialect=postgresql_psycopg.dialect()))


def _run_row(row: tuple[Any, ...]) -> RunRow:
    """A page row (:data:`_COLUMNS`' order) as a :class:`RunRow`."""
    (
        run_id,
        app_id,
        app_version,
        agent_types,
        status,
        created_at,
        ended_at,
        trigger_kind,
        trigger_id,
        completed,
        failed,
        attempts,
        tokens_in,
        tokens_out,
        cost,
    ) = row
    return RunRow(
        id=run_id,
        app_id=app_id,
        app_version=app_version,
        agent_types=list(agent_types or []),
        status=status,
        created_at=_utc(created_at),
        ended_at=None if ended_at is None else _utc(ended_at),
        trigger_kind=trigger_kind,
        trigger_id=trigger_id,
        steps_completed=int(completed),
        steps_failed=int(failed),
        attempts=int(attempts),
        input_tokens=int(tokens_in),
        output_tokens=int(tokens_out),
        cost_usd=float(cost),
    )


def _utc(value: datetime) -> datetime:
    """Aware UTC, as ``UtcDateTime`` reads it (psycopg gives the session's zone)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class AsyncRunReader:
    """The runs listing's page for ``GET /observability/runs``, without a session.

    On PostgreSQL (``pool`` given) the page statement's text, compiled once per filter
    shape, runs as one autocommit ``SELECT`` on the event loop; on SQLite, where drivers
    are synchronous, :meth:`RunListing.page` runs on a worker thread.
    """

    def __init__(self, pool: AsyncReadPool | None, session_factory: Callable[[], Session]):
        self.pool = pool
        self.session_factory = session_factory

    async def page(self, query: RunQuery, *, after: Keyset | None, limit: int) -> list[RunRow]:
        """As :meth:`RunListing.page`."""
        if self.pool is None:
            return await anyio.to_thread.run_sync(self._page_with_session, query, after, limit)
        if query.app_ids is not None and not query.app_ids:
            return []
        sql = _page_sql(_shape(query, after, postgresql=True))
        rows = await self.pool.fetch_all(sql, _page_params(query, after, limit))
        return [_run_row(row) for row in rows]

    def _page_with_session(self, query: RunQuery, after: Keyset | None, limit: int) -> list[RunRow]:
        with self.session_factory() as session:
            return RunListing(session).page(query, after=after, limit=limit)

    async def count(self, query: RunQuery) -> int:
        """As :meth:`RunListing.count`."""
        if self.pool is None:
            return await anyio.to_thread.run_sync(self._count_with_session, query)
        if query.app_ids is not None and not query.app_ids:
            return 0
        row = await self.pool.fetch_one(
            _count_sql(_shape(query, None, postgresql=True)), _count_params(query)
        )
        return int(row[0]) if row else 0

    def _count_with_session(self, query: RunQuery) -> int:
        with self.session_factory() as session:
            return RunListing(session).count(query)


def record_run(session: Session, record: RunRecord) -> None:
    """Write what the workflow says of itself, and commit.

    Its end is one ``UPDATE`` of the row the starter wrote (:func:`record_end`). A run
    without a row (started by a schedule or the Temporal CLI) gets one, if its app is
    known; a start record fills what the starter did not know (a batch item's version
    and agent types).
    """
    now = utc_now()
    if record.status != "running" and record_end(session, record.end(now)):
        session.commit()
        return
    listing = RunListing(session)
    row = session.get(Run, record.run_id)
    if row is None:
        if not session.scalar(select(exists().where(App.id == record.app_id))):
            return
        try:
            session.add(
                Run(
                    id=record.run_id,
                    app_id=record.app_id,
                    workflow_id=record.run_id,
                    temporal_run_id=record.temporal_run_id,
                    status=record.status,
                    inputs={},
                    created_at=record.started_at,
                    updated_at=now,
                    ended_at=record.ended_at,
                    error=record.error,
                    trigger_kind=record.trigger_kind,
                    trigger_id=record.trigger_id,
                    app_version=record.app_version,
                    agent_types=sorted(set(record.agent_types)),
                    evaluation=record.evaluation,
                )
            )
            session.flush()
            listing._add_agent_types(record.run_id, record.agent_types, record.started_at)
            session.commit()
        except IntegrityError:
            # Written meanwhile (the API adopted it, or the app went away): try again.
            session.rollback()
            if session.get(Run, record.run_id) is not None:
                record_run(session, record)
        return
    if not row.app_version and not row.agent_types:
        row.app_version = record.app_version
        row.agent_types = sorted(set(record.agent_types))
        row.evaluation = row.evaluation or record.evaluation
        listing._add_agent_types(record.run_id, record.agent_types, row.created_at)
    row.temporal_run_id = record.temporal_run_id or row.temporal_run_id
    row.updated_at = now
    session.commit()
