"""``EvaluationWorkflow``: the durable driver of an evaluation.

``POST /apps/{id}/evaluations`` (and a gated deploy) records the evaluation and starts
this workflow (id = the evaluation's id); from then on nothing of it lives in the API
process. For every item of the dataset:

1. ``start_evaluation_item`` writes the item's run row (or says the door refused it);
2. the run is a child ``OrchestrationWorkflow`` of the release's plan, tagged with the
   evaluation (``HubEvaluationId``) — at most ``concurrency`` in flight; one still going
   after ``item_timeout_seconds`` is canceled and its item fails;
3. ``score_evaluation_item`` scores it on a worker (code scorers, the LLM judge when
   asked) and writes it into the report.

``finish_evaluation`` then aggregates, logs to MLflow and marks it completed. A worker
or API crash loses nothing: activities are idempotent and the children keep their ids,
so the workflow picks up where its history stops. Canceling it cancels its runs and
marks the evaluation failed.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.workflow import ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    from schemas.evaluations import (
        EVALUATION_WORKFLOW_TYPE,
        FAIL_EVALUATION_ACTIVITY,
        FINISH_EVALUATION_ACTIVITY,
        SCORE_EVALUATION_ITEM_ACTIVITY,
        START_EVALUATION_ITEM_ACTIVITY,
        EvaluationItemOutcome,
        EvaluationItemToRun,
        EvaluationWorkflowInput,
        FinishEvaluation,
    )
    from schemas.names import ORCHESTRATOR_QUEUE, WORKFLOW_TYPE
    from schemas.runs import RunInput, RunResult
    from schemas.workflow_contract import failure_message

from workflows.search_attributes import evaluation_item_search_attributes

#: Bookkeeping activities are quick database writes, retried for a while.
BOOKKEEPING_TIMEOUT = timedelta(seconds=60)
BOOKKEEPING_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    maximum_interval=timedelta(seconds=30),
    maximum_attempts=20,
)
#: Scoring may ask an LLM judge per field; finishing writes to MLflow.
SCORING_TIMEOUT = timedelta(minutes=10)
SCORING_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=2),
    maximum_interval=timedelta(seconds=60),
    maximum_attempts=10,
)


@workflow.defn(name=EVALUATION_WORKFLOW_TYPE)
class EvaluationWorkflow:
    """Runs and scores every item of an evaluation, a few at a time."""

    @workflow.run
    async def run(self, evaluation: EvaluationWorkflowInput) -> float | None:
        limit = asyncio.Semaphore(max(1, evaluation.concurrency))
        try:
            await asyncio.gather(
                *(self._item(evaluation, index, limit) for index in range(evaluation.items_total))
            )
            score: float | None = await workflow.execute_activity(
                FINISH_EVALUATION_ACTIVITY,
                FinishEvaluation(evaluation_id=evaluation.evaluation_id),
                result_type=float | None,  # type: ignore[arg-type]
                start_to_close_timeout=SCORING_TIMEOUT,
                retry_policy=SCORING_RETRY,
            )
            return score
        except asyncio.CancelledError:
            await self._fail(evaluation.evaluation_id, "the evaluation was canceled")
            raise
        except Exception as err:
            await self._fail(
                evaluation.evaluation_id,
                f"the evaluation could not finish: {failure_message(err)}",
            )
            raise

    async def _fail(self, evaluation_id: str, message: str) -> None:
        # Shielded: a canceled workflow still records why it stopped.
        await asyncio.shield(
            workflow.execute_activity(
                FAIL_EVALUATION_ACTIVITY,
                FinishEvaluation(evaluation_id=evaluation_id, status="failed", error=message),
                start_to_close_timeout=BOOKKEEPING_TIMEOUT,
                retry_policy=BOOKKEEPING_RETRY,
            )
        )

    async def _item(
        self, evaluation: EvaluationWorkflowInput, index: int, limit: asyncio.Semaphore
    ) -> None:
        async with limit:
            item: EvaluationItemToRun = await workflow.execute_activity(
                START_EVALUATION_ITEM_ACTIVITY,
                args=[evaluation.evaluation_id, index],
                result_type=EvaluationItemToRun,
                start_to_close_timeout=BOOKKEEPING_TIMEOUT,
                retry_policy=BOOKKEEPING_RETRY,
            )
            outcome = EvaluationItemOutcome(
                evaluation_id=evaluation.evaluation_id,
                index=index,
                run_id=item.run_id,
                error=item.error,
                judge=evaluation.judge,
            )
            if item.run_id is not None:
                await self._run(evaluation, item, outcome)
            await workflow.execute_activity(
                SCORE_EVALUATION_ITEM_ACTIVITY,
                outcome,
                result_type=float | None,  # type: ignore[arg-type]
                start_to_close_timeout=SCORING_TIMEOUT,
                retry_policy=SCORING_RETRY,
            )

    async def _run(
        self,
        evaluation: EvaluationWorkflowInput,
        item: EvaluationItemToRun,
        outcome: EvaluationItemOutcome,
    ) -> None:
        """The item's run as a child workflow; fills ``outcome`` with how it ended."""
        assert item.run_id is not None
        started = workflow.now()
        handle = await workflow.start_child_workflow(
            WORKFLOW_TYPE,
            RunInput(
                app_id=evaluation.app_id,
                inputs=item.inputs,
                plan=evaluation.plan,
                release_id=evaluation.release_id,
                records=True,
                worker_records_end=True,
            ),
            id=item.run_id,
            task_queue=ORCHESTRATOR_QUEUE,
            result_type=RunResult,
            parent_close_policy=ParentClosePolicy.REQUEST_CANCEL,
            search_attributes=evaluation_item_search_attributes(
                evaluation.plan, item.run_id, evaluation.evaluation_id
            ),
        )
        timeout = evaluation.item_timeout_seconds
        try:
            done, _ = await workflow.wait([handle], timeout=timeout)
            if not done:
                handle.cancel()
                outcome.error = (
                    f"the run did not end within {timeout:g} s (item_timeout_seconds) "
                    "and was canceled"
                )
                try:
                    await handle
                except (asyncio.CancelledError, Exception):  # noqa: BLE001 - it was canceled
                    workflow.logger.debug("run %s canceled", item.run_id)
            else:
                result: RunResult = handle.result()
                outcome.status = "completed"
                outcome.outputs = dict(result.outputs)
                outcome.cost_usd = float(result.cost_usd or 0.0)
                outcome.tokens = int(result.total_tokens or 0)
        except asyncio.CancelledError:
            raise
        except Exception as err:  # a failed run fails its item, never the evaluation
            outcome.error = failure_message(err)
        outcome.latency_ms = (workflow.now() - started).total_seconds() * 1000
