"""The split topology of ``docker-compose.yml``, proven with real processes.

PostgreSQL (a fresh hub database), the Temporal dev server, the MLflow server,
``hub db upgrade`` and ``hub keys create`` as one-shots, the API, the orchestrator
worker, and per agent type one ``hub worker agent`` and one ``hub agent serve``
process — each its own OS process, configured only with the variables compose
sets for that service. The credit-memo demo runs through the API; then one agent
type's worker is SIGKILLed, two replicas replace it, and ten pipelines run at once.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from temporalio.api.enums.v1 import EventType, TaskQueueType
from temporalio.client import Client

from agents.demo.samples import SampleFacts
from hub.cli_runs import api_client
from hub.demo import DEMO_AGENT_TYPES, DemoRun, find_memo, run_demo
from schemas.names import ORCHESTRATOR_QUEUE, agent_queue
from tests.e2e.hub_api import TERMINAL_STATUSES, expect
from tests.e2e.processes import Processes, TemporalDevServer
from tests.e2e.split_stack import (
    SplitStack,
    compose_environment,
    create_database,
    drop_database,
    identity_of,
    poller_identities,
    wait_all_ready,
)
from tests.e2e.test_hub_up import expected_memo_figures
from workers.temporal_client import connect

logger = logging.getLogger(__name__)

#: The agent type whose worker is killed and replaced by two replicas.
SCALED_TYPE = "analyzer"
CONCURRENT_RUNS = 10
RUN_LIMIT_SECONDS = 90.0
#: One GET per unfinished run per second keeps ten runs within the API's default
#: per-principal rate limit (600/min, burst 120).
POLL_SECONDS = 1.0
WORKER_LIMIT_SECONDS = 60.0


@dataclass
class Split:
    stack: SplitStack
    temporal: Client
    api_key: str
    samples_dir: Path


async def wait_for_pollers(
    client: Client, queue: str, kind: TaskQueueType.ValueType, identities: set[str]
) -> None:
    """Wait until every worker in ``identities`` polls ``queue`` (workers have no HTTP probe)."""
    deadline = time.monotonic() + WORKER_LIMIT_SECONDS
    while not identities <= await poller_identities(client, queue, kind):
        if time.monotonic() > deadline:
            seen = await poller_identities(client, queue, kind)
            raise AssertionError(f"workers {identities} never polled {queue}; seen: {seen}")
        await asyncio.sleep(0.2)


@pytest_asyncio.fixture(scope="module")
async def split(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch_module: pytest.MonkeyPatch
) -> AsyncIterator[Split]:
    home = tmp_path_factory.mktemp("split")
    processes = Processes(home / "logs")
    database = create_database()
    stack: SplitStack | None = None
    leftovers: list[str] = []
    try:
        # The slow starters first (MLflow, Temporal): the others start while they come up.
        temporal_server = TemporalDevServer(processes, home / "temporal.db")
        stack = SplitStack(home, processes, database, "", home / "shared-artifacts")
        mlflow = stack.start_mlflow()
        temporal_server.start()
        stack.temporal_address = temporal_server.address
        stack.artifact_root.mkdir()
        agent_services = [stack.start_agent_service(t) for t in DEMO_AGENT_TYPES]
        stack.one_shot("hub-migrate", ["db", "upgrade"])
        created = json.loads(
            stack.one_shot(
                "hub-migrate",
                ["keys", "create", "split-admin", "--role", "admin", "--team", "*", "--json"],
            )
        )
        wait_all_ready([mlflow, *agent_services])
        api = stack.start_api()
        workers = [stack.start_worker(None)] + [stack.start_worker(t) for t in DEMO_AGENT_TYPES]
        temporal = await connect(stack.temporal_address)
        wait_all_ready([api])
        await wait_for_pollers(
            temporal,
            ORCHESTRATOR_QUEUE,
            TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
            {identity_of(workers[0])},
        )
        for agent_type, worker in zip(DEMO_AGENT_TYPES, workers[1:], strict=True):
            await wait_for_pollers(
                temporal,
                agent_queue(agent_type),
                TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
                {identity_of(worker)},
            )
        # As an operator with the bootstrapped key: the CLI and the demo read HUB_API_KEY.
        monkeypatch_module.setenv("HUB_API_KEY", created["api_key"])
        yield Split(stack, temporal, created["api_key"], home / "samples")
    finally:
        if stack is not None:
            leftovers = stack.stop()
        else:
            processes.stop_all()
        drop_database(database)
    assert not leftovers, f"processes that outlived their stop: {leftovers}"


@pytest.fixture(scope="module")
def monkeypatch_module() -> Iterator[pytest.MonkeyPatch]:
    with pytest.MonkeyPatch.context() as patch:
        yield patch


@pytest.fixture(scope="module")
def demo(split: Split) -> list[DemoRun]:
    """``hub.demo.run_demo`` through the split API: app, agents, YAML, deploy, one run per PDF."""
    said: list[str] = []
    runs = run_demo(split.stack.api_url, samples_dir=split.samples_dir, echo=said.append)
    assert runs, "\n".join(said)
    return runs


def memo_problems(facts: SampleFacts, memo: str | None) -> list[str]:
    """What the memo of ``facts`` lacks (its borrower, figures and ratios)."""
    if memo is None:
        return ["no memo"]
    return [text for text in expected_memo_figures(facts) if text not in memo]


def test_every_process_gets_only_variables_compose_sets_for_its_service(split: Split) -> None:
    assert split.stack.environments
    for name, variables in split.stack.environments.items():
        service = variables["service"]
        given = set(variables) - {"service"}
        allowed = compose_environment(service)
        if "HUB_AGENT_URL_TEMPLATE" in allowed:
            allowed.add("HUB_AGENT_URLS")  # the per-type form of the same setting
        assert given <= allowed, f"{name} got {sorted(given - allowed)} that compose does not set"


def test_the_demo_runs_through_the_split_api_with_the_pdfs_figures(demo: list[DemoRun]) -> None:
    assert len(demo) >= 3
    for run in demo:
        assert run.status == "completed", (run.sample.filename, run.error, run.step_timings)
        assert [t.state for t in run.step_timings] == ["completed"] * len(DEMO_AGENT_TYPES)
        problems = memo_problems(run.sample, run.memo_markdown)
        assert not problems, f"{run.sample.filename}: {problems} not in\n{run.memo_markdown}"


async def _token(api_url: str, api_key: str) -> dict[str, str]:
    async with httpx.AsyncClient(base_url=api_url, timeout=30) as http:
        answer = expect(await http.post("/auth/token", json={"api_key": api_key}), 200)
    return {"Authorization": f"Bearer {answer['access_token']}"}


async def _get_politely(http: httpx.AsyncClient, path: str) -> Any:
    """GET ``path``, waiting as long as the API's ``Retry-After`` asks on a 429."""
    while True:
        response = await http.get(path)
        if response.status_code != 429:
            return expect(response, 200)
        await asyncio.sleep(float(response.headers.get("Retry-After", "1")))


