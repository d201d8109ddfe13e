"""Engine and session factories for SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool


def is_sqlite(database_url: str) -> bool:
    """Whether ``database_url`` points at SQLite."""
    return make_url(database_url).get_backend_name() == "sqlite"


def create_db_engine(
    database_url: str, *, echo: bool = False, pool_size: int = 5, max_overflow: int = 10
) -> Engine:
    """An engine configured for the backend of ``database_url``.

    SQLite: WAL journal (readers never block the writer), foreign keys enforced
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
