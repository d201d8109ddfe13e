"""Faults with real processes: a Temporal dev server, ``hub api``, ``hub worker orchestrator``
and ``hub worker agent`` as child processes (configured only by ``HUB_*`` variables),
calling a real HTTP agent service that misbehaves on purpose.

Mid-step moments are found by polling for the agent call being in flight, never by
sleeping a fixed time.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import httpx
import pytest
import pytest_asyncio
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client

from hub.stack import Part, hub_command
from tests.auth_support import admin_headers
from tests.e2e.hub_api import CreatedApp, create_app, start_run, step_of, wait_for_run
from tests.e2e.processes import (
    Processes,
    TemporalDevServer,
    api_part,
    hub_environment,
    wait_ready,
)
from tests.engine_support.agent_service import AgentService, Behaviour, CallRecord
from tests.engine_support.harness import wait_until
from tests.engine_support.plans import unique_agent_type
from workers.temporal_client import connect

FLAKY = unique_agent_type("flaky")
BAD = unique_agent_type("bad")
SLOW = unique_agent_type("slow")
ECHO = unique_agent_type("echo")
AGENT_TYPES = (FLAKY, BAD, SLOW, ECHO)
BAD_REQUEST_MESSAGE = "the memo has no borrower name; add one and run again"

ONE_STEP_YAML = """\
version: "1.0"
app_id: "$app_id"
agents:
  - {id: "$a1", type: "$agent_type"}
workflow:
  - step: 1
    agent_id: "$a1"
    retry: {max_attempts: 5, initial_interval: 200ms, max_interval: 1s}
    inputs: [{source: trigger, field: memo}]
    outputs: [{name: result}]
"""

#: A slow step then an echo step. The slow step's short timeout is also its heartbeat
#: timeout, so Temporal notices a dead worker within seconds.
SLOW_CHAIN_YAML = """\
version: "1.0"
app_id: "$app_id"
agents:
  - {id: "$a1", type: "$slow"}
  - {id: "$a2", type: "$echo"}
workflow:
  - step: 1
    agent_id: "$a1"
    timeout: 6s
    retry: {max_attempts: 5, initial_interval: 200ms, max_interval: 1s}
    inputs: [{source: trigger, field: memo}]
    outputs: [{name: slow_result}]
  - step: 2
    agent_id: "$a2"
    inputs: [{source: "$a1", field: slow_result}]
    outputs: [{name: report}]
