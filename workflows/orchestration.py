"""``OrchestrationWorkflow``: the one generic workflow that executes an app's plan.

Semantics (the contract the API, the CLI and the tests rely on):

- A step starts as soon as every step it depends on (``depends_on`` plus the steps
  its inputs read from) has finished; independent steps run in parallel, at most
  ``limits.max_parallel_steps`` agent steps at once (approval gates do not count).
- A step whose ``when`` is false is ``skipped``. A step depending on a skipped or
  failed step is ``skipped`` too: its inputs do not exist, so it cannot run.
- Data flow: a step's inputs reach the agent under their ``as`` names (default: their
  ``field`` names); a ``foreach`` item under its ``as`` name. A step
  declaring one output gets the agent's whole result under that name; several
  outputs pick the agent's keys of those names; none keeps the agent's result.
  A ``foreach`` step collects one value per item, in item order (``results`` when
  it declares no outputs).
- ``on_error: continue`` marks a failing step ``failed`` and carries on;
  ``fail`` fails the run with an error naming the step and the agent's message.
- Approval steps wait for the ``approve`` update; its outputs are the approver's
  payload plus ``approved``, ``approver`` and ``comment``.
- Run limits (``max_steps`` counts agent invocations, each ``foreach`` item
  included; ``max_tokens``; ``max_cost_usd``) fail the run when exceeded.
- Activity ids are the step id, or ``{step_id}[{index}]`` for ``foreach`` items, so a
  reset can find the first event of a step.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import (
    ActivityError,
    ApplicationError,
    FailureError,
    is_cancelled_exception,
)

# Workers run this workflow unsandboxed by default (workers.builders.workflow_runner);
# with HUB_WORKFLOW_SANDBOX the shared contracts, pydantic models that do no I/O, are
# passed through the sandbox: one copy of each class (so pydantic validation and the
# data converter agree) and no re-import of pydantic for every run. Whatever this
# module imports must stay deterministic: tests/workflows/test_determinism_guard.py.
with workflow.unsafe.imports_passed_through():
    from schemas.agent_calls import (
        INVOKE_AGENT_ACTIVITY,
        LOAD_PLAN_ACTIVITY,
        NON_RETRYABLE_AGENT_ERRORS,
        PLAN_NOT_DEPLOYED,
        RUN_INPUT_INVALID,
        InvokeAgentInput,
        InvokeAgentResult,
        LoadPlanInput,
    )
    from schemas.invoke import Usage
    from schemas.names import WORKFLOW_TYPE, agent_queue
    from schemas.orchestration import ExecutionPlan, PlanApproval, PlanInput, PlanStep
    from schemas.run_records import (
        RECORD_RUN_ACTIVITY,
        RECORD_RUN_PATCH,
        RecordedStatus,
        RunRecord,
    )
    from schemas.runs import (
        ApprovalDecision,
        RunInput,
        RunProgress,
        RunResult,
        StepProgress,
        StepState,
    )

from schemas.triggers import TRIGGER_KINDS
from schemas.workflow_contract import (
    APP_VERSION_KEY,
    APPROVE_UPDATE,
    EVALUATION_ID_KEY,
    HUB_TRIGGER_ID_KEY,
    HUB_TRIGGER_KEY,
    PROGRESS_QUERY,
    failure_message,
)
from workflows.conditions import evaluate_condition
from workflows.payload_schema import schema_violations
from workflows.search_attributes import missing_updates, run_search_attributes

#: Loading a plan is a quick database read; retried briefly, never when undeployed.
LOAD_PLAN_TIMEOUT = timedelta(seconds=30)
LOAD_PLAN_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    maximum_interval=timedelta(seconds=10),
    maximum_attempts=5,
    non_retryable_error_types=[PLAN_NOT_DEPLOYED, RUN_INPUT_INVALID],
)
#: The run's record in the hub database (a local activity on this worker): quick, and
#: never the reason a run fails (a record that cannot be written is left to the
#: visibility reconcile).
RECORD_RUN_TIMEOUT = timedelta(seconds=10)
RECORD_RUN_RETRY = RetryPolicy(
    initial_interval=timedelta(milliseconds=200),
    maximum_interval=timedelta(seconds=2),
    maximum_attempts=3,
)
#: Agents heartbeat while waiting for the service; a dead worker is noticed this fast.
DEFAULT_HEARTBEAT_TIMEOUT = timedelta(seconds=30)

FINISHED_STATES: frozenset[str] = frozenset({"completed", "failed", "skipped", "canceled"})

# ``ApplicationError.type`` values raised by the workflow itself.
STEP_FAILED = "StepFailed"
STEP_INPUT_MISSING = "StepInputMissing"
AGENT_OUTPUT_MISSING = "AgentOutputMissing"
INVALID_FOREACH_INPUT = "InvalidForeachInput"
INVALID_PLAN = "InvalidPlan"
CONDITION_ERROR = "ConditionError"
LIMIT_EXCEEDED = "LimitExceeded"
APPROVAL_REJECTED = "ApprovalRejected"
APPROVAL_TIMED_OUT = "ApprovalTimedOut"
APPROVAL_INVALID = "ApprovalInvalid"

#: Errors of one step that ``on_error: continue`` tolerates; all others fail the run.
_STEP_LEVEL_ERRORS = frozenset(
    {STEP_INPUT_MISSING, AGENT_OUTPUT_MISSING, INVALID_FOREACH_INPUT, CONDITION_ERROR}
)


def _timestamp() -> datetime:
    """The workflow's time (deterministic); a step's JSON carries it as ``UtcDatetime``."""
    return workflow.now().astimezone(UTC)


def _failure_attempt(err: BaseException) -> int:
    """The attempt number the activity reported in its failure details (1 if unknown)."""
    cause = err.cause if isinstance(err, ActivityError) else None
    if isinstance(cause, ApplicationError) and cause.details:
        first = cause.details[0]
        if isinstance(first, dict) and isinstance(first.get("attempt"), int):
            return int(first["attempt"])
    return 1


def _add_usage(total: Usage, extra: Usage) -> Usage:
    return Usage(
        input_tokens=total.input_tokens + extra.input_tokens,
        output_tokens=total.output_tokens + extra.output_tokens,
        model=extra.model or total.model,
        provider=extra.provider or total.provider,
        latency_ms=total.latency_ms + extra.latency_ms,
        cost_usd=total.cost_usd + extra.cost_usd,
    )


def step_retry_policy(step: PlanStep) -> RetryPolicy:
    """The step's ``retry`` as a Temporal policy; schema and 4xx errors never retry."""
    retry = step.retry
    return RetryPolicy(
        initial_interval=timedelta(seconds=retry.initial_interval_seconds),
        backoff_coefficient=retry.backoff_coefficient,
        maximum_interval=timedelta(seconds=retry.max_interval_seconds),
        maximum_attempts=retry.max_attempts,
        non_retryable_error_types=list(NON_RETRYABLE_AGENT_ERRORS),
    )


