"""Bookkeeping activities of ``BatchWorkflow``: claim items, record outcomes, finish.

Every write is idempotent, so Temporal may retry any of them: a claim is keyed by the
workflow's cursor (a retried claim returns the same items, with the run ids they were
given), an outcome overwrites its item, and the batch's cost is re-summed from its items.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker
from temporalio import activity

from schemas.triggers import (
    CLAIM_BATCH_ITEMS_ACTIVITY,
    FINISH_BATCH_ACTIVITY,
    RECORD_BATCH_ITEM_ACTIVITY,
    BatchItemOutcome,
    BatchItemToRun,
    ClaimBatchItems,
    FinishBatch,
)
from storage.models import Batch, BatchItem, Run, StepResult, utc_now

#: Nested output fields deeper than this are kept as JSON text in one column.
MAX_FLATTEN_DEPTH = 6


def flatten_outputs(outputs: dict[str, Any]) -> dict[str, Any]:
    """``{"2": {"analysis": {"grade": "B"}}}`` → ``{"2.analysis.grade": "B"}``; lists and
    deep values become JSON text, so every value fits one CSV cell."""
    flat: dict[str, Any] = {}

    def walk(prefix: str, value: Any, depth: int) -> None:
        if isinstance(value, dict) and value and depth < MAX_FLATTEN_DEPTH:
            for key, item in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), item, depth + 1)
        elif isinstance(value, (dict, list)):
            flat[prefix] = json.dumps(value, sort_keys=True, default=str)
        else:
            flat[prefix] = value

    walk("", outputs, 0)
    return flat


def batch_run_id() -> str:
    return f"run-{uuid.uuid4().hex[:16]}"


class BatchActivities:
    """The batch workflow's reads and writes of the hub database."""

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._sessions = session_factory

    @activity.defn(name=CLAIM_BATCH_ITEMS_ACTIVITY)
    async def claim_batch_items(self, claim: ClaimBatchItems) -> list[BatchItemToRun]:
        """The next items after the cursor, marked running, each with its run's row."""
        return await asyncio.to_thread(self._claim, claim)

    def _claim(self, claim: ClaimBatchItems) -> list[BatchItemToRun]:
        with self._sessions() as session:
            batch = session.get(Batch, claim.batch_id)
            if batch is None or batch.status == "canceled":
                return []
            items = session.scalars(
                select(BatchItem)
                .where(
                    BatchItem.batch_id == claim.batch_id,
                    BatchItem.position > claim.after_position,
                    BatchItem.status.in_(("pending", "running")),
                )
                .order_by(BatchItem.position)
                .limit(claim.limit)
            ).all()
            now = utc_now()
            claimed = []
            for item in items:
                if item.run_id is None or item.status == "pending":
                    item.run_id = batch_run_id()
                item.status = "running"
                item.updated_at = now
                if session.get(Run, item.run_id) is None:
                    session.add(
                        Run(
                            id=item.run_id,
                            app_id=claim.app_id,
                            workflow_id=item.run_id,
                            status="running",
                            inputs=item.inputs,
                            created_at=now,
                            updated_at=now,
                            trigger_kind="batch",
                            trigger_id=claim.batch_id,
                        )
                    )
                claimed.append(
                    BatchItemToRun(position=item.position, run_id=item.run_id, inputs=item.inputs)
                )
            session.commit()
            return claimed

    @activity.defn(name=RECORD_BATCH_ITEM_ACTIVITY)
    async def record_batch_item(self, outcome: BatchItemOutcome) -> float:
        """Write an item's outcome; returns its cost (the run's recorded step costs when
        the run failed before it could report them)."""
        return await asyncio.to_thread(self._record, outcome)

    def _record(self, outcome: BatchItemOutcome) -> float:
        with self._sessions() as session:
            item = session.scalars(
                select(BatchItem).where(
                    BatchItem.batch_id == outcome.batch_id,
                    BatchItem.position == outcome.position,
                )
            ).first()
            if item is None:
                return 0.0
            cost = outcome.cost_usd
            if item.run_id and not cost:
                recorded = session.scalar(
                    select(func.coalesce(func.sum(StepResult.cost_usd), 0.0)).where(
                        StepResult.run_id == item.run_id
                    )
                )
                cost = float(recorded or 0.0)
            now = utc_now()
            item.status = outcome.status
            item.outputs = flatten_outputs(outcome.outputs) if outcome.outputs else None
            item.error = outcome.error
            item.cost_usd = cost
            item.updated_at = now
            if item.run_id:
                session.execute(
                    update(Run)
                    .where(Run.id == item.run_id)
                    .values(
                        status=outcome.status, error=outcome.error, ended_at=now, updated_at=now
                    )
                )
            session.flush()  # the sum below must see this item's cost
            batch = session.get(Batch, outcome.batch_id)
            if batch is not None:
                batch.cost_usd = float(
                    session.scalar(
                        select(func.coalesce(func.sum(BatchItem.cost_usd), 0.0)).where(
                            BatchItem.batch_id == outcome.batch_id
                        )
                    )
                    or 0.0
                )
                batch.updated_at = now
            session.commit()
            return cost

    @activity.defn(name=FINISH_BATCH_ACTIVITY)
    async def finish_batch(self, finish: FinishBatch) -> None:
        """The batch's final status; items never started (cost cap, cancel) are canceled."""
        await asyncio.to_thread(self._finish, finish)

    def _finish(self, finish: FinishBatch) -> None:
        with self._sessions() as session:
            now = utc_now()
            reason = finish.error or "the batch ended before this item started"
            session.execute(
                update(BatchItem)
                .where(
                    BatchItem.batch_id == finish.batch_id,
                    BatchItem.status.in_(("pending", "running")),
                )
                .values(status="canceled", error=reason, updated_at=now)
            )
            batch = session.get(Batch, finish.batch_id)
            if batch is not None:
                batch.status = finish.status
                batch.error = finish.error
                batch.ended_at = now
                batch.updated_at = now
            session.commit()
