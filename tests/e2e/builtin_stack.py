"""The real engine with the four built-in agents, driven from synchronous tests.

A Temporal dev server, the built-in agents over HTTP (``hub agent serve --all``'s app
under uvicorn), the API ``hub api`` serves (called over ASGI) and the workers of
``hub worker all`` all run on one event loop in a background thread, so property-based
tests (hypothesis drives synchronous functions) can run many pipelines through it.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import socket
import threading
import time
import uuid
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

import httpx
import uvicorn
from reportlab.lib.pagesizes import LETTER
from reportlab.pdfgen import canvas
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from agents.base.app import create_multi_agent_app
from agents.base.server import load_agent
from hub.settings import Settings
from hub.stack import dev_server_dynamic_config, dynamic_config_flags
from hub.wiring import build_api
from hub.worker_processes import run_worker_processes
from schemas.agents import BUILTIN_AGENT_TYPES
from storage.migrations import upgrade
from tests.auth_support import admin_headers
from tests.engine_support.fixtures import temporal_cli_path
from workflows.search_attributes import hub_search_attribute_keys

_T = TypeVar("_T")
FINISHED = {"completed", "failed", "canceled", "terminated", "timed_out"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def memo_pdf(lines: list[str]) -> bytes:
    """A one-page PDF holding ``lines`` of text (the extractor reads it with pdf-parser)."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=LETTER)
    y = 740
    for line in lines:
        page.drawString(60, y, line)
        y -= 16
    page.save()
    return buffer.getvalue()


class BuiltinStack:
    """Start with :meth:`start`, call coroutines with :meth:`call`, end with :meth:`stop`."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._tasks: list[asyncio.Task[Any]] = []
        self.http: httpx.AsyncClient
        self.client: Client
        self.settings: Settings

    def call(self, coro: Coroutine[Any, Any, _T], timeout: float = 180) -> _T:
        """Run ``coro`` on the stack's loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def start(self) -> BuiltinStack:
        self._thread.start()
        self.call(self._start())
        return self

    async def _start(self) -> None:
        self._env = await WorkflowEnvironment.start_local(
            dev_server_existing_path=temporal_cli_path(),
            dev_server_extra_args=dynamic_config_flags(dev_server_dynamic_config()),
            data_converter=pydantic_data_converter,
            search_attributes=list(hub_search_attribute_keys().values()),
        )
        self.client = self._env.client
        port = _free_port()
        agents = create_multi_agent_app([load_agent(t) for t in BUILTIN_AGENT_TYPES])
        self._agents = uvicorn.Server(
            uvicorn.Config(agents, host="127.0.0.1", port=port, log_level="warning")
        )
        self._tasks.append(asyncio.create_task(self._agents.serve()))
        while not self._agents.started:
            await asyncio.sleep(0.05)
        self.settings = Settings(
            home=self.home,
            temporal_address=self.client.service_client.config.target_host,
            agent_url_template=f"http://127.0.0.1:{port}/{{type}}",
            rate_limit_per_minute=1_000_000,
            rate_limit_burst=1_000_000,
        )
        upgrade(self.settings.resolved_database_url)
        self._api = build_api(self.settings)
        self._tasks.append(
            asyncio.create_task(
                run_worker_processes(
                    self.settings, orchestrator=True, agent_types=list(BUILTIN_AGENT_TYPES)
                )
            )
        )
        self.http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self._api),
            base_url="http://hub",
            headers=admin_headers(),
            timeout=60,
        )

    def restart_api_and_workers(self) -> None:
        """Stop the workers and drop the API (its client, engine and state), then start
        a new API and new workers on the same database and Temporal server: what is left
        of work in flight is only what Temporal and the database hold."""
        self.call(self._restart())

    async def _restart(self) -> None:
        await self.http.aclose()
        workers = self._tasks.pop()
        workers.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await workers
        self._api.state.engine.dispose()
        del self._api
        self._api = build_api(self.settings)
        self._tasks.append(
            asyncio.create_task(
                run_worker_processes(
                    self.settings, orchestrator=True, agent_types=list(BUILTIN_AGENT_TYPES)
                )
            )
        )
        self.http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self._api),
            base_url="http://hub",
            headers=admin_headers(),
            timeout=60,
        )

    def stop(self) -> None:
        self.call(self._stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=30)

    async def _stop(self) -> None:
        await self.http.aclose()
        self._agents.should_exit = True
        agents, *others = self._tasks
        with contextlib.suppress(Exception):
            await asyncio.wait_for(agents, timeout=10)
        for task in others:
            task.cancel()
        for task in others:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._api.state.engine.dispose()
        await self._env.shutdown()

    # ------------------------------------------------------------------ API helpers

    async def new_app(self, agent_types: dict[str, str]) -> tuple[str, dict[str, str]]:
        """An app with built-in agents (default configs): placeholder → agent id."""
        name = f"pipeline {uuid.uuid4().hex[:10]}"
        app = await self.http.post("/apps", json={"name": name})
        assert app.status_code == 201, app.text
        app_id = str(app.json()["id"])
        ids: dict[str, str] = {}
        for placeholder, agent_type in agent_types.items():
            made = await self.http.post(
                f"/apps/{app_id}/agents", json={"name": placeholder, "type": agent_type}
            )
            assert made.status_code == 201, made.text
            ids[placeholder] = str(made.json()["id"])
        return app_id, ids

    async def put_yaml(self, app_id: str, text: str) -> httpx.Response:
        return await self.http.put(
            f"/orchestration/{app_id}",
            content=text.encode(),
            headers={"Content-Type": "application/yaml"},
        )

    async def upload(self, data: bytes, filename: str, media_type: str) -> str:
        answer = await self.http.post("/artifacts", files={"file": (filename, data, media_type)})
        assert answer.status_code == 201, answer.text
        return str(answer.json()["uri"])

    async def wait(self, run_id: str, timeout: float = 120) -> dict[str, Any]:
        """The run once it has finished (or once a step waits for approval)."""
        deadline = time.monotonic() + timeout
        while True:
            answer = await self.http.get(f"/runs/{run_id}")
            assert answer.status_code == 200, answer.text
            run: dict[str, Any] = answer.json()
            if run["status"] in FINISHED:
                return run
            if time.monotonic() > deadline:
                raise AssertionError(f"run {run_id} did not finish: {run}")
            await asyncio.sleep(0.2)
