"""Repositories: every query the hub runs, one class per table.

Repositories flush but never commit: the caller owns the transaction (one per API
request, one per activity). Pagination, filtering, search and sorting all happen
in SQL so that listing stays fast however many rows there are.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import anyio.to_thread
from sqlalchemy import (
    ColumnElement,
    and_,
    bindparam,
    delete,
    func,
    literal_column,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, aliased

from schemas.common import utc_text
from schemas.orchestration import ExecutionPlan
from storage.database import AsyncReadPool
from storage.models import (
    Agent,
    App,
    AppCount,
    Orchestration,
    OrchestrationDraft,
    Release,
    Run,
    RunAgentType,
    utc_now,
)

#: ``sort`` values accepted by :meth:`AppRepository.list`, mapped to columns.
#: Names sort case-insensitively so that SQLite and PostgreSQL agree.
APP_SORT_COLUMNS: dict[str, Any] = {
    "name": func.lower(App.name),
    "created_at": App.created_at,
    "updated_at": App.updated_at,
}


@dataclass(frozen=True)
class AppRow:
    """An app together with its number of agents (counted in SQL)."""

    app: App
    agent_count: int

    # Attribute access lets response models read an AppRow like an App.
    def __getattr__(self, name: str) -> Any:
        return getattr(self.app, name)


@dataclass(frozen=True)
class AppPage:
    """One page of apps and the total matching the filter (for ``X-Total-Count``)."""

    items: list[AppRow]
    total: int


def _agent_count_column() -> ColumnElement[int]:
    return (
        select(func.count(Agent.id))
        .where(Agent.app_id == App.id)
        .correlate(App)
        .scalar_subquery()
        .label("agent_count")
    )


class AppRepository:
    """Apps: create, read, list (SQL-paged), update, delete."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def create(self, name: str, description: str = "", team_id: str | None = None) -> App:
        """Insert a new draft app at version 1.0.0."""
        now = utc_now()
        app = App(
            name=name,
            description=description,
            version="1.0.0",
            status="draft",
            team_id=team_id,
            created_at=now,
            updated_at=now,
        )
        self.session.add(app)
        self.session.flush()
        return app

    def get(self, app_id: str) -> App | None:
        return self.session.get(App, app_id)

    def find_by_name(self, name: str, team_id: str | None) -> App | None:
        """The app of ``team_id`` named exactly ``name`` (names are unique per team)."""
        team = func.coalesce(App.team_id, "")
        return self.session.scalars(
            select(App).where(App.name == name, team == (team_id or ""))
        ).first()

    def get_row(self, app_id: str) -> AppRow | None:
        """The app with its agent count, or ``None``."""
        row = self.session.execute(
            select(App, _agent_count_column()).where(App.id == app_id)
        ).one_or_none()
        return AppRow(app=row[0], agent_count=int(row[1])) if row else None

    def agent_count(self, app_id: str) -> int:
        return int(
            self.session.scalar(select(func.count(Agent.id)).where(Agent.app_id == app_id)) or 0
        )

    def list(
        self,
        *,
        limit: int = 50,
        offset: int = 0,
        status: str | None = None,
        q: str | None = None,
        sort: str = "-created_at",
        team_id: str | None = None,
        team_ids: Sequence[str] | None = None,
    ) -> AppPage:
        """A page of apps; ``q`` matches names case-insensitively, ``sort`` may start with ``-``."""
        filters: list[ColumnElement[bool]] = []
        if status:
            filters.append(App.status == status)
        if q:
            filters.append(func.lower(App.name).contains(q.lower(), autoescape=True))
        if team_id is not None:
            filters.append(App.team_id == team_id)
        if team_ids is not None:
            # Only these teams' apps (an empty list matches nothing).
            filters.append(App.team_id.in_(list(team_ids)))

        descending = sort.startswith("-")
        column = APP_SORT_COLUMNS.get(sort.lstrip("-"))
        if column is None:
            raise ValueError(f"unknown sort field {sort!r}")
        order = column.desc() if descending else column.asc()
        # The id breaks ties so that pages never overlap or skip rows.
        tie_breaker = App.id.desc() if descending else App.id.asc()

        query = (
            select(App, _agent_count_column())
            .where(*filters)
            .order_by(order, tie_breaker)
            .limit(limit)
            .offset(offset)
        )
        rows = self.session.execute(query).all()
        total = self.session.scalar(select(func.count(App.id)).where(*filters)) or 0
        return AppPage(
            items=[AppRow(app=row[0], agent_count=int(row[1])) for row in rows], total=int(total)
        )

    def update(self, app: App, **fields: Any) -> App:
        """Set ``fields`` on ``app`` and bump ``updated_at``."""
        for key, value in fields.items():
            setattr(app, key, value)
        app.updated_at = utc_now()
        self.session.flush()
        return app

    def delete(self, app: App) -> None:
        """Delete the app; agents, orchestration, releases and runs go with it (cascade)."""
        self.session.execute(delete(App).where(App.id == app.id))
        self.session.expunge(app)
        self.session.flush()


