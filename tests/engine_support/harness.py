"""Real workers (orchestrator + agent types) on a per-test task queue, against a dev server."""

from __future__ import annotations

import asyncio
import base64
import re
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine as SqlEngine
from sqlalchemy.orm import Session, sessionmaker
from temporalio.client import Client, WorkflowHandle
from temporalio.common import TypedSearchAttributes
from temporalio.worker import Worker

from activities.agent_calls import AgentActivities, build_agent_http_client
from activities.plans import PlanActivities
from activities.run_records import RunRecords
from api.runs.service import API_TRIGGER, trigger_search_attributes
from schemas.orchestration import ExecutionPlan
from schemas.runs import RunInput, RunResult
from storage.artifacts import LocalArtifactStore
from storage.database import create_db_engine, create_session_factory
from storage.migrations import upgrade
from storage.repositories import AppRepository, RunRepository
from tests.engine_support import plans as p
from tests.engine_support.agent_service import AgentService, Behaviour
from workers.builders import build_agent_worker, build_orchestrator_worker, run_workers
from workflows.search_attributes import run_search_attributes

PlanLoader = Callable[[str], Awaitable[ExecutionPlan | None]]


async def no_deployed_plan(_app_id: str) -> ExecutionPlan | None:
    return None


@dataclass
class Engine:
    """One test's running engine: start runs with :meth:`start`."""

    client: Client
    task_queue: str
    agents: AgentService
    artifacts: LocalArtifactStore
    workers: list[Worker] = field(default_factory=list)

    async def start(
        self,
        plan: ExecutionPlan | None,
        inputs: dict[str, Any] | None = None,
        *,
        app_id: str | None = None,
        workflow_id: str | None = None,
        search_attributes: TypedSearchAttributes | None = None,
        records: bool = False,
        worker_records_end: bool = False,
    ) -> WorkflowHandle[Any, RunResult]:
        run_input = RunInput(
            app_id=app_id or (plan.app_id if plan else "app-test"),
            inputs=inputs or {},
            plan=plan,
            records=records,
            worker_records_end=worker_records_end,
        )
        return await self.client.start_workflow(
            "OrchestrationWorkflow",
            run_input,
            id=workflow_id or f"run-{uuid.uuid4().hex[:12]}",
            task_queue=self.task_queue,
            result_type=RunResult,
            search_attributes=search_attributes,
        )


@asynccontextmanager
async def running_engine(
    client: Client,
    agents: AgentService,
    artifact_root: Path,
    agent_types: list[str],
    *,
    load_deployed_plan: PlanLoader = no_deployed_plan,
    inline_max_bytes: int = 64 * 1024,
    local_dispatch: bool = False,
) -> AsyncIterator[Engine]:
    """Orchestrator and agent workers for ``agent_types`` until the block exits."""
    task_queue = f"hub-orchestrator-test-{uuid.uuid4().hex[:12]}"
    store = LocalArtifactStore(artifact_root)
    async with build_agent_http_client() as http:
        agent_activities = AgentActivities(http, agents.url_for, store, inline_max_bytes)
        workers = [
            build_orchestrator_worker(
                client,
                PlanActivities(load_deployed_plan),
                agent_activities if local_dispatch else None,
                task_queue=task_queue,
            )
        ]
        workers += [build_agent_worker(client, t, agent_activities) for t in agent_types]
        stop = asyncio.Event()
        runner = asyncio.create_task(run_workers(workers, stop))
        try:
            yield Engine(client, task_queue, agents, store, workers)
        finally:
            stop.set()
            await runner


@dataclass
class HubDatabase:
    """A migrated SQLite hub database with one app in it."""

    url: str
    engine: SqlEngine
    sessions: sessionmaker[Session]
    app_id: str


