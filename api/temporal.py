"""The API's one Temporal client, connected at start-up and reconnected on demand.

CRUD endpoints must keep working while Temporal is down, so a failed connection
at start-up is not fatal: run endpoints retry the connection and answer 503
with what to do when Temporal still cannot be reached.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from temporalio.client import Client

from api.errors import ApiError

CONNECT_TIMEOUT_SECONDS = 5.0


class TemporalUnavailable(ApiError):
    """503: Temporal cannot be reached; the message names the address and the fix."""

    status_code = 503


class TemporalGateway:
    """Holds the process-wide client; ``connect`` is injected by the composition root
    so that the client always carries the hub's pydantic data converter."""

    def __init__(
        self,
        connect: Callable[[], Awaitable[Client]],
        *,
        address: str,
        namespace: str,
        ui_url: str | None = None,
    ) -> None:
        self._connect = connect
        self._client: Client | None = None
        self._lock = asyncio.Lock()
        self.address = address
        self.namespace = namespace
        self.ui_url = (ui_url or "").rstrip("/") or None

    async def client(self) -> Client:
        if self._client is not None:
            return self._client
        async with self._lock:
            if self._client is None:
                try:
                    self._client = await asyncio.wait_for(
                        self._connect(), timeout=CONNECT_TIMEOUT_SECONDS
                    )
                except ConnectionError as exc:
                    # The client factory's own message names the setting to fix (TLS, key).
                    raise TemporalUnavailable(str(exc)) from exc
                except Exception as exc:
                    raise TemporalUnavailable(
                        f"Temporal is not reachable at {self.address} ({exc.__class__.__name__}); "
                        "start the stack with `hub up` or set HUB_TEMPORAL_ADDRESS"
                    ) from exc
        return self._client

    def workflow_url(self, workflow_id: str) -> str | None:
        """The Temporal Web UI page of a workflow, when a UI is configured."""
        if not self.ui_url:
            return None
        return f"{self.ui_url}/namespaces/{self.namespace}/workflows/{workflow_id}"
