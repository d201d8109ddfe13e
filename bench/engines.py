"""The two engines the bench compares, behind one small interface.

``ours`` runs ``OrchestrationWorkflow`` with the real workers of ``workers/``
(orchestrator worker + an agent worker on ``agent-<type>``); ``baseline`` runs
:class:`bench.baseline.BaselineWorkflow`. Both run in this process, against the
same server and the same no-op agent service, and each has its workers running
only while it is measured, so idle pollers of one never load the other.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

from temporalio.client import Client, WorkflowHandle
from temporalio.worker import Worker

from activities.agent_calls import AgentActivities, build_agent_http_client
from activities.plans import PlanActivities
from activities.step_results import StepResultRecorder
from bench.baseline import (
    BASELINE_ACTIVITY_QUEUE,
    BASELINE_WORKFLOW,
    BASELINE_WORKFLOW_QUEUE,
    BaselineActivities,
    BaselineInput,
    BaselineResult,
    BaselineWorkflow,
)
from schemas.agents import AgentConfig, ModelConfig, PromptConfig
from schemas.names import ORCHESTRATOR_QUEUE, WORKFLOW_TYPE
from schemas.orchestration import (
    ExecutionPlan,
    PlanAgent,
    PlanInput,
    PlanStep,
    ResolvedAgentConfig,
)
from schemas.runs import RunInput, RunResult
from storage.artifacts import LocalArtifactStore
from storage.database import create_db_engine, create_session_factory
from storage.migrations import upgrade
from storage.prices import PriceTable
from workers.builders import build_agent_worker, build_orchestrator_worker, run_workers
from workflows.search_attributes import run_search_attributes

#: The bench's agent type: its queue is ``agent-bench-noop``.
NOOP_AGENT_TYPE = "bench-noop"
#: Claim-check threshold for the bench's (tiny) outputs: never reached.
INLINE_MAX_BYTES = 64 * 1024


class Engine(Protocol):
    """Starts an ``steps``-step pipeline run and waits for it; reports agent time."""

    name: str

    async def start(self, steps: int) -> WorkflowHandle[Any, Any]: ...

    async def finish(self, handle: WorkflowHandle[Any, Any]) -> float:
        """Wait for the run; return the agent time (ms) its steps reported."""
        ...


def noop_pipeline(steps: int, dispatch: Literal["remote", "local"] = "remote") -> ExecutionPlan:
    """``steps`` sequential no-op agent steps; each takes ``value`` from the previous one."""
    config = AgentConfig(
        model=ModelConfig(provider="local", model_name="noop"),
        prompts=PromptConfig(system_prompt_uri="inline:system", task_prompt_uri="inline:task"),
        dispatch=dispatch,
    )
    agent = PlanAgent(
        id="noop",
        name="no-op agent",
        type=NOOP_AGENT_TYPE,
        config=ResolvedAgentConfig(config=config, system_prompt="", task_prompt=""),
    )
    plan_steps: list[PlanStep] = []
    for index in range(steps):
        source = (
            PlanInput(field="value", source="trigger")
            if index == 0
            else PlanInput(field="value", source="step", step_id=f"s{index}")
        )
        plan_steps.append(
            PlanStep(id=f"s{index + 1}", agent_id="noop", inputs=[source], outputs=[])
        )
    return ExecutionPlan(
        app_id="app-bench",
        name=f"bench {steps}-step pipeline",
        app_version="bench",
        agents={"noop": agent},
        steps=plan_steps,
    )


@dataclass
class OurEngine:
    client: Client
    task_queue: str
    dispatch: Literal["remote", "local"] = "remote"
    name: str = "ours"
    eager: bool = True

    async def start(self, steps: int) -> WorkflowHandle[Any, Any]:
        plan = noop_pipeline(steps, self.dispatch)
        run_id = f"bench-ours-{uuid.uuid4().hex[:16]}"
        return await self.client.start_workflow(
            WORKFLOW_TYPE,
            RunInput(app_id="app-bench", inputs={"value": 0}, plan=plan),
            id=run_id,
            task_queue=self.task_queue,
            result_type=RunResult,
            # As the API starts a run: with its search attributes.
            search_attributes=run_search_attributes(plan, run_id),
            # As the API starts a run with its in-process orchestrator worker (hub up):
            # the first workflow task comes back with the start, no task-queue hop.
            request_eager_start=self.eager,
        )

    async def finish(self, handle: WorkflowHandle[Any, Any]) -> float:
        result: RunResult = await handle.result()
        return float(result.usage.latency_ms)


@dataclass
class BaselineEngine:
    client: Client
    task_queue: str
    activity_queue: str
    name: str = "baseline"

    async def start(self, steps: int) -> WorkflowHandle[Any, Any]:
        return await self.client.start_workflow(
            BASELINE_WORKFLOW,
            BaselineInput(steps=steps, activity_queue=self.activity_queue),
            id=f"bench-baseline-{uuid.uuid4().hex[:16]}",
            task_queue=self.task_queue,
            result_type=BaselineResult,
        )

    async def finish(self, handle: WorkflowHandle[Any, Any]) -> float:
        result: BaselineResult = await handle.result()
        return float(result.agent_ms)


@asynccontextmanager
async def _workers_running(workers: list[Worker]) -> AsyncIterator[None]:
    """Run ``workers`` for the block; if they stop on their own, cancel the block."""
    stop = asyncio.Event()
    runner = asyncio.create_task(run_workers(workers, stop))
    measuring = asyncio.current_task()
    leaving = False

    def on_workers_stopped(_task: asyncio.Task[None]) -> None:
        # run_workers stops on SIGINT/SIGTERM (its own handlers set ``stop``): the
        # runs in flight would then never finish, so end the measurement too.
        if not leaving and measuring is not None:
            measuring.cancel()

    runner.add_done_callback(on_workers_stopped)
    try:
        yield
    finally:
        leaving = True
        stop.set()
        await runner
        install_stop_handlers()


def install_stop_handlers() -> None:
    """SIGINT/SIGTERM cancel the bench's main task, so every ``finally`` runs."""
    loop = asyncio.get_running_loop()
    main = _main_task
    if main is None:
        return
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(signum, main.cancel)


