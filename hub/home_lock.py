"""One stack per ``HUB_HOME``: an exclusive lock held for the life of ``hub up``,
and the parent-death signal that takes the stack's children down with it.

Two stacks on one home would share the SQLite files: the second Temporal server then
fights the first for its shards (``Failed to lock shard``). ``hub up`` takes an
exclusive ``flock`` on ``HUB_HOME/hub.lock`` before it touches anything and writes its
PID and ports into the file; a second ``hub up`` fails at once, naming them. The
kernel drops the lock when the process ends, however it ends (even SIGKILL), so a
stale file never blocks a start.
"""

from __future__ import annotations

import ctypes
import fcntl
import json
import os
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

LOCK_FILE_NAME = "hub.lock"
#: ``prctl(2)`` option: the signal a process gets when its parent dies.
PR_SET_PDEATHSIG = 1


class HomeInUse(RuntimeError):
    """Another ``hub up`` holds the lock of this ``HUB_HOME``."""


@dataclass
class HomeLock:
    """The exclusive lock of one ``HUB_HOME``; held from :meth:`acquire` until the process ends."""

    home: Path
    handle: IO[str] | None = None

    @property
    def path(self) -> Path:
        return self.home / LOCK_FILE_NAME

    def acquire(self) -> None:
        """Take the lock or raise :class:`HomeInUse` naming the stack that holds it."""
        self.home.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = describe_holder(handle.read())
            handle.close()
            raise HomeInUse(
                f"another `hub up` is already running on HUB_HOME {self.home}: {holder}. "
                "Use that stack, stop it (Ctrl-C in its terminal), or start this one with "
                "another HUB_HOME."
            ) from None
        self.handle = handle
        self.record({"pid": os.getpid()})

    def record(self, info: dict[str, Any]) -> None:
        """What a second start will be told about this stack (PID, ports, URLs)."""
        if self.handle is None:
            return
        self.handle.seek(0)
        self.handle.truncate()
        self.handle.write(json.dumps({"pid": os.getpid(), **info}))
        self.handle.flush()

    def release(self) -> None:
        if self.handle is not None:
            self.handle.seek(0)
            self.handle.truncate()
            fcntl.flock(self.handle.fileno(), fcntl.LOCK_UN)
            self.handle.close()
            self.handle = None


def describe_holder(text: str) -> str:
    """``PID 1234, API http://…:8000, Temporal …:7233, …`` from the lock file's JSON."""
    try:
        info = json.loads(text) if text.strip() else {}
    except ValueError:
        info = {}
    if not isinstance(info, dict) or "pid" not in info:
        return "PID unknown (it is still starting)"
    parts = [f"PID {info['pid']}"]
    ports = info.get("ports") or {}
    labels = {"api": "API", "temporal": "Temporal", "ui": "Temporal UI", "agents": "agents"}
    for key, label in labels.items():
        if ports.get(key):
            parts.append(f"{label} port {ports[key]}")
    if info.get("api_url"):
        parts.append(f"API at {info['api_url']}")
    return ", ".join(parts)


def die_with_parent(parent_pid: int, sig: int = signal.SIGTERM) -> Callable[[], None]:
    """A ``preexec_fn`` for a child of the stack: ``sig`` reaches it when ``hub up``
    dies, however it dies (SIGKILL, a closed terminal), so no part outlives the stack.

    Linux's ``prctl(PR_SET_PDEATHSIG)``; if the parent died before the call took effect
    the child stops at once. Elsewhere it does nothing (``hub up`` still stops its
    children on Ctrl-C, SIGTERM and SIGHUP).
    """

    def set_signal() -> None:
        if not sys.platform.startswith("linux"):
            return
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0)
        if os.getppid() != parent_pid:
            os.kill(os.getpid(), sig)

    return set_signal
