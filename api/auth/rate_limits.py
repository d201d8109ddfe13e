"""Rate limits on the ``limits`` library: per principal, and per webhook.

A caller may send ``burst`` requests at once and ``rate_per_minute`` sustained: a
sliding window counter of ``burst`` requests per ``burst / rate`` minutes. The counters
live in a ``limits`` storage: this process's memory by default (with N API processes a
caller gets N times the rate), or Redis when ``HUB_RATE_LIMIT_STORAGE`` is a
``redis://`` URI, so that every process counts against the same limit
(docs/security.md). Redis is spoken to with ``limits``' asyncio flavour
(``redis.asyncio``), never blocking the event loop. When Redis cannot be reached the
request is let through and a warning logged (the limit is abuse protection, not a
reason to take the API down).

In memory, the counters are a :class:`ProcessMemoryStorage`, used by ``limits``'
synchronous sliding window counter strategy and called straight from the event loop:
the same counting as ``limits``' own memory storage, without its asyncio wrappers (a
task per hit to expire counters) or its timer thread (one started every 10 ms under
load). Every request pays for the check, so it is kept to a dictionary look-up.
"""

from __future__ import annotations

import functools
import logging
import math
import time
from typing import Any

from limits import RateLimitItem, RateLimitItemPerSecond
from limits.aio.storage import Storage
from limits.aio.strategies import SlidingWindowCounterRateLimiter
from limits.storage import MemoryStorage as SyncMemoryStorage
from limits.storage import storage_from_string
from limits.strategies import SlidingWindowCounterRateLimiter as SyncSlidingWindowCounter

logger = logging.getLogger("hub.api.rate_limits")

#: Seconds between two "storage unreachable" warnings.
WARN_EVERY_SECONDS = 60.0

#: Seconds between two sweeps of the counters of callers gone quiet.
SWEEP_EVERY_SECONDS = 60.0


class ProcessMemoryStorage(SyncMemoryStorage):
    """``limits``' sliding window counters in this process, for one event loop.

    Per limit key, one record ``[window, count, previous count, window seconds]``:
    ``window`` is ``int(now / window seconds)``. That is what ``limits``' memory
    storage keeps as two counters, ``key/<window>`` and ``key/<window - 1>``, and the
    weighted count, the refusal and the reset time are computed as it does. Records
    of keys not hit for two windows are swept once a minute, which bounds the memory
    as its expiry does. All calls come from the event loop's thread, so there are no
    locks (nothing here awaits).
    """

    def __init__(self) -> None:
        super().__init__()
        self._windows: dict[str, list[Any]] = {}
        self._swept_at = time.monotonic()

    def _counts(self, key: str, expiry: int, now: float) -> list[Any]:
        """The record of ``key`` moved to the window of ``now``."""
        window = int(now / expiry)
        record = self._windows.get(key)
        if record is None:
            if time.monotonic() - self._swept_at >= SWEEP_EVERY_SECONDS:
                self._sweep(now)
            record = self._windows[key] = [window, 0, 0, expiry]
        elif record[0] != window:
            # The current window became the previous one, or both ran out.
            record[2] = record[1] if record[0] == window - 1 else 0
            record[0], record[1] = window, 0
        return record

    def _sweep(self, now: float) -> None:
        self._swept_at = time.monotonic()
        for key, (window, _, _, expiry) in list(self._windows.items()):
            if window < int(now / expiry) - 1:
                del self._windows[key]

    @staticmethod
    def _previous_ttl(previous_count: int, expiry: int, now: float) -> float:
        return (1 - (((now - expiry) / expiry) % 1)) * expiry if previous_count else 0.0

    def acquire_sliding_window_entry(
        self, key: str, limit: int, expiry: int, amount: int = 1
    ) -> bool:
        if amount > limit:
            return False
        now = time.time()
        record = self._counts(key, expiry, now)
        weighted = record[2] * self._previous_ttl(record[2], expiry, now) / expiry + record[1]
        if math.floor(weighted) + amount > limit:
            return False
        record[1] += amount
        return True

    def get_sliding_window(self, key: str, expiry: int) -> tuple[int, float, int, float]:
        now = time.time()
        _, count, previous, _ = self._counts(key, expiry, now)
        current_ttl = (1 - ((now / expiry) % 1)) * expiry + expiry
        return previous, self._previous_ttl(previous, expiry, now), count, current_ttl

    def clear_sliding_window(self, key: str, expiry: int) -> None:
        self._windows.pop(key, None)

    def reset(self) -> int | None:
        count = len(self._windows)
        self._windows.clear()
        return count


def rate_limit_storage(uri: str | None) -> Storage | ProcessMemoryStorage:
    """The storage named by ``uri`` (``redis://host:port/db``, ``memory://``); memory if unset."""
    if not uri or uri == "memory://":
        return ProcessMemoryStorage()
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

    def __init__(
        self,
        rate_per_minute: int,
        burst: int,
        storage: Storage | ProcessMemoryStorage | None = None,
    ) -> None:
        self.item = rate_limit_item(rate_per_minute, burst)
        self.storage = storage if storage is not None else ProcessMemoryStorage()
        self._local = (
            SyncSlidingWindowCounter(self.storage)
            if isinstance(self.storage, ProcessMemoryStorage)
            else None
        )
        self._shared = (
            SlidingWindowCounterRateLimiter(self.storage)
            if isinstance(self.storage, Storage)
            else None
        )
        self._warned_at = -math.inf

    async def acquire(self, key: str, item: RateLimitItem | None = None) -> float | None:
        """Take one request of ``item`` (default: the per-principal one) for ``key``:
        ``None`` when allowed, else seconds to wait."""
        item = item or self.item
        if self._local is not None:
            if self._local.hit(item, key):
                return None
            reset_at, _ = self._local.get_window_stats(item, key)
            return max(reset_at - time.time(), 0.0)
        assert self._shared is not None
        try:
            if await self._shared.hit(item, key):
                return None
            reset_at, _ = await self._shared.get_window_stats(item, key)
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
