"""A no-op agent service speaking the invoke protocol; run as its own process.

``python -m bench.noop_agent --port N`` serves ``POST /invoke`` (answers at once,
echoing the ``value`` input), ``GET /health`` and ``GET /ready``. It runs in a
separate process so its request handling never competes with the workers' event
loop in the bench process. Each answer reports, as ``usage.latency_ms``, the time
the handler itself took: that is the "agent time" the bench subtracts.
"""

from __future__ import annotations

import argparse
import json
import time

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route


async def invoke(request: Request) -> Response:
    """Answer an invoke request (ours or the baseline's) without doing any work."""
    began = time.perf_counter()
    # Parse the body as plain JSON, not with the pydantic model: the agent's own
    # work must stay negligible, and both engines send a JSON object.
    body = json.loads(await request.body())
    inputs = body.get("inputs") or {}
    answer = {
        "outputs": {"value": inputs.get("value")},
        "usage": {
            "model": "noop",
            "provider": "local",
            "latency_ms": (time.perf_counter() - began) * 1000.0,
        },
    }
    return JSONResponse(answer)


async def ok(_request: Request) -> Response:
    return JSONResponse({"status": "ok"})


def build_app() -> Starlette:
    """The service's routes."""
    return Starlette(
        routes=[
            Route("/invoke", invoke, methods=["POST"]),
            Route("/health", ok, methods=["GET"]),
            Route("/ready", ok, methods=["GET"]),
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    uvicorn.run(
        build_app(),
        host=args.host,
        port=args.port,
        log_level="warning",
        access_log=False,
        lifespan="off",
    )


if __name__ == "__main__":
    main()
