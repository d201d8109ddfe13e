"""Telemetry of every hub process: JSON logs with run/step ids, OpenTelemetry traces
(OTLP export when configured, off by default) and Prometheus metrics.

Each process (API, workers, agents) calls :func:`setup_process` once at start.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request, Response
from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from agents.base.telemetry import JsonLogFormatter
from api.auth.dependencies import require_role
from api.auth.principals import Principal
from hub.settings import Settings

#: Fields copied from a log record's ``extra`` (and from Temporal's activity/workflow
#: context) into the JSON line, so logs can be joined to runs and steps.
CONTEXT_FIELDS = (
    "run_id",
    "step_id",
    "attempt",
    "agent_type",
    "app_id",
    "activity_id",
    "error_type",
)

HTTP_REQUESTS = Counter(
    "hub_http_requests_total", "HTTP requests served", ["service", "method", "route", "status"]
)
HTTP_LATENCY = Histogram(
    "hub_http_request_duration_seconds", "HTTP request latency", ["service", "method", "route"]
)


class JsonFormatter(JsonLogFormatter):
    """The agents' JSON lines plus the ids Temporal's loggers attach to records."""

    context_fields = CONTEXT_FIELDS

    def add_context(self, entry: dict[str, Any], record: logging.LogRecord) -> None:
        # Temporal's activity and workflow loggers attach their context as a dict.
        temporal = getattr(record, "temporal_activity", None) or getattr(
            record, "temporal_workflow", None
        )
        if isinstance(temporal, dict):
            entry.setdefault("run_id", temporal.get("workflow_id"))
            if "activity_id" in temporal:
                entry.setdefault("activity_id", temporal["activity_id"])
                entry.setdefault("step_id", str(temporal["activity_id"]).split("[", 1)[0])
                entry.setdefault("attempt", temporal.get("attempt"))


def setup_logging(settings: Settings, service: str) -> None:
    """Root logging: JSON lines (``HUB_LOG_FORMAT=json``, default) or plain text."""
    handler = logging.StreamHandler(sys.stderr)
    if settings.log_format == "json":
        handler.setFormatter(JsonFormatter(service))
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level.upper())


def otlp_endpoint(settings: Settings) -> str | None:
    """``HUB_OTEL_EXPORTER_OTLP_ENDPOINT``, else the standard ``OTEL_EXPORTER_OTLP_ENDPOINT``."""
    return settings.otel_exporter_otlp_endpoint or os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT")


def setup_tracing(
    settings: Settings, service: str, exporter: SpanExporter | None = None
) -> TracerProvider | None:
    """Install a tracer provider exporting over OTLP/HTTP when an endpoint is configured.

    Without an endpoint (and no ``exporter`` given) nothing is installed: spans are
    no-ops and cost nothing, but W3C trace context still propagates.
    """
    endpoint = otlp_endpoint(settings)
    if exporter is None and not endpoint:
        return None
    provider = TracerProvider(
        resource=Resource.create({"service.name": f"{settings.otel_service_name}-{service}"})
    )
    if exporter is None:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        exporter = OTLPSpanExporter(endpoint=f"{str(endpoint).rstrip('/')}/v1/traces")
    provider.add_span_processor(BatchSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    return provider


def instrument_http_app(app: FastAPI, service: str, tracer_provider: Any | None = None) -> FastAPI:
    """Server spans (extracting ``traceparent``), request metrics and ``GET /metrics``.

    With a tracer provider (tracing exported), OpenTelemetry's FastAPI instrumentation
    records a server span per request. Without one those spans would record nothing yet
    cost ~40 % of the API's CPU per request, so only the incoming W3C trace context is
    attached (:class:`TraceContextMiddleware`): the runs this request starts still join
    the caller's trace.
    """
    if tracer_provider is not None:
        from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

        FastAPIInstrumentor.instrument_app(
            app, tracer_provider=tracer_provider, excluded_urls="/metrics,/health,/ready"
        )
    else:
        app.add_middleware(TraceContextMiddleware)
    app.add_middleware(RequestMetricsMiddleware, service=service)

    # Scrapers send a bearer token (Prometheus `authorization` in the scrape config):
    # a viewer's token, or HUB_METRICS_TOKEN. The platform families name every team's
    # apps, so only principals of all teams (the metrics token among them) get them.
    @app.get("/metrics", include_in_schema=False)
    async def metrics(
        request: Request, principal: Annotated[Principal, Depends(require_role("viewer"))]
    ) -> Response:
        body = generate_latest()
        platform = getattr(request.app.state, "platform_metrics", None)
        if platform is not None and principal.all_teams:
            await platform.refresh_if_due()
            body += generate_latest(platform.registry)
        return Response(body, media_type=CONTENT_TYPE_LATEST)

    return app


class RequestMetricsMiddleware:
    """``hub_http_requests_total`` and ``hub_http_request_duration_seconds`` per route
    template (``/apps/{app_id}``, ``unmatched`` for 404s of unknown paths), as plain ASGI:
    Starlette's ``BaseHTTPMiddleware`` costs a task and a stream per request."""

    def __init__(self, app: ASGIApp, service: str) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # an app that raises before answering

        async def send_with_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_with_status)
        finally:
            # The router stores the matched route in the scope it was given.
            path = getattr(scope.get("route"), "path", None) or "unmatched"
            method = scope["method"]
            HTTP_REQUESTS.labels(self.service, method, path, str(status)).inc()
            HTTP_LATENCY.labels(self.service, method, path).observe(time.perf_counter() - started)


class TraceContextMiddleware:
    """Attaches the request's W3C ``traceparent``/``tracestate`` (if any) as the current
    OpenTelemetry context for the request, so outgoing calls continue the caller's trace."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        carrier = {
            name.decode("latin-1"): value.decode("latin-1")
            for name, value in scope["headers"]
            if name in (b"traceparent", b"tracestate")
        }
        if not carrier:
            await self.app(scope, receive, send)
            return
        token = otel_context.attach(propagate.extract(carrier))
        try:
            await self.app(scope, receive, send)
        finally:
            otel_context.detach(token)


def temporal_runtime(settings: Settings) -> Any | None:
    """A Temporal runtime exporting SDK metrics to Prometheus at
    ``HUB_WORKER_METRICS_BIND_ADDRESS`` (``None`` when unset)."""
    if not settings.worker_metrics_bind_address:
        return None
    from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig

    return Runtime(
        telemetry=TelemetryConfig(
            metrics=PrometheusConfig(bind_address=settings.worker_metrics_bind_address)
        )
    )


def tracing_interceptors() -> list[Any]:
    """Temporal's OpenTelemetry interceptor: client → workflow → activity spans."""
    from temporalio.contrib.opentelemetry import TracingInterceptor

    return [TracingInterceptor()]


def setup_process(settings: Settings, service: str) -> TracerProvider | None:
    """Logging and tracing for one process; returns the tracer provider if exporting."""
    from hub.log_scrubbing import install_secret_scrubbing  # secrets never reach a log line

    install_secret_scrubbing()
    setup_logging(settings, service)
    return setup_tracing(settings, service)
