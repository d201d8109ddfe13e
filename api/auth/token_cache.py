"""Verified bearer tokens remembered until they expire, so each request skips the JWT work.

Decoding and checking a JWT (base64, JSON, HMAC or RSA, claim checks) is the largest
CPU cost of an authenticated request. Its verdict depends only on the token's text,
the process's fixed keys and the clock, so a token that verified once stays valid
until its ``exp``; only successes are kept, never failures. Revocation is a separate
check (:mod:`api.auth.revocation_cache`) made for every request as before.

Entries are keyed by a SHA-256 digest, so the process does not keep bearer tokens
themselves in memory longer than a request. A :class:`cachetools.LRUCache` holds each
entry with its token's ``exp``; a look-up at or after it drops the entry, and when the
cache is full the least recently used entry goes. (A ``TLRUCache`` would expire them
itself, but its look-up costs about six times as much, on every request.)
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable

from cachetools import LRUCache

from api.auth.tokens import VerifiedToken

#: Tokens kept at most.
MAX_ENTRIES = 10_000


class VerifiedTokenCache:
    """Access tokens that passed :meth:`TokenService.verify`, until their expiry."""

    def __init__(self, *, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        #: digest → (the verified token, its ``exp`` as a timestamp)
        self._entries: LRUCache[bytes, tuple[VerifiedToken, float]] = LRUCache(MAX_ENTRIES)
        self._lock = threading.Lock()

    @staticmethod
    def key(token: str) -> bytes:
        """The cache key of ``token`` (a digest: the token itself is not stored)."""
        return hashlib.sha256(token.encode()).digest()

    def get(self, key: bytes) -> VerifiedToken | None:
        """The verified token for ``key`` if it was seen and has not expired since."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if self._clock() >= entry[1]:
                del self._entries[key]
                return None
            return entry[0]

    def put(self, key: bytes, verified: VerifiedToken) -> None:
        """Remember a token that just verified, until its ``exp`` (an expired one is not kept)."""
        expires = verified.expires_at.timestamp()
        if expires <= self._clock():
            return
        with self._lock:
            self._entries[key] = (verified, expires)

    def clear(self) -> None:
        """Forget every token."""
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)