@dataclass(frozen=True, slots=True)
class AppRecord:
    """One app's columns and agent count as plain values (no ORM object behind it)."""

    id: str
    name: str
    description: str
    version: str
    status: str
    team_id: str | None
    agent_count: int
    created_at: datetime
    updated_at: datetime


_APP_RECORD_COLUMNS = (
    App.id,
    App.name,
    App.description,
    App.version,
    App.status,
    App.team_id,
    _agent_count_column(),
    App.created_at,
    App.updated_at,
)
#: ``GET /apps/{id}``'s one query (columns and agent count); both backends run it.
_APP_RECORD_STATEMENT = select(*_APP_RECORD_COLUMNS).where(App.id == bindparam("app_id"))
#: The same statement compiled once for psycopg (the async read pool's driver).
_APP_RECORD_SQL = str(
    _APP_RECORD_STATEMENT.compile(dialect=postgresql.psycopg.dialect())  # type: ignore[attr-defined]
)


def _utc(value: datetime) -> datetime:
    # What the UtcDateTime column type does for ORM reads.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class AppQuery:
    """What ``GET /apps`` asks for: filters, order, and where the page starts.

    ``after`` continues after a row (keyset paging: its sort value and id), else
    ``offset`` rows are skipped.
    """

    limit: int = 50
    offset: int = 0
    status: str | None = None
    q: str | None = None
    sort: str = "-created_at"
    team_ids: tuple[str, ...] | None = None
    after: tuple[Any, str] | None = None


@dataclass(frozen=True, slots=True)
class AppJsonPage:
    """A page of apps as JSON text, one object per app (``AppPublic``'s JSON form: the
    same keys in the same order, compact, non-ASCII as is), with the total matching,
    whether more follow, and the last app's sort key (the database's ``lower(name)`` when
    sorted by name) and id, for the next cursor."""

    items: list[str]
    total: int
    more: bool
    last: tuple[Any, str] | None


#: ``AppPublic``'s JSON form of one app, built by PostgreSQL from a page row ``r``:
#: ``to_json`` escapes the text as pydantic does, timestamps as :func:`schemas.common.utc_text`.
_UTC_TEXT = "to_char(r.{0} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US')"
_APP_JSON_SQL = (
    "'{\"id\":' || to_json(r.id)::text"
    " || ',\"name\":' || to_json(r.name)::text"
    " || ',\"description\":' || to_json(r.description)::text"
    " || ',\"version\":' || to_json(r.version)::text"
    " || ',\"status\":' || to_json(r.status)::text"
    " || ',\"agent_count\":' || r.agent_count::text"
    ' || \',"created_at":"\' || ' + _UTC_TEXT.format("created_at") + " || 'Z\"'"
    ' || \',"updated_at":"\' || ' + _UTC_TEXT.format("updated_at") + " || 'Z\"}'"
)


