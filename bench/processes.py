"""The processes the bench starts: a Temporal dev server and the no-op agent service.

Both run in their own session (so a Ctrl-C in the terminal reaches only the bench,
which then stops them in order) and are stopped by :meth:`ChildProcess.stop`:
SIGTERM, then SIGKILL if they do not exit.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

# The launcher's own helpers; bench modules import them from here.
from hub import stack
from hub.stack import (
    dev_server_dynamic_config,
    dynamic_config_flags,
    free_port,
    http_ok,
    sqlite_pragma_flags,
    temporal_binary,
)
from schemas.names import SEARCH_ATTRIBUTES

__all__ = ["free_port", "http_ok", "tcp_open", "temporal_binary"]

#: The repository root: ``python -m bench.noop_agent`` must run from here.
REPO_ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT_SECONDS = 60.0
#: Linux prctl option: a signal the child gets when its parent dies (even by SIGKILL).
PR_SET_PDEATHSIG = 1
STOP_TIMEOUT_SECONDS = 10.0


def die_with_parent() -> None:
    """In the child, before exec: get SIGTERM if the parent dies without cleaning up."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def process_group_members(pgid: int) -> set[int]:
    """Live processes of process group ``pgid`` (read from /proc)."""
    members: set[int] = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[2]) == pgid:
            members.add(int(entry.name))
    return members


def tcp_open(port: int) -> Callable[[], bool]:
    """Whether something listens on ``port`` of 127.0.0.1."""
    return stack.tcp_open("127.0.0.1", port)


@dataclass
class ChildProcess:
    """One started process, its readiness check and its log file."""

    name: str
    argv: list[str]
    ready: Callable[[], bool]
    log_path: Path
    env: dict[str, str] | None = field(default=None, repr=False)
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    #: Runs once the process is ready (the dev server's index pruning).
    on_ready: Callable[[], object] | None = field(default=None, repr=False)
    #: Where it runs (default: this checkout; ``python -m`` imports from there first).
    cwd: Path | None = None

    def start(self) -> None:
        """Start the process and wait until it is ready (raises if it dies or hangs)."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                self.argv,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                cwd=self.cwd or REPO_ROOT,
                env=self.env,
                preexec_fn=die_with_parent if sys.platform == "linux" else None,
            )
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited during start-up (code {self.process.returncode}); "
                    f"see {self.log_path}:\n{self.log_tail()}"
                )
            if self.ready():
                if self.on_ready is not None:
                    self.on_ready()
                return
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} was not ready after {START_TIMEOUT_SECONDS:.0f}s")

    def stop(self) -> None:
        """SIGTERM the process group, SIGKILL it if it lingers."""
        process = self.process
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=STOP_TIMEOUT_SECONDS)

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


def temporal_dev_server(
    workdir: Path,
    port: int,
    dynamic_config: list[str] | None = None,
    in_memory: bool = False,
    stock: bool = False,
) -> ChildProcess:
    """``temporal server start-dev`` on a fresh SQLite file with the hub's search attributes.

    It gets the embedded stack's dynamic config (``hub.stack.dev_server_dynamic_config``),
    SQLite pragmas (``hub.stack.DEV_SERVER_SQLITE_PRAGMAS``) and visibility indexes
    (``hub.stack.prune_visibility_indexes``) unless ``stock`` (Temporal's defaults, the
    "before" of the bench);
    ``dynamic_config`` (``KEY=JSON``) comes last and wins. ``in_memory`` keeps SQLite in
    memory instead (to see what the file costs).
    """
    argv = [
        temporal_binary(),
        "server",
        "start-dev",
        "--headless",
        "--ip",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warn",
    ]
    db_file = workdir / "temporal.db"
    if not in_memory:
        argv += ["--db-filename", str(db_file)]
    for name, kind in SEARCH_ATTRIBUTES.items():
        argv += ["--search-attribute", f"{name}={kind}"]
    if not stock:
        argv += dynamic_config_flags(dev_server_dynamic_config())
        if not in_memory:
            argv += sqlite_pragma_flags()
    for value in dynamic_config or []:
        argv += ["--dynamic-config-value", value]
    prune = None if stock or in_memory else lambda: stack.prune_visibility_indexes(db_file)
    return ChildProcess("temporal", argv, tcp_open(port), workdir / "temporal.log", on_ready=prune)


def noop_agent_service(workdir: Path, port: int) -> ChildProcess:
    """The no-op agent service (:mod:`bench.noop_agent`) on ``port``."""
    argv = [sys.executable, "-m", "bench.noop_agent", "--port", str(port)]
    return ChildProcess(
        "noop-agent", argv, http_ok(f"http://127.0.0.1:{port}/ready"), workdir / "agent.log"
    )


@contextlib.contextmanager
def running(children: list[ChildProcess]) -> Iterator[list[ChildProcess]]:
    """Start ``children`` in order; stop them in reverse order whatever happens."""
    started: list[ChildProcess] = []
    try:
        for child in children:
            started.append(child)
            child.start()
        yield children
    finally:
        for child in reversed(started):
            child.stop()