def _records(input: RunInput) -> bool:
    """Whether the run records itself in the hub database.

    A hub start says so (``input.records``): no patch marker, so no upsert of
    ``TemporalChangeVersion`` (a server update per run). Any other start asks the patch.
    A hub start that a worker from before ``records`` ran first holds the marker: on
    replay it is matched (``patched`` writes nothing while replaying).
    """
    if input.records:
        if workflow.unsafe.is_replaying():
            workflow.patched(RECORD_RUN_PATCH)
        return True
    return workflow.patched(RECORD_RUN_PATCH)


def activity_id_for(step_id: str, item_index: int | None) -> str:
    """``step_id`` or ``step_id[index]``: what a reset looks for in history."""
    return step_id if item_index is None else f"{step_id}[{item_index}]"


@workflow.defn(name=WORKFLOW_TYPE)
class OrchestrationWorkflow:
    """Executes an :class:`ExecutionPlan` DAG; see the module docstring for semantics."""

    @workflow.init
    def __init__(self, input: RunInput) -> None:
        self._app_id = input.app_id
        self._inputs: dict[str, Any] = dict(input.inputs)
        self._plan: ExecutionPlan | None = None
        self._steps: dict[str, PlanStep] = {}
        self._deps: dict[str, list[str]] = {}
        self._progress: dict[str, StepProgress] = {}
        self._outputs: dict[str, dict[str, Any]] = {}
        self._approvals: dict[str, ApprovalDecision] = {}
        self._usage = Usage()
        self._invocations = 0

    # ----------------------------------------------------------------- run

    @workflow.run
    async def run(self, input: RunInput) -> RunResult:
        """Load (or take) the plan, execute it, and return every step's outputs.

        The run records its end in the hub database (and its start, when it was started
        without a row there): completed, failed or canceled, before the result is out.
        The hub's starters say so in the input (``records``); other runs ask the patch,
        so runs whose history began before the records (no patch marker) replay without.
        """
        if not _records(input):
            return await self._run(input, record=False)
        if input.worker_records_end:
            # The orchestrator worker writes the end as this run's last task completes
            # (activities.run_records): no local activity, no extra activation.
            return await self._run(input, record=True)
        try:
            result = await self._run(input, record=True)
        except asyncio.CancelledError:
            await self._record("canceled", "canceled")
            raise
        except FailureError as err:
            # What Temporal closes the run as: canceled, or failed (other exceptions
            # fail the workflow task, which is retried: the run has not ended).
            if is_cancelled_exception(err):
                await self._record("canceled", "canceled")
            else:
                await self._record("failed", failure_message(err))
            raise
        await self._record("completed")
        return result

    async def _run(self, input: RunInput, *, record: bool) -> RunResult:
        plan = input.plan or await self._load_plan(input.app_id)
        self._install_plan(plan)
        if self._upsert_search_attributes(plan) and record:
            # Started without the API (schedule, Temporal CLI, batch): maybe no row yet.
            await self._record("running")
        await self._execute(plan)
        usage = self._usage
        return RunResult(
            app_id=self._app_id,
            app_version=plan.app_version,
            outputs={sid: out for sid, out in self._outputs.items()},
            steps=[p.model_copy() for p in self._progress.values()],
            usage=usage,
            total_tokens=usage.input_tokens + usage.output_tokens,
            cost_usd=usage.cost_usd,
        )

    async def _load_plan(self, app_id: str) -> ExecutionPlan:
        try:
            plan: ExecutionPlan = await workflow.execute_activity(
                LOAD_PLAN_ACTIVITY,
                # The loader checks the run's inputs against the plan, as the API does.
                LoadPlanInput(app_id=app_id, inputs=self._inputs),
                result_type=ExecutionPlan,
                start_to_close_timeout=LOAD_PLAN_TIMEOUT,
                retry_policy=LOAD_PLAN_RETRY,
            )
        except ActivityError as err:
            # Surface the loader's own words ("deploy it with …") as the run's error.
            cause = err.cause
            raise ApplicationError(
                failure_message(err),
                type=cause.type if isinstance(cause, ApplicationError) else PLAN_NOT_DEPLOYED,
                non_retryable=True,
            ) from err
        return plan

    def _install_plan(self, plan: ExecutionPlan) -> None:
        if plan.app_id != self._app_id:
            raise ApplicationError(
                f"the plan belongs to app '{plan.app_id}', not '{self._app_id}'; "
                "start the run with the plan of the same app",
                type=INVALID_PLAN,
                non_retryable=True,
            )
        seen: set[str] = set()
        for step in plan.steps:
            if step.id in seen:
                raise ApplicationError(
                    f"step id '{step.id}' appears twice in the plan; recompile the orchestration",
                    type=INVALID_PLAN,
                    non_retryable=True,
                )
            deps = list(step.depends_on)
            deps += [i.step_id for i in step.inputs if i.source == "step" and i.step_id]
            if step.foreach and step.foreach.input.source == "step" and step.foreach.input.step_id:
                deps.append(step.foreach.input.step_id)
            unknown = [d for d in deps if d not in seen]
            if unknown:
                raise ApplicationError(
                    f"step '{step.id}' depends on {unknown}, which do not come before it in "
                    "the plan; recompile the orchestration",
                    type=INVALID_PLAN,
                    non_retryable=True,
                )
            if step.kind == "agent" and not (
                step.task_queue or step.agent_type or (step.agent_id in plan.agents)
            ):
                raise ApplicationError(
                    f"step '{step.id}' names agent '{step.agent_id}', which the plan does not "
                    "define; recompile the orchestration",
                    type=INVALID_PLAN,
                    non_retryable=True,
                )
            self._deps[step.id] = list(dict.fromkeys(deps))
            seen.add(step.id)
        self._plan = plan
        self._steps = {s.id: s for s in plan.steps}
        self._progress = {s.id: StepProgress(step_id=s.id) for s in plan.steps}

    def _upsert_search_attributes(self, plan: ExecutionPlan) -> bool:
        """Upsert the run's search attributes the starter did not set already; whether
        there were any (the API sets them all)."""
        info = workflow.info()
        wanted = run_search_attributes(plan, info.workflow_id)
        updates = missing_updates(wanted, info.typed_search_attributes)
        if updates:
            workflow.upsert_search_attributes(updates)
        return bool(updates)

    async def _record(self, status: RecordedStatus, error: str | None = None) -> None:
        """The run's row in the hub database, by the ``record_run`` local activity."""
        info = workflow.info()
        attributes = info.typed_search_attributes
        plan = self._plan
        trigger = attributes.get(HUB_TRIGGER_KEY) or "cli"
        record = RunRecord(
            run_id=info.workflow_id,
            app_id=self._app_id,
            app_version=attributes.get(APP_VERSION_KEY) or (plan.app_version if plan else ""),
            agent_types=sorted({a.type for a in plan.agents.values() if a.type}) if plan else [],
            trigger_kind=trigger if trigger in TRIGGER_KINDS else "cli",
            trigger_id=attributes.get(HUB_TRIGGER_ID_KEY),
            evaluation=attributes.get(EVALUATION_ID_KEY) is not None,
            temporal_run_id=info.run_id,
            started_at=info.workflow_start_time,
            status=status,
            ended_at=None if status == "running" else _timestamp(),
            error=error,
        )
        try:
            await workflow.execute_local_activity(
                RECORD_RUN_ACTIVITY,
                record,
                start_to_close_timeout=RECORD_RUN_TIMEOUT,
                retry_policy=RECORD_RUN_RETRY,
            )
        except ActivityError as err:
            workflow.logger.warning(
                "run %s: its %s could not be recorded in the hub database (%s); the "
                "visibility reconcile will",
                info.workflow_id,
                "start" if status == "running" else "end",
                failure_message(err),
            )

    # ------------------------------------------------------------ scheduling

    async def _execute(self, plan: ExecutionPlan) -> None:
        waiting = list(plan.steps)
        running: dict[str, asyncio.Task[None]] = {}
        try:
            while waiting or running:
                self._start_ready_steps(plan, waiting, running)
                if not running:
                    if waiting:
                        raise ApplicationError(
                            f"steps {[s.id for s in waiting]} can never start; "
                            "recompile the orchestration",
                            type=INVALID_PLAN,
                            non_retryable=True,
                        )
                    break
                await workflow.wait_condition(lambda: any(t.done() for t in running.values()))
                for step_id in [sid for sid, t in running.items() if t.done()]:
                    task = running.pop(step_id)
                    error = task.exception()
                    if error is not None:
                        raise error
        except (asyncio.CancelledError, ApplicationError):
            # Cancelling the workflow cancels only its main coroutine: stop every step
            # still in flight (and their activities) before the run ends.
            await self._cancel_steps(running)
            raise

    async def _cancel_steps(self, running: dict[str, asyncio.Task[None]]) -> None:
        for task in running.values():
            task.cancel()
        if running:
            await asyncio.gather(*running.values(), return_exceptions=True)

    def _start_ready_steps(
        self,
        plan: ExecutionPlan,
        waiting: list[PlanStep],
        running: dict[str, asyncio.Task[None]],
    ) -> None:
        max_parallel = plan.limits.max_parallel_steps
        progressed = True
        while progressed:
            progressed = False
            for step in list(waiting):
                dep_states = [self._progress[d].state for d in self._deps[step.id]]
                if any(state not in FINISHED_STATES for state in dep_states):
                    continue
                blocked = [d for d in self._deps[step.id] if self._progress[d].state != "completed"]
                if blocked:
                    self._finish(
                        step.id, "skipped", f"skipped: upstream step(s) {blocked} did not complete"
                    )
                    waiting.remove(step)
                    progressed = True
                    continue
                if step.when is not None and not self._condition_holds(step):
                    self._finish(
                        step.id, "skipped", f"skipped: condition '{step.when.source}' is false"
                    )
                    waiting.remove(step)
                    progressed = True
                    continue
                agent_steps_running = sum(1 for sid in running if self._steps[sid].kind == "agent")
                if step.kind == "agent" and max_parallel and agent_steps_running >= max_parallel:
                    continue
                waiting.remove(step)
                running[step.id] = asyncio.create_task(self._run_step(step))
                progressed = True

    def _condition_holds(self, step: PlanStep) -> bool:
        assert step.when is not None
        try:
            return evaluate_condition(step.when, self._inputs, self._outputs)
        except Exception as err:  # a malformed condition must fail the run, not the task
            raise ApplicationError(
                f"step '{step.id}': condition '{step.when.source}' cannot be evaluated: {err}",
                type=CONDITION_ERROR,
                non_retryable=True,
            ) from err

    def _finish(self, step_id: str, state: StepState, error: str | None = None) -> None:
        progress = self._progress[step_id]
        progress.state = state
        progress.error = error
        progress.ended_at = _timestamp()

    # ----------------------------------------------------------------- steps

    async def _run_step(self, step: PlanStep) -> None:
        progress = self._progress[step.id]
        progress.state = "running"
        progress.started_at = _timestamp()
        try:
            if step.kind == "approval":
                outputs = await self._await_approval(step)
            elif step.foreach is not None:
                outputs = await self._run_foreach(step)
            else:
                result = await self._invoke(step, self._step_inputs(step), None)
                outputs = self._map_outputs(step, result.outputs)
        except asyncio.CancelledError:
            self._finish(step.id, "canceled", "canceled")
            raise
        except ActivityError as err:
            if is_cancelled_exception(err):
                self._finish(step.id, "canceled", "canceled")
                raise asyncio.CancelledError() from err
            progress.attempts += _failure_attempt(err)
            self._step_failed(step, failure_message(err), err)
            return
        except ApplicationError as err:
            if err.type in _STEP_LEVEL_ERRORS:
                self._step_failed(step, err.message, err)
                return
            self._finish(step.id, "failed", err.message)
            raise
        self._outputs[step.id] = outputs
        self._finish(step.id, "completed")

    def _step_failed(self, step: PlanStep, message: str, err: BaseException) -> None:
        """Record the failure; raise unless the step tolerates errors."""
        self._finish(step.id, "failed", message)
        if step.on_error == "continue":
            return
        raise ApplicationError(
            f"step '{step.id}' failed: {message}",
            type=STEP_FAILED,
            non_retryable=True,
        ) from err

    def _resolve(self, step: PlanStep, source: PlanInput) -> Any:
        if source.source == "trigger":
            if source.field not in self._inputs:
                raise ApplicationError(
                    f"step '{step.id}' needs the run input '{source.field}', which was not "
                    "given; pass it in the run's inputs",
                    type=STEP_INPUT_MISSING,
                    non_retryable=True,
                )
            return self._inputs[source.field]
        upstream = self._outputs.get(source.step_id or "", {})
        if source.field not in upstream:
            raise ApplicationError(
                f"step '{step.id}' needs '{source.field}' from step '{source.step_id}', which "
                f"produced only {sorted(upstream)}",
                type=STEP_INPUT_MISSING,
                non_retryable=True,
            )
        return upstream[source.field]

    def _step_inputs(self, step: PlanStep) -> dict[str, Any]:
        return {source.agent_field: self._resolve(step, source) for source in step.inputs}

    def _map_outputs(self, step: PlanStep, agent_outputs: dict[str, Any]) -> dict[str, Any]:
        if not step.outputs:
            return dict(agent_outputs)
        if len(step.outputs) == 1:
            return {step.outputs[0]: agent_outputs}
        missing = [name for name in step.outputs if name not in agent_outputs]
        if missing:
            raise ApplicationError(
                f"step '{step.id}': the agent returned no {missing} (it returned "
                f"{sorted(agent_outputs)}); fix the agent or the step's outputs",
                type=AGENT_OUTPUT_MISSING,
                non_retryable=True,
            )
        return {name: agent_outputs[name] for name in step.outputs}

    async def _run_foreach(self, step: PlanStep) -> dict[str, Any]:
        assert step.foreach is not None
        items = self._resolve(step, step.foreach.input)
        if not isinstance(items, list):
            raise ApplicationError(
                f"step '{step.id}': foreach over '{step.foreach.input.field}' needs a list, "
                f"got {type(items).__name__}",
                type=INVALID_FOREACH_INPUT,
                non_retryable=True,
            )
        base_inputs = {
            source.agent_field: self._resolve(step, source)
            for source in step.inputs
            if not source.reads_same_value(step.foreach.input)
        }
        progress = self._progress[step.id]
        progress.items_total = len(items)
        progress.items_done = 0
        # asyncio.Semaphore is deterministic in the workflow's event loop: waiters are
        # woken in FIFO order, so items start in list order.
        slots = asyncio.Semaphore(step.foreach.max_concurrency)
        field = step.foreach.input.agent_field

        async def run_item(index: int, item: Any) -> dict[str, Any]:
            async with slots:
                result = await self._invoke(step, {**base_inputs, field: item}, index)
                progress.items_done = (progress.items_done or 0) + 1
                return self._map_outputs(step, result.outputs)

        tasks = [asyncio.create_task(run_item(i, item)) for i, item in enumerate(items)]
        try:
            per_item = await asyncio.gather(*tasks)
        except (asyncio.CancelledError, ActivityError, ApplicationError):
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise
        if not step.outputs:
            return {"results": per_item}
        return {name: [item_outputs[name] for item_outputs in per_item] for name in step.outputs}

    async def _invoke(
        self, step: PlanStep, inputs: dict[str, Any], item_index: int | None
    ) -> InvokeAgentResult:
        assert self._plan is not None
        limits = self._plan.limits
        if limits.max_steps is not None and self._invocations >= limits.max_steps:
            raise ApplicationError(
                f"run limit max_steps={limits.max_steps} reached before step "
                f"'{activity_id_for(step.id, item_index)}'; raise limits.max_steps in the "
                "orchestration to allow more agent calls",
                type=LIMIT_EXCEEDED,
                non_retryable=True,
            )
        self._invocations += 1
        agent = self._plan.agents.get(step.agent_id or "")
        agent_type = step.agent_type or (agent.type if agent else "")
        config = agent.config if agent else None
        request = InvokeAgentInput(
            app_id=self._app_id,
            app_version=self._plan.app_version,
            step_id=step.id,
            item_index=item_index,
            agent_id=step.agent_id or "",
            agent_type=agent_type,
            config=config,
            inputs=inputs,
        )
        timeout = timedelta(seconds=step.timeout_seconds)
        if config is not None and config.config.dispatch == "local":
            result: InvokeAgentResult = await workflow.execute_local_activity(
                INVOKE_AGENT_ACTIVITY,
                request,
                result_type=InvokeAgentResult,
                activity_id=activity_id_for(step.id, item_index),
                start_to_close_timeout=timeout,
                retry_policy=step_retry_policy(step),
            )
        else:
            result = await workflow.execute_activity(
                INVOKE_AGENT_ACTIVITY,
                request,
                result_type=InvokeAgentResult,
                task_queue=step.task_queue or agent_queue(agent_type),
                activity_id=activity_id_for(step.id, item_index),
                start_to_close_timeout=timeout,
                heartbeat_timeout=min(DEFAULT_HEARTBEAT_TIMEOUT, timeout),
                retry_policy=step_retry_policy(step),
                # Wait for the agent call to acknowledge cancellation, so a canceled
                # run never leaves an agent working on its behalf.
                cancellation_type=workflow.ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
            )
        self._account(step, result)
        return result

    def _account(self, step: PlanStep, result: InvokeAgentResult) -> None:
        progress = self._progress[step.id]
        progress.attempts += result.attempt
        progress.usage = _add_usage(progress.usage or Usage(), result.usage)
        self._usage = _add_usage(self._usage, result.usage)
        assert self._plan is not None
        limits = self._plan.limits
        tokens = self._usage.input_tokens + self._usage.output_tokens
        if limits.max_tokens is not None and tokens > limits.max_tokens:
            raise ApplicationError(
                f"run limit max_tokens={limits.max_tokens} exceeded ({tokens} tokens used "
                f"after step '{step.id}'); raise limits.max_tokens to allow more",
                type=LIMIT_EXCEEDED,
                non_retryable=True,
            )
        if limits.max_cost_usd is not None and self._usage.cost_usd > limits.max_cost_usd:
            raise ApplicationError(
                f"run limit max_cost_usd={limits.max_cost_usd} exceeded "
                f"(${self._usage.cost_usd:.4f} spent after step '{step.id}'); "
                "raise limits.max_cost_usd to allow more",
                type=LIMIT_EXCEEDED,
                non_retryable=True,
            )

    # -------------------------------------------------------------- approvals

    async def _await_approval(self, step: PlanStep) -> dict[str, Any]:
        approval = step.approval or PlanApproval()
        self._progress[step.id].state = "waiting_approval"
        timeout = timedelta(seconds=approval.timeout_seconds) if approval.timeout_seconds else None
        try:
            await workflow.wait_condition(lambda: step.id in self._approvals, timeout=timeout)
            decision = self._approvals[step.id]
        except TimeoutError:
            if approval.on_timeout == "reject":
                raise ApplicationError(
                    f"approval of step '{step.id}' timed out after {approval.timeout_seconds}s "
                    "(on_timeout: reject); start a new run to try again",
                    type=APPROVAL_TIMED_OUT,
                    non_retryable=True,
                ) from None
            decision = ApprovalDecision(
                step_id=step.id,
                approved=True,
                approver="timeout",
                comment=f"approved automatically after {approval.timeout_seconds}s",
            )
        self._progress[step.id].state = "running"
        if not decision.approved:
            raise ApplicationError(
                f"step '{step.id}' was rejected by {decision.approver or 'an approver'}: "
                f"{decision.comment or 'no reason given'}",
                type=APPROVAL_REJECTED,
                non_retryable=True,
            )
        return self._map_outputs(
            step,
            {
                **decision.payload,
                "approved": True,
                "approver": decision.approver,
                "comment": decision.comment,
            },
        )

    @workflow.update(name=APPROVE_UPDATE)
    def approve(self, decision: ApprovalDecision) -> StepProgress:
        """Approve or reject a waiting approval step (validated before it reaches history)."""
        self._approvals[decision.step_id] = decision
        return self._progress[decision.step_id].model_copy()

    @approve.validator
    def _validate_approve(self, decision: ApprovalDecision) -> None:
        step = self._steps.get(decision.step_id)
        if step is None or step.kind != "approval":
            approval_steps = [s.id for s in self._steps.values() if s.kind == "approval"]
            raise ApplicationError(
                f"'{decision.step_id}' is not an approval step of this run "
                f"(approval steps: {approval_steps})",
                type=APPROVAL_INVALID,
            )
        state = self._progress[step.id].state
        if state != "waiting_approval" or step.id in self._approvals:
            raise ApplicationError(
                f"step '{step.id}' is not waiting for approval (it is {state})",
                type=APPROVAL_INVALID,
            )
        schema = step.approval.input_schema if step.approval else None
        if decision.approved and schema:
            problems = schema_violations(schema, decision.payload)
            if problems:
                raise ApplicationError(
                    f"the approval payload of step '{step.id}' does not match its schema: "
                    + "; ".join(problems),
                    type=APPROVAL_INVALID,
                )

    # --------------------------------------------------------------- queries

    @workflow.query(name=PROGRESS_QUERY)
    def progress(self) -> RunProgress:
        """Each step's state, attempts, timings and usage, plus the run's totals."""
        return RunProgress(
            app_id=self._app_id,
            app_version=self._plan.app_version if self._plan else "",
            steps=[p.model_copy() for p in self._progress.values()],
            tokens=self._usage.input_tokens + self._usage.output_tokens,
            cost_usd=self._usage.cost_usd,
        )
