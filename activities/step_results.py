"""Recording step attempts: one ``step_results`` row per finished attempt of ``invoke_agent``.

Why inside the activity (and not a separate bookkeeping activity): the activity is
the only place that sees every attempt — the workflow only sees the last one — and
writing before the attempt reports to Temporal costs no extra history events.
A failed write of a successful attempt fails the attempt retryably, so a record is
never silently dropped; a retried write of the same attempt updates its row (the
key is run / activity id / attempt). An attempt that never reports (worker crash,
timeout) is recorded ``timed_out`` by the next attempt.

Group commit: the attempts of one worker process that finish while a write is in
progress are written together, in one transaction, by one writer at a time. Alone, an
attempt is written at once as before; under load (hundreds of runs in flight) this
turns N commits into one and keeps SQLite's writers from waiting on each other's lock.
Each attempt still waits for the commit that holds its row before it reports to
Temporal. If a batch fails, its attempts are retried one by one, so one bad row only
fails its own attempt.

The write is on every step's critical path, so the common case is kept short: a first
attempt without schema violations is written by one writer thread over one kept
database connection, as a single ``INSERT … ON CONFLICT DO UPDATE`` (executemany for a
batch) — no ORM session, no pool checkout, no read. In the bench this took the write
from ~0.4 to ~0.1 ms on SQLite and ~1.1 to ~0.7 ms on PostgreSQL (where the commit's
WAL flush is most of it). Retried attempts (which back-fill lost ones) and attempts
with violations take the ORM path. A failed write drops the kept connection; when the
database dropped it (a restart, an idle kill) the write is retried at once on a fresh
one, so the attempt does not fail. On SQLite a lone attempt skips the thread hop and is
written inline (see ``StepResultRecorder._write_inline``), on the DB-API connection with
the statement compiled once (``storage.observability.DriverUpsert``): in the bench's
40-step runs SQLAlchemy's per-execution work was most of that write's CPU.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import PoolProxiedConnection

from schemas.invoke import SchemaViolationRecord, Usage
from storage.database import session_scope
from storage.observability import (
    DriverUpsert,
    ObservabilityRepository,
    StepAttempt,
    ViolationInput,
    can_upsert_attempts,
    upsert_attempts,
)
from storage.prices import PriceTable

logger = logging.getLogger(__name__)


#: Most attempts written in one transaction.
MAX_BATCH = 200
#: Inline SQLite writes between two WAL checkpoints (run on the writer thread).
INLINE_CHECKPOINT_EVERY = 500


@dataclass
class _Pending:
    attempt: StepAttempt
    violations: list[ViolationInput]
    written: asyncio.Future[None]


class StepResultRecorder:
    """Writes step attempts and their schema violations; prices tokens."""

    def __init__(self, session_factory: sessionmaker[Session], prices: PriceTable) -> None:
        self._sessions = session_factory
        self._prices = prices
        self._queue: list[_Pending] = []
        self._writer: asyncio.Task[None] | None = None
        engine = session_factory.kw.get("bind")
        self._engine: Engine | None = engine if isinstance(engine, Engine) else None
        # One thread does every write, so the kept connection never changes threads
        # (SQLite connections must not be shared between threads at once).
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="step-results")
        self._connection: Connection | None = None  # used on the writer thread only
        # SQLite: a lone attempt is written inline, on the event loop's thread.
        self._inline_possible = self._engine is not None and self._engine.dialect.name == "sqlite"
        self._inline: PoolProxiedConnection | None = None  # the event loop's thread only
        self._driver_upsert: DriverUpsert | None = None
        self._inline_writes = 0

    def close(self) -> None:
        """Close the kept connections and stop the writer thread (after queued writes)."""
        self._drop_inline()
        self._thread.submit(self._disconnect).result()
        self._thread.shutdown(wait=True)

    def price(self, usage: Usage) -> Usage:
        """``usage`` with ``cost_usd`` from the price table when the agent reported none."""
        if usage.cost_usd or not (usage.input_tokens or usage.output_tokens):
            return usage
        cost = self._prices.cost(
            usage.provider, usage.model, usage.input_tokens, usage.output_tokens
        )
        return usage.model_copy(update={"cost_usd": cost})

    async def record(
        self, attempt: StepAttempt, violations: Sequence[SchemaViolationRecord]
    ) -> None:
        """Write ``attempt`` (and back-fill earlier attempts that never reported)."""
        rows = [
            ViolationInput(
                pointer=v.pointer, message=v.message, repair_attempt=v.attempt, severity=v.severity
            )
            for v in violations
        ]
        if not rows and self._writer_idle() and self._write_inline(attempt):
            return
        pending = _Pending(attempt, rows, asyncio.get_running_loop().create_future())
        self._queue.append(pending)
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._drain())
        # Shielded: an attempt canceled while its row is being written leaves the
        # write to finish (the writer serves the other attempts of the batch too).
        await asyncio.shield(pending.written)

    async def _drain(self) -> None:
        """Write queued attempts, a batch per transaction, until none is left."""
        while self._queue:
            batch, self._queue = self._queue[:MAX_BATCH], self._queue[MAX_BATCH:]
            try:
                await self._on_writer_thread(batch)
            except Exception as err:
                if len(batch) == 1:
                    _settle(batch[0], err)
                    continue
                for pending in batch:  # find the bad row; the others still get written
                    try:
                        await self._on_writer_thread([pending])
                    except Exception as err:
                        _settle(pending, err)
                    else:
                        _settle(pending, None)
                continue
            for pending in batch:
                _settle(pending, None)

    def _writer_idle(self) -> bool:
        return not self._queue and (self._writer is None or self._writer.done())

    def _write_inline(self, attempt: StepAttempt) -> bool:
        """Write a lone first attempt on SQLite right here; False: leave it to the writer.

        Handing a write to the writer thread and back costs more than the write itself
        (~0.1 ms in WAL mode, no fsync). The inline connection never waits: with
        ``busy_timeout=0`` a database locked by another writer makes it give up at once
        (as does any other error), and the attempt takes the queued path, which waits,
        retries and reports errors. It does not checkpoint either: the writer thread
        runs a passive checkpoint every ``INLINE_CHECKPOINT_EVERY`` inline writes, so the
        event loop never waits for a checkpoint's fsync.
        """
        if not (self._inline_possible and attempt.attempt == 1):
            return False
        assert self._engine is not None
        try:
            if self._inline is None:
                self._inline = self._engine.raw_connection()
                self._driver_upsert = DriverUpsert(self._engine.dialect)
                with contextlib.closing(self._inline.cursor()) as cursor:
                    cursor.execute("PRAGMA busy_timeout=0")
                    cursor.execute("PRAGMA wal_autocheckpoint=0")
            assert self._driver_upsert is not None
            with contextlib.closing(self._inline.cursor()) as cursor:
                self._driver_upsert.execute(cursor, [attempt])
            self._inline.commit()
        except Exception:
            self._drop_inline()
            return False
        self._inline_writes += 1
        if self._inline_writes % INLINE_CHECKPOINT_EVERY == 0:
            self._thread.submit(self._checkpoint)
        return True

    def _drop_inline(self) -> None:
        connection, self._inline = self._inline, None
        if connection is not None:
            # Its pragmas differ from the pool's: never hand it back to the pool.
            connection.invalidate()
            connection.close()

    def _checkpoint(self) -> None:
        try:
            with self._engine.connect() as connection:  # type: ignore[union-attr]
                connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
        except Exception:  # a later checkpoint (or another connection's) catches up
            logger.warning("WAL checkpoint of the hub database failed", exc_info=True)

    async def _on_writer_thread(self, batch: Sequence[_Pending]) -> None:
        await asyncio.get_running_loop().run_in_executor(self._thread, self._write, batch)

    def _write(self, batch: Sequence[_Pending]) -> None:
        fast = [p.attempt for p in batch if self._fast_path(p)]
        if fast:
            self._upsert(fast)
        slow = [p for p in batch if not self._fast_path(p)]
        if not slow:
            return
        with session_scope(self._sessions) as session:
            repository = ObservabilityRepository(session)
            for pending in slow:
                attempt = pending.attempt
                if attempt.attempt > 1:
                    repository.record_lost_attempts(attempt, attempt.attempt)
                repository.record_attempt(attempt, pending.violations)

    def _fast_path(self, pending: _Pending) -> bool:
        return (
            self._engine is not None
            and can_upsert_attempts(self._engine.dialect.name)
            and pending.attempt.attempt == 1
            and not pending.violations
        )

    def _upsert(self, attempts: Sequence[StepAttempt]) -> None:
        assert self._engine is not None
        for may_retry in (True, False):
            if self._connection is None:
                self._connection = self._engine.connect()
            try:
                upsert_attempts(self._connection, attempts)
                self._connection.commit()
                return
            except DBAPIError as err:
                # Whatever went wrong, the next write starts on a fresh connection; a
                # connection the database dropped (restart, idle kill) is retried at once.
                self._disconnect()
                if not (may_retry and err.connection_invalidated):
                    raise
            except BaseException:
                self._disconnect()
                raise

    def _disconnect(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            connection.rollback()
            connection.close()
        except Exception:  # a dead connection cannot roll back; drop it from the pool
            connection.invalidate()


def _settle(pending: _Pending, error: BaseException | None) -> None:
    if pending.written.done():
        return
    if error is None:
        pending.written.set_result(None)
    else:
        pending.written.set_exception(error)


def attempt_record(
    *,
    run_id: str,
    app_id: str,
    app_version: str,
    step_id: str,
    item_index: int | None,
    activity_id: str,
    agent_id: str,
    agent_type: str,
    task_queue: str,
    attempt: int,
    status: str,
    started_at: datetime,
    ended_at: datetime,
    usage: Usage | None,
    prompt_versions: dict[str, str],
    error_type: str | None = None,
    error: str | None = None,
) -> StepAttempt:
    """A :class:`StepAttempt` from what the activity knows at the end of an attempt."""
    usage = usage or Usage()
    return StepAttempt(
        run_id=run_id,
        app_id=app_id,
        app_version=app_version,
        step_id=step_id,
        item_index=item_index,
        activity_id=activity_id,
        agent_id=agent_id,
        agent_type=agent_type,
        task_queue=task_queue,
        attempt=attempt,
        status=status,
        started_at=started_at,
        ended_at=ended_at,
        latency_ms=(ended_at - started_at).total_seconds() * 1000,
        input_tokens=usage.input_tokens,
        output_tokens=usage.output_tokens,
        cost_usd=usage.cost_usd,
        model=usage.model,
        provider=usage.provider,
        prompt_versions=dict(prompt_versions),
        error_type=error_type,
        error=error,
    )
