"""CORS of the codec server (``/codec/*``) for the Temporal Web UI's origin.

The Web UI runs on its own origin and sends ``X-Namespace`` (and, with "pass access
token", ``Authorization``); the console's CORS rules (``HUB_CORS_ORIGINS``) stay as they
are for every other path. Preflights are answered here, before authentication.
"""

from __future__ import annotations

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

CODEC_PATH_PREFIX = "/codec/"


class CodecCorsMiddleware:
    """Starlette's CORS for ``/codec/*`` only, with the codec protocol's headers."""

    def __init__(self, app: ASGIApp, *, origins: list[str]) -> None:
        self.app = app

        async def without_origin(scope: Scope, receive: Receive, send: Send) -> None:
            # Answered here: the console's CORS layer further in must not add its own.
            headers = [(k, v) for k, v in scope.get("headers", []) if k != b"origin"]
            await app({**scope, "headers": headers}, receive, send)

        self.cors = CORSMiddleware(
            without_origin,
            allow_origins=origins,
            allow_credentials=True,
            allow_methods=["POST", "OPTIONS"],
            allow_headers=["Authorization", "Content-Type", "X-Namespace"],
            max_age=600,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and str(scope.get("path", "")).startswith(CODEC_PATH_PREFIX):
            await self.cors(scope, receive, send)
        else:
            await self.app(scope, receive, send)
