"""Record the corpus of histories that tests/workflows/test_replay.py replays.

One history per kind of step the workflow knows: sequential, parallel with ``when`` and
``foreach`` and a retried step, an approval, retries until success, a step on the
orchestrator (``dispatch: local``), a re-run from a step (Temporal reset) and a cancel.
Refresh it (after an intentional, *patched* change of the workflow — see
docs/deployment.md "Upgrading without breaking runs in flight") with:

    hub replay-corpus refresh          # or: .venv/bin/python -m tests.workflows.make_histories

It starts a dev server, the test agent service and real workers, runs every scenario and
writes one JSON history per scenario (``--only NAME`` re-records just that one).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
import tempfile
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from temporalio import activity
from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.enums.v1 import EventType
from temporalio.api.workflowservice.v1 import ResetWorkflowExecutionRequest
from temporalio.client import Client, WorkflowFailureError, WorkflowHandle
from temporalio.common import TypedSearchAttributes
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.plans import PlanActivities
from api.runs.service import API_TRIGGER, trigger_search_attributes
from schemas.evaluations import (
    FAIL_EVALUATION_ACTIVITY,
    FINISH_EVALUATION_ACTIVITY,
    SCORE_EVALUATION_ITEM_ACTIVITY,
    START_EVALUATION_ITEM_ACTIVITY,
    EvaluationItemOutcome,
    EvaluationItemToRun,
    EvaluationWorkflowInput,
    FinishEvaluation,
)
from schemas.names import ORCHESTRATOR_QUEUE
from schemas.orchestration import ExecutionPlan, PlanLimits
from schemas.runs import ApprovalDecision, RunProgress
from tests.engine_support.agent_service import AgentService, Behaviour
from tests.engine_support.fixtures import temporal_cli_path
from tests.engine_support.harness import no_deployed_plan, running_engine, wait_until
from tests.engine_support.plans import (
    agent,
    approval_step,
    condition,
    foreach,
    from_step,
    plan,
    step,
    trigger,
)
from workers.builders import workflow_runner
from workflows.evaluation import EvaluationWorkflow
from workflows.orchestration import OrchestrationWorkflow
from workflows.search_attributes import (
    evaluation_search_attributes,
    hub_search_attribute_keys,
    run_search_attributes,
)

HISTORIES = Path(__file__).parent / "histories"
#: A run started by the hub (``RunInput.records``): its end recorded without the patch.
HUB_STARTED = "record_run_hub_started"
#: A run started by the hub as it is today (``RunInput.worker_records_end``): the worker
#: writes its end, so its history holds no record at all.
WORKER_RECORDS_END = "record_end_by_worker"
# Fixed agent types so regenerated histories differ only where the workflow changed.
ECHO, FLAKY = "replay-echo", "replay-flaky"
STUBBORN, SLOW, ECHO_LOCAL = "replay-stubborn", "replay-slow", "replay-local"


async def record(
    client: Client, agents: AgentService, root: Path, only: Sequence[str] = ()
) -> dict[str, str]:
    """Run each scenario to its end and return name → history JSON."""
    agents.configure(ECHO)
    agents.configure(FLAKY, Behaviour(fail_times=1, fail_retry_after="0"))
    agents.configure(STUBBORN, Behaviour(fail_times=2, fail_retry_after="0"))
    agents.configure(SLOW, Behaviour(sleep_seconds=30))
    agents.configure(ECHO_LOCAL)
    agents_in_plan = [
        agent("agent-e", ECHO),
        agent("agent-f", FLAKY),
        agent("agent-r", STUBBORN),
        agent("agent-s", SLOW),
        agent("agent-l", ECHO_LOCAL, dispatch="local"),
    ]
    scenarios = {
        "dag_when_foreach": plan(
            agents_in_plan,
            [
                step("extract", "agent-e", inputs=[trigger("docs")], outputs=["data"]),
                step("flaky", "agent-f", inputs=[trigger("docs")], outputs=["checked"]),
                step(
                    "each",
                    "agent-e",
                    inputs=[trigger("docs")],
                    outputs=["summary"],
                    foreach=foreach(trigger("docs"), max_concurrency=2),
                    depends_on=["extract"],
                ),
                step(
                    "skipped",
                    "agent-e",
                    inputs=[from_step("extract", "data")],
                    when=condition("inputs.big == true"),
                ),
                step(
                    "join",
                    "agent-e",
                    inputs=[from_step("each", "summary"), from_step("flaky", "checked")],
                ),
            ],
            limits=PlanLimits(max_parallel_steps=3, max_tokens=100000),
        ),
        "approval": plan(
            agents_in_plan,
            [
                step("analyze", "agent-e", inputs=[trigger("docs")], outputs=["analysis"]),
                approval_step(
                    "sign_off",
                    depends_on=["analyze"],
                    input_schema={"type": "object", "required": ["limit"]},
                ),
                step("report", "agent-e", inputs=[from_step("sign_off", "limit")]),
            ],
        ),
        "sequential": plan(
            agents_in_plan,
            [
                step("first", "agent-e", inputs=[trigger("docs")], outputs=["one"]),
                step("second", "agent-e", inputs=[from_step("first", "one")], outputs=["two"]),
                step("third", "agent-e", inputs=[from_step("second", "two")], outputs=["three"]),
            ],
        ),
        "retries": plan(
            agents_in_plan,
            [step("stubborn", "agent-r", inputs=[trigger("docs")], outputs=["done"])],
        ),
        "local_dispatch": plan(
            agents_in_plan,
            [
                step("inline", "agent-l", inputs=[trigger("docs")], outputs=["here"]),
                step("remote", "agent-e", inputs=[from_step("inline", "here")]),
            ],
        ),
        "rerun_from_step": plan(
            agents_in_plan,
            [
                step("first", "agent-e", inputs=[trigger("docs")], outputs=["one"]),
                step("second", "agent-e", inputs=[from_step("first", "one")], outputs=["two"]),
            ],
        ),
        "cancel": plan(
            agents_in_plan,
            [
                step("quick", "agent-e", inputs=[trigger("docs")], outputs=["one"]),
                step("slow", "agent-s", inputs=[from_step("quick", "one")]),
            ],
        ),
    }
    # Started as the hub's own starters start a run (the API here): every search
    # attribute set, and ``records`` in the input, so no patch marker and no start record.
    scenarios[HUB_STARTED] = scenarios["sequential"]
    scenarios[WORKER_RECORDS_END] = scenarios["sequential"]
    chosen = {n: p for n, p in scenarios.items() if not only or n in only}
    unknown = set(only) - set(scenarios) - {"evaluation"}
    if unknown:
        raise SystemExit(f"unknown scenario(s) {sorted(unknown)}; known: {sorted(scenarios)}")
    histories: dict[str, str] = {}
    async with running_engine(
        client, agents, root, [ECHO, FLAKY, STUBBORN, SLOW], local_dispatch=True
    ) as engine:
        for name, the_plan in chosen.items():
            hub_started = name in (HUB_STARTED, WORKER_RECORDS_END)
            handle = await engine.start(
                the_plan,
                {"docs": ["a", "b", "c"], "big": False},
                workflow_id=f"replay-{name}",
                search_attributes=api_search_attributes(the_plan, f"replay-{name}")
                if hub_started
                else None,
                records=hub_started,
                worker_records_end=name == WORKER_RECORDS_END,
            )
            if name == "cancel":
                await wait_until(lambda: bool(agents.calls_of(SLOW)), what="the slow step")
                await handle.cancel()
                with contextlib.suppress(WorkflowFailureError):
                    await handle.result()
                histories[name] = (await handle.fetch_history()).to_json()
                continue
            if name == "rerun_from_step":
                await handle.result()
                handle = await rerun_from(client, handle, "second")
            if name == "approval":

                async def waiting(h=handle) -> bool:  # noqa: ANN001
                    progress = await h.query("progress", result_type=RunProgress)
                    return any(s.state == "waiting_approval" for s in progress.steps)

                await wait_until(waiting, what="the approval gate")
                await handle.execute_update(
                    "approve", ApprovalDecision(step_id="sign_off", payload={"limit": 10})
                )
            await handle.result()
            histories[name] = (await handle.fetch_history()).to_json()
        if not only or "evaluation" in only:
            histories["evaluation"] = await record_evaluation(client, scenarios["sequential"])
    return histories


def api_search_attributes(the_plan: ExecutionPlan, run_id: str) -> TypedSearchAttributes:
    """What ``RunService.start`` sets: all of the run's attributes and the trigger."""
    return TypedSearchAttributes(
        [
            *run_search_attributes(the_plan, run_id),
            *trigger_search_attributes(API_TRIGGER),
        ]
    )


