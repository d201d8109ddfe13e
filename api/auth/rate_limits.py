"""Rate limits on the ``limits`` library: per principal, and per webhook.

A caller may send ``burst`` requests at once and ``rate_per_minute`` sustained: a
sliding window counter of ``burst`` requests per ``burst / rate`` minutes. The counters
live in a ``limits`` storage: this process's memory by default (with N API processes a
caller gets N times the rate), or Redis when ``HUB_RATE_LIMIT_STORAGE`` is a
``redis://`` URI, so that every process counts against the same limit
(docs/security.md). The asyncio flavour of ``limits`` is used: its memory storage
expires counters in a task instead of starting a timer thread every few milliseconds,
and Redis is spoken to with ``redis.asyncio``, never blocking the event loop. When Redis
cannot be reached the request is let through and a warning logged (the limit is abuse
protection, not a reason to take the API down).
"""

from __future__ import annotations

import functools
import logging
import math
import time

from limits import RateLimitItem, RateLimitItemPerSecond
from limits.aio.storage import MemoryStorage, Storage
from limits.aio.strategies import SlidingWindowCounterRateLimiter
from limits.storage import storage_from_string

logger = logging.getLogger("hub.api.rate_limits")

#: Seconds between two "storage unreachable" warnings.
WARN_EVERY_SECONDS = 60.0


def rate_limit_storage(uri: str | None) -> Storage:
    """The storage named by ``uri`` (``redis://host:port/db``, ``memory://``); memory if unset."""
    if not uri or uri == "memory://":
        return MemoryStorage()
    storage = storage_from_string(f"async+{uri}", implementation="redispy")
    if not isinstance(storage, Storage):
        raise ValueError(f"HUB_RATE_LIMIT_STORAGE: use redis://host:port/db, not {uri!r}")
    return storage


@functools.lru_cache(maxsize=1024)
def rate_limit_item(rate_per_minute: int, burst: int) -> RateLimitItem:
    """``burst`` requests per window of ``burst / rate_per_minute`` minutes; a window
    is at least a second, holding more than ``burst`` when the rate asks for it."""
    rate, burst = max(rate_per_minute, 1), max(burst, 1)
    window = max(1, round(burst * 60 / rate))
    return RateLimitItemPerSecond(max(burst, round(rate * window / 60)), window)


class RateLimiter:
    """Hits against ``limits`` items in one storage: the per-principal item by default."""

    def __init__(self, rate_per_minute: int, burst: int, storage: Storage | None = None) -> None:
        self.item = rate_limit_item(rate_per_minute, burst)
        self.storage = storage if storage is not None else MemoryStorage()
        self._strategy = SlidingWindowCounterRateLimiter(self.storage)
        self._warned_at = -math.inf

    async def acquire(self, key: str, item: RateLimitItem | None = None) -> float | None:
        """Take one request of ``item`` (default: the per-principal one) for ``key``:
        ``None`` when allowed, else seconds to wait."""
        item = item or self.item
        try:
            if await self._strategy.hit(item, key):
                return None
            reset_at, _ = await self._strategy.get_window_stats(item, key)
        except Exception as exc:  # the storage's client errors (redis, …): fail open
            now = time.monotonic()
            if now - self._warned_at >= WARN_EVERY_SECONDS:
                self._warned_at = now
                logger.warning("rate limits not applied: the storage failed (%s)", exc)
            return None
        return max(reset_at - time.time(), 0.0)


def retry_after_header(wait_seconds: float) -> str:
    """``Retry-After`` in whole seconds, at least 1."""
    return str(max(1, math.ceil(wait_seconds)))
