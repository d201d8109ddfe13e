"""Engine and session factories for SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy import exc as sqlalchemy_exc
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

if TYPE_CHECKING:
    import psycopg
    from psycopg_pool import AsyncConnectionPool


def is_sqlite(database_url: str) -> bool:
    """Whether ``database_url`` points at SQLite."""
    return make_url(database_url).get_backend_name() == "sqlite"


def create_db_engine(
    database_url: str, *, echo: bool = False, pool_size: int = 5, max_overflow: int = 10
) -> Engine:
    """An engine configured for the backend of ``database_url``.

    SQLite: WAL journal (readers never block the writer) synced at checkpoints
    (``synchronous=NORMAL``), foreign keys enforced
    (SQLite ignores them by default, which would break ``ON DELETE CASCADE``) and
    connections usable from any thread (FastAPI runs sync routes in a pool).
    PostgreSQL: ``pool_pre_ping`` so a restarted server does not fail the next request,
    and a pool of ``pool_size`` kept connections plus ``max_overflow`` extra ones; size
    the sum to the threads that use it at once, or requests queue for a connection.
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


def postgresql_conninfo(database_url: str) -> str:
    """``database_url`` as a libpq URI (SQLAlchemy's ``+psycopg`` driver suffix dropped)."""
    url = make_url(database_url)
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


class AsyncReadPool:
    """Autocommit psycopg connections (a :mod:`psycopg_pool` pool) for hot async reads.

    A read is one round trip: no pre-ping, no ``BEGIN``/``COMMIT`` around a single
    ``SELECT``, no worker thread. Connections are made on demand, at most ``max_size``;
    a read waits up to ``timeout`` seconds for one (an unreachable server fails the read
    then). A read that fails with an operational error (the server restarted and dropped
    the pool's idle connections) has the pool check its idle connections and is retried
    once, which is what ``pool_pre_ping`` buys the synchronous engine.

    Errors come out as SQLAlchemy's ``OperationalError`` / ``DBAPIError`` so callers
    and the API's error mapping handle them as they handle the engine's.

    The pool belongs to the event loop that opened it: when the running loop changes
    (test clients start one per context), a new pool is opened on it.
    """

    def __init__(self, database_url: str, *, max_size: int = 10, timeout: float = 5.0):
        self.conninfo = postgresql_conninfo(database_url)
        self.max_size = max_size
        self.timeout = timeout
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pool: AsyncConnectionPool[psycopg.AsyncConnection[Any]] | None = None

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
        from psycopg_pool import PoolTimeout

        try:
            pool = await self._bound_pool()
            try:
                return await self._rows(pool, query, params, first_only)
            except psycopg.OperationalError:
                await pool.check()  # drop the idle connections the server closed
                return await self._rows(pool, query, params, first_only)
        except (psycopg.OperationalError, PoolTimeout) as exc:
            raise sqlalchemy_exc.OperationalError(query, dict(params), exc) from exc
        except psycopg.Error as exc:
            raise sqlalchemy_exc.DBAPIError(query, dict(params), exc) from exc

    async def _rows(
        self,
        pool: AsyncConnectionPool[psycopg.AsyncConnection[Any]],
        query: str,
        params: Mapping[str, Any],
        first: bool,
    ) -> list[tuple[Any, ...]]:
        # A connection that fails or is cancelled mid-query goes back broken: the pool
        # discards it rather than hand it to the next read.
        async with pool.connection(timeout=self.timeout) as conn:
            cursor = await conn.execute(query, params)
            if first:
                row = await cursor.fetchone()
                return [] if row is None else [row]
            return await cursor.fetchall()

    async def _bound_pool(self) -> AsyncConnectionPool[psycopg.AsyncConnection[Any]]:
        from psycopg_pool import AsyncConnectionPool

        loop = asyncio.get_running_loop()
        if self._pool is None or loop is not self._loop:
            self._pool, self._loop = None, loop  # an older loop's pool is left to it
            pool: AsyncConnectionPool[psycopg.AsyncConnection[Any]] = AsyncConnectionPool(
                self.conninfo,
                min_size=0,
                max_size=self.max_size,
                kwargs={"autocommit": True},
                timeout=self.timeout,
                open=False,
            )
            await pool.open()
            self._pool = pool
        return self._pool

    async def close(self) -> None:
        """Close the pool's connections (a later read opens a new pool)."""
        pool, self._pool = self._pool, None
        if pool is not None and self._loop is asyncio.get_running_loop():
            await pool.close()
