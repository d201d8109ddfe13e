"""``hub runs list|show|watch`` as a user runs them (a subprocess), against a real API on
uvicorn, real workers on a real Temporal dev server and a real HTTP agent service."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import sys
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import pytest_asyncio
import uvicorn
from temporalio.client import Client, WorkflowFailureError
from temporalio.testing import WorkflowEnvironment

from activities.agent_calls import AgentActivities, build_agent_http_client
from activities.step_results import StepResultRecorder
from api.app import create_app
from api.config import ApiConfig
from api.run_events import router as run_events_router
from schemas.orchestration import ExecutionPlan
from schemas.runs import ApprovalDecision, RunInput
from storage.artifacts import LocalArtifactStore
from storage.database import create_db_engine, create_session_factory
from storage.migrations import upgrade
from storage.prices import PriceTable
from storage.repositories import AppRepository
from tests.auth_support import token_for
from tests.engine_support import plans as p
from tests.engine_support.agent_service import AgentService, Behaviour
from tests.engine_support.fixtures import agent_service, temporal_env  # noqa: F401
from tests.engine_support.harness import recording_orchestrator, wait_until
from workers.builders import build_agent_worker, run_workers

OK, FLAKY, BROKEN = (p.unique_agent_type(role) for role in ("ok", "flaky", "broken"))
ALL_TYPES = [OK, FLAKY, BROKEN]


@dataclass
class CliHub:
    """The API's URL, the Temporal client and the task queue runs are started on."""

    api_url: str
    temporal: Client
    task_queue: str
    env: dict[str, str]
    sessions: Any

    def new_app(self) -> str:
        """An app of the hub (the runs listing shows runs of the hub's apps)."""
        with self.sessions() as session:
            app_id = str(AppRepository(session).create(f"cli {uuid.uuid4().hex[:8]}").id)
            session.commit()
        return app_id

    async def start(self, plan: ExecutionPlan, inputs: dict[str, Any]) -> Any:
        return await self.temporal.start_workflow(
            "OrchestrationWorkflow",
            RunInput(app_id=plan.app_id, inputs=inputs, plan=plan),
            id=f"run-{uuid.uuid4().hex[:12]}",
            task_queue=self.task_queue,
        )

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "hub.cli", *args]

    async def cli(self, *args: str) -> tuple[int, str, str]:
        """Run ``hub ARGS`` to the end; its exit code, stdout and stderr."""
        process = await asyncio.create_subprocess_exec(
            *self.command(*args),
            env=self.env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await process.communicate()
        return int(process.returncode or 0), out.decode(), err.decode()


@pytest_asyncio.fixture(scope="module")
async def hub(
    temporal_env: WorkflowEnvironment,  # noqa: F811
    agent_service: AgentService,  # noqa: F811
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[CliHub]:
    agent_service.configure(OK, Behaviour(tokens=7))
    agent_service.configure(FLAKY, Behaviour(fail_times=1, fail_status=503, tokens=5))
    agent_service.configure(BROKEN, Behaviour(error_status=400, error_detail="no document given"))
    home = tmp_path_factory.mktemp("cli-runs-home")
    db_url = f"sqlite:///{home / 'hub.db'}"
    upgrade(db_url)
    client = temporal_env.client

    async def connect() -> Client:
        return client

    api = create_app(
        ApiConfig(database_url=db_url, temporal_ui_url="http://ui"), temporal_connect=connect
    )
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(api, log_level="warning", lifespan="off"))
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    await wait_until(lambda: server.started, what="the API server")
    api_url = f"http://127.0.0.1:{sock.getsockname()[1]}"

    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    env.update({"HUB_HOME": str(home), "HUB_API_URL": api_url, "NO_COLOR": "1"})
    env["HUB_API_TOKEN"] = token_for("admin", ["*"])

    queue = f"hub-orchestrator-test-{uuid.uuid4().hex[:12]}"
    sessions = create_session_factory(create_db_engine(db_url))
    recorder = StepResultRecorder(sessions, PriceTable.load())
    async with build_agent_http_client() as http:
        activities = AgentActivities(
            http, agent_service.url_for, LocalArtifactStore(home / "artifacts"), 65536, recorder
        )
        workers = [recording_orchestrator(client, sessions, queue)]
        workers += [build_agent_worker(client, t, activities) for t in ALL_TYPES]
        stop = asyncio.Event()
        running = asyncio.create_task(run_workers(workers, stop))
        try:
            yield CliHub(api_url, client, queue, env, sessions)
        finally:
            stop.set()
            await running
            server.should_exit = True
            await serving


def mixed_plan(app_id: str) -> ExecutionPlan:
    """extract (ok) → retry (fails once with 503, then succeeds); broken fails, run goes on."""
    return p.plan(
        [p.agent(t, t) for t in ALL_TYPES],
        [
            p.step("extract", OK, inputs=[p.trigger("doc")], outputs=["data"]),
            p.step("retry", FLAKY, depends_on=["extract"]),
            p.step("broken", BROKEN, inputs=[p.trigger("doc")], on_error="continue"),
        ],
        app_id=app_id,
    )


def failing_plan(app_id: str) -> ExecutionPlan:
    return p.plan([p.agent(BROKEN, BROKEN)], [p.step("broken", BROKEN)], app_id=app_id)


async def test_list_and_show_print_runs_and_the_trace_tree(hub: CliHub) -> None:
    app_id = hub.new_app()
    good = await hub.start(mixed_plan(app_id), {"doc": "d"})
    await good.result()
    bad = await hub.start(failing_plan(app_id), {"doc": "d"})
    with pytest.raises(WorkflowFailureError):
        await bad.result()

    async def both_listed() -> bool:
        code, out, _ = await hub.cli("runs", "list", "--app", app_id, "--json")
        return code == 0 and {r["run_id"] for r in json.loads(out)["items"]} == {good.id, bad.id}

    await wait_until(both_listed, what="both runs in visibility")

    # --json is the API's page as it stands.
    code, out, _ = await hub.cli("runs", "list", "--app", app_id, "--json")
    statuses = {r["run_id"]: r["status"] for r in json.loads(out)["items"]}
    assert statuses == {good.id: "completed", bad.id: "failed"}

    # The table: one row per run with its status, step counts, tokens; filters apply.
    code, out, err = await hub.cli("runs", "list", "--app", app_id)
    assert code == 0, err
    header, *rows = out.strip().splitlines()
    assert header.split() == [
        "RUN",
        "APP",
        "STATUS",
        "STARTED",
        "DURATION",
        "STEPS",
        "TOKENS",
        "COST",
    ]
    by_run = {row.split()[0]: row for row in rows}
    assert set(by_run) == {good.id, bad.id}
    assert by_run[good.id].split()[1:3] == [app_id, "completed"]
    assert "2 ok, 1 failed" in by_run[good.id]
    # Tokens of the good run: input + output of extract (7) and the retry's success (5).
    assert f" {2 * (7 + 5)} " in by_run[good.id]
    code, out, _ = await hub.cli("runs", "list", "--app", app_id, "--status", "failed")
    assert [row.split()[0] for row in out.strip().splitlines()[1:]] == [bad.id]
    code, out, _ = await hub.cli("runs", "list", "--app", app_id, "--limit", "1")
    assert len(out.strip().split("\n\n")[0].splitlines()) == 2
    assert "more: hub runs list --cursor" in out

    # show: the run at the root, its steps under it, each attempt under its step.
    code, out, err = await hub.cli("runs", "show", good.id)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith(f"run {good.id}  completed") and f"app {app_id}" in lines[0]
    assert f"tokens {7 + 5} in / {7 + 5} out" in lines[0]
    step_lines = [line for line in lines if line.startswith(("├── ", "└── "))]
    # extract and broken start together; retry waits for extract, so it comes last.
    assert sorted(line[4:].split()[0] for line in step_lines[:2]) == ["broken", "extract"]
    assert step_lines[-1].startswith("└── retry  completed")
    retry_at = lines.index(step_lines[-1])
    retry_block = lines[retry_at + 1 :]
    assert retry_block[0].strip().startswith("├── retry attempt 1  failed")
    assert "error" in retry_block[1] and "503" in retry_block[1]
    assert retry_block[2].strip().startswith("└── retry attempt 2  completed")
    assert f"agent {FLAKY}" in retry_block[2] and "tokens 5 in / 5 out" in retry_block[2]
    assert "retry reason:" in retry_block[3] and "503" in retry_block[3]
    broken_at = next(i for i, line in enumerate(lines) if line[4:].startswith("broken  failed"))
    assert "no document given" in "\n".join(lines[broken_at : broken_at + 4])
    # (The run's outputs follow it: GET /runs/{id} answers for a run of a hub app.)
    assert f"Temporal UI: http://ui/namespaces/default/workflows/{good.id}" in lines

    # --json is the trace the API serves.
    code, out, _ = await hub.cli("runs", "show", good.id, "--json")
    async with httpx.AsyncClient(base_url=hub.api_url, headers=_auth(hub)) as api:
        served = (await api.get(f"/observability/traces/{good.id}")).json()
    assert json.loads(out) == served

    # An unknown run: exit 1 and the API's 404 on stderr.
    code, out, err = await hub.cli("runs", "show", "run-doesnotexist")
    assert code == 1 and out == ""
    assert "error: GET /observability/traces/run-doesnotexist answered 404" in err


async def test_watch_prints_events_while_the_run_is_in_flight_and_exits_with_its_outcome(
    hub: CliHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    app_id = hub.new_app()
    plan = p.plan(
        [p.agent(OK, OK)],
        [
            p.step("first", OK, inputs=[p.trigger("doc")], outputs=["data"]),
            p.approval_step("sign_off", depends_on=["first"]),
            p.step("after", OK, depends_on=["sign_off"]),
        ],
        app_id=app_id,
    )
    handle = await hub.start(plan, {"doc": "d"})
    watcher = await asyncio.create_subprocess_exec(
        *hub.command("runs", "watch", handle.id),
        env=hub.env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert watcher.stdout is not None
    seen: list[str] = []
    while not any("sign_off" in line and "waiting_approval" in line for line in seen):
        line = (await asyncio.wait_for(watcher.stdout.readline(), 60)).decode()
        assert line, f"watch ended early: {seen} {(await watcher.stderr.read()).decode()}"  # type: ignore[union-attr]
        seen.append(line.rstrip("\n"))
    # The run is blocked on the approval, so what we read was printed live.
    assert watcher.returncode is None
    # A quiet stream gets pings; a client that saw the first three events (Last-Event-ID)
    # gets none of them again.
    monkeypatch.setattr(run_events_router, "PING_SECONDS", 0.2)
    quiet: list[str] = []

    async def until_a_ping() -> None:
        async with httpx.AsyncClient(base_url=hub.api_url, headers=_auth(hub)) as api:
            path, resume = f"/runs/{handle.id}/events", {"Last-Event-ID": "3"}
            async with api.stream("GET", path, headers=resume, timeout=60) as stream:
                async for line in stream.aiter_lines():
                    quiet.append(line)
                    if line.startswith(":"):
                        return

    await asyncio.wait_for(until_a_ping(), 60)
    assert len(quiet) == 1 and quiet[0].startswith(": ping")
    await handle.execute_update("approve", ApprovalDecision(step_id="sign_off"))
    out, err = await asyncio.wait_for(watcher.communicate(), 60)
    seen += out.decode().splitlines()
    assert watcher.returncode == 0, err.decode()
    events = [(line.split()[3], line.split()[4]) for line in seen if "  step " in line]
    assert events == [
        ("first", "running"),
        ("first", "completed"),
        ("sign_off", "waiting_approval"),
        ("sign_off", "completed"),
        ("after", "running"),
        ("after", "completed"),
    ]
    assert seen[-1] == f"run {handle.id} completed"

    # A failed run (already over: its whole event list at once) exits 1 with the error.
    bad = await hub.start(failing_plan(app_id), {})
    with pytest.raises(WorkflowFailureError):
        await bad.result()
    code, out, _ = await hub.cli("runs", "watch", bad.id)
    assert code == 1
    lines = out.splitlines()
    assert [line.split()[4] for line in lines if "  step " in line] == ["running", "failed"]
    assert "no document given" in lines[1]
    assert lines[-2] == f"run {bad.id} failed" and lines[-1].startswith("  error: ")

    # An unknown run and an API that is not there: clear errors, non-zero exits.
    code, _, err = await hub.cli("runs", "watch", "run-doesnotexist")
    assert code == 1 and "answered 404" in err
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        nobody = f"http://127.0.0.1:{free.getsockname()[1]}"
    code, _, err = await hub.cli("runs", "watch", bad.id, "--api-url", nobody)
    assert code == 1 and "cannot reach the API" in err and "hub up" in err


def _auth(hub: CliHub) -> dict[str, str]:
    return {"Authorization": f"Bearer {hub.env['HUB_API_TOKEN']}"}
