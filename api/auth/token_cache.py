"""Verified bearer tokens remembered until they expire, so each request skips the JWT work.

Decoding and checking a JWT (base64, JSON, HMAC or RSA, claim checks) is the largest
CPU cost of an authenticated request. Its verdict depends only on the token's text,
the process's fixed keys and the clock, so a token that verified once stays valid
until its ``exp``; only successes are kept, never failures. Revocation is a separate
check (:mod:`api.auth.revocation_cache`) made for every request as before.

Entries are keyed by a SHA-256 digest, so the process does not keep bearer tokens
themselves in memory longer than a request.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable

from api.auth.tokens import VerifiedToken

#: Tokens kept at most; when full, expired ones are dropped, then everything.
MAX_ENTRIES = 10_000


class VerifiedTokenCache:
    """Access tokens that passed :meth:`TokenService.verify`, until their expiry."""

    def __init__(self, *, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._entries: dict[bytes, tuple[VerifiedToken, float]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def key(token: str) -> bytes:
        """The cache key of ``token`` (a digest: the token itself is not stored)."""
        return hashlib.sha256(token.encode()).digest()

    def get(self, key: bytes) -> VerifiedToken | None:
        """The verified token for ``key`` if it was seen and has not expired since."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        verified, expires = entry
        if self._clock() >= expires:
            with self._lock:
                self._entries.pop(key, None)
            return None
        return verified

    def put(self, key: bytes, verified: VerifiedToken) -> None:
        """Remember a token that just verified, until its ``exp``."""
        expires = verified.expires_at.timestamp()
        now = self._clock()
        if expires <= now:
            return
        with self._lock:
            if len(self._entries) >= MAX_ENTRIES:
                self._entries = {k: e for k, e in self._entries.items() if e[1] > now}
                if len(self._entries) >= MAX_ENTRIES:
                    self._entries.clear()
            self._entries[key] = (verified, expires)

    def clear(self) -> None:
        """Forget every token."""
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
