"""Recording step attempts: one ``step_results`` row per finished attempt of ``invoke_agent``.

Why inside the activity (and not a separate bookkeeping activity): the activity is
the only place that sees every attempt — the workflow only sees the last one — and
writing before the attempt reports to Temporal costs no extra history events.
A failed write of a successful attempt fails the attempt retryably, so a record is
never silently dropped; a retried write of the same attempt updates its row (the
key is run / activity id / attempt). An attempt that never reports (worker crash,
timeout) is recorded ``timed_out`` by the next attempt.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from schemas.invoke import SchemaViolationRecord, Usage
from storage.database import session_scope
from storage.observability import ObservabilityRepository, StepAttempt, ViolationInput
from storage.prices import PriceTable

logger = logging.getLogger(__name__)


class StepResultRecorder:
    """Writes step attempts and their schema violations; prices tokens."""

    def __init__(self, session_factory: sessionmaker[Session], prices: PriceTable) -> None:
        self._sessions = session_factory
        self._prices = prices

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
        await asyncio.to_thread(self._write, attempt, rows)

    def _write(self, attempt: StepAttempt, violations: list[ViolationInput]) -> None:
        with session_scope(self._sessions) as session:
            repository = ObservabilityRepository(session)
            if attempt.attempt > 1:
                repository.record_lost_attempts(attempt, attempt.attempt)
            repository.record_attempt(attempt, violations)


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
