"""A page image uploaded through ``POST /artifacts`` runs through the real extractor: the
upload records the type its bytes show, the engine hands the document over with it, and the
extractor OCRs the page with Tesseract (real Temporal dev server, real workers, the built-in
extractor served over HTTP on the ``local`` provider)."""

from __future__ import annotations

import asyncio
import contextlib
import io
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest_asyncio
import uvicorn
from PIL import Image, ImageDraw, ImageFont
from temporalio.testing import WorkflowEnvironment

from agents.base.app import create_multi_agent_app
from agents.base.server import load_agent
from hub.settings import Settings
from hub.wiring import build_api
from hub.worker_processes import run_worker_processes
from storage.migrations import upgrade
from tests.auth_support import admin_headers
from tests.e2e.hub_api import create_app, expect, start_run, wait_for_run
from tests.engine_support.fixtures import temporal_env  # noqa: F401
from tests.engine_support.harness import wait_until

EXTRACT_YAML = """\
version: "1.0"
app_id: "$app_id"
name: "Read a scan"
agents:
  - {id: "$x", type: extractor}
workflow:
  - step: extract
    agent_id: "$x"
    inputs: [{source: trigger, field: document}]
    outputs: [{name: extracted_data}]
"""


@pytest_asyncio.fixture(scope="module")
async def extractor_url() -> AsyncIterator[str]:
    """The built-in extractor over real HTTP (``/extractor/invoke``), on this event loop."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    app = create_multi_agent_app([load_agent("extractor")])
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    await wait_until(lambda: server.started, what="the extractor service")
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        await serving


def scanned_memo_jpeg() -> bytes:
    """A credit memo page as a phone or scanner would send it: a JPEG, no text layer."""
    lines = ["Borrower: Heron Valley Dairies", "Loan Amount: $275,000", "Sector: Agriculture"]
    image = Image.new("RGB", (1700, 120 + 90 * len(lines)), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=48)
    for number, line in enumerate(lines):
        draw.text((60, 60 + number * 90), line, fill="black", font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=95)
    return buffer.getvalue()


async def test_an_uploaded_jpeg_is_read_by_ocr_in_a_run(
    temporal_env: WorkflowEnvironment,  # noqa: F811
    extractor_url: str,
    tmp_path: Path,
) -> None:
    settings = Settings(
        home=tmp_path,
        temporal_address=temporal_env.client.service_client.config.target_host,
        agent_url_template=extractor_url + "/{type}",
        rate_limit_per_minute=1_000_000,
        rate_limit_burst=1_000_000,
    )
    upgrade(settings.resolved_database_url)
    api = build_api(settings)
    workers = asyncio.create_task(
        run_worker_processes(settings, orchestrator=True, agent_types=["extractor"])
    )
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=api),
            base_url="http://hub",
            headers=admin_headers(),
            timeout=30,
        ) as http:
            # Named and declared as a PDF: the bytes decide.
            upload = await http.post(
                "/artifacts", files={"file": ("memo.pdf", scanned_memo_jpeg(), "application/pdf")}
            )
            artifact = expect(upload, 201)
            assert artifact["media_type"] == "image/jpeg"
            assert artifact["declared_media_type"] == "application/pdf"

            app = await create_app(http, EXTRACT_YAML, {"x": "extractor"}, builtin_configs=True)
            started = await start_run(http, app.app_id, {"document": artifact["uri"]})
            run = await wait_for_run(http, started["run_id"])
            assert run["status"] == "completed", run
            extracted = run["outputs"]["extract"]["extracted_data"]
            assert "Heron Valley Dairies" in extracted["borrower_name"]
            assert extracted["loan_amount"] == "$275,000"
            assert extracted["industry"] == "Agriculture"
            assert extracted["source"]["ocr_used"] is True
            assert extracted["source"]["filename"] == "memo.pdf"
    finally:
        workers.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await workers
        api.state.engine.dispose()