"""


@dataclass
class FaultStack:
    processes: Processes
    temporal_server: TemporalDevServer
    env: dict[str, str]
    api_url: str
    agents: AgentService
    http: httpx.AsyncClient
    temporal: Client
    agent_worker: Part | None = None

    def start_agent_worker(self) -> Part:
        argv = [*hub_command(), "worker", "agent"]
        for agent_type in AGENT_TYPES:
            argv += ["--type", agent_type]
        self.agent_worker = self.processes.start("agent-worker", argv, self.env)
        return self.agent_worker

    def call_in_flight(self, run_id: str, agent_type: str) -> CallRecord | None:
        return next(
            (c for c in self.agents.calls_of(agent_type) if c.run_id == run_id and not c.ended),
            None,
        )

    def calls_of_run(self, run_id: str, agent_type: str) -> list[CallRecord]:
        return [c for c in self.agents.calls_of(agent_type) if c.run_id == run_id]


@pytest.fixture(scope="module")
def agents() -> Iterator[AgentService]:
    service = AgentService()
    service.start()
    service.configure(FLAKY, Behaviour(fail_times=2, fail_status=503))
    service.configure(BAD, Behaviour(error_status=400, error_detail=BAD_REQUEST_MESSAGE))
    service.configure(SLOW, Behaviour(sleep_seconds=2.5))
    service.configure(ECHO)
    try:
        yield service
    finally:
        service.stop()


@pytest_asyncio.fixture(scope="module")
async def stack(
    agents: AgentService, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[FaultStack]:
    home = tmp_path_factory.mktemp("fault-home")
    processes = Processes(home / "logs")
    try:
        temporal_server = TemporalDevServer(processes, home / "temporal.db")
        temporal_server.start()
        env = hub_environment(
            {
                "HUB_HOME": str(home),
                "HUB_TEMPORAL_ADDRESS": temporal_server.address,
                "HUB_TEMPORAL_UI_URL": "",
                "HUB_AGENT_URL_TEMPLATE": agents.base_url + "/{type}",
                "HUB_LOG_LEVEL": "WARNING",
                "HUB_RATE_LIMIT_PER_MINUTE": "1000000",
                "HUB_RATE_LIMIT_BURST": "1000000",
            }
        )
        api, api_url = api_part(processes, env)
        processes.start("orchestrator-worker", [*hub_command(), "worker", "orchestrator"], env)
        client = await connect(temporal_server.address)
        async with httpx.AsyncClient(base_url=api_url, headers=admin_headers(), timeout=30) as http:
            fault_stack = FaultStack(processes, temporal_server, env, api_url, agents, http, client)
            fault_stack.start_agent_worker()
            wait_ready(api)
            yield fault_stack
    finally:
        processes.stop_all()
    for part in processes.parts:
        assert not part.alive(), f"{part.name} is still running"


async def new_app(stack: FaultStack, yaml_template: str, agent_type: str) -> CreatedApp:
    agents = {"a1": agent_type} if "$a2" not in yaml_template else {"a1": SLOW, "a2": ECHO}
    return await create_app(
        stack.http,
        yaml_template,
        agents,
        values={"agent_type": agent_type, "slow": SLOW, "echo": ECHO},
    )


async def test_agent_503_twice_then_200_succeeds_on_the_third_attempt(stack: FaultStack) -> None:
    app = await new_app(stack, ONE_STEP_YAML, FLAKY)
    started = await start_run(stack.http, app.app_id, {"memo": "flaky"})
    run = await wait_for_run(stack.http, started["run_id"])
    assert run["status"] == "completed", run
    assert run["outputs"]["1"] == {"result": {"memo": "flaky"}}
    assert step_of(run, "1")["attempts"] == 3

    calls = stack.calls_of_run(started["run_id"], FLAKY)
    assert [c.status for c in calls] == [503, 503, 200]
    assert [c.attempt for c in calls] == [1, 2, 3]
    assert len({c.idempotency_key for c in calls}) == 1

    history = await stack.temporal.get_workflow_handle(started["workflow_id"]).fetch_history()
    scheduled = [
        e for e in history.events if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
    ]
    started_events = [
        e.activity_task_started_event_attributes
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED
    ]
    assert len(scheduled) == 1 and len(started_events) == 1
    assert started_events[0].attempt == 3
    assert "503" in started_events[0].last_failure.message


async def test_agent_400_fails_the_run_at_once_with_the_agents_message(stack: FaultStack) -> None:
    app = await new_app(stack, ONE_STEP_YAML, BAD)
    started = await start_run(stack.http, app.app_id, {"memo": "no borrower"})
    run = await wait_for_run(stack.http, started["run_id"])
    assert run["status"] == "failed", run
    assert BAD_REQUEST_MESSAGE in run["error"]
    assert step_of(run, "1")["state"] == "failed"
    assert len(stack.calls_of_run(started["run_id"], BAD)) == 1  # not retried


async def test_agent_worker_killed_mid_step_and_restarted_loses_no_step(
    stack: FaultStack,
) -> None:
    app = await new_app(stack, SLOW_CHAIN_YAML, SLOW)
    started = await start_run(stack.http, app.app_id, {"memo": "survives"})
    run_id = started["run_id"]
    await wait_until(
        lambda: stack.call_in_flight(run_id, SLOW) is not None,
        what="the slow agent call to be in flight",
        limit=60,
    )
    assert stack.agent_worker is not None
    stack.processes.kill(stack.agent_worker)
    stack.start_agent_worker()

    run = await wait_for_run(stack.http, run_id, limit=90)
    assert run["status"] == "completed", run
    assert run["outputs"]["1"] == {"slow_result": {"memo": "survives"}}
    assert run["outputs"]["2"] == {"report": {"slow_result": {"memo": "survives"}}}
    assert [s["state"] for s in run["steps"]] == ["completed", "completed"]
    slow_calls = stack.calls_of_run(run_id, SLOW)
    # The killed attempt and its retry, under one idempotency key; the retry answered.
    assert len(slow_calls) == 2 and len({c.idempotency_key for c in slow_calls}) == 1
    assert slow_calls[0].disconnected and slow_calls[1].status == 200
    assert step_of(run, "1")["attempts"] == 2
    assert len(stack.calls_of_run(run_id, ECHO)) == 1


async def test_temporal_restarted_on_the_same_file_mid_run_and_the_run_completes(
    stack: FaultStack,
) -> None:
    app = await new_app(stack, SLOW_CHAIN_YAML, SLOW)
    started = await start_run(stack.http, app.app_id, {"memo": "outlives the server"})
    run_id = started["run_id"]
    await wait_until(
        lambda: stack.call_in_flight(run_id, SLOW) is not None,
        what="the slow agent call to be in flight",
        limit=60,
    )
    stack.temporal_server.stop()
    down = await stack.http.get(f"/runs/{run_id}")
    assert down.status_code == 503, down.text
    assert stack.temporal_server.address in down.json()["detail"]
    stack.temporal_server.start()

    run = await wait_for_run(stack.http, run_id, limit=90)
    assert run["status"] == "completed", run
    assert run["outputs"]["2"] == {"report": {"slow_result": {"memo": "outlives the server"}}}
    # The run kept its history across the restart: one workflow, started once.
    history = await stack.temporal.get_workflow_handle(run_id).fetch_history()
    assert history.events[0].event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED
    assert (
        sum(
            1
            for e in history.events
            if e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED
        )
        == 1
    )


async def test_orchestrator_worker_killed_mid_batch_and_restarted_loses_no_item(
    stack: FaultStack,
) -> None:
    """A batch's parent workflow survives its worker: SIGKILLed while children run, the
    restarted worker carries on; every item completes, each run's agents once per step."""
    app = await new_app(stack, SLOW_CHAIN_YAML, SLOW)
    before = {c.run_id for c in stack.agents.calls_of(SLOW)}
    items = [{"inputs": {"memo": f"item {i}"}} for i in range(6)]
    answer = await stack.http.post(
        f"/apps/{app.app_id}/batches", json={"items": items, "max_concurrency": 2}
    )
    assert answer.status_code == 202, answer.text
    batch_id = answer.json()["batch_id"]
    await wait_until(
        lambda: any(c.run_id not in before and not c.ended for c in stack.agents.calls_of(SLOW)),
        what="a slow call of the batch to be in flight",
        limit=60,
    )
    orchestrator = next(
        p for p in stack.processes.parts if p.name == "orchestrator-worker" and p.alive()
    )
    stack.processes.kill(orchestrator)
    stack.processes.start(
        "orchestrator-worker", [*hub_command(), "worker", "orchestrator"], stack.env
    )
    batch: dict[str, object] = {}
    for _ in range(900):
        batch = (await stack.http.get(f"/batches/{batch_id}")).json()
        if batch["status"] != "running":
            break
        await asyncio.sleep(0.2)
    assert batch["status"] == "completed", batch
    counts = batch["counts"]
    assert isinstance(counts, dict) and counts["completed"] == 6, batch
    run_ids = [item["run_id"] for item in batch["items"]]  # type: ignore[attr-defined]
    assert len(set(run_ids)) == 6
    for run_id in run_ids:
        assert len(stack.calls_of_run(run_id, ECHO)) == 1
        assert [c.status for c in stack.calls_of_run(run_id, SLOW)][-1] == 200
