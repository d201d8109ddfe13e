"""Recording step attempts: one ``step_results`` row per finished attempt of ``invoke_agent``.

Why inside the activity (and not a separate bookkeeping activity): the activity is
the only place that sees every attempt — the workflow only sees the last one — and
writing before the attempt reports to Temporal costs no extra history events.
A failed write of a successful attempt fails the attempt retryably, so a record is
never silently dropped; a retried write of the same attempt updates its row (the
key is run / activity id / attempt). An attempt that never reports (worker crash,
timeout) is recorded ``timed_out`` by the next attempt.

One write path, group commit: attempts are queued, and one writer thread writes what
is queued in one transaction (``ObservabilityRepository.record_attempts``: the lost
attempts' back-fill, one ``INSERT … ON CONFLICT DO UPDATE`` executemany for the
batch, the violations when there are some). Alone, an attempt is written at once;
under load (hundreds of runs in flight) N commits become one and SQLite's writers do
not wait on each other's lock. Each attempt waits for the commit that holds its row
before it reports to Temporal. If a batch fails, its attempts are retried one by one,
so one bad row only fails its own attempt. The session comes from the engine's pool
(``pool_pre_ping`` on PostgreSQL replaces a connection the server dropped).

One fast path is kept, because ``make bench`` shows it is worth more than 10 % of a
local step (bench/README.md, "Issue 19 part 6"): on SQLite a lone first attempt
without violations is written inline on the event loop's thread, with the same
statement (``storage.observability.upsert_attempts``) on a kept connection that never
waits for a lock (``busy_timeout=0``: a locked database sends the attempt to the
queue, which waits and retries) and never checkpoints (the writer thread runs a
passive checkpoint every ``INLINE_CHECKPOINT_EVERY`` inline writes).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from schemas.invoke import SchemaViolationRecord, Usage
from storage.database import discard_connection, event_loop_sqlite_connection, session_scope
from storage.observability import (
    ObservabilityRepository,
    StepAttempt,
    ViolationInput,
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
        # One thread does every queued write.
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="step-results")
        engine = session_factory.kw.get("bind")
        self._engine: Engine | None = engine if isinstance(engine, Engine) else None
        # SQLite: a lone first attempt is written inline, on the event loop's thread.
        self._inline_possible = self._engine is not None and self._engine.dialect.name == "sqlite"
        self._inline: Connection | None = None  # the event loop's thread only
        self._inline_writes = 0

    def close(self) -> None:
        """Close the inline connection and stop the writer thread (after queued writes)."""
        self._drop_inline()
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
        """Write a lone first attempt on SQLite right here; False: leave it to the queue."""
        if not (self._inline_possible and attempt.attempt == 1):
            return False
        assert self._engine is not None
        try:
            if self._inline is None:
                self._inline = event_loop_sqlite_connection(self._engine)
            upsert_attempts(self._inline, [attempt])
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
        discard_connection(connection)

    def _checkpoint(self) -> None:
        assert self._engine is not None
        try:
            with self._engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
        except Exception:  # a later checkpoint (or another connection's) catches up
            logger.warning("WAL checkpoint of the hub database failed", exc_info=True)

    async def _on_writer_thread(self, batch: Sequence[_Pending]) -> None:
        await asyncio.get_running_loop().run_in_executor(self._thread, self._write, batch)

    def _write(self, batch: Sequence[_Pending]) -> None:
        with session_scope(self._sessions) as session:
            ObservabilityRepository(session).record_attempts(
                [(pending.attempt, pending.violations) for pending in batch]
            )


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
