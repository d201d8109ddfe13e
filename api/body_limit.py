"""A request-size limit as pure ASGI middleware (413), for sized and chunked bodies."""

from __future__ import annotations

import json

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyTooLargeError(HTTPException):
    """Raised from ``receive`` once a body grows past the limit.

    It is an ``HTTPException`` so that FastAPI's body reading re-raises it as is and
    the error handlers render the 413; the middleware catches it too when it escapes.
    """

    def __init__(self, limit: int, path: str = "") -> None:
        super().__init__(status_code=413, detail=too_large_message(limit, path))


def too_large_message(limit: int, path: str) -> str:
    """What a 413 says: the limit, the setting behind it, and a way forward that fits
    the request (an upload cannot be told to become an upload)."""
    size = f"{limit} bytes ({limit / 1_048_576:.1f} MiB, HUB_MAX_BODY_BYTES)"
    if path.rstrip("/") == "/artifacts":
        return (
            f"The uploaded file is larger than this server accepts: {size}. Upload a smaller "
            "file (split or compress the document), or have the operator raise "
            "HUB_MAX_BODY_BYTES."
        )
    return (
        f"The request body is larger than this server accepts: {size}. Send a smaller "
        "body; put large documents in the artifact store (POST /artifacts) and pass their "
        "artifact:// URI instead."
    )


class BodySizeLimitMiddleware:
    """Rejects bodies over ``max_body_bytes`` without reading them into memory."""

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        limit = self.max_body_bytes
        path = str(scope.get("path", ""))
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                if declared > limit:
                    await self._reject(send, BodyTooLargeError(limit, path))
                    return

        received = 0
        response_started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLargeError(limit, path)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLargeError as exc:
            if response_started:
                raise
            await self._reject(send, exc)

    @staticmethod
    async def _reject(send: Send, exc: BodyTooLargeError) -> None:
        body = json.dumps({"detail": exc.detail}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
