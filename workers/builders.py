"""Worker construction and running: the orchestrator worker and the agent workers.

``run_workers`` runs several workers in one process until SIGTERM/SIGINT, then
shuts them down gracefully: polling stops at once, in-flight activities get
``graceful_shutdown_timeout`` to finish before they are cancelled.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

from temporalio.client import Client
from temporalio.common import VersioningBehavior, WorkerDeploymentVersion
from temporalio.worker import (
    UnsandboxedWorkflowRunner,
    Worker,
    WorkerDeploymentConfig,
    WorkflowRunner,
)
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from activities.agent_calls import AgentActivities
from activities.batches import BatchActivities
from activities.evaluations import EvaluationActivities
from activities.plans import PlanActivities
from activities.run_records import RunRecords
from schemas.names import ORCHESTRATOR_QUEUE, agent_queue
from workflows.batch import BatchWorkflow
from workflows.evaluation import EvaluationWorkflow
from workflows.orchestration import OrchestrationWorkflow

logger = logging.getLogger(__name__)

#: Long enough for a typical agent call to finish; SIGKILL-safe anyway (Temporal retries).
DEFAULT_GRACEFUL_SHUTDOWN_TIMEOUT = timedelta(seconds=30)
#: Heartbeats reach the server at least this often, so cancellations arrive quickly.
DEFAULT_MAX_HEARTBEAT_THROTTLE = timedelta(seconds=5)


#: How runs of ``OrchestrationWorkflow`` move between builds under Worker Deployment
#: Versioning: **pinned** — a run finishes on the build it started on. Runs are short
#: (seconds to minutes) except those waiting at an approval, so an old build drains
#: quickly, and a pinned run is never replayed by other code: a rollout needs no
#: ``workflow.patched`` and a rollback never meets histories written by newer code.
#: (Auto-upgrade would move waiting runs to the new build, and make every change of the
#: workflow a patch.) docs/deployment.md "Safe rollouts".
ORCHESTRATOR_VERSIONING_BEHAVIOR = VersioningBehavior.PINNED


def worker_deployment(
    deployment_name: str, build_id: str, *, versioned: bool
) -> WorkerDeploymentConfig:
    """What every worker announces: its deployment and build.

    ``versioned``: Temporal routes tasks by version (new runs to the deployment's
    current version; pinned runs stay on theirs). Otherwise the build is only reported
    (pollers show it) and tasks go to any worker of the queue, as without versioning.
    """
    return WorkerDeploymentConfig(
        version=WorkerDeploymentVersion(deployment_name=deployment_name, build_id=build_id),
        use_worker_versioning=versioned,
        default_versioning_behavior=(
            ORCHESTRATOR_VERSIONING_BEHAVIOR if versioned else VersioningBehavior.UNSPECIFIED
        ),
    )


def workflow_runner(sandboxed: bool = False) -> WorkflowRunner:
    """How ``OrchestrationWorkflow`` runs: unsandboxed unless ``sandboxed``.

    The Python sandbox re-creates the workflow's module world for every run and proxies
    its imports on every activation: in the bench it cost ~3 ms of worker CPU per step
    and ~2× the per-step latency of a remote step. The orchestration is one small,
    reviewed interpreter whose determinism is guarded by other means — a static check of
    everything it imports and calls (tests/workflows/test_determinism_guard.py) and
    replay of recorded histories (tests/workflows/test_replay.py) — so it runs without
    the sandbox; ``HUB_WORKFLOW_SANDBOX=true`` brings the sandbox back (with our shared
    contracts passed through, pure pydantic models).
    """
    if not sandboxed:
        return UnsandboxedWorkflowRunner()
    return SandboxedWorkflowRunner(
        restrictions=SandboxRestrictions.default.with_passthrough_modules("schemas")
    )


def build_orchestrator_worker(
    client: Client,
    plan_activities: PlanActivities,
    agent_activities: AgentActivities | None = None,
    *,
    batch_activities: BatchActivities | None = None,
    evaluation_activities: EvaluationActivities | None = None,
    run_records: RunRecords | None = None,
    task_queue: str = ORCHESTRATOR_QUEUE,
    graceful_shutdown_timeout: timedelta = DEFAULT_GRACEFUL_SHUTDOWN_TIMEOUT,
    sandboxed: bool = False,
    deployment: WorkerDeploymentConfig | None = None,
) -> Worker:
    """The worker of ``OrchestrationWorkflow`` and its bookkeeping activities.

    ``agent_activities`` is needed for steps whose agent is dispatched ``local``
    (``invoke_agent`` then runs as a local activity on this worker); ``batch_activities``
    for ``BatchWorkflow``, the parent of a batch's runs (registered with them);
    ``evaluation_activities`` for ``EvaluationWorkflow``, the driver of an evaluation;
    ``run_records`` writes each run's start and end to the hub database, the end as the
    workflow task that ends the run completes (without it, nothing is recorded);
    ``sandboxed`` runs the workflow in Temporal's sandbox (see :func:`workflow_runner`);
    ``deployment`` is the build it announces (:func:`worker_deployment`).
    """
    run_records = run_records or RunRecords()
    activities: list[Callable[..., Any]] = [plan_activities.load_plan, run_records.record_run]
    if agent_activities is not None:
        activities.append(agent_activities.invoke_agent)
    workflows: list[type] = [OrchestrationWorkflow]
    if batch_activities is not None:
        workflows.append(BatchWorkflow)
        activities += [
            batch_activities.claim_batch_items,
            batch_activities.record_batch_item,
            batch_activities.finish_batch,
        ]
    if evaluation_activities is not None:
        workflows.append(EvaluationWorkflow)
        activities += [
            evaluation_activities.start_evaluation_item,
            evaluation_activities.score_evaluation_item,
            evaluation_activities.finish_evaluation,
            evaluation_activities.fail_evaluation,
        ]
    return Worker(
        client,
        task_queue=task_queue,
        workflows=workflows,
        activities=activities,
        workflow_runner=run_records.workflow_runner(workflow_runner(sandboxed)),
        graceful_shutdown_timeout=graceful_shutdown_timeout,
        max_heartbeat_throttle_interval=DEFAULT_MAX_HEARTBEAT_THROTTLE,
        **_deployment_option(deployment),
    )


def build_agent_worker(
    client: Client,
    agent_type: str,
    agent_activities: AgentActivities,
    *,
    graceful_shutdown_timeout: timedelta = DEFAULT_GRACEFUL_SHUTDOWN_TIMEOUT,
    max_concurrent_activities: int | None = None,
    max_heartbeat_throttle_interval: timedelta = DEFAULT_MAX_HEARTBEAT_THROTTLE,
    deployment: WorkerDeploymentConfig | None = None,
) -> Worker:
    """A worker of ``invoke_agent`` on the queue ``agent-<agent_type>``."""
    return Worker(
        client,
        task_queue=agent_queue(agent_type),
        activities=[agent_activities.invoke_agent],
        graceful_shutdown_timeout=graceful_shutdown_timeout,
        max_concurrent_activities=max_concurrent_activities,
        max_heartbeat_throttle_interval=max_heartbeat_throttle_interval,
        default_heartbeat_throttle_interval=max_heartbeat_throttle_interval,
        **_deployment_option(deployment),
    )


def _deployment_option(deployment: WorkerDeploymentConfig | None) -> dict[str, Any]:
    return {"deployment_config": deployment} if deployment is not None else {}


async def run_workers(workers: Sequence[Worker], stop: asyncio.Event | None = None) -> None:
    """Run ``workers`` until ``stop`` is set or SIGTERM/SIGINT arrives, then shut down.

    Shutdown lets in-flight activities finish within each worker's
    ``graceful_shutdown_timeout``.
    """
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    installed: list[signal.Signals] = []
    for signum in (signal.SIGTERM, signal.SIGINT):
        # Signal handlers can only be installed in the main thread; tests run elsewhere.
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(signum, stop.set)
            installed.append(signum)
    running = [asyncio.create_task(worker.run()) for worker in workers]
    stopper = asyncio.create_task(stop.wait())
    try:
        done, _ = await asyncio.wait([*running, stopper], return_when=asyncio.FIRST_COMPLETED)
        failed = [t for t in running if t in done and t.exception() is not None]
        if failed:
            logger.error("a worker stopped with an error; shutting the others down")
    finally:
        for signum in installed:
            loop.remove_signal_handler(signum)
        logger.info("shutting down %d worker(s)", len(workers))
        await asyncio.gather(
            *(w.shutdown() for w in workers if w.is_running), return_exceptions=True
        )
        await asyncio.gather(*running, return_exceptions=True)
        stopper.cancel()
    for task in running:
        if task.done() and not task.cancelled() and task.exception() is not None:
            raise task.exception()  # type: ignore[misc]
