"""The event loop of the hub's long-running processes.

``hub api`` and ``hub agent serve`` run on uvloop through uvicorn (its ``loop="auto"``
picks uvloop when installed); ``hub worker`` and the bench take the same loop with
:func:`run` (the soak's workers are ``hub worker`` processes). In the bench, uvloop took
the worker process's CPU per 3-step run from ~10.4 to ~9.3 ms and a step's wall time
down by ~0.7 ms, for our engine and the bare-Temporal baseline alike
(``bench/investigations/README.md``). Temporal's workflows are not affected: the SDK runs
them on its own deterministic loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's loop when installed (it is, with ``uvicorn[standard]``), else asyncio's."""
    try:
        import uvloop
    except ImportError:  # e.g. on Windows, where uvloop does not build
        return None
    return uvloop.new_event_loop


def run(main: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run(main)`` on the loop of :func:`loop_factory`."""
    with asyncio.Runner(loop_factory=loop_factory()) as runner:
        return runner.run(main)
