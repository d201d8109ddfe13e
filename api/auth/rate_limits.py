"""Per-principal rate limits: an in-memory token bucket per caller.

In memory means per API process: with N replicas a caller gets N times the rate.
That is the documented trade-off (docs/security.md); a shared store would be the
next step if exact global limits were needed.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

#: Buckets idle this long are dropped so that memory stays bounded.
IDLE_EVICTION_SECONDS = 600.0


@dataclass
class _Bucket:
    tokens: float
    updated: float


class TokenBucketLimiter:
    """``rate_per_minute`` sustained, ``burst`` at once, per key."""

    def __init__(
        self,
        rate_per_minute: int,
        burst: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate_per_second = max(rate_per_minute, 1) / 60.0
        self.burst = max(burst, 1)
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def acquire(self, key: str) -> float | None:
        """Take one token for ``key``: ``None`` when allowed, else seconds to wait."""
        now = self._clock()
        with self._lock:
            if len(self._buckets) > 10_000:
                self._evict(now)
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = self._buckets[key] = _Bucket(tokens=float(self.burst), updated=now)
            bucket.tokens = min(
                float(self.burst), bucket.tokens + (now - bucket.updated) * self.rate_per_second
            )
            bucket.updated = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return None
            return (1.0 - bucket.tokens) / self.rate_per_second

    def _evict(self, now: float) -> None:
        for key in [k for k, b in self._buckets.items() if now - b.updated > IDLE_EVICTION_SECONDS]:
            del self._buckets[key]


def retry_after_header(wait_seconds: float) -> str:
    """``Retry-After`` in whole seconds, at least 1."""
    return str(max(1, math.ceil(wait_seconds)))
