"""What ``GET /observability/metrics`` reads from Temporal, kept fresh off the request path.

Two figures come from Temporal: the closed runs copied from visibility into
``run_summaries`` (the summary sync, which also reconciles the ``runs`` table), and
each agent queue's backlog. Each is a round trip of 5–40 ms to the visibility store or
the matching service; a request used to wait for all of them. The count of running runs
matching the request's filters is kept here too, with the sync it follows, although it
is read from the ``runs`` table (the runs listing's running rows): asking visibility to
count them cost the Temporal server about 8 ms of CPU per filter and read, every
second while the metrics are read, on the machine that serves them (issue 22).

Here each figure is kept with the time it was read. A request takes a figure read less
than ``max_age_seconds`` ago as it is, and waits for a fresh read only when there is
none (the first request after an idle spell, or a filter nobody asked for lately). While
requests come, a background task re-reads every figure asked for in the last
``idle_seconds`` every ``max_age_seconds / 2``, so a steady reader never waits; when
they stop, the task stops, and Temporal is not asked for figures nobody reads.

One read of a figure is shared by every request waiting for it (single flight), and the
sync is shared with ``GET /metrics``'s platform families. The response says when its
Temporal figures were read (``temporal_read_at``, the oldest of them): a run that ended
shows in the figures at most ``max_age_seconds`` (plus visibility's own lag) later.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

logger = logging.getLogger("hub.api.temporal_figures")

#: A figure read less than this long ago is served as it is.
DEFAULT_MAX_AGE_SECONDS = 2.0
#: Figures nobody asked for in this long are no longer re-read in the background.
DEFAULT_IDLE_SECONDS = 30.0


@dataclass
class _Figure:
    value: Any = None
    #: ``time.monotonic()`` when the read that gave ``value`` started; ``-inf``: never.
    read_at: float = -math.inf
    #: ``time.time()`` of the same moment (what the response reports).
    read_at_wall: float = 0.0
    used_at: float = -math.inf
    reading: asyncio.Task[Any] | None = None
    read: Callable[[], Awaitable[Any]] | None = None


@dataclass
class TemporalFigures:
    """The summary sync, running counts and queue backlogs, each with its read time."""

    #: Runs the summary sync in a session of its own; returns what it wrote.
    sync: Callable[[Session], Awaitable[int]]
    session_factory: sessionmaker[Session]
    max_age_seconds: float = DEFAULT_MAX_AGE_SECONDS
    idle_seconds: float = DEFAULT_IDLE_SECONDS
    _figures: dict[str, _Figure] = field(default_factory=dict)
    _refresher: asyncio.Task[None] | None = None
    _loop: asyncio.AbstractEventLoop | None = None

    # ------------------------------------------------------------------ reads

    async def synced(self, *, keep_fresh: bool = True) -> float:
        """Wait until ``run_summaries`` holds the closes seen at most ``max_age`` ago;
        returns the wall time that sync started. ``keep_fresh=False``: a periodic reader
        (``GET /metrics``) that should not keep the background re-reads going."""
        figure = await self._get("sync", self._sync, keep_fresh=keep_fresh)
        return figure.read_at_wall

    async def get(self, key: str, read: Callable[[], Awaitable[Any]]) -> tuple[Any, float]:
        """``(value, wall time it was read)`` of the figure ``key``, read by ``read``."""
        figure = await self._get(key, read)
        return figure.value, figure.read_at_wall

    async def settled(self, key: str) -> float:
        """Wait for a read of the figure ``key`` under way, if any; the wall time of the
        read its value comes from (``0.0``: never read). A failed read is not raised."""
        figure = self._figures.get(key)
        if figure is None:
            return 0.0
        if figure.reading is not None:
            with contextlib.suppress(Exception):
                await asyncio.shield(figure.reading)
        return figure.read_at_wall

    async def _sync(self) -> int:
        with self.session_factory() as session:
            return await self.sync(session)

    async def _get(
        self, key: str, read: Callable[[], Awaitable[Any]], *, keep_fresh: bool = True
    ) -> _Figure:
        loop = asyncio.get_running_loop()
        if loop is not self._loop:  # a new event loop (tests): tasks of the old one are gone
            self._loop, self._refresher = loop, None
            for figure in self._figures.values():
                figure.reading = None
        now = time.monotonic()
        figure = self._figures.setdefault(key, _Figure())
        figure.read = read
        if keep_fresh:
            figure.used_at = now
            self._keep_fresh()
        if now - figure.read_at >= self.max_age_seconds:
            await self._read(figure)
        return figure

    async def _read(self, figure: _Figure) -> None:
        """Read ``figure`` again, or wait for the read already under way."""
        if figure.reading is None:
            figure.reading = asyncio.ensure_future(self._reread(figure))
        await asyncio.shield(figure.reading)

    async def _reread(self, figure: _Figure) -> None:
        assert figure.read is not None
        started, started_wall = time.monotonic(), time.time()
        try:
            figure.value = await figure.read()
            figure.read_at, figure.read_at_wall = started, started_wall
        finally:
            figure.reading = None

    # ------------------------------------------------------------ background

    def _keep_fresh(self) -> None:
        if self.max_age_seconds <= 0:  # every request reads afresh: nothing to keep
            return
        if self._refresher is None or self._refresher.done():
            self._refresher = asyncio.ensure_future(self._refresh_while_used())

    async def _refresh_while_used(self) -> None:
        interval = max(self.max_age_seconds / 2, 0.05)
        while True:
            await asyncio.sleep(interval)
            now = time.monotonic()
            for key, figure in list(self._figures.items()):
                if now - figure.used_at > self.idle_seconds:
                    del self._figures[key]
            if not self._figures:
                return
            due = [f for f in self._figures.values() if now - f.read_at >= interval]
            results = await asyncio.gather(*(self._read(f) for f in due), return_exceptions=True)
            for result in results:
                if isinstance(result, Exception):  # the next request reads it itself
                    logger.warning("re-reading a Temporal figure failed (%r)", result)

    async def close(self) -> None:
        """Stop the background task (at shutdown)."""
        refresher, self._refresher = self._refresher, None
        if refresher is None or self._loop is not asyncio.get_running_loop():
            return
        refresher.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await refresher