class RecordedEvaluationActivities:
    """The evaluation workflow's activities, answering from memory: the history records
    the workflow's commands, which do not depend on what the database holds. Item 2 was
    refused at the door (no run); the others run."""

    @activity.defn(name=START_EVALUATION_ITEM_ACTIVITY)
    async def start_evaluation_item(self, evaluation_id: str, index: int) -> EvaluationItemToRun:
        if index == 2:
            return EvaluationItemToRun(index=index, error="input 'docs' is missing")
        return EvaluationItemToRun(
            index=index, run_id=f"replay-evaluation-run-{index}", inputs={"docs": ["a"]}
        )

    @activity.defn(name=SCORE_EVALUATION_ITEM_ACTIVITY)
    async def score_evaluation_item(self, outcome: EvaluationItemOutcome) -> float | None:
        return 1.0 if outcome.status == "completed" else 0.0

    @activity.defn(name=FINISH_EVALUATION_ACTIVITY)
    async def finish_evaluation(self, finish: FinishEvaluation) -> float | None:
        return 2 / 3

    @activity.defn(name=FAIL_EVALUATION_ACTIVITY)
    async def fail_evaluation(self, finish: FinishEvaluation) -> None:
        return None


async def record_evaluation(client: Client, the_plan: ExecutionPlan) -> str:
    """An ``EvaluationWorkflow`` of three items, two at a time, one refused at the door;
    its item runs are child runs of ``the_plan`` on the orchestrator queue."""
    stub = RecordedEvaluationActivities()
    worker = Worker(
        client,
        task_queue=ORCHESTRATOR_QUEUE,
        workflows=[EvaluationWorkflow, OrchestrationWorkflow],
        activities=[
            stub.start_evaluation_item,
            stub.score_evaluation_item,
            stub.finish_evaluation,
            stub.fail_evaluation,
            PlanActivities(no_deployed_plan).load_plan,
        ],
        workflow_runner=workflow_runner(),
    )
    async with worker:
        handle = await client.start_workflow(
            EvaluationWorkflow.run,
            EvaluationWorkflowInput(
                evaluation_id="replay-evaluation",
                app_id=the_plan.app_id,
                plan=the_plan,
                items_total=3,
                concurrency=2,
            ),
            id="replay-evaluation",
            task_queue=ORCHESTRATOR_QUEUE,
            search_attributes=evaluation_search_attributes("replay-evaluation"),
        )
        await handle.result()
        return (await handle.fetch_history()).to_json()