_main_task: asyncio.Task[Any] | None = None


def set_main_task(task: asyncio.Task[Any] | None) -> None:
    """Remember the task that signals should cancel (the bench's entry coroutine)."""
    global _main_task
    _main_task = task


@asynccontextmanager
async def our_engine(
    client: Client,
    agent_url: str,
    workdir: Path,
    dispatch: Literal["remote", "local"] = "remote",
    *,
    record: bool = True,
    sandboxed: bool = False,
    eager: bool = True,
) -> AsyncIterator[OurEngine]:
    """Our orchestrator and agent workers (as ``hub worker`` builds them) until exit.

    ``dispatch="local"`` marks the no-op agent ``dispatch: local``: its steps run as
    local activities on the orchestrator worker (no task-queue hop). ``record`` writes
    every attempt to ``step_results`` as the product's workers do (the embedded stack's
    SQLite hub database, in ``workdir``); ``sandboxed`` runs the workflow in Temporal's
    sandbox (``HUB_WORKFLOW_SANDBOX``); ``eager`` starts runs eagerly on the orchestrator
    worker, as the API does when it hosts one (``HUB_API_ORCHESTRATOR``).
    """
    # A fresh queue suffix per session keeps runs of an earlier session off these workers.
    suffix = uuid.uuid4().hex[:8]
    task_queue = f"{ORCHESTRATOR_QUEUE}-bench-{suffix}"
    store = LocalArtifactStore(workdir / "artifacts")
    recorder = step_result_recorder(workdir) if record else None
    async with build_agent_http_client() as http, _closing(recorder):
        activities = AgentActivities(
            http,
            lambda _type: agent_url,
            store,
            INLINE_MAX_BYTES,
            recorder,
        )
        workers = [
            build_orchestrator_worker(
                client,
                PlanActivities(_no_deployed_plan),
                activities if dispatch == "local" else None,
                task_queue=task_queue,
                sandboxed=sandboxed,
            ),
        ]
        if dispatch == "remote":  # local steps run on the orchestrator worker
            workers.append(build_agent_worker(client, NOOP_AGENT_TYPE, activities))
        async with _workers_running(workers):
            name = "ours" if dispatch == "remote" else "ours-local"
            yield OurEngine(client, task_queue, dispatch, name, eager)


@asynccontextmanager
async def _closing(recorder: StepResultRecorder | None) -> AsyncIterator[None]:
    try:
        yield
    finally:
        if recorder is not None:
            recorder.close()


def step_result_recorder(workdir: Path) -> StepResultRecorder:
    """What ``hub worker`` records attempts with, on the embedded stack's SQLite database."""
    database_url = f"sqlite:///{workdir / 'hub.db'}"
    upgrade(database_url)
    return StepResultRecorder(
        create_session_factory(create_db_engine(database_url)), PriceTable.load()
    )


@asynccontextmanager
async def baseline_engine(client: Client, agent_url: str) -> AsyncIterator[BaselineEngine]:
    """The baseline's workflow worker and activity worker (stock options) until exit."""
    suffix = uuid.uuid4().hex[:8]
    workflow_queue = f"{BASELINE_WORKFLOW_QUEUE}-{suffix}"
    activity_queue = f"{BASELINE_ACTIVITY_QUEUE}-{suffix}"
    async with build_agent_http_client() as http:
        activities = BaselineActivities(http, f"{agent_url}/invoke")
        workers = [
            Worker(client, task_queue=workflow_queue, workflows=[BaselineWorkflow]),
            Worker(client, task_queue=activity_queue, activities=[activities.call]),
        ]
        async with _workers_running(workers):
            yield BaselineEngine(client, workflow_queue, activity_queue)


async def _no_deployed_plan(_app_id: str) -> ExecutionPlan | None:
    # Bench runs always carry their plan; load_plan is registered but never called.
    return None


EngineFactory = Callable[[], AbstractAsyncContextManager[Engine]]


def warmup_runs(args: argparse.Namespace) -> int:
    if args.warmup is not None:
        return int(args.warmup)
    return 3 if args.quick else 10


#: Our engine with the agent on ``dispatch: local`` (steps as local activities).
LOCAL = "ours_local"


def engines(
    args: argparse.Namespace, client: Client, agent_url: str, workdir: Path
) -> list[tuple[str, EngineFactory]]:
    """Ours (remote agent queue), ours with ``dispatch: local``, then the baseline, each
    with its own workers; ours records step results unless ``--no-record`` and starts
    its runs eagerly (as the API with its in-process orchestrator does) unless
    ``--no-eager``."""
    options = {
        "record": not args.no_record,
        "sandboxed": args.sandboxed,
        "eager": not args.no_eager,
    }
    return [
        ("ours", lambda: our_engine(client, agent_url, workdir, **options)),
        (LOCAL, lambda: our_engine(client, agent_url, workdir, "local", **options)),
        ("baseline", lambda: baseline_engine(client, agent_url)),
    ]
