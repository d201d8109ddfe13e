"""Worker processes as the CLI starts them (``hub worker orchestrator|agent|all``).

This is where configuration meets the builders: settings → Temporal client, HTTP
client, artifact store, the deployed-plan loader from storage.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AsyncExitStack, asynccontextmanager

from sqlalchemy.orm import Session, sessionmaker
from temporalio.client import Client
from temporalio.worker import Worker, WorkerDeploymentConfig

from activities.agent_calls import AgentActivities, build_agent_http_client
from activities.batches import BatchActivities
from activities.evaluations import EvaluationActivities
from activities.plans import DeployedPlanLoader, PlanActivities
from activities.run_records import RunRecords
from activities.step_results import StepResultRecorder
from hub.judge import provider_judge
from hub.settings import Settings
from hub.telemetry import setup_process, temporal_runtime, tracing_interceptors
from schemas.orchestration import ExecutionPlan
from storage.artifacts import artifact_store_from_uri
from storage.database import create_db_engine, create_session_factory, session_scope
from storage.prices import DatabasePrices
from storage.repositories import ReleaseRepository
from workers.builders import (
    build_agent_worker,
    build_orchestrator_worker,
    run_workers,
    worker_deployment,
)
from workers.temporal_client import connect

logger = logging.getLogger(__name__)


def worker_sessions(settings: Settings) -> sessionmaker[Session]:
    """The hub database for one process's workers: one engine, so one connection pool,
    shared by the step recorder, the plan loader, batches, evaluations and run records.

    On SQLite each connection parses its own copy of the schema (about 0.6 MiB with the
    rollups' triggers) and keeps its own page cache: a pool per consumer held
    connections that one pool's would serve.
    """
    return create_session_factory(create_db_engine(settings.resolved_database_url))


def deployed_plan_loader(sessions: sessionmaker[Session]) -> DeployedPlanLoader:
    """``app_id -> plan of its deployed release`` read from the hub database."""

    def load(app_id: str) -> ExecutionPlan | None:
        with session_scope(sessions) as session:
            return ReleaseRepository(session).get_deployed_plan(app_id)

    async def load_async(app_id: str) -> ExecutionPlan | None:
        # SQLAlchemy sessions are synchronous: keep the worker's event loop free.
        return await asyncio.to_thread(load, app_id)

    return load_async


@asynccontextmanager
async def step_activities(
    settings: Settings, sessions: sessionmaker[Session]
) -> AsyncIterator[AgentActivities]:
    """``invoke_agent`` with what it needs: HTTP client, artifact store, step-result recorder."""
    store = artifact_store_from_uri(settings.resolved_artifact_root)
    # Every attempt of every step is recorded for the observability endpoints; the
    # prices are the table set through PUT /settings/prices, else the price file
    # (re-read every 30 s).
    recorder = StepResultRecorder(sessions, DatabasePrices(sessions, settings.prices_file))
    try:
        async with build_agent_http_client() as http:
            yield AgentActivities(
                http, settings.agent_url, store, settings.artifact_inline_max_bytes, recorder
            )
    finally:
        recorder.close()


def orchestrator_worker(
    settings: Settings,
    client: Client,
    agent_activities: AgentActivities,
    sessions: sessionmaker[Session],
) -> Worker:
    """The worker of the orchestration workflow (and of its ``dispatch: local`` steps),
    of batches and of evaluations."""
    return build_orchestrator_worker(
        client,
        PlanActivities(
            deployed_plan_loader(sessions), artifact_store_from_uri(settings.resolved_artifact_root)
        ),
        agent_activities,
        batch_activities=BatchActivities(sessions),
        evaluation_activities=EvaluationActivities(
            sessions,
            artifact_store_from_uri(settings.resolved_artifact_root),
            settings.resolved_mlflow_tracking_uri,
            judge=provider_judge,
        ),
        run_records=RunRecords(sessions),
        sandboxed=settings.workflow_sandbox,
        deployment=deployment(settings),
    )


def deployment(settings: Settings) -> WorkerDeploymentConfig:
    """The deployment and build every worker of this process announces."""
    return worker_deployment(
        settings.worker_deployment_name,
        settings.resolved_worker_build_id,
        versioned=settings.worker_versioning,
    )


async def run_worker_processes(
    settings: Settings, *, orchestrator: bool, agent_types: Sequence[str]
) -> None:
    """Run the orchestrator worker and/or agent workers in this process until signalled."""
    setup_process(settings, "worker")
    client = await connect(
        settings.temporal_connection(),
        interceptors=tracing_interceptors(),
        runtime=temporal_runtime(settings),
    )
    sessions = worker_sessions(settings)
    async with step_activities(settings, sessions) as agent_activities:
        workers: list[Worker] = []
        if orchestrator:
            workers.append(orchestrator_worker(settings, client, agent_activities, sessions))
        workers += [
            build_agent_worker(client, t, agent_activities, deployment=deployment(settings))
            for t in agent_types
        ]
        if not workers:
            raise ValueError("nothing to run: name the orchestrator or at least one agent type")
        logger.info(
            "workers started (orchestrator=%s, agent types=%s) on %s, build %s/%s (%s)",
            orchestrator,
            list(agent_types),
            settings.temporal_address,
            settings.worker_deployment_name,
            settings.resolved_worker_build_id,
            "versioned" if settings.worker_versioning else "unversioned",
        )
        await run_workers(workers)


class InProcessOrchestrator:
    """An orchestrator worker sharing the API's Temporal client (``HUB_API_ORCHESTRATOR``).

    Runs the API starts are then started *eagerly*: Temporal hands the run's first
    workflow task back in the start response to this worker, instead of through a
    task queue, and the run's later workflow tasks stay on it (sticky). ``attach``
    wraps the API's connect function; ``close`` stops the worker at API shutdown,
    letting its in-flight local steps finish within the graceful-shutdown time.
    """

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._sessions: sessionmaker[Session] | None = None
        self._stack = AsyncExitStack()
        self._worker: Worker | None = None
        self._task: asyncio.Task[None] | None = None

    def share_sessions(self, sessions: sessionmaker[Session]) -> None:
        """Use the API's sessions (and so its connection pool) instead of a pool of its own."""
        self._sessions = sessions

    def attach(
        self, connect_client: Callable[[], Awaitable[Client]]
    ) -> Callable[[], Awaitable[Client]]:
        """``connect_client`` that also starts the worker on the first client it makes."""

        async def connect_and_start() -> Client:
            client = await connect_client()
            if self._worker is None:
                sessions = self._sessions or worker_sessions(self._settings)
                activities = await self._stack.enter_async_context(
                    step_activities(self._settings, sessions)
                )
                self._worker = orchestrator_worker(self._settings, client, activities, sessions)
                self._task = asyncio.create_task(self._worker.run(), name="api-orchestrator")
                self._task.add_done_callback(_log_stop)
                logger.info("orchestrator worker running in the API process")
            return client

        return connect_and_start

    async def close(self) -> None:
        if self._worker is not None and self._worker.is_running:
            await self._worker.shutdown()
        if self._task is not None:
            with contextlib.suppress(BaseException):
                await self._task
        await self._stack.aclose()


def _log_stop(task: asyncio.Task[None]) -> None:
    """A worker that stops on its own (not at shutdown) says why in the API's log."""
    if not task.cancelled() and task.exception() is not None:
        logger.error(
            "the API's orchestrator worker stopped; runs continue on the hub worker orchestrators",
            exc_info=task.exception(),
        )