def hub_database_with_app(directory: Path, app_name: str) -> HubDatabase:
    url = f"sqlite:///{directory / 'hub.db'}"
    upgrade(url)
    engine = create_db_engine(url)
    sessions = create_session_factory(engine)
    with sessions() as session:
        app_id = AppRepository(session).create(f"{app_name} {uuid.uuid4().hex[:8]}").id
        session.commit()
    return HubDatabase(url, engine, sessions, app_id)


async def start_as_the_api(
    client: Client, hub: HubDatabase, queue: str, plan: ExecutionPlan
) -> WorkflowHandle[Any, RunResult]:
    """A run of ``plan`` on ``queue`` started as ``RunService.start`` starts one: the row,
    then the run with every attribute, ``records`` and ``worker_records_end`` (so it
    records neither its start nor its end itself: the worker writes the end)."""
    run_id = f"run-{uuid.uuid4().hex[:12]}"
    types = sorted({a.type for a in plan.agents.values()})
    with hub.sessions() as session:
        RunRepository(session).create(
            hub.app_id,
            run_id=run_id,
            workflow_id=run_id,
            app_version=plan.app_version,
            agent_types=types,
        )
        session.commit()
    return await client.start_workflow(
        "OrchestrationWorkflow",
        RunInput(
            app_id=hub.app_id,
            inputs={"doc": "d"},
            plan=plan,
            records=True,
            worker_records_end=True,
        ),
        id=run_id,
        task_queue=queue,
        result_type=RunResult,
        search_attributes=TypedSearchAttributes(
            [
                *run_search_attributes(plan, run_id),
                *trigger_search_attributes(API_TRIGGER),
            ]
        ),
    )


def recording_orchestrator(client: Client, sessions: sessionmaker[Session], queue: str) -> Worker:
    """An orchestrator worker on ``queue`` that records runs in the hub database of
    ``sessions`` (their start and end, as ``hub worker`` does); no deployed plans."""
    return build_orchestrator_worker(
        client, PlanActivities(no_deployed_plan), run_records=RunRecords(sessions), task_queue=queue
    )


def ending_plans(agents: AgentService, app_id: str) -> tuple[str, str, dict[str, ExecutionPlan]]:
    """Agent types ``ok`` and ``broken`` (a 400: "no document") and a plan of ``app_id``
    for each way a run ends: ``ok`` completes, ``broken`` fails, ``wait`` waits at an
    approval (to be canceled)."""
    ok, broken = p.unique_agent_type("ok"), p.unique_agent_type("broken")
    agents.configure(ok, Behaviour(tokens=3))
    agents.configure(broken, Behaviour(error_status=400, error_detail="no document"))
    plans = {
        "ok": p.plan(
            [p.agent("a", ok)], [p.step("s", "a", inputs=[p.trigger("doc")])], app_id=app_id
        ),
        "broken": p.plan(
            [p.agent("b", broken)], [p.step("s", "b", inputs=[p.trigger("doc")])], app_id=app_id
        ),
        "wait": p.plan([p.agent("a", ok)], [p.approval_step("gate")], app_id=app_id),
    }
    return ok, broken, plans


async def wait_until(
    predicate: Callable[[], Awaitable[bool] | bool], *, what: str, limit: float = 30
) -> None:
    """Poll ``predicate`` until it holds (a readiness wait, not a timing assertion)."""
    deadline = asyncio.get_running_loop().time() + limit
    while True:
        value = predicate()
        if isinstance(value, Awaitable):
            value = await value
        if value:
            return
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        await asyncio.sleep(0.1)


_PAYLOAD_DATA = re.compile(r'"data":\s*"([A-Za-z0-9+/=]+)"')


async def history_text(handle: WorkflowHandle[Any, Any]) -> str:
    """A run's history as JSON with every payload decoded, for "never in history" checks.

    Payload bytes are base64 in the JSON form, so searching the raw JSON would miss them.
    """
    raw = (await handle.fetch_history()).to_json()
    decoded = [
        base64.b64decode(match).decode("utf-8", errors="replace")
        for match in _PAYLOAD_DATA.findall(raw)
    ]
    return raw + "\n" + "\n".join(decoded)
