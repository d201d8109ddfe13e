"""An API that runs an orchestrator worker (``HUB_API_ORCHESTRATOR``) dies; its runs go on.

Real processes, each in its own session: the Temporal dev server, ``hub agent serve
--all`` (the built-in agents, local provider), ``hub api`` with
``HUB_API_ORCHESTRATOR=true`` and a separate ``hub worker all``. ``hub up`` is not
used: it stops the whole stack when one part exits, and here the worker must outlive
the API.

A run of the built-in pipeline is started through the API, so Temporal hands its first
workflow task to the API's own worker (eager start) and keeps the later ones there
(sticky). While the run waits at its approval step, the API is SIGKILLed. A new API
(without an orchestrator worker, so ``hub worker`` is the only orchestrator left)
delivers the approval; the run finishes, and its history shows every workflow task
after the kill completed by ``hub worker``.

The approval's workflow task is first put on the dead worker's sticky queue; Temporal
moves it to the ``hub-orchestrator`` queue when the sticky queue's schedule-to-start
timeout passes (the SDK's default, 10 s), so the approval request takes that long.
Nothing here asserts a duration.
"""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest_asyncio
from temporalio.api.enums.v1 import EventType, TaskQueueType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import Client

from agents.demo.samples import generate_samples
from hub.demo import find_memo
from hub.stack import Part, free_port, http_ok, hub_command
from schemas.agents import BUILTIN_AGENT_TYPES
from schemas.names import ORCHESTRATOR_QUEUE, agent_queue
from tests.auth_support import admin_headers
from tests.e2e.hub_api import create_app, expect, step_in_state, wait_for_run
from tests.e2e.processes import (
    Processes,
    TemporalDevServer,
    hub_environment,
    wait_ready,
)
from tests.e2e.split_stack import poller_identities
from tests.engine_support.harness import wait_until
from workers.temporal_client import connect

#: The built-in pipeline with a human gate between the analysis and the memo: the
#: memo step reads the approval's decision, so it runs only after the approval.
GATED_PIPELINE_YAML = """\
version: "1.0"
app_id: "$app_id"
agents:
  - {id: "$extractor", type: extractor}
  - {id: "$mapper", type: mapper}
  - {id: "$analyzer", type: analyzer}
  - {id: "$summarizer", type: summarizer}
workflow:
  - step: extract
    agent_id: "$extractor"
    inputs: [{source: trigger, field: document}]
    outputs: [{name: extracted_data}]
  - step: map
    agent_id: "$mapper"
    inputs: [{source: extract, field: extracted_data}]
    outputs: [{name: mapped_data}]
  - step: analyze
    agent_id: "$analyzer"
    inputs: [{source: map, field: mapped_data}]
    outputs: [{name: risk_analysis}]
  - step: sign_off
    inputs: [{source: analyze, field: risk_analysis}]
    outputs: [{name: decision}]
    approval:
      prompt: "A credit officer signs the analysis off"
      input_schema:
        type: object
        required: [limit]
        properties: {limit: {type: number, minimum: 0}}
  - step: report
    agent_id: "$summarizer"
    inputs:
      - {source: analyze, field: risk_analysis}
      - {source: sign_off, field: decision}
    outputs: [{name: final_report}]
"""
STEPS = ["extract", "map", "analyze", "sign_off", "report"]
#: Generous waits (never asserted on): process start-up, a run's progress.
WAIT_SECONDS = 60.0

WORKFLOW_TASK_STARTED = EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED
WORKFLOW_TASK_COMPLETED = EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED


@dataclass
class CrashStack:
    processes: Processes
    env: dict[str, str]
    temporal: Client
    api: Part
    api_url: str
    worker: Part


def pid_of(part: Part) -> int:
    assert part.process is not None
    return part.process.pid


def identity_of(part: Part) -> str:
    """The Temporal identity the SDK gives a process's client and workers: ``pid@host``."""
    return f"{pid_of(part)}@{socket.gethostname()}"


