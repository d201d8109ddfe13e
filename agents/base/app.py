"""The HTTP face of an agent: ``POST /invoke``, ``/health``, ``/ready`` and ``/metadata``."""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Sequence

from cachetools import LRUCache
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

from agents.base.agent import Agent
from agents.base.errors import AgentError
from agents.base.llm import ProviderError
from agents.base.runtime import AgentRuntime, ProviderFactory
from agents.base.telemetry import add_metrics_endpoint
from schemas.invoke import AgentMetadata, InvokeRequest, InvokeResponse

logger = logging.getLogger(__name__)

#: Successful responses kept for replay; a retried attempt after a lost reply hits this.
IDEMPOTENCY_CACHE_SIZE = 1024


class ResponseCache:
    """A bounded LRU of successful responses by idempotency key, with one lock per key in flight."""

    def __init__(self, size: int = IDEMPOTENCY_CACHE_SIZE) -> None:
        self.size = size
        self._items: LRUCache[str, InvokeResponse] = LRUCache(size)
        self._locks: dict[str, asyncio.Lock] = {}

    def get(self, key: str) -> InvokeResponse | None:
        return self._items.get(key)

    def put(self, key: str, response: InvokeResponse) -> None:
        self._items[key] = response

    def lock(self, key: str) -> asyncio.Lock:
        return self._locks.setdefault(key, asyncio.Lock())

    def release(self, key: str) -> None:
        lock = self._locks.get(key)
        if lock is not None and not lock.locked():
            del self._locks[key]


def _provider_error_response(exc: ProviderError) -> JSONResponse:
    if exc.retryable:
        headers = {}
        if exc.retry_after_seconds is not None:
            headers["Retry-After"] = str(max(0, math.ceil(exc.retry_after_seconds)))
        return JSONResponse(
            status_code=503,
            content={"detail": f"provider {exc.provider or '?'} is unavailable: {exc.message}"},
            headers=headers,
        )
    return JSONResponse(
        status_code=400,
        content={"detail": f"provider {exc.provider or '?'} refused the call: {exc.message}"},
    )


def create_agent_app(agent: Agent, provider_factory: ProviderFactory | None = None) -> FastAPI:
    """One agent type as a FastAPI app."""
    runtime = AgentRuntime(agent, provider_factory)
    cache = ResponseCache()
    app = FastAPI(
        title=f"Agentic Hub agent: {agent.type}",
        version=agent.version,
        description=f"The `{agent.type}` agent service (invoke protocol of schemas.invoke).",
    )
    app.state.agent = agent
    app.state.cache = cache
    # Server spans that continue the engine's trace (W3C traceparent on /invoke).
    FastAPIInstrumentor.instrument_app(app, excluded_urls="/health,/ready,/metrics")
    add_metrics_endpoint(app, agent.type)

    @app.exception_handler(AgentError)
    async def _agent_error(_: Request, exc: AgentError) -> JSONResponse:
        return JSONResponse(
            status_code=exc.status_code, content={"detail": exc.detail, **exc.extra}
        )

    @app.exception_handler(ProviderError)
    async def _provider_error(_: Request, exc: ProviderError) -> JSONResponse:
        return _provider_error_response(exc)

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        # Logged with its traceback here; the caller only learns that it may retry.
        logger.exception("agent %s failed unexpectedly", agent.type)
        return JSONResponse(
            status_code=500,
            content={
                "detail": f"the {agent.type} agent failed unexpectedly ({type(exc).__name__})"
            },
        )

    @app.post("/invoke", response_model=InvokeResponse)
    async def invoke(request: InvokeRequest) -> InvokeResponse:
        """Run the agent once; replays the stored response for a known idempotency key."""
        cached = cache.get(request.idempotency_key)
        if cached is not None:
            return cached
        async with cache.lock(request.idempotency_key):
            cached = cache.get(request.idempotency_key)
            if cached is not None:
                return cached
            try:
                response = await runtime.invoke(request)
            finally:
                cache.release(request.idempotency_key)
            cache.put(request.idempotency_key, response)
            return response

    @app.get("/health")
    async def health() -> dict[str, str]:
        """Liveness: the process answers."""
        return {"status": "ok", "agent_type": agent.type}

    @app.get("/ready")
    async def ready() -> dict[str, str]:
        """Readiness: the agent is built and its tools are registered."""
        return {"status": "ready", "agent_type": agent.type}

    @app.get("/metadata", response_model=AgentMetadata)
    async def metadata() -> AgentMetadata:
        """Type, version, tools and the default input and output schemas."""
        return AgentMetadata(
            type=agent.type,
            version=agent.version,
            tools=agent.tools.ids,
            input_schema=agent.input_schema,
            output_schema=agent.output_schema,
        )

    return app


def create_multi_agent_app(
    agents: Sequence[Agent], provider_factory: ProviderFactory | None = None
) -> FastAPI:
    """Several agent types on one server, each under ``/{type}`` (the embedded stack's layout)."""
    app = FastAPI(title="Agentic Hub agents", description="Agent services under /{type}.")
    types = [agent.type for agent in agents]

    @app.get("/health")
    async def health() -> dict[str, object]:
        return {"status": "ok", "agent_types": types}

    @app.get("/ready")
    async def ready() -> dict[str, object]:
        return {"status": "ready", "agent_types": types}

    add_metrics_endpoint(app)

    for agent in agents:
        app.mount(f"/{agent.type}", create_agent_app(agent, provider_factory))
    return app
