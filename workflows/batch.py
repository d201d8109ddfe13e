"""``BatchWorkflow``: runs a batch's items as child ``OrchestrationWorkflow`` runs.

- At most ``max_concurrency`` children run at once. Items are claimed from the database
  a few at a time (the ``claim_batch_items`` activity), so neither this workflow's memory
  nor its history ever holds the whole batch: after :data:`ITEMS_PER_RUN` items it lets
  its children finish and continues as new, carrying only counters and a cursor.
- Each child's outcome (outputs, error, cost) is written by ``record_batch_item``.
- Claims and outcomes are local activities: short, idempotent database writes on this
  worker, with no task-queue round trip per item.
- Once the recorded cost reaches ``max_cost_usd`` no further item starts; the rest are
  marked canceled by ``finish_batch`` with the reason.
- Cancelling the batch cancels its running children.
- A worker crash loses nothing: claims are keyed by the cursor, so a retried claim hands
  back the same items, and children are started with their item's run id.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.workflow import ParentClosePolicy

# Pure pydantic contracts, passed through the sandbox when there is one (see
# workflows/orchestration.py for why).
with workflow.unsafe.imports_passed_through():
    from schemas.names import ORCHESTRATOR_QUEUE, WORKFLOW_TYPE
    from schemas.runs import RunInput, RunResult
    from schemas.triggers import (
        BATCH_WORKFLOW_TYPE,
        CLAIM_BATCH_ITEMS_ACTIVITY,
        FINISH_BATCH_ACTIVITY,
        RECORD_BATCH_ITEM_ACTIVITY,
        BatchItemOutcome,
        BatchItemToRun,
        BatchWorkflowInput,
        ClaimBatchItems,
        FinishBatch,
    )

from schemas.workflow_contract import failure_message
from workflows.search_attributes import batch_item_search_attributes

#: Items one run of the workflow starts before it continues as new (bounds its history).
ITEMS_PER_RUN = 500
#: Bookkeeping activities are quick database writes, retried for a while.
BOOKKEEPING_TIMEOUT = timedelta(seconds=60)
BOOKKEEPING_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    maximum_interval=timedelta(seconds=30),
    maximum_attempts=20,
)


@workflow.defn(name=BATCH_WORKFLOW_TYPE)
class BatchWorkflow:
    """The durable parent of a batch's runs."""

    def __init__(self) -> None:
        self._running: dict[int, asyncio.Task[BatchItemOutcome]] = {}

    @workflow.run
    async def run(self, batch: BatchWorkflowInput) -> FinishBatch:
        cost = batch.cost_usd
        cursor = batch.after_position
        started_here = 0
        exhausted = False
        capped = False
        try:
            while True:
                capped = batch.max_cost_usd is not None and cost >= batch.max_cost_usd
                free = batch.max_concurrency - len(self._running)
                may_claim = not exhausted and not capped and started_here < ITEMS_PER_RUN
                if may_claim and free > 0:
                    limit = min(free, ITEMS_PER_RUN - started_here)
                    items = await workflow.execute_local_activity(
                        CLAIM_BATCH_ITEMS_ACTIVITY,
                        ClaimBatchItems(
                            batch_id=batch.batch_id,
                            app_id=batch.app_id,
                            limit=limit,
                            after_position=cursor,
                        ),
                        result_type=list[BatchItemToRun],
                        start_to_close_timeout=BOOKKEEPING_TIMEOUT,
                        retry_policy=BOOKKEEPING_RETRY,
                    )
                    if len(items) < limit:
                        exhausted = True
                    for item in items:
                        cursor = max(cursor, item.position)
                        started_here += 1
                        self._running[item.position] = asyncio.create_task(
                            self._run_item(batch, item)
                        )
                if not self._running:
                    break
                done, _ = await workflow.wait(
                    list(self._running.values()), return_when=asyncio.FIRST_COMPLETED
                )
                for position in [p for p, t in self._running.items() if t in done]:
                    outcome = self._running.pop(position).result()
                    cost += outcome.cost_usd
        except asyncio.CancelledError:
            for task in self._running.values():
                task.cancel()
            await self._finish(batch.batch_id, "canceled", cost, "the batch was canceled")
            raise
        capped = batch.max_cost_usd is not None and cost >= batch.max_cost_usd
        if not exhausted and not capped:
            workflow.continue_as_new(
                batch.model_copy(
                    update={
                        "cost_usd": cost,
                        "started": batch.started + started_here,
                        "after_position": cursor,
                    }
                )
            )
        error = (
            f"the batch's cost cap of ${batch.max_cost_usd:g} was reached (${cost:.4f} spent); "
            "items not started were canceled"
            if capped and not exhausted
            else None
        )
        return await self._finish(batch.batch_id, "completed", cost, error)

    async def _finish(
        self, batch_id: str, status: str, cost: float, error: str | None
    ) -> FinishBatch:
        finish = FinishBatch(batch_id=batch_id, status=status, cost_usd=cost, error=error)
        await workflow.execute_activity(
            FINISH_BATCH_ACTIVITY,
            finish,
            start_to_close_timeout=BOOKKEEPING_TIMEOUT,
            retry_policy=BOOKKEEPING_RETRY,
        )
        return finish

    async def _run_item(self, batch: BatchWorkflowInput, item: BatchItemToRun) -> BatchItemOutcome:
        outcome = BatchItemOutcome(batch_id=batch.batch_id, position=item.position, status="failed")
        try:
            result = await workflow.execute_child_workflow(
                WORKFLOW_TYPE,
                RunInput(
                    app_id=batch.app_id, inputs=item.inputs, records=True, worker_records_end=True
                ),
                id=item.run_id,
                task_queue=ORCHESTRATOR_QUEUE,
                result_type=RunResult,
                parent_close_policy=ParentClosePolicy.REQUEST_CANCEL,
                search_attributes=batch_item_search_attributes(
                    batch.app_id, item.run_id, batch.batch_id
                ),
            )
            outcome.status = "completed"
            outcome.outputs = dict(result.outputs)
            outcome.cost_usd = result.cost_usd
        except asyncio.CancelledError:
            outcome.status = "canceled"
            outcome.error = "the batch was canceled"
            raise
        except Exception as err:  # a failed child fails its item, never the batch
            outcome.error = failure_message(err)
        recorded: float = await workflow.execute_local_activity(
            RECORD_BATCH_ITEM_ACTIVITY,
            outcome,
            result_type=float,
            start_to_close_timeout=BOOKKEEPING_TIMEOUT,
            retry_policy=BOOKKEEPING_RETRY,
        )
        outcome.cost_usd = recorded
        return outcome
