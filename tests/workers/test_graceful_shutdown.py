"""run_workers: a stop request lets the in-flight agent call finish and report its result."""

from __future__ import annotations

import asyncio
from pathlib import Path

from temporalio.testing import WorkflowEnvironment

from activities.agent_calls import AgentActivities, build_agent_http_client
from storage.artifacts import LocalArtifactStore
from tests.engine_support.agent_service import AgentService, Behaviour
from tests.engine_support.harness import running_engine, wait_until
from tests.engine_support.plans import agent, plan, step, trigger, unique_agent_type
from workers.builders import build_agent_worker, run_workers


async def test_shutdown_lets_in_flight_activity_finish(
    temporal_env: WorkflowEnvironment, agent_service: AgentService, tmp_path: Path
) -> None:
    slow = unique_agent_type("slow")
    agent_service.configure(slow, Behaviour(sleep_seconds=1.5))
    the_plan = plan(
        [agent("agent-s", slow)], [step("1", "agent-s", inputs=[trigger("x")], outputs=["y"])]
    )
    async with build_agent_http_client() as http:
        activities = AgentActivities(
            http, agent_service.url_for, LocalArtifactStore(tmp_path), 65536
        )
        async with running_engine(temporal_env.client, agent_service, tmp_path, []) as engine:
            stop = asyncio.Event()
            agent_workers = asyncio.create_task(
                run_workers([build_agent_worker(temporal_env.client, slow, activities)], stop)
            )
            handle = await engine.start(the_plan, {"x": 1})
            await wait_until(lambda: bool(agent_service.calls_of(slow)), what="the agent call")
            stop.set()
            await agent_workers
            # The worker is gone, yet the run finishes: the result was reported before exit.
            result = await handle.result()
    call = agent_service.calls_of(slow)[0]
    assert call.status == 200 and not call.disconnected
    assert len(agent_service.calls_of(slow)) == 1
    assert result.outputs["1"] == {"y": {"x": 1}}
