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
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from schemas.invoke import SchemaViolationRecord, Usage
from storage.database import session_scope
from storage.observability import ObservabilityRepository, StepAttempt, ViolationInput
from storage.prices import PriceTable

logger = logging.getLogger(__name__)


#: Most attempts written in one transaction.
MAX_BATCH = 200


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
            ViolationInput(pointer=v.pointer, message=v.message, repair_attempt=v.attempt)
            for v in violations
        ]
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
                await asyncio.to_thread(self._write, batch)
            except Exception as err:
                if len(batch) == 1:
                    _settle(batch[0], err)
                    continue
                for pending in batch:  # find the bad row; the others still get written
                    try:
                        await asyncio.to_thread(self._write, [pending])
                    except Exception as err:
                        _settle(pending, err)
                    else:
                        _settle(pending, None)
                continue
            for pending in batch:
                _settle(pending, None)

    def _write(self, batch: Sequence[_Pending]) -> None:
        with session_scope(self._sessions) as session:
            repository = ObservabilityRepository(session)
            for pending in batch:
                attempt = pending.attempt
                if attempt.attempt > 1:
                    repository.record_lost_attempts(attempt, attempt.attempt)
                repository.record_attempt(attempt, pending.violations)


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
