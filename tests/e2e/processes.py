"""Child processes of end-to-end tests: the Temporal dev server, ``hub api`` and ``hub worker``
started the way an operator starts them (configured only by ``HUB_*`` variables), each
in its own session so a test can signal exactly one of them, and all reaped at the end."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bench.processes import process_group_members
from hub.stack import (
    Part,
    dev_server_dynamic_config,
    dynamic_config_flags,
    free_port,
    http_ok,
    hub_command,
    prune_visibility_indexes,
    sqlite_pragma_flags,
    tcp_open,
    temporal_binary,
)
from schemas.names import SEARCH_ATTRIBUTES

START_LIMIT_SECONDS = 60.0
#: The checkout under test; children import from it whatever their working directory.
REPO_ROOT = Path(__file__).resolve().parents[2]


#: What the hub, its console and Temporal's UI filter and sort on.
KEPT_VISIBILITY_INDEXES = {
    "default_idx",
    "by_execution_time",
    "by_workflow_id",
    "by_workflow_type",
    "by_status",
    "by_task_queue",
    *(f"by_keyword_{n:02d}" for n in range(1, 11)),
}


def visibility_indexes(db_file: Path) -> set[str]:
    """The indexes of a dev server's visibility table (read-only, while it runs)."""
    with contextlib.closing(sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)) as db:
        rows = db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index'"
            " AND tbl_name = 'executions_visibility' AND sql IS NOT NULL"
        )
        return {str(row[0]) for row in rows}


def hub_environment(overrides: dict[str, str]) -> dict[str, str]:
    """This environment without any ``HUB_*`` of the developer's, plus ``overrides``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    env["PYTHONUNBUFFERED"] = "1"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    env.update(overrides)
    return env


def temporal_dev_server_argv(port: int, db_file: Path) -> list[str]:
    """``temporal server start-dev`` persisting to ``db_file`` as ``hub up`` starts it: the
    hub's search attributes, the stack's dynamic config and SQLite pragmas (WAL); ``hub up``
    then prunes its visibility indexes (:meth:`TemporalDevServer.start` does too)."""
    argv = [
        temporal_binary(),
        "server",
        "start-dev",
        "--ip",
        "127.0.0.1",
        "--port",
        str(port),
        "--db-filename",
        str(db_file),
        "--headless",
        "--log-level",
        "warn",
    ]
    for name, kind in SEARCH_ATTRIBUTES.items():
        argv += ["--search-attribute", f"{name}={kind}"]
    return argv + dynamic_config_flags(dev_server_dynamic_config()) + sqlite_pragma_flags()


def wait_ready(part: Part, limit: float = START_LIMIT_SECONDS) -> None:
    """Wait until ``part`` answers its readiness check; fail with its log if it dies."""
    deadline = time.monotonic() + limit
    while not part.ready():
        if not part.alive():
            raise AssertionError(f"{part.name} exited while starting:\n{part.log_tail(40)}")
        if time.monotonic() > deadline:
            raise AssertionError(f"{part.name} not ready after {limit:.0f}s:\n{part.log_tail(40)}")
        time.sleep(0.1)


@dataclass
class Processes:
    """Every child process a test started; :meth:`stop_all` leaves none behind."""

    logs: Path
    parts: list[Part] = field(default_factory=list)

    def start(
        self,
        name: str,
        argv: list[str],
        env: dict[str, str],
        ready: Callable[[], bool] = lambda: True,
    ) -> Part:
        part = Part(name, argv, env, ready, self.logs / f"{name}.log")
        part.start()
        self.parts.append(part)
        return part

    def kill(self, part: Part) -> None:
        """SIGKILL: no shutdown code runs, as when a machine dies."""
        assert part.process is not None
        part.process.send_signal(signal.SIGKILL)
        part.process.wait(timeout=10)

    def terminate(self, part: Part) -> None:
        """SIGTERM and wait for the process to exit."""
        assert part.process is not None
        part.process.send_signal(signal.SIGTERM)
        try:
            part.process.wait(timeout=30)
        except subprocess.TimeoutExpired as exc:
            part.process.kill()
            raise AssertionError(f"{part.name} ignored SIGTERM:\n{part.log_tail(40)}") from exc

    def stop_all(self) -> None:
        for part in reversed(self.parts):
            part.stop(grace=15)

    def stop_and_sweep(self) -> list[str]:
        """Stop every process (SIGTERM, then SIGKILL), then SIGKILL whatever is left in
        their process groups; returns what had to be swept (nothing after a clean stop)."""
        self.stop_all()
        leftovers: list[str] = []
        for part in self.parts:
            if part.process is None:
                continue
            for pid in process_group_members(part.process.pid):
                if pid_alive(pid):
                    leftovers.append(f"{part.name}: pid {pid}")
                    os.kill(pid, signal.SIGKILL)
        return leftovers


@dataclass
class TemporalDevServer:
    """A Temporal dev server child that can be stopped and started again on the same file."""

    processes: Processes
    db_file: Path
    port: int = field(default_factory=free_port)
    part: Part | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        self.part = self.processes.start(
            "temporal",
            temporal_dev_server_argv(self.port, self.db_file),
            hub_environment({}),
            tcp_open("127.0.0.1", self.port),
        )
        wait_ready(self.part)
        prune_visibility_indexes(self.db_file)

    def stop(self) -> None:
        assert self.part is not None
        self.processes.terminate(self.part)


@contextlib.contextmanager
def started_dev_server(root: Path) -> Iterator[TemporalDevServer]:
    """A dev server on ``root / "temporal.db"``, started; afterwards stopped, and nothing
    of it left running."""
    processes = Processes(root / "logs")
    temporal = TemporalDevServer(processes, root / "temporal.db")
    try:
        temporal.start()
        yield temporal
    finally:
        assert processes.stop_and_sweep() == []


def api_part(processes: Processes, env: dict[str, str]) -> tuple[Part, str]:
    """``hub api`` on a free port (it migrates the database first); returns it and its URL."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    part = processes.start(
        "api",
        [*hub_command(), "api", "--host", "127.0.0.1", "--port", str(port)],
        env,
        http_ok(f"{url}/ready"),
    )
    return part, url


def child_pids(pid: int) -> set[int]:
    """Every live descendant of ``pid`` (read from /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name (field 2) may hold spaces; fields after its ')' are fixed.
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] != "Z":
            parents[int(entry.name)] = int(fields[1])
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def pid_alive(pid: int) -> bool:
    """``pid`` exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"
