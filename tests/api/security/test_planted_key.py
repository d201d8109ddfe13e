"""A provider key planted in the agent's environment appears nowhere it must not.

A real run: the API, the workers and an agent service using the real ``openai`` SDK
(pointed at a local server speaking OpenAI's wire format, as a gateway would be) run
in this process on a Temporal dev server. The key must reach the provider — and
nothing else: no API response, no log line, not the database file, not the run's
Temporal history.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
import uvicorn
from temporalio.testing import WorkflowEnvironment

from agents.base.agent import Agent
from agents.base.app import create_multi_agent_app
from hub.settings import Settings
from hub.wiring import build_api
from hub.worker_processes import run_worker_processes
from storage.migrations import upgrade
from tests.agents.providers.provider_wire_server import PROVIDER_ENV, ProviderWireServer
from tests.auth_support import admin_headers
from tests.e2e.hub_api import expect, start_run, wait_for_run
from tests.engine_support.harness import wait_until
from tests.engine_support.plans import unique_agent_type

PLANTED = f"sk-planted-{uuid.uuid4().hex}"
AGENT_TYPE = unique_agent_type("keyed")

YAML = """\
version: "1.0"
app_id: "{app_id}"
name: "keyed"
agents:
  - {{id: "{agent_id}", type: "{agent_type}"}}
workflow:
  - step: summarize
    agent_id: "{agent_id}"
    inputs: [{{source: trigger, field: memo}}]
    outputs: [{{name: summary}}]
"""


class KeyedAgent(Agent):
    """A custom agent type whose config uses the real OpenAI provider."""

    type = AGENT_TYPE


@pytest.fixture(scope="module")
def wire() -> Iterator[ProviderWireServer]:
    server = ProviderWireServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def planted_env(wire: ProviderWireServer) -> Iterator[None]:
    """The agent's environment: the planted key and the gateway URL (module-wide)."""
    patch = pytest.MonkeyPatch()
    for name in PROVIDER_ENV:
        patch.delenv(name, raising=False)
    patch.setenv("OPENAI_API_KEY", PLANTED)
    patch.setenv("OPENAI_BASE_URL", f"{wire.url}/v1")
    yield
    patch.undo()


@pytest_asyncio.fixture(scope="module")
async def agent_url(planted_env: None) -> AsyncIterator[str]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    app = create_multi_agent_app([KeyedAgent()])
    server = uvicorn.Server(uvicorn.Config(app, log_level="debug", lifespan="off"))
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    await wait_until(lambda: server.started, what="the agent service")
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        await serving


async def test_a_planted_provider_key_is_nowhere_but_at_the_provider(
    temporal_env: WorkflowEnvironment,
    wire: ProviderWireServer,
    agent_url: str,
    capfd: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    wire.script(
        *[ProviderWireServer.openai_completion(json.dumps({"summary": "fine"})) for _ in range(5)]
    )
    settings = Settings(
        home=tmp_path,
        temporal_address=temporal_env.client.service_client.config.target_host,
        agent_url_template=agent_url + "/{type}",
        log_level="DEBUG",
    )
    upgrade(settings.resolved_database_url)
    # As in every hub process: logging set up by build_api/run_worker_processes (DEBUG,
    # JSON lines on stderr) with secret scrubbing installed.
    api = build_api(settings)
    responses: list[str] = []

    async def keep_body(response: httpx.Response) -> None:
        await response.aread()
        responses.append(f"{response.headers}\n{response.text}")

    workers = asyncio.create_task(
        run_worker_processes(settings, orchestrator=True, agent_types=[AGENT_TYPE])
    )
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=api),
            base_url="http://hub",
            headers=admin_headers(),
            timeout=30,
            event_hooks={"response": [keep_body]},
        ) as http:
            app_id = expect(
                await http.post("/apps", json={"name": f"keyed {uuid.uuid4().hex[:8]}"}), 201
            )["id"]
            config = {
                "model": {"provider": "openai", "model_name": "gpt-4o-mini"},
                "prompts": {
                    "system_prompt_uri": "mlflow:/prompts/extractor-system-v1",
                    "task_prompt_uri": "mlflow:/prompts/extractor-task-v1",
                },
            }
            agent = expect(
                await http.post(
                    f"/apps/{app_id}/agents",
                    json={
                        "name": f"keyed {uuid.uuid4().hex[:8]}",
                        "type": AGENT_TYPE,
                        "config": config,
                    },
                ),
                201,
            )
            yaml = YAML.format(app_id=app_id, agent_id=agent["id"], agent_type=AGENT_TYPE)
            expect(
                await http.put(
                    f"/orchestration/{app_id}",
                    content=yaml,
                    headers={"Content-Type": "application/yaml"},
                ),
                200,
            )
            expect(await http.post(f"/apps/{app_id}/deploy"), 200)
            started = await start_run(http, app_id, {"memo": "quarterly figures"})
            run = await wait_for_run(http, started["run_id"])
            assert run["status"] == "completed", run
            run_id = started["run_id"]
            # Read everything the API will show about this app and run.
            for path in (
                "/apps",
                f"/apps/{app_id}",
                f"/apps/{app_id}/agents",
                f"/agents/{agent['id']}",
                f"/agents/{agent['id']}/config",
                f"/orchestration/{app_id}",
                f"/orchestration/{app_id}/export-yaml",
                f"/runs/{run_id}",
                f"/observability/traces/{run_id}",
                f"/observability/runs?app_id={app_id}",
                f"/observability/metrics?app_id={app_id}",
                f"/observability/violations?app_id={app_id}",
                "/audit?limit=500",
                "/auth/keys",
                "/agents/library",
                "/openapi.json",
            ):
                await http.get(path)
            handle = temporal_env.client.get_workflow_handle(run_id)
            history = await handle.fetch_history()
    finally:
        workers.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await workers
        api.state.engine.dispose()

    # The key was used: the provider got it, as a bearer credential.
    sent = [
        r.headers.get("authorization", r.headers.get("Authorization", "")) for r in wire.requests
    ]
    assert f"Bearer {PLANTED}" in sent

    assert len(responses) >= 20
    assert not [r for r in responses if PLANTED in r]
    logs = capfd.readouterr().err
    assert logs, "the run logged nothing at DEBUG"
    assert PLANTED not in logs
    database = b"".join(path.read_bytes() for path in tmp_path.glob("hub.db*") if path.is_file())
    assert database and PLANTED.encode() not in database
    assert PLANTED not in history.to_json()
    assert PLANTED.encode() not in b"".join(e.SerializeToString() for e in history.events)
