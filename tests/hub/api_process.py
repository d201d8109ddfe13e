"""``hub api`` as a child process for CLI tests: started, waited for, stopped."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

from hub.stack import free_port

#: Our CLI in a child process, whatever the install layout.
RUN_CLI = [sys.executable, "-c", "from hub.cli import app; app()"]
READY_POLLS = 600
#: Ports tried: a free port can be taken by another test's server before ours binds it.
PORT_ATTEMPTS = 5


@contextmanager
def running_hub_api(env: dict[str, str], *extra_args: str) -> Iterator[str]:
    """Serve ``hub api`` on a free port with ``env``; yields its base URL once ready."""
    for _ in range(PORT_ATTEMPTS):
        port = free_port()
        process = subprocess.Popen(
            [*RUN_CLI, "api", "--host", "127.0.0.1", "--port", str(port), *extra_args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        try:
            if _ready(process, f"http://127.0.0.1:{port}"):
                yield f"http://127.0.0.1:{port}"
                return
        finally:
            process.terminate()
            process.wait(timeout=30)
    pytest.fail(f"hub api found no free port in {PORT_ATTEMPTS} tries")


def _ready(process: subprocess.Popen[bytes], url: str) -> bool:
    """Whether ``hub api`` answers ``/ready``; ``False`` if its port was taken meanwhile."""
    # Waiting for start-up, not asserting on time: give up only if it never comes.
    for _ in range(READY_POLLS):
        if process.poll() is not None:
            output = process.stdout.read().decode() if process.stdout else ""
            if "address already in use" in output:
                return False
            pytest.fail(f"hub api exited early:\n{output}")
        with contextlib.suppress(httpx.TransportError):  # not listening yet
            if httpx.get(f"{url}/ready", timeout=1).status_code == 200:
                return True
        time.sleep(0.1)
    pytest.fail("hub api never became ready")
