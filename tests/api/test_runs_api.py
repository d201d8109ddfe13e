"""The runs API on a real Temporal dev server, with the real workers of ``hub worker all``
(``run_worker_processes``) in this process and a real HTTP agent service.

The API is the one ``hub api`` serves (``hub.wiring.build_api``), called over ASGI in the
test's event loop, so the Temporal client, the workers and the test share one loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from sqlalchemy.orm import Session
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from hub.settings import Settings
from hub.wiring import build_api
from hub.worker_processes import run_worker_processes
from schemas.names import ORCHESTRATOR_QUEUE, WORKFLOW_TYPE
from schemas.runs import RunResult
from storage.database import create_db_engine
from storage.migrations import upgrade
from storage.models import Run
from tests.auth_support import admin_headers
from tests.e2e.hub_api import (
    CreatedApp,
    create_app,
    expect,
    start_run,
    step_in_state,
    step_of,
    wait_for_run,
)
from tests.engine_support.agent_service import AgentService, Behaviour
from tests.engine_support.fixtures import agent_service, temporal_cli_path, temporal_env  # noqa: F401
from tests.engine_support.harness import history_text, wait_until
from tests.engine_support.plans import unique_agent_type

#: Answers at once with its inputs.
ECHO = unique_agent_type("echo")
#: Takes long enough to be cancelled mid-call (and notices when the caller goes away).
SLOW = unique_agent_type("slow")
UI_URL = "http://127.0.0.1:8233"

#: Three echo steps in a chain: memo → analysis → report.
CHAIN_YAML = """\
version: "1.0"
app_id: "$app_id"
name: "chain"
agents:
  - {id: "$a1", type: "$echo"}
  - {id: "$a2", type: "$echo"}
  - {id: "$a3", type: "$echo"}
workflow:
  - step: 1
    agent_id: "$a1"
    inputs: [{source: trigger, field: memo}]
    outputs: [{name: extracted}]
  - step: 2
    agent_id: "$a2"
    inputs: [{source: "$a1", field: extracted}]
    outputs: [{name: analysis}]
  - step: 3
    agent_id: "$a3"
    inputs: [{source: "$a2", field: analysis}]
    outputs: [{name: report}]
"""

SLOW_YAML = """\
version: "1.0"
app_id: "$app_id"
agents:
  - {id: "$a1", type: "$slow"}
workflow:
  - step: 1
    agent_id: "$a1"
    # A short timeout means a short heartbeat interval, so the cancel arrives quickly.
    timeout: 20s
    inputs: [{source: trigger, field: memo}]
    outputs: [{name: slow_result}]
"""

APPROVAL_YAML = """\
version: "1.0"
app_id: "$app_id"
agents:
  - {id: "$a1", type: "$echo"}
  - {id: "$a2", type: "$echo"}
workflow:
  - step: 1
    agent_id: "$a1"
    inputs: [{source: trigger, field: memo}]
    outputs: [{name: analysis}]
  - step: sign_off
    inputs: [{source: "$a1", field: analysis}]
    outputs: [{name: decision}]
    approval:
      input_schema:
        type: object
        required: [limit]
        properties: {limit: {type: number, minimum: 0}}
  - step: 3
    agent_id: "$a2"
    inputs: [{source: sign_off, field: decision}]
    outputs: [{name: report}]
