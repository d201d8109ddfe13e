"""``Allow``: what a path answers to, said by ``OPTIONS`` and by every 405 (RFC 9110).

Each method of a path is its own route, so the router's own 405 names only the first
route's methods; this names all of them, and answers ``OPTIONS`` (204) for any path the
API serves. CORS preflights never get here: the CORS middleware answers them first.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi.routing import iter_route_contexts
from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

_ORDER = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


class AllowedMethodsMiddleware:
    def __init__(self, app: ASGIApp, api: Any) -> None:
        self.app = app
        #: The FastAPI app whose routes are read (once, at the first request that needs them).
        self.api = api
        self._paths: list[tuple[re.Pattern[str], frozenset[str]]] | None = None

    def _table(self) -> list[tuple[re.Pattern[str], frozenset[str]]]:
        if self._paths is None:
            self._paths = [
                (compile_path(str(context.path_format))[0], frozenset(context.methods or ()))
                for context in iter_route_contexts(self.api.routes)
                if context.methods
            ]
        return self._paths

    def allowed(self, scope: Scope) -> list[str]:
        """The methods some route serves at this path (``HEAD`` with ``GET``), in order."""
        path: str = scope.get("path", "")
        methods: set[str] = set()
        for regex, route_methods in self._table():
            if regex.match(path):
                methods |= route_methods
        if not methods:
            return []
        methods.add("OPTIONS")
        return sorted(methods, key=lambda m: _ORDER.index(m) if m in _ORDER else len(_ORDER))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] == "OPTIONS":
            allowed = self.allowed(scope)
            if allowed:
                await send(
                    {
                        "type": "http.response.start",
                        "status": 204,
                        "headers": [(b"allow", ", ".join(allowed).encode())],
                    }
                )
                await send({"type": "http.response.body", "body": b""})
                return

        async def send_with_allow(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 405:
                allowed = self.allowed(scope)
                if allowed:
                    headers = [
                        (k, v) for k, v in message.get("headers", []) if k.lower() != b"allow"
                    ]
                    headers.append((b"allow", ", ".join(allowed).encode()))
                    message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_allow)
