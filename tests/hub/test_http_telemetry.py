"""The HTTP telemetry of hub apps: request metrics per route template and, with tracing
off, the caller's W3C trace context still current inside the request."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from opentelemetry import trace
from prometheus_client import REGISTRY

from hub.telemetry import instrument_http_app

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
TRACEPARENT = f"00-{TRACE_ID}-00f067aa0ba902b7-01"


def telemetry_app(service: str) -> FastAPI:
    app = FastAPI()

    @app.get("/things/{thing_id}")
    async def thing(thing_id: str) -> dict[str, str]:
        context = trace.get_current_span().get_span_context()
        return {"id": thing_id, "trace_id": format(context.trace_id, "032x")}

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("boom")

    return instrument_http_app(app, service, tracer_provider=None)


def requests_counted(service: str, route: str, status: str) -> float:
    value = REGISTRY.get_sample_value(
        "hub_http_requests_total",
        {"service": service, "method": "GET", "route": route, "status": status},
    )
    return value or 0.0


async def test_requests_are_counted_per_route_template_and_status() -> None:
    app = telemetry_app("metrics-test")
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://hub") as client:
        for thing in ("a", "b", "c"):
            assert (await client.get(f"/things/{thing}")).status_code == 200
        assert (await client.get("/nowhere")).status_code == 404
        assert (await client.get("/boom")).status_code == 500

    assert requests_counted("metrics-test", "/things/{thing_id}", "200") == 3
    assert requests_counted("metrics-test", "unmatched", "404") == 1
    assert requests_counted("metrics-test", "/boom", "500") == 1
    latency = REGISTRY.get_sample_value(
        "hub_http_request_duration_seconds_count",
        {"service": "metrics-test", "method": "GET", "route": "/things/{thing_id}"},
    )
    assert latency == 3


async def test_the_callers_trace_context_is_current_without_a_tracer_provider() -> None:
    app = telemetry_app("trace-test")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://hub") as client:
        joined = (await client.get("/things/x", headers={"traceparent": TRACEPARENT})).json()
        alone = (await client.get("/things/y")).json()
    assert joined["trace_id"] == TRACE_ID
    # The caller's context ends with its request (another test may have installed a
    # global tracer provider, so a request without one may still get a trace of its own).
    assert alone["trace_id"] != TRACE_ID