"""

CHAIN_AGENTS = {"a1": ECHO, "a2": ECHO, "a3": ECHO}


@dataclass
class RunsHub:
    """The API client plus what tests look behind it with."""

    http: httpx.AsyncClient
    temporal: Client
    agents: AgentService
    settings: Settings

    def calls_per_step(self, run_id: str, agent_type: str = ECHO) -> dict[str, int]:
        counts: dict[str, int] = {}
        for call in self.agents.calls_of(agent_type):
            if call.run_id == run_id:
                counts[call.step_id] = counts.get(call.step_id, 0) + 1
        return counts


def hub_settings(
    home: Path, temporal_address: str, agents_url: str, database_url: str | None = None
) -> Settings:
    return Settings(
        home=home,
        database_url=database_url,
        temporal_address=temporal_address,
        temporal_ui_url=UI_URL,
        agent_url_template=agents_url + "/{type}",
        # Polling a run is many requests; the rate limit is not what these tests are about.
        rate_limit_per_minute=1_000_000,
        rate_limit_burst=1_000_000,
    )


@pytest_asyncio.fixture(scope="module")
async def hub(
    temporal_env: WorkflowEnvironment,  # noqa: F811
    agent_service: AgentService,  # noqa: F811
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[RunsHub]:
    agent_service.configure(ECHO)
    agent_service.configure(SLOW, Behaviour(sleep_seconds=15))
    address = temporal_env.client.service_client.config.target_host
    settings = hub_settings(
        tmp_path_factory.mktemp("runs-api-home"), address, agent_service.base_url
    )
    upgrade(settings.resolved_database_url)
    api = build_api(settings)
    workers = asyncio.create_task(
        run_worker_processes(settings, orchestrator=True, agent_types=[ECHO, SLOW])
    )
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=api),
            base_url="http://hub",
            headers=admin_headers(),
            timeout=30,
        ) as http:
            yield RunsHub(http, temporal_env.client, agent_service, settings)
    finally:
        workers.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await workers
        api.state.engine.dispose()


async def new_app(
    hub: RunsHub, yaml_template: str, agents: dict[str, str], *, deploy: bool = True
) -> CreatedApp:
    return await create_app(
        hub.http, yaml_template, agents, deploy=deploy, values={"echo": ECHO, "slow": SLOW}
    )


@pytest_asyncio.fixture(scope="module")
async def chain_app(hub: RunsHub) -> CreatedApp:
    return await new_app(hub, CHAIN_YAML, CHAIN_AGENTS)


async def test_start_answers_202_with_location_and_ui_link_then_completes(
    hub: RunsHub, chain_app: CreatedApp
) -> None:
    response = await hub.http.post(
        f"/apps/{chain_app.app_id}/runs", json={"inputs": {"memo": "first"}}
    )
    started = expect(response, 202)
    run_id = started["run_id"]
    assert run_id.startswith("run-") and started["app_id"] == chain_app.app_id
    assert started["status"] == "running"
    assert response.headers["Location"] == f"/runs/{run_id}"
    assert started["temporal_ui_url"] == f"{UI_URL}/namespaces/default/workflows/{run_id}"

    run = await wait_for_run(hub.http, run_id)
    assert run["status"] == "completed", run
    assert run["app_version"] == "1.0.0"
    # the release it was started with, whose orchestration the run page draws
    release = expect(
        await hub.http.get(f"/apps/{chain_app.app_id}/releases/{run['release_id']}"), 200
    )
    assert release["version"] == "1.0.0" and "workflow:" in release["orchestration_yaml"]
    assert run["outputs"]["1"] == {"extracted": {"memo": "first"}}
    assert run["outputs"]["3"] == {"report": {"analysis": {"extracted": {"memo": "first"}}}}
    assert [(s["step_id"], s["state"]) for s in run["steps"]] == [
        ("1", "completed"),
        ("2", "completed"),
        ("3", "completed"),
    ]
    assert run["started_at"] and run["ended_at"] and run["error"] is None


async def test_same_idempotency_key_returns_the_same_run_and_starts_nothing_new(
    hub: RunsHub,
) -> None:
    app = await new_app(hub, CHAIN_YAML, CHAIN_AGENTS)
    key = {"Idempotency-Key": f"key-{uuid.uuid4().hex}"}
    url = f"/apps/{app.app_id}/runs"
    first = expect(await hub.http.post(url, json={"inputs": {"memo": "m"}}, headers=key), 202)
    at_once = await hub.http.post(url, json={"inputs": {"memo": "m"}}, headers=key)
    assert expect(at_once, 200)["run_id"] == first["run_id"]
    await wait_for_run(hub.http, first["run_id"])
    again = await hub.http.post(url, json={"inputs": {"memo": "m"}}, headers=key)
    assert expect(again, 200)["run_id"] == first["run_id"]
    assert again.headers["Location"] == f"/runs/{first['run_id']}"
    # One start, one audit event, committed with the run's Temporal id.
    audit = expect(
        await hub.http.get("/audit", params={"action": "run.start", "object_id": first["run_id"]}),
        200,
    )
    assert [(e["object_type"], e["after"]["app_id"]) for e in audit] == [("run", app.app_id)]
    engine = create_db_engine(hub.settings.resolved_database_url)
    with Session(engine) as session:
        row = session.get(Run, first["run_id"])
        assert row is not None and row.temporal_run_id
    engine.dispose()

    # Temporal holds exactly one run of this app, and its agents ran once per step.
    runs = [w async for w in hub.temporal.list_workflows(f"AppId = '{app.app_id}'")]
    assert [w.id for w in runs] == [first["run_id"]]
    assert hub.calls_per_step(first["run_id"]) == {"1": 1, "2": 1, "3": 1}
    # A new key is a new run.
    other = {"Idempotency-Key": f"key-{uuid.uuid4().hex}"}
    third = expect(await hub.http.post(url, json={"inputs": {"memo": "m"}}, headers=other), 202)
    assert third["run_id"] != first["run_id"]
    await wait_for_run(hub.http, third["run_id"])


async def test_draft_run_of_an_undeployed_app(hub: RunsHub) -> None:
    app = await new_app(hub, CHAIN_YAML, CHAIN_AGENTS, deploy=False)
    started = await start_run(hub.http, app.app_id, {"memo": "draft"}, draft=True)
    run = await wait_for_run(hub.http, started["run_id"])
    assert run["status"] == "completed", run
    assert run["app_version"].endswith("-draft")
    assert run["release_id"] is None
    assert run["outputs"]["3"]["report"] == {"analysis": {"extracted": {"memo": "draft"}}}


async def test_runs_are_refused_for_undeployed_archived_and_unknown_apps(hub: RunsHub) -> None:
    undeployed = await new_app(hub, CHAIN_YAML, CHAIN_AGENTS, deploy=False)
    answer = await hub.http.post(f"/apps/{undeployed.app_id}/runs", json={"inputs": {}})
    assert answer.status_code == 409
    assert "not deployed" in answer.json()["detail"] and "draft" in answer.json()["detail"]

    archived = await new_app(hub, CHAIN_YAML, CHAIN_AGENTS)
    expect(await hub.http.post(f"/apps/{archived.app_id}/archive"), 200)
    for body in ({"inputs": {}}, {"inputs": {}, "draft": True}):
        answer = await hub.http.post(f"/apps/{archived.app_id}/runs", json=body)
        assert answer.status_code == 409
        assert "archived" in answer.json()["detail"]

    answer = await hub.http.post("/apps/app-doesnotexist/runs", json={"inputs": {}})
    assert answer.status_code == 404
    assert (await hub.http.get("/runs/run-doesnotexist")).status_code == 404
    # None of the refusals reached Temporal.
    for app_id in (undeployed.app_id, archived.app_id):
        assert [w async for w in hub.temporal.list_workflows(f"AppId = '{app_id}'")] == []


async def test_cancel_stops_the_run_and_its_in_flight_agent_call(hub: RunsHub) -> None:
    app = await new_app(hub, SLOW_YAML, {"a1": SLOW})
    started = await start_run(hub.http, app.app_id, {"memo": "slow"})
    run_id = started["run_id"]
    await wait_for_run(hub.http, run_id, until=step_in_state("1", "running"), what="step 1")
    await wait_until(
        lambda: any(c.run_id == run_id for c in hub.agents.calls_of(SLOW)),
        what="the agent call to be in flight",
    )
    answer = await hub.http.post(f"/runs/{run_id}/cancel")
    assert answer.status_code == 202
    assert answer.json()["run_id"] == run_id

    run = await wait_for_run(hub.http, run_id)
    assert run["status"] == "canceled", run
    assert step_of(run, "1")["state"] in ("canceled", "running")
    call = next(c for c in hub.agents.calls_of(SLOW) if c.run_id == run_id)
    await wait_until(lambda: call.ended is not None, what="the agent call to end")
    assert call.disconnected, "the in-flight agent call was not cancelled"
    # A finished run cannot be cancelled again.
    assert (await hub.http.post(f"/runs/{run_id}/cancel")).status_code == 409


async def waiting_for_approval(hub: RunsHub) -> str:
    app = await new_app(hub, APPROVAL_YAML, {"a1": ECHO, "a2": ECHO})
    started = await start_run(hub.http, app.app_id, {"memo": "needs sign-off"})
    await wait_for_run(
        hub.http,
        started["run_id"],
        until=step_in_state("sign_off", "waiting_approval"),
        what="the approval gate",
    )
    return str(started["run_id"])


async def test_approval_approved_through_the_api_continues_the_run(hub: RunsHub) -> None:
    run_id = await waiting_for_approval(hub)
    answer = await hub.http.post(
        f"/runs/{run_id}/approvals",
        json={"step_id": "sign_off", "payload": {"limit": 5000}, "approver": "ana"},
    )
    assert expect(answer, 200)["step_id"] == "sign_off"
    run = await wait_for_run(hub.http, run_id)
    assert run["status"] == "completed", run
    decision = run["outputs"]["3"]["report"]["decision"]
    assert decision["limit"] == 5000 and decision["approved"] is True
    assert decision["approver"] == "ana"


async def test_approval_rejected_through_the_api_fails_the_run_with_the_reason(
    hub: RunsHub,
) -> None:
    run_id = await waiting_for_approval(hub)
    answer = await hub.http.post(
        f"/runs/{run_id}/approvals",
        json={"step_id": "sign_off", "approved": False, "comment": "DSCR too thin"},
    )
    expect(answer, 200)
    run = await wait_for_run(hub.http, run_id)
    assert run["status"] == "failed", run
    assert "rejected" in run["error"] and "DSCR too thin" in run["error"]
    assert hub.calls_per_step(run_id) == {"1": 1}  # step 3 never ran


async def test_invalid_approvals_are_422_and_never_reach_history(hub: RunsHub) -> None:
    run_id = await waiting_for_approval(hub)
    marker = f"marker-{uuid.uuid4().hex}"
    bad_payload = await hub.http.post(
        f"/runs/{run_id}/approvals",
        json={"step_id": "sign_off", "payload": {"limit": marker}, "approver": marker},
    )
    assert bad_payload.status_code == 422
    detail = bad_payload.json()["detail"]
    assert detail[0]["loc"][-1] == "payload" and "schema" in detail[0]["msg"]
    not_an_approval = await hub.http.post(
        f"/runs/{run_id}/approvals", json={"step_id": "1", "approver": marker}
    )
    assert not_an_approval.status_code == 422
    malformed = await hub.http.post(f"/runs/{run_id}/approvals", json={"payload": {}})
    assert malformed.status_code == 422

    handle = hub.temporal.get_workflow_handle(run_id)
    assert marker not in await history_text(handle)
    run = expect(await hub.http.get(f"/runs/{run_id}"), 200)
    assert run["status"] == "running"
    assert step_of(run, "sign_off")["state"] == "waiting_approval"
    expect(await hub.http.post(f"/runs/{run_id}/cancel"), 202)
    await wait_for_run(hub.http, run_id)


async def test_rerun_from_a_step_does_not_call_earlier_agents_again(
    hub: RunsHub, chain_app: CreatedApp
) -> None:
    started = await start_run(hub.http, chain_app.app_id, {"memo": "again"})
    run_id = started["run_id"]
    first = await wait_for_run(hub.http, run_id)
    assert first["status"] == "completed"
    assert hub.calls_per_step(run_id) == {"1": 1, "2": 1, "3": 1}

    unknown = await hub.http.post(f"/runs/{run_id}/rerun", json={"from_step": "nope"})
    assert unknown.status_code == 422
    assert "steps that ran: 1, 2, 3" in json.dumps(unknown.json())

    rerun = expect(await hub.http.post(f"/runs/{run_id}/rerun", json={"from_step": "3"}), 202)
    assert rerun["run_id"] == run_id and rerun["status"] == "running"
    again = await wait_for_run(hub.http, run_id)
    assert again["status"] == "completed", again
    assert again["outputs"] == first["outputs"]
    # Steps 1 and 2 were replayed from history: their agents were not called again.
    assert hub.calls_per_step(run_id) == {"1": 1, "2": 1, "3": 2}


async def test_a_run_started_from_the_temporal_cli_loads_the_deployed_plan(
    hub: RunsHub, chain_app: CreatedApp
) -> None:
    workflow_id = f"cli-{uuid.uuid4().hex[:12]}"
    process = await asyncio.create_subprocess_exec(
        temporal_cli_path(),
        "workflow",
        "start",
        "--type",
        WORKFLOW_TYPE,
        "--task-queue",
        ORCHESTRATOR_QUEUE,
        "--workflow-id",
        workflow_id,
        "--input",
        json.dumps({"app_id": chain_app.app_id, "inputs": {"memo": "from the CLI"}}),
        "--address",
        hub.settings.temporal_address,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode == 0, (out + err).decode()
    handle = hub.temporal.get_workflow_handle(workflow_id, result_type=RunResult)
    result = await asyncio.wait_for(handle.result(), timeout=60)
    assert result.app_version == "1.0.0"
    assert result.outputs["3"] == {"report": {"analysis": {"extracted": {"memo": "from the CLI"}}}}
    assert hub.calls_per_step(workflow_id) == {"1": 1, "2": 1, "3": 1}


async def test_temporal_unreachable_is_503_with_a_message_while_crud_works(
    hub: RunsHub, chain_app: CreatedApp, tmp_path: Path
) -> None:
    from hub.stack import free_port

    dead_address = f"127.0.0.1:{free_port()}"
    settings = hub_settings(
        tmp_path, dead_address, hub.agents.base_url, hub.settings.resolved_database_url
    )
    api = build_api(settings)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=api),
        base_url="http://hub",
        headers=admin_headers(),
        timeout=30,
    ) as http:
        answer = await http.post(f"/apps/{chain_app.app_id}/runs", json={"inputs": {"memo": 1}})
        assert answer.status_code == 503
        detail = answer.json()["detail"]
        assert dead_address in detail and "hub up" in detail
        known_run = await start_run(hub.http, chain_app.app_id, {"memo": "x"})
        assert (await http.get(f"/runs/{known_run['run_id']}")).status_code == 503
        # CRUD does not need Temporal.
        name = f"made while down {uuid.uuid4().hex[:8]}"
        created = expect(await http.post("/apps", json={"name": name}), 201)
        assert expect(await http.get(f"/apps/{created['id']}"), 200)["name"] == name
        assert expect(await http.get(f"/apps/{chain_app.app_id}"), 200)["status"] == "deployed"
    api.state.engine.dispose()
    await wait_for_run(hub.http, known_run["run_id"])


async def test_concurrent_posts_with_one_idempotency_key_start_one_run(
    hub: RunsHub, chain_app: CreatedApp
) -> None:
    key = {"Idempotency-Key": f"key-{uuid.uuid4().hex}"}
    url = f"/apps/{chain_app.app_id}/runs"
    answers = await asyncio.gather(
        *(hub.http.post(url, json={"inputs": {"memo": "race"}}, headers=key) for _ in range(4))
    )
    assert sorted(a.status_code for a in answers) == [200, 200, 200, 202], [a.text for a in answers]
    run_ids = {a.json()["run_id"] for a in answers}
    assert len(run_ids) == 1
    run = await wait_for_run(hub.http, run_ids.pop())
    assert run["status"] == "completed"
