"""Trigger tests: the API that ``hub api`` serves, over ASGI, with the real workers of
``hub worker all`` in this process, a real Temporal dev server and a real agent service."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
import uvicorn
from temporalio.testing import WorkflowEnvironment

from hub.settings import Settings
from hub.wiring import build_api
from hub.worker_processes import run_worker_processes
from storage.migrations import upgrade
from tests.api.triggers.support import COSTLY, ECHO, SLOW, TriggerHub
from tests.auth_support import admin_headers
from tests.engine_support.agent_service import AgentService, Behaviour
from tests.engine_support.fixtures import agent_service, temporal_env  # noqa: F401
from tests.engine_support.harness import wait_until


@pytest_asyncio.fixture(scope="package")
async def hub(
    temporal_env: WorkflowEnvironment,  # noqa: F811
    agent_service: AgentService,  # noqa: F811
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[TriggerHub]:
    agent_service.configure(ECHO)
    agent_service.configure(SLOW, Behaviour(sleep_seconds=0.4))
    agent_service.configure(COSTLY, Behaviour(cost_usd=0.01))
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
        run_worker_processes(settings, orchestrator=True, agent_types=[ECHO, SLOW, COSTLY])
    )
    transport = httpx.ASGITransport(app=api)
    # The same API on a socket too, for the CLI in a child process.
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(api, log_level="warning", lifespan="off"))
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    await wait_until(lambda: server.started, what="the API server")
    api_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    try:
        async with (
            httpx.AsyncClient(
                transport=transport, base_url="http://hub", headers=admin_headers(), timeout=30
            ) as http,
            httpx.AsyncClient(transport=transport, base_url="http://hub", timeout=30) as anonymous,
        ):
            yield TriggerHub(http, anonymous, temporal_env.client, agent_service, settings, api_url)
    finally:
        server.should_exit = True
        await serving
        workers.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await workers
        api.state.engine.dispose()
