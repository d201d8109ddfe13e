"""A local HTTP server speaking the OpenAI and Anthropic wire formats.

The real SDKs run unchanged; only their base URLs (read from the environment,
as in production) point at this server. The server records every request so
tests can assert exactly what the SDK sent.
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

#: Route kind -> path pattern, as the SDKs build them.
ROUTES: dict[str, re.Pattern[str]] = {
    "openai": re.compile(r"^/v1/chat/completions$"),
    "azure_openai": re.compile(r"^/openai/deployments/(?P<model>[^/]+)/chat/completions$"),
    "anthropic": re.compile(r"^/v1/messages$"),
    "aws_bedrock": re.compile(r"^/model/(?P<model>[^/]+)/invoke$"),
    "google_vertex": re.compile(
        r"^(?:/v1)?/projects/(?P<project>[^/]+)/locations/(?P<region>[^/]+)"
        r"/publishers/anthropic/models/(?P<model>[^/:]+):rawPredict$"
    ),
}

#: Every variable that could leak the developer's real setup into a test.
PROVIDER_ENV = [
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "OPENAI_ORG_ID",
    "OPENAI_PROJECT_ID",
    "OPENAI_ADMIN_KEY",
    "OPENAI_API_VERSION",
    "AZURE_OPENAI_API_KEY",
    "AZURE_OPENAI_KEY",
    "AZURE_OPENAI_AD_TOKEN",
    "AZURE_OPENAI_ENDPOINT",
    "ANTHROPIC_API_KEY",
    "ANTHROPIC_AUTH_TOKEN",
    "ANTHROPIC_BASE_URL",
    "ANTHROPIC_PROFILE",
    "ANTHROPIC_CUSTOM_HEADERS",
    "ANTHROPIC_BEDROCK_BASE_URL",
    "ANTHROPIC_VERTEX_BASE_URL",
    "ANTHROPIC_VERTEX_PROJECT_ID",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_BEARER_TOKEN_BEDROCK",
    "CLOUD_ML_REGION",
    "GOOGLE_CLOUD_REGION",
    "GOOGLE_APPLICATION_CREDENTIALS",
    "GOOGLE_VERTEX_ACCESS_TOKEN",
    "GOOGLE_CLOUD_PROJECT",
    "HUB_LLM_TIMEOUT_SECONDS",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
]

#: Fake secrets; tests assert none of them ever shows up in a message or a log.
SECRETS = {
    "OPENAI_API_KEY": "sk-test-openai-0123456789",
    "AZURE_OPENAI_API_KEY": "azure-test-key-0123456789",
    "ANTHROPIC_API_KEY": "sk-ant-test-0123456789",
    "AWS_ACCESS_KEY_ID": "AKIDEXAMPLETEST",
    "AWS_SECRET_ACCESS_KEY": "aws-secret-test-0123456789",
    "GOOGLE_VERTEX_ACCESS_TOKEN": "ya29.test-token-0123456789",
}


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any
    route: str | None
    params: dict[str, str]


@dataclass
class Reply:
    """One scripted answer: a status, a JSON body (or a builder of one), headers, a delay."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay_seconds: float = 0.0


class ProviderWireServer:
    """Answers scripted replies in order; an empty script answers 500 so a stray call fails."""

    def __init__(self) -> None:
        self.requests: list[RecordedRequest] = []
        self._script: list[Reply] = []
        self._lock = threading.Lock()
        self.release = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = True
        self._httpd.block_on_close = False
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.release.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            self._script.clear()
        self.release.clear()

    def script(self, *replies: Reply) -> None:
        with self._lock:
            self._script.extend(replies)

    # --- wire-format answers -------------------------------------------------

    @staticmethod
    def openai_completion(
        content: str | None,
        *,
        prompt_tokens: int = 11,
        completion_tokens: int = 7,
        finish_reason: str = "stop",
        refusal: str | None = None,
    ) -> Reply:
        def build(request: RecordedRequest) -> dict[str, Any]:
            return {
                "id": "chatcmpl-test",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": request.body.get("model") or request.params.get("model"),
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": content, "refusal": refusal},
                        "finish_reason": finish_reason,
                        "logprobs": None,
                    }
                ],
                "usage": {
                    "prompt_tokens": prompt_tokens,
                    "completion_tokens": completion_tokens,
                    "total_tokens": prompt_tokens + completion_tokens,
                },
            }

        return Reply(body=build)

    @staticmethod
    def anthropic_message(
        content: list[dict[str, Any]],
        *,
        input_tokens: int = 13,
        output_tokens: int = 5,
        stop_reason: str = "end_turn",
    ) -> Reply:
        def build(request: RecordedRequest) -> dict[str, Any]:
            return {
                "id": "msg_test",
                "type": "message",
                "role": "assistant",
                "model": request.body.get("model") or request.params.get("model"),
                "content": content,
                "stop_reason": stop_reason,
                "stop_sequence": None,
                "usage": {"input_tokens": input_tokens, "output_tokens": output_tokens},
            }

        return Reply(body=build)

    @staticmethod
    def openai_error(status: int, message: str, headers: dict[str, str] | None = None) -> Reply:
        body = {"error": {"message": message, "type": "invalid_request_error", "code": None}}
        return Reply(status=status, body=body, headers=headers or {})

    @staticmethod
    def anthropic_error(
        status: int,
        message: str,
        error_type: str = "api_error",
        headers: dict[str, str] | None = None,
    ) -> Reply:
        body = {"type": "error", "error": {"type": error_type, "message": message}}
        return Reply(status=status, body=body, headers=headers or {})

    # --- HTTP plumbing -------------------------------------------------------

    def _next_reply(self) -> Reply:
        with self._lock:
            if self._script:
                return self._script.pop(0)
        return Reply(status=500, body={"error": {"message": "no scripted reply left"}})

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802 (http.server naming)
                parts = urlsplit(self.path)
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw) if raw else None
                except ValueError:
                    body = raw.decode(errors="replace")
                route, params = None, {}
                for kind, pattern in ROUTES.items():
                    match = pattern.match(parts.path)
                    if match:
                        route, params = kind, match.groupdict()
                        break
                recorded = RecordedRequest(
                    method="POST",
                    path=parts.path,
                    query=parse_qs(parts.query),
                    headers={key.lower(): value for key, value in self.headers.items()},
                    body=body,
                    route=route,
                    params=params,
                )
                with server._lock:
                    server.requests.append(recorded)
                if route is None:
                    self._send(404, {"error": {"message": f"no route {parts.path}"}}, {})
                    return
                reply = server._next_reply()
                if reply.delay_seconds:
                    server.release.wait(reply.delay_seconds)
                payload = reply.body(recorded) if callable(reply.body) else reply.body
                self._send(reply.status, payload, reply.headers)

            def _send(self, status: int, payload: Any, headers: dict[str, str]) -> None:
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(data)))
                    for key, value in headers.items():
                        self.send_header(key, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout tests)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass  # keep test output clean

        return Handler
