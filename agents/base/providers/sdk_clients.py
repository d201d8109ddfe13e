"""SDK clients built once per process (per configuration and event loop) and reused.

Clients hold connection pools, so creating one per call wastes sockets and TLS
handshakes. The cache key is a digest of the environment values the client was
built from, so changing e.g. ``OPENAI_BASE_URL`` (tests, a rotated key) builds a
fresh client instead of silently keeping the old endpoint; the running event
loop is part of the key because async connection pools are bound to one loop. The
cache is a bounded LRU: a process that runs many event loops one after the other
(tests, ``asyncio.run`` per call) keeps the clients of the latest ones only.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from cachetools import LRUCache

ClientT = TypeVar("ClientT")

#: Seconds one provider call may take before it is abandoned as a retryable timeout.
TIMEOUT_ENV = "HUB_LLM_TIMEOUT_SECONDS"
DEFAULT_TIMEOUT_SECONDS = 120.0
#: Clients kept per provider at most (configurations × event loops).
MAX_CLIENTS = 16


def request_timeout_seconds() -> float:
    """The per-call timeout, from ``HUB_LLM_TIMEOUT_SECONDS`` (default 120)."""
    raw = os.environ.get(TIMEOUT_ENV, "").strip()
    if not raw:
        return DEFAULT_TIMEOUT_SECONDS
    try:
        value = float(raw)
    except ValueError:
        return DEFAULT_TIMEOUT_SECONDS
    return value if value > 0 else DEFAULT_TIMEOUT_SECONDS


def env_value(*names: str) -> str | None:
    """The first non-empty value among environment variables ``names``."""
    for name in names:
        value = os.environ.get(name)
        if value:
            return value
    return None


class ClientCache:
    """Reuses one SDK client per (configuration digest, event loop)."""

    def __init__(self, size: int = MAX_CLIENTS) -> None:
        self._clients: LRUCache[tuple[str, int], Any] = LRUCache(size)
        self._lock = threading.Lock()

    def get(self, config: tuple[str | float | None, ...], build: Callable[[], ClientT]) -> ClientT:
        """The cached client for ``config`` or a new one from ``build``."""
        # Digest rather than raw values so keys never sit in a second place in memory dumps.
        digest = hashlib.sha256(repr(config).encode()).hexdigest()
        try:
            loop_id = id(asyncio.get_running_loop())
        except RuntimeError:
            loop_id = 0
        key = (digest, loop_id)
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                client = build()
                self._clients[key] = client
            return client  # type: ignore[no-any-return]

    def clear(self) -> None:
        """Forget every cached client (they close when garbage-collected, as evicted ones do)."""
        with self._lock:
            self._clients.clear()