async def _follow(http: httpx.AsyncClient, run_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + RUN_LIMIT_SECONDS
    while True:
        run: dict[str, Any] = await _get_politely(http, f"/runs/{run_id}")
        if run["status"] in TERMINAL_STATUSES:
            return run
        if time.monotonic() > deadline:
            raise AssertionError(f"run {run_id} did not finish; last seen: {run}")
        await asyncio.sleep(POLL_SECONDS)


def _moment(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


async def _activity_workers(client: Client, workflow_id: str, queue: str) -> list[str]:
    """Identities of the workers that started this workflow's activities on ``queue``."""
    scheduled: dict[int, str] = {}
    started: list[str] = []
    async for event in client.get_workflow_handle(workflow_id).fetch_history_events():
        if event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            attrs = event.activity_task_scheduled_event_attributes
            scheduled[event.event_id] = attrs.task_queue.name
        elif event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED:
            attrs_started = event.activity_task_started_event_attributes
            if scheduled.get(attrs_started.scheduled_event_id) == queue:
                started.append(attrs_started.identity)
    return started


async def test_a_killed_worker_replaced_by_two_replicas_serves_ten_concurrent_runs(
    split: Split, demo: list[DemoRun], record_property: Any
) -> None:
    stack, temporal = split.stack, split.temporal
    service = f"worker-{SCALED_TYPE}"
    (original,) = stack.worker_parts[service]
    stack.processes.kill(original)  # SIGKILL: no shutdown code runs
    replicas = [stack.start_worker(SCALED_TYPE), stack.start_worker(SCALED_TYPE)]
    replica_ids = {identity_of(r) for r in replicas}
    await wait_for_pollers(
        temporal, agent_queue(SCALED_TYPE), TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY, replica_ids
    )

    headers = await _token(stack.api_url, split.api_key)
    async with httpx.AsyncClient(base_url=stack.api_url, headers=headers, timeout=30) as http:
        first = expect(await http.get(f"/runs/{demo[0].run_id}"), 200)
        app_id = first["app_id"]
        samples = [demo[i % len(demo)].sample for i in range(CONCURRENT_RUNS)]
        uris = []
        for facts in samples:
            pdf = split.samples_dir / facts.filename
            uploaded = await http.post(
                "/artifacts", files={"file": (pdf.name, pdf.read_bytes(), "application/pdf")}
            )
            uris.append(expect(uploaded, 201)["uri"])

        began = time.monotonic()
        started = await asyncio.gather(
            *(http.post(f"/apps/{app_id}/runs", json={"inputs": {"document": uri}}) for uri in uris)
        )
        starts = [expect(answer, 202) for answer in started]
        finished = await asyncio.gather(*(_follow(http, s["run_id"]) for s in starts))
        wall_seconds = time.monotonic() - began

    record_property("concurrent_runs", CONCURRENT_RUNS)
    record_property("concurrent_wall_seconds", round(wall_seconds, 2))
    logger.info("%d concurrent runs finished in %.2f s", CONCURRENT_RUNS, wall_seconds)

    failed = [
        (r["run_id"], r["status"], r.get("error")) for r in finished if r["status"] != "completed"
    ]
    assert not failed, failed
    # They really ran at the same time: every run started before any ended.
    assert max(_moment(r["started_at"]) for r in finished) < min(
        _moment(r["ended_at"]) for r in finished
    )
    with api_client(stack.api_url) as client:
        for facts, run in zip(samples, finished, strict=True):
            memo = find_memo(client, run.get("outputs"))
            markdown = memo.get("markdown") if memo else None
            problems = memo_problems(facts, markdown if isinstance(markdown, str) else None)
            assert not problems, f"run {run['run_id']} ({facts.filename}): {problems}"

    # Only the replicas served the scaled type: the killed worker took no task.
    served: list[str] = []
    for run, start in zip(finished, starts, strict=True):
        workers = await _activity_workers(temporal, start["workflow_id"], agent_queue(SCALED_TYPE))
        assert workers, f"run {run['run_id']} has no {SCALED_TYPE} activity"
        served += workers
    assert set(served) <= replica_ids, (set(served), replica_ids)
    record_property("replica_tasks", {i: served.count(i) for i in sorted(replica_ids)})
    logger.info("%s tasks per replica: %s", SCALED_TYPE, {i: served.count(i) for i in replica_ids})
