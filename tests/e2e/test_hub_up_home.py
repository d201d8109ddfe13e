"""One stack per ``HUB_HOME``, and no part of a stack outlives its ``hub up``.

A second ``hub up`` on a home in use fails at once naming the first one's PID and
ports; a ``hub up`` killed with SIGKILL takes every child with it (parent-death
signal) and leaves the home free for the next start, which again says where the
admin key file is without printing the key. A busy ``--agents-port`` is a clear error.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from hub.stack import free_port, hub_command, port_is_free
from tests.e2e.processes import child_pids, hub_environment, pid_alive

#: The last line of hub up's start-up output: every URL and the key's place are printed.
UP_BANNER = "Press Ctrl-C to stop."
#: Waiting for start-up or for the kernel to reap, not asserting on time.
WAIT_LIMIT_SECONDS = 90.0


@dataclass
class Stack:
    process: subprocess.Popen[str]
    ports: dict[str, int]
    lines: list[str] = field(default_factory=list)
    banner: threading.Event = field(default_factory=threading.Event)

    def output(self) -> str:
        return "\n".join(self.lines)

    def read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))
            if UP_BANNER in line:
                self.banner.set()


def up_argv(ports: dict[str, int]) -> list[str]:
    return [
        *hub_command(),
        "up",
        "--headless",
        "--no-console",  # the console has its own browser tests (frontend/tests/e2e)
        "--api-port",
        str(ports["api"]),
        "--temporal-port",
        str(ports["temporal"]),
        "--agents-port",
        str(ports["agents"]),
    ]


def new_ports() -> dict[str, int]:
    return {"api": free_port(), "temporal": free_port(), "agents": free_port()}


@contextmanager
def started(home: Path) -> Iterator[Stack]:
    ports = new_ports()
    process = subprocess.Popen(
        up_argv(ports),
        env=hub_environment({"HUB_HOME": str(home)}),
        cwd=home,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    stack = Stack(process, ports)
    threading.Thread(target=stack.read, daemon=True).start()
    children: set[int] = set()
    try:
        if not stack.banner.wait(WAIT_LIMIT_SECONDS):
            raise AssertionError(f"hub up did not come up:\n{stack.output()}")
        children = child_pids(process.pid)
        yield stack
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)
        for pid in children:
            if pid_alive(pid):
                # Only this test's own processes, and only when the check below failed.
                subprocess.run(["kill", "-9", str(pid)], check=False)


def wait_until(condition: object, what: str) -> None:
    deadline = time.monotonic() + WAIT_LIMIT_SECONDS
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.2)
    raise AssertionError(f"gave up waiting: {what}")


def test_one_stack_per_home_and_children_die_with_a_killed_hub_up(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    key_file = home / "admin.key"
    with started(home) as first:
        key = key_file.read_text().strip()
        assert key in first.output()  # the first start prints the key, once
        assert f"Admin key     {key_file}" in first.output()

        second_ports = new_ports()
        second = subprocess.run(
            up_argv(second_ports),
            env=hub_environment({"HUB_HOME": str(home)}),
            cwd=home,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert second.returncode == 2, second.stdout + second.stderr
        assert f"PID {first.process.pid}" in second.stderr
        assert f"API port {first.ports['api']}" in second.stderr
        assert f"Temporal port {first.ports['temporal']}" in second.stderr
        assert port_is_free(second_ports["api"]), "the second start must not start anything"

        children = child_pids(first.process.pid)
        assert len(children) >= 4, children
        first.process.send_signal(signal.SIGKILL)
        first.process.wait(timeout=10)
        wait_until(lambda: not any(pid_alive(pid) for pid in children), "children to stop")
        wait_until(lambda: all(port_is_free(port) for port in first.ports.values()), "ports")

    # The kernel dropped the lock with the killed process: the home starts again, and
    # this start says where the key is without printing it.
    with started(home) as again:
        assert f"Admin key     {key_file}" in again.output()
        assert key not in again.output()


def test_a_busy_agents_port_is_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        ports = {**new_ports(), "agents": port}
        answer = subprocess.run(
            up_argv(ports),
            env=hub_environment({"HUB_HOME": str(tmp_path)}),
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert answer.returncode == 2
    assert f"port {port} (--agents-port) is in use" in answer.stderr


@pytest.mark.parametrize("flag", ["--agents-port"])
def test_the_agents_port_defaults_to_8080(flag: str) -> None:
    from hub.stack import StackPorts

    assert StackPorts().agents == 8080
    help_text = subprocess.run(
        [*hub_command(), "up", "--help"], capture_output=True, text=True, check=True
    ).stdout
    assert flag in help_text and "8080" in help_text