def app_json(record: AppRecord) -> str:
    """``AppPublic``'s JSON form of one app, built in Python (SQLite's path)."""
    return json.dumps(
        {
            "id": record.id,
            "name": record.name,
            "description": record.description,
            "version": record.version,
            "status": record.status,
            "agent_count": record.agent_count,
            "created_at": utc_text(record.created_at),
            "updated_at": utc_text(record.updated_at),
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


#: SQLite's built-in ``lower()``: ASCII letters only.
_SQLITE_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _sqlite_sort_value(record: AppRecord, sort: str) -> Any:
    """The row's sort key as SQLite computes it (the keyset compares with the database's
    own ``lower``, not Python's)."""
    field = sort.lstrip("-")
    return record.name.translate(_SQLITE_LOWER) if field == "name" else getattr(record, field)


def _like_pattern(text: str) -> str:
    escaped = text.lower().replace("/", "//").replace("%", "/%").replace("_", "/_")
    return f"%{escaped}%"


def _app_filters(query: AppQuery) -> list[ColumnElement[bool]]:
    filters: list[ColumnElement[bool]] = []
    if query.status:
        filters.append(App.status == bindparam("status"))
    if query.q:
        filters.append(func.lower(App.name).like(bindparam("q"), escape="/"))
    if query.team_ids is not None and len(query.team_ids) == 1:
        # Equality, not ``= ANY``: only then does (team_id, created_at, id) give the order.
        filters.append(App.team_id == bindparam("team"))
    elif query.team_ids is not None:
        filters.append(App.team_id.in_(bindparam("teams", expanding=True)))
    return filters


def _app_total_statement(query: AppQuery) -> Any:
    """How many apps match ``query``'s filters. Without a name search, the sum of the
    ``app_counts`` rows the triggers keep (at most 48 per team, or 48 under ``*`` for
    every team); with one, a count of the matching apps."""
    if query.q:
        return select(func.count()).select_from(App).where(*_app_filters(query))
    counts: list[ColumnElement[bool]] = []
    if query.status:
        counts.append(AppCount.status == bindparam("status"))
    if query.team_ids is None:
        counts.append(AppCount.team_id == literal_column("'*'"))
    else:
        # Apps of these teams; never the rows of every team (``*``) or of no team ('').
        one = len(query.team_ids) == 1
        counts.append(
            AppCount.team_id == bindparam("team")
            if one
            else AppCount.team_id.in_(bindparam("teams", expanding=True))
        )
        counts.append(AppCount.team_id != literal_column("'*'"))
        counts.append(AppCount.team_id != literal_column("''"))
    return select(func.coalesce(func.sum(AppCount.apps), literal_column("0"))).where(*counts)


def _app_order(sort: str) -> tuple[Any, bool]:
    column = APP_SORT_COLUMNS.get(sort.lstrip("-"))
    if column is None:
        raise ValueError(f"unknown sort field {sort!r}")
    return column, sort.startswith("-")


def _app_page_statement(query: AppQuery) -> Any:
    """One SELECT: the page (one row more than asked, to know if more follow), then the
    agent count of just those rows, and the total matching the filter as an uncorrelated
    subquery (computed once). The page is chosen in a subquery first so that agents are
    counted for the rows returned, not for every row an offset skips."""
    filters = _app_filters(query)
    column, descending = _app_order(query.sort)
    total = _app_total_statement(query).scalar_subquery()
    keyset: list[ColumnElement[bool]] = []
    if query.after is not None:
        position = tuple_(column, App.id)
        # Typed as the column, so SQLite compares its stored text with the same text
        # (an untyped datetime went in as ``str(datetime)``: ties skipped or repeated).
        start = tuple_(bindparam("after_value", type_=column.type), bindparam("after_id"))
        keyset.append(position < start if descending else position > start)
    order = (column.desc(), App.id.desc()) if descending else (column.asc(), App.id.asc())
    page = (
        select(App)
        .where(*filters, *keyset)
        .order_by(*order)
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
        .subquery("page")
    )
    row = aliased(App, page)
    agent_count = (
        select(func.count(Agent.id)).where(Agent.app_id == row.id).correlate(page).scalar_subquery()
    )
    sort_key = (
        func.lower(row.name)
        if query.sort.lstrip("-") == "name"
        else getattr(row, query.sort.lstrip("-"))
    )
    outer = (sort_key.desc(), row.id.desc()) if descending else (sort_key.asc(), row.id.asc())
    return select(
        row.id,
        row.name,
        row.description,
        row.version,
        row.status,
        row.team_id,
        agent_count.label("agent_count"),
        row.created_at,
        row.updated_at,
        total.label("total"),
    ).order_by(*outer)


#: What :func:`_app_page_sql` is compiled for: sort, status?, q?, teams (0: every team,
#: 1: one, 2: several), keyset?
AppPageShape = tuple[str, bool, bool, int, bool]


def app_page_shape(query: AppQuery) -> AppPageShape:
    """The shape of ``query``'s statement (its filters and paging, not their values)."""
    teams = 0 if query.team_ids is None else min(len(query.team_ids), 2) or 2
    return query.sort, bool(query.status), bool(query.q), teams, query.after is not None


def _probe_teams(teams: int) -> tuple[str, ...] | None:
    return None if teams == 0 else ("x",) if teams == 1 else ("x", "y")


@functools.lru_cache(maxsize=128)
def _app_page_sql(shape: AppPageShape) -> str:
    """The PostgreSQL text of :func:`_app_page_statement`, compiled once per shape."""
    sort, status, q, teams, keyset = shape
    probe = AppQuery(
        sort=sort,
        status="x" if status else None,
        q="x" if q else None,
        team_ids=_probe_teams(teams),
        after=("x", "x") if keyset else None,
    )
    compiled = _app_page_statement(probe).compile(
        dialect=postgresql.psycopg.dialect(),  # type: ignore[attr-defined]
        compile_kwargs={"render_postcompile": False},
    )
    # An expanding IN is rendered per call by SQLAlchemy; psycopg takes the list whole.
    return str(compiled).replace("IN (__[POSTCOMPILE_teams])", "= ANY(%(teams)s)")


@functools.lru_cache(maxsize=128)
def _app_page_json_sql(shape: AppPageShape) -> str:
    """:func:`_app_page_sql` with each row as its JSON text, then its sort key as the
    database computes it and its id (for the next cursor), and the total."""
    field = shape[0].lstrip("-")
    direction = "DESC" if shape[0].startswith("-") else "ASC"
    key = "lower(r.name)" if field == "name" else f"r.{field}"
    return (
        f"SELECT {_APP_JSON_SQL} AS app_json, {key}, r.id, r.total "
        f"FROM ({_app_page_sql(shape)}) AS r ORDER BY {key} {direction}, r.id {direction}"
    )


def _app_page_params(query: AppQuery) -> dict[str, Any]:
    params: dict[str, Any] = {"limit": query.limit + 1, "offset": query.offset}
    if query.status:
        params["status"] = query.status
    if query.q:
        params["q"] = _like_pattern(query.q)
    if query.team_ids is not None and len(query.team_ids) == 1:
        params["team"] = query.team_ids[0]
    elif query.team_ids is not None:
        params["teams"] = list(query.team_ids)
    if query.after is not None:
        params["after_value"], params["after_id"] = query.after
    return params


def _record(row: Sequence[Any]) -> AppRecord:
    return AppRecord(
        id=row[0],
        name=row[1],
        description=row[2],
        version=row[3],
        status=row[4],
        team_id=row[5],
        agent_count=int(row[6]),
        created_at=_utc(row[7]),
        updated_at=_utc(row[8]),
    )


class AsyncAppReader:
    """Reads one app for ``GET /apps/{id}`` without a worker thread or the ORM.

    One statement (``_APP_RECORD_STATEMENT``) on both backends: on PostgreSQL (``pool``
    given) its psycopg text runs as one autocommit ``SELECT`` on the event loop; on
    SQLite, where drivers are synchronous, a session runs it on a worker thread.
    """

    def __init__(self, pool: AsyncReadPool | None, session_factory: Callable[[], Session]):
        self.pool = pool
        self.session_factory = session_factory

    async def get(self, app_id: str) -> AppRecord | None:
        """The app with its agent count, or ``None``."""
        if self.pool is None:
            return await anyio.to_thread.run_sync(self._get_with_session, app_id)
        row = await self.pool.fetch_one(_APP_RECORD_SQL, {"app_id": app_id})
        return None if row is None else _record(row)

    async def page(self, query: AppQuery) -> AppJsonPage:
        """A page of apps as JSON with the total: on PostgreSQL one round trip whose
        rows are the apps' JSON text, built by the database (the ORM and Python's
        ``json`` on a worker thread on SQLite)."""
        if self.pool is None:
            return await anyio.to_thread.run_sync(self._page_with_session, query)
        shape = app_page_shape(query)
        params = _app_page_params(query)
        rows = await self.pool.fetch_all(_app_page_json_sql(shape), params)
        if rows:
            total = int(rows[0][3])
        else:  # past the last page: the total still counts
            filters = {k: v for k, v in params.items() if k in ("status", "q", "team", "teams")}
            counted = await self.pool.fetch_one(_app_count_sql(shape[1:4]), filters)
            total = int(counted[0]) if counted else 0
        page = rows[: query.limit]
        last = None
        if page:
            value = page[-1][1]
            last = (_utc(value) if isinstance(value, datetime) else value, page[-1][2])
        return AppJsonPage([r[0] for r in page], total, len(rows) > query.limit, last)

    def _page_with_session(self, query: AppQuery) -> AppJsonPage:
        with self.session_factory() as session:
            statement = _app_page_statement(query)
            rows = session.execute(statement, _app_page_params(query)).all()
            if rows:
                total = int(rows[0][9])
            else:
                total = int(
                    session.scalar(
                        _app_total_statement(query),
                        _app_page_params(query),
                    )
                    or 0
                )
        records = [_record(r) for r in rows[: query.limit]]
        last = (_sqlite_sort_value(records[-1], query.sort), records[-1].id) if records else None
        return AppJsonPage([app_json(r) for r in records], total, len(rows) > query.limit, last)

    def _get_with_session(self, app_id: str) -> AppRecord | None:
        with self.session_factory() as session:
            row = session.execute(_APP_RECORD_STATEMENT, {"app_id": app_id}).one_or_none()
        return None if row is None else _record(row)


#: ``POST /apps`` on PostgreSQL: the app and its audit record in one autocommit statement
#: (one round trip, atomic: a duplicate name inserts neither). ``before`` is JSON ``null``,
#: as the ORM's JSON column stores ``None``.
_CREATE_APP_SQL = """WITH app AS (
    INSERT INTO apps (id, name, description, version, status, team_id, created_at, updated_at)
    VALUES (%(id)s, %(name)s, %(description)s, %(version)s, %(status)s, %(team_id)s,
            %(created_at)s, %(created_at)s)
)
INSERT INTO audit_events (at, actor, action, object_type, object_id, team_id, before, after)
VALUES (%(at)s, %(actor)s, %(action)s, 'app', %(id)s, %(team_id)s, 'null'::json,
        CAST(%(after)s AS json))
RETURNING id"""


@dataclass(frozen=True, slots=True)
class NewApp:
    """A draft app to insert, with the audit record of its creation."""

    id: str
    name: str
    description: str
    version: str
    status: str
    team_id: str | None
    created_at: datetime
    actor: str
    action: str
    #: The audit record's ``after``: the app's public form, as JSON text.
    after_json: str
    audited_at: datetime


class AsyncAppWriter:
    """Creates an app and its audit record on PostgreSQL in one statement on the event
    loop (no worker thread, session, ``BEGIN`` or ``COMMIT``)."""

    def __init__(self, pool: AsyncReadPool):
        self.pool = pool

    async def create(self, app: NewApp) -> None:
        """Insert ``app`` and its audit record; ``IntegrityError`` when the name is taken."""
        params = {
            "id": app.id,
            "name": app.name,
            "description": app.description,
            "version": app.version,
            "status": app.status,
            "team_id": app.team_id,
            "created_at": app.created_at,
            "at": app.audited_at,
            "actor": app.actor,
            "action": app.action,
            "after": app.after_json,
        }
        try:
            await self.pool.fetch_one(_CREATE_APP_SQL, params)
        except DBAPIError as exc:
            import psycopg

            # The exception the ORM path raises for the same error: ``IntegrityError`` for
            # a taken name, ``DataError`` for a value PostgreSQL cannot store (NUL), ...
            orig = exc.orig if isinstance(exc.orig, Exception) else exc
            raise DBAPIError.instance(_CREATE_APP_SQL, params, orig, psycopg.Error) from exc


@functools.lru_cache(maxsize=16)
def _app_count_sql(shape: tuple[bool, bool, int]) -> str:
    status, q, teams = shape
    probe = AppQuery(
        status="x" if status else None, q="x" if q else None, team_ids=_probe_teams(teams)
    )
    statement = _app_total_statement(probe)
    sql = str(statement.compile(dialect=postgresql.psycopg.dialect()))  # type: ignore[attr-defined]
    return sql.replace("IN (__[POSTCOMPILE_teams])", "= ANY(%(teams)s)")


class AgentRepository:
    """Agents of an app."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def create(
        self,
        app_id: str,
        *,
        name: str,
        type: str,
        config: dict[str, Any],
        type_category: str = "function",
        category: str = "general",
        description: str = "",
    ) -> Agent:
        now = utc_now()
        agent = Agent(
            app_id=app_id,
            name=name,
            type=type,
            type_category=type_category,
            category=category,
            description=description,
            config=config,
            created_at=now,
            updated_at=now,
        )
        self.session.add(agent)
        self.session.flush()
        return agent

    def get(self, agent_id: str) -> Agent | None:
        return self.session.get(Agent, agent_id)

    def list_for_app(self, app_id: str) -> Sequence[Agent]:
        """Every agent of ``app_id``, oldest first."""
        return self.session.scalars(
            select(Agent).where(Agent.app_id == app_id).order_by(Agent.created_at, Agent.id)
        ).all()

    def update_config(self, agent: Agent, config: dict[str, Any]) -> Agent:
        agent.config = config
        agent.updated_at = utc_now()
        self.session.flush()
        return agent


class OrchestrationRepository:
    """The one orchestration (spec + original YAML) of each app."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, app_id: str) -> Orchestration | None:
        return self.session.get(Orchestration, app_id)

    def put(self, app_id: str, spec: dict[str, Any], yaml_text: str) -> Orchestration:
        """Create or replace the orchestration of ``app_id``."""
        row = self.session.get(Orchestration, app_id)
        if row is None:
            row = Orchestration(app_id=app_id, spec=spec, yaml=yaml_text, updated_at=utc_now())
            self.session.add(row)
        else:
            row.spec = spec
            row.yaml = yaml_text
            row.updated_at = utc_now()
        self.session.flush()
        return row


class DraftRepository:
    """The builder's draft orchestration of each app, with its version number."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, app_id: str) -> OrchestrationDraft | None:
        return self.session.get(OrchestrationDraft, app_id)

    def save(
        self, app_id: str, yaml_text: str, expected_version: int, updated_by: str | None
    ) -> OrchestrationDraft | None:
        """Store ``yaml_text`` if the draft is still at ``expected_version`` (0: none yet).

        Returns the new row, or None when someone saved in between. The check and the
        write are one conditional UPDATE, so two concurrent saves cannot both win.
        """
        now = utc_now()
        if expected_version == 0:
            if self.session.get(OrchestrationDraft, app_id) is not None:
                return None
            try:
                with self.session.begin_nested():
                    row = OrchestrationDraft(
                        app_id=app_id,
                        yaml=yaml_text,
                        version=1,
                        updated_by=updated_by,
                        updated_at=now,
                    )
                    self.session.add(row)
            except IntegrityError:
                return None
            return row
        result = self.session.execute(
            update(OrchestrationDraft)
            .where(
                OrchestrationDraft.app_id == app_id,
                OrchestrationDraft.version == expected_version,
            )
            .values(
                yaml=yaml_text,
                version=expected_version + 1,
                updated_by=updated_by,
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        if getattr(result, "rowcount", 0) != 1:
            return None
        saved = self.session.get(OrchestrationDraft, app_id)
        if saved is not None:
            self.session.refresh(saved)
        return saved


class ReleaseRepository:
    """Releases: a compiled plan pinned at deploy time, one per deployed version."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def create(
        self,
        app_id: str,
        version: str,
        spec: dict[str, Any],
        plan: ExecutionPlan,
        created_by: str | None = None,
    ) -> Release:
        release = Release(
            app_id=app_id,
            version=version,
            spec=spec,
            plan=plan.model_dump(mode="json"),
            created_at=utc_now(),
            created_by=created_by,
        )
        self.session.add(release)
        self.session.flush()
        return release

    def get(self, release_id: str) -> Release | None:
        return self.session.get(Release, release_id)

    def latest(self, app_id: str) -> Release | None:
        """The most recent release of ``app_id``."""
        return self.session.scalars(
            select(Release)
            .where(Release.app_id == app_id)
            .order_by(Release.created_at.desc(), Release.id.desc())
            .limit(1)
        ).first()

    def list_for_app(self, app_id: str) -> Sequence[Release]:
        return self.session.scalars(
            select(Release).where(Release.app_id == app_id).order_by(Release.created_at.desc())
        ).all()

    def page_for_app(
        self, app_id: str, limit: int, after: Release | None = None
    ) -> Sequence[Release]:
        """Up to ``limit`` releases of ``app_id``, newest first, older than ``after`` (keyset)."""
        query = select(Release).where(Release.app_id == app_id)
        if after is not None:
            query = query.where(
                or_(
                    Release.created_at < after.created_at,
                    and_(Release.created_at == after.created_at, Release.id < after.id),
                )
            )
        return self.session.scalars(
            query.order_by(Release.created_at.desc(), Release.id.desc()).limit(limit)
        ).all()

    def count_for_app(self, app_id: str) -> int:
        return int(
            self.session.scalar(
                select(func.count()).select_from(Release).where(Release.app_id == app_id)
            )
            or 0
        )

    def get_plan(self, release_id: str) -> ExecutionPlan | None:
        """The plan pinned in ``release_id``, or ``None`` when there is no such release."""
        release = self.get(release_id)
        return ExecutionPlan.model_validate(release.plan) if release else None

    def get_deployed_plan(self, app_id: str) -> ExecutionPlan | None:
        """The plan of the latest release, only while the app is deployed.

        Draft apps were never released and archived apps must not start new runs,
        so both give ``None``.
        """
        app = self.session.get(App, app_id)
        if app is None or app.status != "deployed":
            return None
        release = self.latest(app_id)
        return ExecutionPlan.model_validate(release.plan) if release else None


class RunRepository:
    """Run bookkeeping rows (Temporal holds the full history)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def create(
        self,
        app_id: str,
        *,
        workflow_id: str,
        inputs: dict[str, Any] | None = None,
        release_id: str | None = None,
        idempotency_key: str | None = None,
        status: str = "running",
        temporal_run_id: str | None = None,
        run_id: str | None = None,
        trigger_kind: str = "api",
        trigger_id: str | None = None,
        app_version: str = "",
        agent_types: Sequence[str] = (),
        evaluation: bool = False,
    ) -> Run:
        """Insert a run (with its agent types, what the runs listing filters on); a
        duplicate ``idempotency_key`` for the app raises ``IntegrityError``."""
        now = utc_now()
        types = sorted(set(agent_types))
        run = Run(
            app_id=app_id,
            release_id=release_id,
            workflow_id=workflow_id,
            temporal_run_id=temporal_run_id,
            status=status,
            idempotency_key=idempotency_key,
            inputs=inputs or {},
            created_at=now,
            updated_at=now,
            trigger_kind=trigger_kind,
            trigger_id=trigger_id,
            app_version=app_version,
            agent_types=types,
            evaluation=evaluation,
        )
        if run_id is not None:
            run.id = run_id
        self.session.add(run)
        self.session.flush()
        if types:
            self.session.add_all(
                RunAgentType(run_id=run.id, agent_type=t, created_at=now) for t in types
            )
        return run

    def get(self, run_id: str) -> Run | None:
        return self.session.get(Run, run_id)

    def get_by_idempotency_key(self, app_id: str, key: str) -> Run | None:
        return self.session.scalars(
            select(Run).where(Run.app_id == app_id, Run.idempotency_key == key)
        ).first()

    def list_for_app(
        self, app_id: str, *, limit: int = 50, offset: int = 0, status: str | None = None
    ) -> Sequence[Run]:
        """Runs of ``app_id``, newest first, paged in SQL."""
        query = select(Run).where(Run.app_id == app_id)
        if status:
            query = query.where(Run.status == status)
        return self.session.scalars(
            query.order_by(Run.created_at.desc(), Run.id.desc()).limit(limit).offset(offset)
        ).all()

    def update_status(
        self,
        run_id: str,
        status: str,
        *,
        error: str | None = None,
        ended_at: datetime | None = None,
        temporal_run_id: str | None = None,
    ) -> Run | None:
        """Record a new status; terminal statuses get ``ended_at`` (now when not given)."""
        run = self.session.get(Run, run_id)
        if run is None:
            return None
        run.status = status
        run.updated_at = utc_now()
        if error is not None:
            run.error = error
        if temporal_run_id is not None:
            run.temporal_run_id = temporal_run_id
        if status != "running":
            run.ended_at = ended_at or run.ended_at or utc_now()
        self.session.flush()
        return run