async def rerun_from(
    client: Client, handle: WorkflowHandle[Any, Any], step_id: str
) -> WorkflowHandle[Any, Any]:
    """Reset the run to just before ``step_id`` was scheduled, as ``POST /runs/{id}/rerun``
    does; returns the handle of the new run."""
    history = await handle.fetch_history()
    scheduled = min(
        e.event_id
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
        and e.activity_task_scheduled_event_attributes.activity_id.split("[")[0] == step_id
    )
    reset_point = max(
        e.event_id
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED and e.event_id < scheduled
    )
    answer = await client.workflow_service.reset_workflow_execution(
        ResetWorkflowExecutionRequest(
            namespace=client.namespace,
            workflow_execution=WorkflowExecution(workflow_id=handle.id),
            reason=f"replay corpus: rerun from step {step_id}",
            workflow_task_finish_event_id=reset_point,
            request_id=str(uuid.uuid4()),
        )
    )
    return client.get_workflow_handle(handle.id, run_id=answer.run_id)


async def main(only: Sequence[str] = (), out: Path = HISTORIES) -> list[Path]:
    """Record the scenarios (all, or ``only`` these) into ``out``; the files written."""
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=temporal_cli_path(),
        data_converter=pydantic_data_converter,
        search_attributes=list(hub_search_attribute_keys().values()),
    )
    agents = AgentService()
    agents.start()
    try:
        with tempfile.TemporaryDirectory() as root:
            histories = await record(env.client, agents, Path(root), only)
    finally:
        agents.stop()
        await env.shutdown()
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in histories.items():
        path = out / f"{name}.json"
        path.write_text(text)
        written.append(path)
    return written


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", default=[], help="scenario to re-record")
    parser.add_argument("--out", type=Path, default=HISTORIES, help="folder of the corpus")
    arguments = parser.parse_args()
    for written_path in asyncio.run(main(arguments.only, arguments.out)):
        print(f"wrote {written_path}")
    sys.stdout.flush()
    # Everything is written and closed. Skip interpreter finalization: the SDK's native
    # threads can still call into Python while it tears down, which under load crashed the
    # process (PyGILState_Release) and turned a good recording into a failed exit.
    os._exit(0)
