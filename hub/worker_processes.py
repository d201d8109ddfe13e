"""Worker processes as the CLI starts them (``hub worker orchestrator|agent|all``).

This is where configuration meets the builders: settings → Temporal client, HTTP
client, artifact store, the deployed-plan loader from storage.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from temporalio.worker import Worker

from activities.agent_calls import AgentActivities, build_agent_http_client
from activities.plans import DeployedPlanLoader, PlanActivities
from activities.step_results import StepResultRecorder
from hub.settings import Settings
from hub.telemetry import setup_process, temporal_runtime, tracing_interceptors
from schemas.orchestration import ExecutionPlan
from storage.artifacts import artifact_store_from_uri
from storage.database import create_db_engine, create_session_factory, session_scope
from storage.prices import PriceTable
from storage.repositories import ReleaseRepository
from workers.builders import build_agent_worker, build_orchestrator_worker, run_workers
from workers.temporal_client import connect

logger = logging.getLogger(__name__)


def deployed_plan_loader(settings: Settings) -> DeployedPlanLoader:
    """``app_id -> plan of its deployed release`` read from the hub database."""
    factory = create_session_factory(create_db_engine(settings.resolved_database_url))

    def load(app_id: str) -> ExecutionPlan | None:
        with session_scope(factory) as session:
            return ReleaseRepository(session).get_deployed_plan(app_id)

    async def load_async(app_id: str) -> ExecutionPlan | None:
        # SQLAlchemy sessions are synchronous: keep the worker's event loop free.
        return await asyncio.to_thread(load, app_id)

    return load_async


async def run_worker_processes(
    settings: Settings, *, orchestrator: bool, agent_types: Sequence[str]
) -> None:
    """Run the orchestrator worker and/or agent workers in this process until signalled."""
    setup_process(settings, "worker")
    client = await connect(
        settings.temporal_address,
        settings.temporal_namespace,
        interceptors=tracing_interceptors(),
        runtime=temporal_runtime(settings),
    )
    store = artifact_store_from_uri(settings.resolved_artifact_root)
    # Every attempt of every step is recorded for the observability endpoints.
    recorder = StepResultRecorder(
        create_session_factory(create_db_engine(settings.resolved_database_url)),
        PriceTable.load(settings.prices_file),
    )
    async with build_agent_http_client() as http:
        agent_activities = AgentActivities(
            http, settings.agent_url, store, settings.artifact_inline_max_bytes, recorder
        )
        workers: list[Worker] = []
        if orchestrator:
            workers.append(
                build_orchestrator_worker(
                    client,
                    PlanActivities(deployed_plan_loader(settings)),
                    agent_activities,
                    sandboxed=settings.workflow_sandbox,
                )
            )
        workers += [build_agent_worker(client, t, agent_activities) for t in agent_types]
        if not workers:
            raise ValueError("nothing to run: name the orchestrator or at least one agent type")
        logger.info(
            "workers started (orchestrator=%s, agent types=%s) on %s",
            orchestrator,
            list(agent_types),
            settings.temporal_address,
        )
        try:
            await run_workers(workers)
        finally:
            recorder.close()


async def serve_orchestrator(settings: Settings) -> None:
    """``hub worker orchestrator``: the hub-orchestrator queue (workflows, bookkeeping)."""
    await run_worker_processes(settings, orchestrator=True, agent_types=[])


async def serve_agent(settings: Settings, agent_type: str) -> None:
    """``hub worker agent --type X``: the agent-X queue (the ``invoke_agent`` activity)."""
    await run_worker_processes(settings, orchestrator=False, agent_types=[agent_type])
