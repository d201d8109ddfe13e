"""Telemetry of an agent service: JSON log lines and Prometheus metrics at ``GET /metrics``.

Agents are deployed on their own (one container per type) and import nothing of the
hub but ``schemas``, so they carry this small setup of their own; the JSON lines
have the same fields as the hub's (``hub.telemetry``) so one log pipeline reads both.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI, Request, Response
from opentelemetry import trace
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest

from agents.base.log_scrubbing import install_secret_scrubbing

#: ``extra`` fields copied into the JSON line, so agent logs join to runs and steps.
CONTEXT_FIELDS = ("run_id", "step_id", "attempt", "agent_type", "app_id")

INVOKES = Counter(
    "hub_agent_invocations_total", "Agent /invoke calls by outcome", ["agent_type", "status"]
)
INVOKE_LATENCY = Histogram(
    "hub_agent_invoke_duration_seconds", "Agent /invoke latency", ["agent_type"]
)
LLM_CALLS = Counter(
    "hub_agent_llm_calls_total",
    "Model calls by provider, model and outcome",
    ["agent_type", "provider", "model", "outcome"],
)
LLM_TOKENS = Counter(
    "hub_agent_llm_tokens_total",
    "Model tokens by provider, model and direction",
    ["agent_type", "provider", "model", "direction"],
)
SCHEMA_VIOLATIONS = Counter(
    "hub_agent_schema_violations_total", "Output-schema violations found", ["agent_type"]
)


class JsonLogFormatter(logging.Formatter):
    """One JSON object per line: time, level, service, logger, message, ids, trace ids."""

    #: Record attributes copied into the line when set (``logger.info(..., extra={...})``).
    context_fields: tuple[str, ...] = CONTEXT_FIELDS

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "service": self.service,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in self.context_fields:
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = value
        self.add_context(entry, record)
        span = trace.get_current_span().get_span_context()
        if span.is_valid:
            entry["trace_id"] = f"{span.trace_id:032x}"
            entry["span_id"] = f"{span.span_id:016x}"
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)

    def add_context(self, entry: dict[str, Any], record: logging.LogRecord) -> None:
        """Where a subclass adds what its own loggers attach to records."""


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is at the time (test runners swap it)."""

    @property  # type: ignore[override]
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        """Ignored: StreamHandler sets a stream at init; this one always uses the live one."""


def setup_agent_logging(service: str) -> None:
    """Root logging of an agent process: JSON lines unless ``HUB_LOG_FORMAT=text``.

    Level from ``HUB_LOG_LEVEL`` (default ``INFO``). Called by the entry points
    (``main.py`` of each agent, ``serve``); adds one handler to the root logger,
    once per process, and leaves handlers others installed in place. Installs the
    secret scrubbing first, on every call: agents hold provider keys in their
    environment, and no entry point may forget to keep them out of log lines.
    """
    install_secret_scrubbing()
    root = logging.getLogger()
    if any(isinstance(h, _StderrHandler) for h in root.handlers):
        return
    handler = _StderrHandler()
    if os.environ.get("HUB_LOG_FORMAT", "json").lower() == "text":
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    else:
        handler.setFormatter(JsonLogFormatter(service))
    root.addHandler(handler)
    root.setLevel(os.environ.get("HUB_LOG_LEVEL", "INFO").upper())


def add_metrics_endpoint(app: FastAPI, agent_type: str | None = None) -> None:
    """``GET /metrics`` (Prometheus text); with ``agent_type``, count and time ``/invoke``."""

    if agent_type is not None:

        @app.middleware("http")
        async def _time_invoke(
            request: Request, call_next: Callable[[Request], Awaitable[Response]]
        ) -> Response:
            if not request.url.path.endswith("/invoke"):
                return await call_next(request)
            started = time.perf_counter()
            response = await call_next(request)
            INVOKE_LATENCY.labels(agent_type).observe(time.perf_counter() - started)
            INVOKES.labels(agent_type, str(response.status_code)).inc()
            return response

    @app.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        """Prometheus metrics of this process."""
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


def record_llm_call(
    agent_type: str,
    provider: str,
    model: str,
    outcome: str,
    input_tokens: int = 0,
    output_tokens: int = 0,
) -> None:
    """Count one model call and its tokens."""
    LLM_CALLS.labels(agent_type, provider, model, outcome).inc()
    if input_tokens:
        LLM_TOKENS.labels(agent_type, provider, model, "input").inc(input_tokens)
    if output_tokens:
        LLM_TOKENS.labels(agent_type, provider, model, "output").inc(output_tokens)
