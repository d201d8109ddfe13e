"""The ``record_run`` local activity: a run's start and end in the hub's ``runs`` table.

It runs on the orchestrator worker, inside the workflow task that ends the run (no
extra round trip to Temporal): one ``UPDATE`` of the run's row in the common case
(``storage.run_listing.record_run``). A worker without a hub database (a test's
engine) registers it without one: the record is then a no-op.
"""

from __future__ import annotations

import asyncio

from sqlalchemy.orm import Session, sessionmaker
from temporalio import activity

from schemas.run_records import RECORD_RUN_ACTIVITY, RunRecord
from storage.run_listing import record_run


class RunRecords:
    def __init__(self, session_factory: sessionmaker[Session] | None = None) -> None:
        self._sessions = session_factory

    @activity.defn(name=RECORD_RUN_ACTIVITY)
    async def record_run(self, record: RunRecord) -> None:
        if self._sessions is None:
            return
        await asyncio.to_thread(self._write, record)

    def _write(self, record: RunRecord) -> None:
        assert self._sessions is not None
        with self._sessions() as session:
            record_run(session, record)
