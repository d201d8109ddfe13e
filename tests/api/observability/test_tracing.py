"""One OpenTelemetry trace from the API request that starts a run, through the workflow and
its activities, to the agent's HTTP handler and its model call.

The API (``hub.wiring.build_api``), the workers (``run_worker_processes``) and a real
agent service (``agents.base.app``, the ``local`` provider) run in this process on a
real Temporal dev server, so every span lands in one in-memory exporter.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest_asyncio
import uvicorn
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from temporalio.testing import WorkflowEnvironment

from agents.base.agent import Agent
from agents.base.app import create_multi_agent_app
from hub.settings import Settings
from hub.wiring import build_api
from hub.worker_processes import run_worker_processes
from storage.migrations import upgrade
from tests.auth_support import admin_headers
from tests.e2e.hub_api import create_app, start_run, wait_for_run
from tests.engine_support.harness import wait_until
from tests.engine_support.plans import unique_agent_type

AGENT_TYPE = unique_agent_type("traced")

ONE_STEP_YAML = """\
version: "1.0"
app_id: "$app_id"
name: "traced"
agents:
  - {id: "$a1", type: "$traced"}
workflow:
  - step: summarize
    agent_id: "$a1"
    inputs: [{source: trigger, field: memo}]
    outputs: [{name: summary}]
"""


class TracedAgent(Agent):
    """A custom agent type: no tools, any object out (the ``local`` provider answers ``{}``)."""

    type = AGENT_TYPE


def install_exporter() -> InMemorySpanExporter:
    """An in-memory exporter on the global tracer provider (installed if there is none yet).

    The global provider is what every instrumented part uses when none is passed: the
    API's FastAPI instrumentation, Temporal's TracingInterceptor, the agent's server
    spans and its ``chat`` spans.
    """
    exporter = InMemorySpanExporter()
    provider = trace.get_tracer_provider()
    if not isinstance(provider, TracerProvider):
        provider = TracerProvider()
        trace.set_tracer_provider(provider)
        provider = trace.get_tracer_provider()
    assert isinstance(provider, TracerProvider), "another global tracer provider is installed"
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return exporter


@pytest_asyncio.fixture(scope="module")
async def agent_url() -> AsyncIterator[str]:
    """The agent service over real HTTP (``/<type>/invoke``), served on this event loop."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    app = create_multi_agent_app([TracedAgent()])
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    await wait_until(lambda: server.started, what="the agent service")
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        await serving


async def test_one_trace_from_api_request_to_llm_call(
    temporal_env: WorkflowEnvironment, agent_url: str, tmp_path: Path
) -> None:
    exporter = install_exporter()
    settings = Settings(
        home=tmp_path,
        temporal_address=temporal_env.client.service_client.config.target_host,
        agent_url_template=agent_url + "/{type}",
    )
    upgrade(settings.resolved_database_url)
    api = build_api(settings)
    workers = asyncio.create_task(
        run_worker_processes(settings, orchestrator=True, agent_types=[AGENT_TYPE])
    )
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=api),
            base_url="http://hub",
            headers=admin_headers(),
            timeout=30,
        ) as http:
            app = await create_app(
                http, ONE_STEP_YAML, {"a1": AGENT_TYPE}, values={"traced": AGENT_TYPE}
            )
            started = await start_run(http, app.app_id, {"memo": "quarterly figures"})
            run = await wait_for_run(http, started["run_id"])
            assert run["status"] == "completed", run
    finally:
        workers.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await workers
        api.state.engine.dispose()

    spans = exporter.get_finished_spans()
    exporter.shutdown()  # later tests' spans are not kept
    start_request = next(
        s
        for s in spans
        if s.kind == SpanKind.SERVER
        and s.attributes
        and s.attributes.get("http.route") == "/apps/{app_id}/runs"
        and s.attributes.get("http.request.method", s.attributes.get("http.method")) == "POST"
    )
    trace_id = start_request.context.trace_id
    in_trace = [s for s in spans if s.context.trace_id == trace_id]
    by_id = {s.context.span_id: s for s in in_trace}

    def ancestors(span: ReadableSpan) -> list[ReadableSpan]:
        """``span``'s parents up to the root, nearest first (all within the trace)."""
        chain = []
        while span.parent is not None:
            assert span.parent.trace_id == trace_id
            span = by_id[span.parent.span_id]
            chain.append(span)
        return chain

    # The model call: GenAI semantic-convention attributes.
    chat = next(s for s in in_trace if s.name == "chat echo")
    attributes = dict(chat.attributes or {})
    assert attributes["gen_ai.operation.name"] == "chat"
    assert attributes["gen_ai.system"] == "local"
    assert attributes["gen_ai.request.model"] == "echo"
    assert attributes["gen_ai.usage.input_tokens"] > 0
    assert attributes["gen_ai.usage.output_tokens"] > 0

    # Its ancestry, nearest first: the agent's HTTP handler, the activity (run, and
    # scheduled by the workflow), the client's start of the workflow, and the API request
    # that started the run (the root).
    chain = ancestors(chat)
    agent_handler = next(s for s in chain if s.kind == SpanKind.SERVER)
    assert agent_handler.attributes and "/invoke" in str(
        agent_handler.attributes.get("http.target")
        or agent_handler.attributes.get("url.path")
        or agent_handler.name
    )
    names = [s.name for s in chain]
    expected = [
        agent_handler.name,
        "RunActivity:invoke_agent",
        "StartActivity:invoke_agent",
        "StartWorkflow:OrchestrationWorkflow",
        start_request.name,
    ]
    positions = [names.index(name) for name in expected]
    assert positions == sorted(positions), names
    assert chain[-1] is start_request and start_request.parent is None
    # The workflow's own spans hang off the start too (Temporal's interceptor parents
    # workflow-side spans on the context carried in the workflow's headers).
    start_workflow = next(s for s in chain if s.name == "StartWorkflow:OrchestrationWorkflow")
    run_workflow = [s for s in in_trace if s.name == "RunWorkflow:OrchestrationWorkflow"]
    assert run_workflow and all(ancestors(s)[0] is start_workflow for s in run_workflow)
    # The agent's server span is a different service's span joined through W3C traceparent:
    # its parent is the activity's span (no API or workflow span in between).
    assert ancestors(agent_handler)[0].name == "RunActivity:invoke_agent"
