"""Trigger tests: the API that ``hub api`` serves, over ASGI, with the real workers of
``hub worker all`` in this process, a real Temporal dev server and a real agent service."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from hub.settings import Settings
from hub.wiring import build_api
from hub.worker_processes import run_worker_processes
from storage.migrations import upgrade
from tests.auth_support import admin_headers
from tests.e2e.hub_api import CreatedApp, create_app
from tests.engine_support.agent_service import AgentService
from tests.engine_support.fixtures import agent_service, temporal_env  # noqa: F401
from tests.engine_support.plans import unique_agent_type

#: Answers at once with its inputs.
ECHO = unique_agent_type("trigger-echo")

#: Two echo steps: memo → analysis.
ECHO_YAML = """\
version: "1.0"
app_id: "$app_id"
name: "$name"
agents:
  - {id: "$a1", type: "$echo"}
  - {id: "$a2", type: "$echo"}
workflow:
  - step: 1
    agent_id: "$a1"
    inputs: [{source: trigger, field: memo}]
    outputs: [{name: extracted}]
  - step: 2
    agent_id: "$a2"
    inputs: [{source: "$a1", field: extracted}]
    outputs: [{name: analysis}]
"""


@dataclass
class TriggerHub:
    http: httpx.AsyncClient
    #: The same API without any token (what a webhook sender has).
    anonymous: httpx.AsyncClient
    temporal: Client
    agents: AgentService
    settings: Settings

    async def new_app(self, *, deploy: bool = True, name: str = "triggers") -> CreatedApp:
        return await create_app(
            self.http,
            ECHO_YAML,
            {"a1": ECHO, "a2": ECHO},
            deploy=deploy,
            values={"echo": ECHO, "name": name},
        )


@pytest_asyncio.fixture(scope="package")
async def hub(
    temporal_env: WorkflowEnvironment,  # noqa: F811
    agent_service: AgentService,  # noqa: F811
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[TriggerHub]:
    agent_service.configure(ECHO)
    home: Path = tmp_path_factory.mktemp("triggers-home")
    settings = Settings(
        home=home,
        temporal_address=temporal_env.client.service_client.config.target_host,
        temporal_ui_url="",
        agent_url_template=agent_service.base_url + "/{type}",
        rate_limit_per_minute=1_000_000,
        rate_limit_burst=1_000_000,
    )
    upgrade(settings.resolved_database_url)
    api = build_api(settings)
    workers = asyncio.create_task(
        run_worker_processes(settings, orchestrator=True, agent_types=[ECHO])
    )
    transport = httpx.ASGITransport(app=api)
    try:
        async with (
            httpx.AsyncClient(
                transport=transport, base_url="http://hub", headers=admin_headers(), timeout=30
            ) as http,
            httpx.AsyncClient(transport=transport, base_url="http://hub", timeout=30) as anonymous,
        ):
            yield TriggerHub(http, anonymous, temporal_env.client, agent_service, settings)
    finally:
        workers.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await workers
        api.state.engine.dispose()
