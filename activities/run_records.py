"""The ``record_run`` local activity: a run's start and end in the hub's ``runs`` table.

It runs on the orchestrator worker, inside the workflow task that ends the run (no
extra round trip to Temporal): one ``UPDATE`` of the run's row in the common case
(``storage.run_listing.record_end``). A worker without a hub database (a test's
engine) registers it without one: the record is then a no-op.

On SQLite an end is written inline, on the event loop's thread, on a kept connection
that never waits for a lock (``busy_timeout=0``) and never checkpoints, as the
step-results recorder writes a lone attempt (``activities/step_results.py``): no thread
hop and no ORM session for the one statement. A locked database, a run without a row
and every other backend take the thread path (``storage.run_listing.record_run``).
"""

from __future__ import annotations

import asyncio

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker
from temporalio import activity

from schemas.run_records import RECORD_RUN_ACTIVITY, RunRecord
from storage.database import discard_connection, event_loop_sqlite_connection
from storage.run_listing import record_end, record_run


class RunRecords:
    def __init__(self, session_factory: sessionmaker[Session] | None = None) -> None:
        self._sessions = session_factory
        engine = session_factory.kw.get("bind") if session_factory is not None else None
        self._engine = engine if isinstance(engine, Engine) else None
        self._inline_possible = self._engine is not None and self._engine.dialect.name == "sqlite"
        self._inline: Connection | None = None  # the event loop's thread only

    @activity.defn(name=RECORD_RUN_ACTIVITY)
    async def record_run(self, record: RunRecord) -> None:
        if self._sessions is None:
            return
        if record.status != "running" and self._end_inline(record):
            return
        await asyncio.to_thread(self._write, record)

    def _drop_inline(self) -> None:
        connection, self._inline = self._inline, None
        discard_connection(connection)

    def _end_inline(self, record: RunRecord) -> bool:
        """The end on SQLite, right here; False: leave it to the thread path."""
        if not self._inline_possible:
            return False
        assert self._engine is not None
        try:
            if self._inline is None:
                self._inline = event_loop_sqlite_connection(self._engine)
            written = record_end(self._inline, record)
            self._inline.commit()
        except Exception:
            self._drop_inline()
            return False
        return written

    def _write(self, record: RunRecord) -> None:
        assert self._sessions is not None
        with self._sessions() as session:
            record_run(session, record)
