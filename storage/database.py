"""Engine and session factories for SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy import exc as sqlalchemy_exc
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

if TYPE_CHECKING:
    import psycopg

logger = logging.getLogger(__name__)

#: WAL pages past which a connection of an engine made with ``background_checkpoints``
#: checkpoints at its own commit: a safety net for when no :class:`WalCheckpointer`
#: runs (SQLite's default, used otherwise, is 1,000).
BACKGROUND_CHECKPOINT_SAFETY_PAGES = 20_000

#: Seconds between two background checkpoints (when something was committed since).
CHECKPOINT_INTERVAL_SECONDS = 1.0


def is_sqlite(database_url: str) -> bool:
    """Whether ``database_url`` points at SQLite."""
    return make_url(database_url).get_backend_name() == "sqlite"


def create_db_engine(
    database_url: str,
    *,
    echo: bool = False,
    pool_size: int = 5,
    max_overflow: int = 10,
    background_checkpoints: bool = False,
) -> Engine:
    """An engine configured for the backend of ``database_url``.

    SQLite: WAL journal (readers never block the writer) synced at checkpoints
    (``synchronous=NORMAL``), foreign keys enforced
    (SQLite ignores them by default, which would break ``ON DELETE CASCADE``) and
    connections usable from any thread (FastAPI runs sync routes in a pool).
    PostgreSQL: ``pool_pre_ping`` so a restarted server does not fail the next request,
    and a pool of ``pool_size`` kept connections plus ``max_overflow`` extra ones; size
    the sum to the threads that use it at once, or requests queue for a connection.

    ``background_checkpoints``: a :class:`WalCheckpointer` checkpoints the SQLite file,
    so commits leave it the work (see there).
    """
    url = make_url(database_url)
    kwargs: dict[str, Any] = {"echo": echo}
    if url.get_backend_name() == "sqlite":
        kwargs["connect_args"] = {"check_same_thread": False}
        if url.database in (None, "", ":memory:"):
            # One shared connection, or each new connection would see an empty database.
            kwargs["poolclass"] = StaticPool
        engine = create_engine(url, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            # With WAL, NORMAL syncs at checkpoints instead of every commit: a killed
            # process loses nothing (the WAL is replayed), an OS crash or power cut may
            # lose the last commits. Every step of every run commits a row here.
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=5000")
            if background_checkpoints:
                cursor.execute(f"PRAGMA wal_autocheckpoint={BACKGROUND_CHECKPOINT_SAFETY_PAGES}")
            cursor.close()

        return engine
    kwargs["pool_pre_ping"] = True
    kwargs["pool_size"] = pool_size
    kwargs["max_overflow"] = max_overflow
    return create_engine(url, **kwargs)


def create_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit (responses read them)."""
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def is_sqlite_file(engine: Engine) -> bool:
    """Whether ``engine`` is a SQLite database in a file (not in memory)."""
    return engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:")


class WalCheckpointer:
    """Checkpoints a SQLite file's WAL on a worker thread, never at a commit.

    By default the commit that takes the WAL past 1,000 pages copies them into the
    database file and syncs it, on the thread that committed: in the API, that is a
    request on the event loop (3-8 ms here, more on a slow disk), and the connections
    that write on the event loop (:func:`event_loop_sqlite_connection`) never
    checkpoint, so the requests' own commits (a run start, a webhook) did all of it, a
    stall every few runs that set their p95. Here a task checkpoints every
    ``interval_seconds``, when something was committed since, with ``PASSIVE`` (it waits
    for no reader or writer) on a thread: ``sqlite3`` releases the GIL while SQLite
    copies and syncs. Make the engine with ``background_checkpoints`` so that its
    connections leave the checkpoints to this (past a safety limit).
    """

    def __init__(
        self, engine: Engine, *, interval_seconds: float = CHECKPOINT_INTERVAL_SECONDS
    ) -> None:
        self._engine = engine
        self.interval_seconds = interval_seconds
        self._committed = False
        #: The checkpointing task of each event loop the app runs on (one, but test
        #: clients run the app's lifespan on a loop of their own, and may nest).
        self._tasks: dict[asyncio.AbstractEventLoop, asyncio.Task[None]] = {}
        event.listen(engine, "commit", self._on_commit)

    def _on_commit(self, _connection: Connection) -> None:
        self._committed = True

    def checkpoint(self) -> None:
        """One ``PASSIVE`` checkpoint, on the calling thread."""
        with self._engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").fetchall()

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval_seconds)
            if not self._committed:
                continue
            self._committed = False
            try:
                await asyncio.to_thread(self.checkpoint)
            except sqlalchemy_exc.SQLAlchemyError as exc:  # a commit checkpoints past the limit
                logger.warning("background WAL checkpoint failed (%s)", exc)

    def start(self) -> None:
        """Start checkpointing on the running event loop."""
        loop = asyncio.get_running_loop()
        task = self._tasks.get(loop)
        if task is None or task.done():
            self._tasks[loop] = loop.create_task(self._run(), name="sqlite-wal-checkpoints")

    async def close(self) -> None:
        """Stop checkpointing on the running event loop (at shutdown)."""
        task = self._tasks.pop(asyncio.get_running_loop(), None)
        if task is None:
            return
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def event_loop_sqlite_connection(engine: Engine) -> Connection:
    """A SQLite connection for a write on an event loop's thread: it never waits for a
    lock (``busy_timeout=0``: a locked database raises at once, and the caller hands the
    write to a thread) and never checkpoints (``wal_autocheckpoint=0``: the pool's
    connections do). Its pragmas differ from the pool's: give it up with
    :func:`discard_connection`, never back to the pool."""
    connection = engine.connect()
    connection.exec_driver_sql("PRAGMA busy_timeout=0")
    connection.exec_driver_sql("PRAGMA wal_autocheckpoint=0")
    return connection


