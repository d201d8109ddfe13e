"""``hub api`` as a child process for CLI tests: started, waited for, stopped."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

#: Our CLI in a child process, whatever the install layout.
RUN_CLI = [sys.executable, "-c", "from hub.cli import app; app()"]
READY_POLLS = 600


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_hub_api(env: dict[str, str], *extra_args: str) -> Iterator[str]:
    """Serve ``hub api`` on a free port with ``env``; yields its base URL once ready."""
    port = free_port()
    process = subprocess.Popen(
        [*RUN_CLI, "api", "--host", "127.0.0.1", "--port", str(port), *extra_args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        # Waiting for start-up, not asserting on time: give up only if it never comes.
        for _ in range(READY_POLLS):
            if process.poll() is not None:
                output = process.stdout.read().decode() if process.stdout else ""
                pytest.fail(f"hub api exited early:\n{output}")
            try:
                if httpx.get(f"{url}/ready", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            pytest.fail("hub api never became ready")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