def start_api(processes: Processes, name: str, env: dict[str, str]) -> tuple[Part, str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    part = processes.start(
        name,
        [*hub_command(), "api", "--host", "127.0.0.1", "--port", str(port)],
        env,
        http_ok(f"{url}/ready"),
    )
    return part, url


async def wait_for_poller(
    client: Client, queue: str, kind: TaskQueueType.ValueType, part: Part
) -> None:
    """Wait until ``part``'s worker polls ``queue`` (workers have no HTTP probe)."""
    identity = identity_of(part)

    async def polling() -> bool:
        if not part.alive():
            raise AssertionError(f"{part.name} exited:\n{part.log_tail(40)}")
        return identity in await poller_identities(client, queue, kind)

    await wait_until(polling, what=f"{part.name} to poll {queue}", limit=WAIT_SECONDS)


@pytest_asyncio.fixture
async def stack(tmp_path: Path) -> AsyncIterator[CrashStack]:
    processes = Processes(tmp_path / "logs")
    leftovers: list[str] = []
    try:
        temporal_server = TemporalDevServer(processes, tmp_path / "temporal.db")
        temporal_server.start()
        agents_port = free_port()
        env = hub_environment(
            {
                "HUB_HOME": str(tmp_path / "home"),
                "HUB_TEMPORAL_ADDRESS": temporal_server.address,
                "HUB_TEMPORAL_UI_URL": "",
                "HUB_AGENT_URL_TEMPLATE": f"http://127.0.0.1:{agents_port}/{{type}}",
                "HUB_LOG_LEVEL": "WARNING",
                "HUB_API_ORCHESTRATOR": "false",
            }
        )
        agents = processes.start(
            "agents",
            [
                *hub_command(),
                "agent",
                "serve",
                "--all",
                "--host",
                "127.0.0.1",
                "--port",
                str(agents_port),
            ],
            env,
            http_ok(f"http://127.0.0.1:{agents_port}/{BUILTIN_AGENT_TYPES[0]}/ready"),
        )
        wait_ready(agents)
        # The API first, so it creates the database and the MLflow store alone.
        api, api_url = start_api(processes, "api", {**env, "HUB_API_ORCHESTRATOR": "true"})
        wait_ready(api)
        worker = processes.start("worker-all", [*hub_command(), "worker", "all"], env)
        temporal = await connect(temporal_server.address)
        workflow_queue = TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW
        await wait_for_poller(temporal, ORCHESTRATOR_QUEUE, workflow_queue, api)
        await wait_for_poller(temporal, ORCHESTRATOR_QUEUE, workflow_queue, worker)
        for agent_type in BUILTIN_AGENT_TYPES:
            await wait_for_poller(
                temporal,
                agent_queue(agent_type),
                TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
                worker,
            )
        yield CrashStack(processes, env, temporal, api, api_url, worker)
    finally:
        leftovers = processes.stop_and_sweep()
    assert not leftovers, f"processes that outlived their stop: {leftovers}"
    for part in processes.parts:
        assert not part.alive(), f"{part.name} is still running"


async def create_gated_app(http: httpx.AsyncClient) -> str:
    """The app of :data:`GATED_PIPELINE_YAML`, its built-in agents (default configs), deployed."""
    roles = ("extractor", "mapper", "analyzer", "summarizer")
    created = await create_app(
        http, GATED_PIPELINE_YAML, {role: role for role in roles}, builtin_configs=True
    )
    return created.app_id


async def upload(http: httpx.AsyncClient, pdf: Path) -> str:
    with pdf.open("rb") as handle:
        answer = await http.post("/artifacts", files={"file": (pdf.name, handle)})
    return str(expect(answer, 201)["uri"])


def task_identities(events: Sequence[HistoryEvent]) -> list[tuple[int, str, str]]:
    """``(event id, kind, identity)`` of every workflow task started and completed."""
    found = []
    for event in events:
        if event.event_type == WORKFLOW_TASK_STARTED:
            identity = event.workflow_task_started_event_attributes.identity
            found.append((event.event_id, "started", identity))
        elif event.event_type == WORKFLOW_TASK_COMPLETED:
            identity = event.workflow_task_completed_event_attributes.identity
            found.append((event.event_id, "completed", identity))
    return found


def describe(events: Sequence[HistoryEvent]) -> str:
    """One line per event, for assertion messages."""
    lines = []
    for event in events:
        kind = EventType.Name(event.event_type).removeprefix("EVENT_TYPE_")
        identity = ""
        if event.event_type == WORKFLOW_TASK_STARTED:
            identity = event.workflow_task_started_event_attributes.identity
        elif event.event_type == WORKFLOW_TASK_COMPLETED:
            identity = event.workflow_task_completed_event_attributes.identity
        lines.append(f"{event.event_id:>4} {kind} {identity}".rstrip())
    return "\n".join(lines)


async def test_runs_of_a_killed_api_are_finished_by_the_hub_worker_orchestrator(
    stack: CrashStack, tmp_path: Path
) -> None:
    api_identity, worker_identity = identity_of(stack.api), identity_of(stack.worker)
    facts = generate_samples(tmp_path / "samples")[0]
    async with httpx.AsyncClient(
        base_url=stack.api_url, headers=admin_headers(), timeout=60
    ) as http:
        app_id = await create_gated_app(http)
        document = await upload(http, tmp_path / "samples" / facts.filename)
        started = expect(
            await http.post(f"/apps/{app_id}/runs", json={"inputs": {"document": document}}),
            202,
        )
        run_id, workflow_id = str(started["run_id"]), str(started["workflow_id"])
        waiting = await wait_for_run(
            http,
            run_id,
            until=step_in_state("sign_off", "waiting_approval"),
            what="the approval gate",
            limit=WAIT_SECONDS,
        )
        assert waiting["status"] == "running", waiting

    stack.processes.kill(stack.api)
    assert not stack.api.alive()
    assert stack.worker.alive()

    handle = stack.temporal.get_workflow_handle(workflow_id)
    before = list((await handle.fetch_history()).events)
    # Eager start: the first workflow task came back with the start, to the API's worker.
    first_task = before[2]
    assert first_task.event_type == WORKFLOW_TASK_STARTED, describe(before)
    first_identity = first_task.workflow_task_started_event_attributes.identity
    assert first_identity.split("@")[0] == str(pid_of(stack.api)), describe(before)
    # Sticky: every workflow task up to the gate stayed on the API's worker.
    assert {identity for _, _, identity in task_identities(before)} == {api_identity}, describe(
        before
    )

    # A new API without an orchestrator worker: hub worker is the only orchestrator left.
    new_api, new_api_url = start_api(stack.processes, "api-restarted", stack.env)
    wait_ready(new_api)
    async with httpx.AsyncClient(base_url=new_api_url, headers=admin_headers(), timeout=60) as http:
        answer = await http.post(
            f"/runs/{run_id}/approvals",
            json={"step_id": "sign_off", "payload": {"limit": 250000}, "approver": "ana"},
        )
        assert expect(answer, 200)["step_id"] == "sign_off"
        run = await wait_for_run(http, run_id, limit=WAIT_SECONDS)

    history = list((await handle.fetch_history()).events)
    assert run["status"] == "completed", (run, describe(history))
    assert {s["step_id"]: s["state"] for s in run["steps"]} == dict.fromkeys(STEPS, "completed")
    decision = run["outputs"]["sign_off"]["decision"]
    assert decision["limit"] == 250000 and decision["approved"] is True, decision
    with httpx.Client(base_url=new_api_url, headers=admin_headers(), timeout=60) as client:
        memo = find_memo(client, run["outputs"])
    assert memo is not None and facts.borrower_name in memo["markdown"], memo

    after_kill = history[len(before) :]
    assert history[-1].event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED
    handed_over = task_identities(after_kill)
    assert any(kind == "completed" for _, kind, _ in handed_over), describe(after_kill)
    # Every workflow task after the kill (the approval, the memo step, the completion)
    # was taken and completed by hub worker's orchestrator.
    assert {identity for _, _, identity in handed_over} == {worker_identity}, describe(history)
    assert any(e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED for e in after_kill), (
        describe(after_kill)
    )
