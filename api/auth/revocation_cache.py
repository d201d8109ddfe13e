"""A short-lived memory of tokens found *not* revoked, so each request skips two queries.

Only positive verdicts ("this token and its API key were still valid") are kept, for
``ttl_seconds`` (a :class:`cachetools.TTLCache`, bounded). The revoke endpoints clear
the cache after their transaction commits, so a revocation made through this process
applies to its very next request; another API process notices it within
``ttl_seconds`` (docs/security.md).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from cachetools import TTLCache

#: (token ``jti``, service account id); either may be ``None`` (OIDC tokens, user tokens).
RevocationKey = tuple[str | None, str | None]

#: Entries kept at most (when full, expired ones go first, then the oldest).
MAX_ENTRIES = 10_000


class RevocationCache:
    """Positive revocation checks remembered per (jti, account id) for a few seconds."""

    def __init__(self, ttl_seconds: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl_seconds = ttl_seconds
        self._valid: TTLCache[RevocationKey, bool] = TTLCache(
            MAX_ENTRIES, ttl=max(ttl_seconds, 0.0), timer=clock
        )
        self._generation = 0
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        """Whether verdicts are kept at all (a TTL of 0 turns the cache off)."""
        return self.ttl_seconds > 0

    def generation(self) -> int:
        """Read before a database check; pass to :meth:`remember` after it."""
        with self._lock:
            return self._generation

    def is_known_valid(self, key: RevocationKey) -> bool:
        """Whether ``key`` was checked and found valid less than ``ttl_seconds`` ago."""
        if not self.enabled:
            return False
        with self._lock:
            return key in self._valid

    def remember(self, key: RevocationKey, generation: int) -> None:
        """Record a passed check, unless the cache was cleared since it started.

        A check that began before a revocation may finish after the revoke cleared
        the cache; its stale "valid" verdict must not be stored.
        """
        if not self.enabled:
            return
        with self._lock:
            if generation == self._generation:
                self._valid[key] = True

    def clear(self) -> None:
        """Forget every verdict (called after a token or an API key is revoked)."""
        with self._lock:
            self._generation += 1
            self._valid.clear()
