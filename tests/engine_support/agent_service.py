"""A real HTTP agent service for tests, speaking the invoke protocol, scriptable per agent type.

Each agent type is served under ``/<type>/invoke``; what it does is set with
:meth:`AgentService.configure`. Every call is recorded (with wall-clock start and
end, used only to prove overlap) and counted per idempotency key.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from schemas.invoke import InvokeRequest


@dataclass
class Behaviour:
    """What an agent type does with each call (first matching rule wins, in this order)."""

    fail_times: int = 0
    fail_status: int = 503
    fail_retry_after: str | None = None
    error_status: int | None = None
    error_detail: str = ""
    sleep_seconds: float = 0.0
    output_bytes: int = 0
    tokens: int = 10
    cost_usd: float = 0.0
    outputs: dict[str, Any] | None = None


@dataclass
class CallRecord:
    agent_type: str
    step_id: str
    idempotency_key: str
    attempt: int
    run_id: str
    inputs: dict[str, Any]
    started: float
    ended: float | None = None
    status: int | None = None
    disconnected: bool = False


def summarize(value: Any) -> Any:
    """Inputs echoed back, with document objects reduced to a digest (bytes stay out)."""
    if isinstance(value, dict):
        if "content_base64" in value:
            data = base64.b64decode(value["content_base64"])
            return {
                "artifact_uri": value.get("artifact_uri"),
                "filename": value.get("filename"),
                "media_type": value.get("media_type"),
                "size": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
            }
        return {k: summarize(v) for k, v in value.items()}
    if isinstance(value, list):
        return [summarize(v) for v in value]
    return value


@dataclass
class AgentService:
    """The service and its records; start with :meth:`start`, stop with :meth:`stop`."""

    behaviours: dict[str, Behaviour] = field(default_factory=dict)
    calls: list[CallRecord] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    base_url: str = ""
    _server: uvicorn.Server | None = None
    _thread: threading.Thread | None = None

    def configure(self, agent_type: str, behaviour: Behaviour | None = None) -> None:
        """Set how ``agent_type`` answers (echo by default)."""
        self.behaviours[agent_type] = behaviour or Behaviour()

    def url_for(self, agent_type: str) -> str:
        """The service URL of ``agent_type`` (what ``agent_url`` returns in workers)."""
        return f"{self.base_url}/{agent_type}"

    def calls_of(self, agent_type: str) -> list[CallRecord]:
        with self.lock:
            return [c for c in self.calls if c.agent_type == agent_type]

    def calls_by_key(self, agent_type: str) -> dict[str, int]:
        counts: dict[str, int] = {}
        for call in self.calls_of(agent_type):
            counts[call.idempotency_key] = counts.get(call.idempotency_key, 0) + 1
        return counts

    async def _invoke(self, request: Request) -> JSONResponse:
        agent_type = request.path_params["agent_type"]
        body = InvokeRequest.model_validate_json(await request.body())
        behaviour = self.behaviours.get(agent_type)
        record = CallRecord(
            agent_type=agent_type,
            step_id=body.step_id,
            idempotency_key=body.idempotency_key,
            attempt=body.attempt,
            run_id=body.run_id,
            inputs=summarize(body.inputs),
            started=time.time(),
        )
        with self.lock:
            self.calls.append(record)
            previous = sum(1 for c in self.calls if c.idempotency_key == body.idempotency_key) - 1
        response = await self._answer(request, body, behaviour, previous, record)
        record.ended = time.time()
        record.status = response.status_code
        return response

    async def _answer(
        self,
        request: Request,
        body: InvokeRequest,
        behaviour: Behaviour | None,
        previous_calls: int,
        record: CallRecord,
    ) -> JSONResponse:
        if behaviour is None:
            return JSONResponse({"detail": f"unknown agent type {body.agent_type}"}, 404)
        if previous_calls < behaviour.fail_times:
            headers = (
                {"retry-after": behaviour.fail_retry_after} if behaviour.fail_retry_after else {}
            )
            return JSONResponse(
                {"detail": "temporarily overloaded"}, behaviour.fail_status, headers
            )
        if behaviour.error_status is not None:
            return JSONResponse({"detail": behaviour.error_detail}, behaviour.error_status)
        deadline = time.monotonic() + behaviour.sleep_seconds
        while time.monotonic() < deadline:
            await asyncio.sleep(min(0.05, max(0.0, deadline - time.monotonic())))
            if await request.is_disconnected():
                record.disconnected = True
                return JSONResponse({"detail": "client went away"}, 499)
        outputs = (
            dict(behaviour.outputs) if behaviour.outputs is not None else summarize(body.inputs)
        )
        if behaviour.output_bytes:
            outputs["blob"] = "x" * behaviour.output_bytes
        return JSONResponse(
            {
                "outputs": outputs,
                "usage": {
                    "input_tokens": behaviour.tokens,
                    "output_tokens": behaviour.tokens,
                    "model": "test-model",
                    "provider": "local",
                    "latency_ms": 1.0,
                    "cost_usd": behaviour.cost_usd,
                },
            }
        )

    def start(self) -> None:
        """Serve on a free local port in a background thread."""
        app = Starlette(routes=[Route("/{agent_type}/invoke", self._invoke, methods=["POST"])])
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        config = uvicorn.Config(app, log_level="warning", lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, daemon=True
        )
        self._thread.start()
        self.base_url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the test agent service did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