def discard_connection(connection: Connection | None) -> None:
    """Close ``connection`` for good (invalidated: the pool does not take it back)."""
    if connection is not None:
        connection.invalidate()
        connection.close()


def postgresql_conninfo(database_url: str) -> str:
    """``database_url`` as a libpq URI (SQLAlchemy's ``+psycopg`` driver suffix dropped)."""
    url = make_url(database_url)
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


class AsyncReadPool:
    """Autocommit psycopg connections for hot async read paths on PostgreSQL.

    A read is one round trip: no pool pre-ping, no ``BEGIN``/``COMMIT`` around a single
    ``SELECT``, no worker thread. Connections are made on demand (so an unreachable
    server fails the request at once, like the engine's pool) and at most ``max_size``
    are in use at a time. A connection that was idle in the pool and fails with an
    operational error (the server restarted) is dropped and the read retried once on
    a fresh one, which is what ``pool_pre_ping`` buys the synchronous engine.

    Errors come out as SQLAlchemy's ``OperationalError`` / ``DBAPIError`` so callers
    and the API's error mapping handle them as they handle the engine's.

    Connections belong to the event loop that made them: when the running loop
    changes (test clients start one per context), idle ones are closed and new ones
    are made.

    ``settings`` are server settings every connection starts with (``-c name=value``);
    ``prepare_threshold`` is psycopg's: a statement run that many times on a connection
    is prepared there (``0``: at once; ``None``: never).
    """

    def __init__(
        self,
        database_url: str,
        *,
        max_size: int = 10,
        max_idle: int | None = None,
        settings: Mapping[str, str] | None = None,
        prepare_threshold: int | None = 5,
    ):
        self.conninfo = postgresql_conninfo(database_url)
        if settings:
            from psycopg.conninfo import make_conninfo

            options = " ".join(f"-c {name}={value}" for name, value in settings.items())
            self.conninfo = make_conninfo(self.conninfo, options=options)
        self.max_size = max_size
        self.max_idle = max_size if max_idle is None else max_idle
        self.prepare_threshold = prepare_threshold
        self._loop: asyncio.AbstractEventLoop | None = None
        self._slots: asyncio.Semaphore | None = None
        self._idle: list[psycopg.AsyncConnection[Any]] = []

    async def fetch_one(self, query: str, params: Mapping[str, Any]) -> tuple[Any, ...] | None:
        """The first row of ``query`` (``%(name)s`` placeholders), or ``None``."""
        rows = await self.fetch(query, params, first_only=True)
        return rows[0] if rows else None

    async def fetch_all(self, query: str, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """Every row of ``query`` (``%(name)s`` placeholders)."""
        return await self.fetch(query, params, first_only=False)

    async def fetch(
        self, query: str, params: Mapping[str, Any], *, first_only: bool
    ) -> list[tuple[Any, ...]]:
        """Rows of one autocommit ``SELECT``; see the class docstring for errors."""
        import psycopg  # only PostgreSQL deployments pay for the import

        slots = await self._bind_loop()
        async with slots:
            try:
                return await self._fetch(query, params, first_only)
            except psycopg.OperationalError as exc:
                raise sqlalchemy_exc.OperationalError(query, dict(params), exc) from exc
            except psycopg.Error as exc:
                raise sqlalchemy_exc.DBAPIError(query, dict(params), exc) from exc

    @staticmethod
    async def _rows(
        conn: psycopg.AsyncConnection[Any], query: str, params: Mapping[str, Any], first: bool
    ) -> list[tuple[Any, ...]]:
        cursor = await conn.execute(query, params)
        if first:
            row = await cursor.fetchone()
            return [] if row is None else [row]
        return await cursor.fetchall()

    async def _fetch(
        self, query: str, params: Mapping[str, Any], first: bool
    ) -> list[tuple[Any, ...]]:
        import psycopg

        loop = self._loop
        reused = bool(self._idle)
        conn = self._idle.pop() if reused else await self._connect()
        try:
            rows = await self._rows(conn, query, params, first)
        except psycopg.OperationalError:
            await conn.close()
            if not reused:
                raise
            # An idle connection the server dropped (restart, idle timeout): once more
            # on a new connection.
            conn = await self._connect()
            try:
                rows = await self._rows(conn, query, params, first)
            except BaseException:
                await conn.close()
                raise
        except BaseException:
            # Errors and cancellation (client gone mid-query) leave the connection in
            # an unknown state: never hand it to the next request.
            await conn.close()
            raise
        if loop is self._loop and len(self._idle) < self.max_idle and not conn.closed:
            self._idle.append(conn)
        else:
            await conn.close()
        return rows

    async def _connect(self) -> psycopg.AsyncConnection[Any]:
        import psycopg

        return await psycopg.AsyncConnection.connect(
            self.conninfo, autocommit=True, prepare_threshold=self.prepare_threshold
        )

    async def _bind_loop(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        if loop is not self._loop or self._slots is None:
            await self.close()
            self._loop = loop
            self._slots = asyncio.Semaphore(self.max_size)
        return self._slots

    async def close(self) -> None:
        """Close the idle connections (ones in use are closed when they come back)."""
        idle, self._idle = self._idle, []
        for conn in idle:
            await conn.close()
