"""Worker Deployment Versioning: workers announce their build, runs stay pinned to the build
they started on, a new current build takes new runs, and ``hub workers status`` shows
versions, pollers and drain state."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from activities.agent_calls import AgentActivities, build_agent_http_client
from activities.plans import PlanActivities
from schemas.runs import ApprovalDecision, RunInput, RunProgress, RunResult
from storage.artifacts import LocalArtifactStore
from tests.engine_support.agent_service import AgentService, Behaviour
from tests.engine_support.harness import no_deployed_plan, wait_until
from tests.engine_support.plans import (
    agent,
    approval_step,
    from_step,
    plan,
    step,
    trigger,
    unique_agent_type,
)
from workers.builders import (
    build_agent_worker,
    build_orchestrator_worker,
    run_workers,
    worker_deployment,
)


@asynccontextmanager
async def workers_of_build(
    client: Client,
    agents: AgentService,
    root: Path,
    *,
    deployment: str,
    build: str,
    queue: str,
    agent_type: str,
    versioned: bool,
) -> AsyncIterator[None]:
    config = worker_deployment(deployment, build, versioned=versioned)
    async with build_agent_http_client() as http:
        activities = AgentActivities(http, agents.url_for, LocalArtifactStore(root), 65536)
        workers = [
            build_orchestrator_worker(
                client, PlanActivities(no_deployed_plan), task_queue=queue, deployment=config
            ),
            build_agent_worker(client, agent_type, activities, deployment=config),
        ]
        stop = asyncio.Event()
        runner = asyncio.create_task(run_workers(workers, stop))
        try:
            yield
        finally:
            stop.set()
            await runner


async def hub_cli(env: WorkflowEnvironment, deployment: str, *args: str) -> tuple[int, str]:
    """Run ``hub …`` against the test server as an operator would (its own process)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "hub.cli",
        *args,
        env=os.environ
        | {
            "HUB_TEMPORAL_ADDRESS": env.client.service_client.config.target_host,
            "HUB_WORKER_DEPLOYMENT_NAME": deployment,
        },
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(process.communicate(), 60)
    return process.returncode or 0, out.decode()


async def builds_that_ran(handle: WorkflowHandle[Any, Any]) -> set[str]:
    """The builds that completed the run's workflow tasks (as recorded in history)."""
    history = await handle.fetch_history()
    return {
        e.workflow_task_completed_event_attributes.deployment_version.build_id
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED
    }


async def test_unversioned_workers_announce_their_build(
    temporal_env: WorkflowEnvironment, agent_service: AgentService, tmp_path: Path
) -> None:
    deployment = f"hub-test-{uuid.uuid4().hex[:8]}"
    queue = f"hub-orchestrator-test-{uuid.uuid4().hex[:8]}"
    kind = unique_agent_type("build")
    agent_service.configure(kind, Behaviour())
    async with workers_of_build(
        temporal_env.client,
        agent_service,
        tmp_path,
        deployment=deployment,
        build="2026.12.1",
        queue=queue,
        agent_type=kind,
        versioned=False,
    ):

        async def polling() -> bool:
            code, out = await hub_cli(
                temporal_env, deployment, "workers", "status", "--queue", queue, "--json"
            )
            return code == 0 and bool(json.loads(out)["pollers"])

        await wait_until(polling, what="the workers' pollers", limit=30)
        code, out = await hub_cli(
            temporal_env, deployment, "workers", "status", "--queue", queue, "--json"
        )
    status = json.loads(out)
    assert status["versioned"] is False
    mine = [p for p in status["pollers"] if p["task_queue"] == queue]
    assert {p["queue_type"] for p in mine} == {"workflow", "activity"}
    assert {(p["deployment_name"], p["build_id"], p["versioning"]) for p in mine} == {
        (deployment, "2026.12.1", "unversioned")
    }


async def test_pinned_runs_finish_on_their_build_while_new_runs_take_the_new_one(
    temporal_env: WorkflowEnvironment, agent_service: AgentService, tmp_path: Path
) -> None:
    client = temporal_env.client
    deployment = f"hub-test-{uuid.uuid4().hex[:8]}"
    queue = f"hub-orchestrator-test-{uuid.uuid4().hex[:8]}"
    kind = unique_agent_type("pinned")
    agent_service.configure(kind, Behaviour())
    gated = plan(
        [agent("agent-p", kind)],
        [
            step("before", "agent-p", inputs=[trigger("x")], outputs=["y"]),
            approval_step("gate", depends_on=["before"]),
            step("after", "agent-p", inputs=[from_step("before", "y")]),
        ],
    )

    async def start(name: str) -> WorkflowHandle[Any, RunResult]:
        return await client.start_workflow(
            "OrchestrationWorkflow",
            RunInput(app_id="app-test", inputs={"x": 1}, plan=gated),
            id=f"run-{name}-{uuid.uuid4().hex[:8]}",
            task_queue=queue,
            result_type=RunResult,
        )

    async def at_gate(handle: WorkflowHandle[Any, Any]) -> bool:
        progress = await handle.query("progress", result_type=RunProgress)
        return any(s.state == "waiting_approval" for s in progress.steps)

    def build_args(build: str) -> dict[str, Any]:
        return {
            "deployment": deployment,
            "build": build,
            "queue": queue,
            "agent_type": kind,
            "versioned": True,
        }

    async with workers_of_build(client, agent_service, tmp_path, **build_args("v1")):
        await wait_until(
            _set_current(temporal_env, deployment, "v1"), what="build v1 to register", limit=30
        )
        old_run = await start("old")
        await wait_until(lambda: at_gate(old_run), what="the old run at its approval")
        async with workers_of_build(client, agent_service, tmp_path, **build_args("v2")):
            await wait_until(
                _set_current(temporal_env, deployment, "v2"),
                what="build v2 to become current",
                limit=30,
            )
            new_run = await start("new")
            await wait_until(lambda: at_gate(new_run), what="the new run at its approval")
            code, out = await hub_cli(
                temporal_env, deployment, "workers", "status", "--queue", queue
            )
            assert code == 0, out
            for handle in (old_run, new_run):
                await handle.execute_update("approve", ApprovalDecision(step_id="gate", payload={}))
                await handle.result()
            code, raw = await hub_cli(
                temporal_env, deployment, "workers", "status", "--queue", queue, "--json"
            )
    # Each run's workflow tasks all ran on one build: the one current when it started.
    assert await builds_that_ran(old_run) == {"v1"}
    assert await builds_that_ran(new_run) == {"v2"}
    status = json.loads(raw)
    assert status["versioned"] is True and status["current_build_id"] == "v2"
    states = {v["build_id"]: v["status"] for v in status["versions"]}
    assert states["v2"] == "current"
    assert states["v1"] in {"draining", "drained"}
    assert {(p["build_id"], p["versioning"]) for p in status["pollers"]} == {
        ("v1", "versioned"),
        ("v2", "versioned"),
    }
    # The human-readable form names the same things.
    assert f"Deployment {deployment}" in out and "current build: v2" in out
    assert "v1" in out and ("draining" in out or "drained" in out)
    assert queue in out


def _set_current(
    env: WorkflowEnvironment, deployment: str, build: str
) -> Callable[[], Awaitable[bool]]:
    """``hub workers set-current BUILD`` until it succeeds (the build registers with its
    first poll)."""

    async def attempt() -> bool:
        code, _ = await hub_cli(env, deployment, "workers", "set-current", build)
        return code == 0

    return attempt
