"""Agent containers scrub provider keys from their logs, whatever entry point starts them.

Containers run ``uvicorn agents.<type>.main:app`` (not ``hub agent serve``), so
the scrubbing must come with the agent runtime itself. Each test runs a real
process with a planted key in its environment, the way a container gets one.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from schemas.agents import BUILTIN_AGENT_TYPES

REPO = Path(__file__).resolve().parents[3]
PLANTED_KEY = "sk-planted-agent-container-key-7f3a9c0b1e"
#: Does not look like any secret shape: only the value-from-environment rule can catch it.
PLANTED_SHAPELESS = "violet-harbour-meadow-93817"

LOG_THE_KEYS = """
import importlib, logging, os, sys
importlib.import_module(sys.argv[1])  # exactly what `uvicorn agents.<type>.main:app` imports
log = logging.getLogger("tests.planted")
log.warning("calling the provider with %s", os.environ["OPENAI_API_KEY"])
log.warning("vendor token %s", os.environ["VENDOR_API_TOKEN"])
try:
    raise RuntimeError("auth failed for key " + os.environ["OPENAI_API_KEY"])
except RuntimeError:
    log.exception("provider call failed")
"""


def agent_environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_LOG")}
    env.update(
        OPENAI_API_KEY=PLANTED_KEY,
        VENDOR_API_TOKEN=PLANTED_SHAPELESS,
        PYTHONPATH=str(REPO),
        NO_PROXY="127.0.0.1,localhost",
    )
    return env


@pytest.mark.parametrize("agent_type", BUILTIN_AGENT_TYPES)
def test_every_agent_main_module_scrubs_planted_keys_from_log_lines(agent_type: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", LOG_THE_KEYS, f"agents.{agent_type}.main"],
        env=agent_environment(),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    output = done.stdout + done.stderr
    assert "calling the provider with [REDACTED]" in output
    assert "vendor token [REDACTED]" in output
    assert "provider call failed" in output and "RuntimeError" in output  # traceback kept
    assert PLANTED_KEY not in output
    assert PLANTED_SHAPELESS not in output


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_uvicorn_started_agent_container_scrubs_a_key_from_its_access_log() -> None:
    """A caller putting the key into a URL must not get it into uvicorn's access log."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "agents.summarizer.main:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        env=agent_environment(),
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", trust_env=False) as client:
            for _ in range(600):
                if process.poll() is not None:
                    break
                try:
                    if client.get("/health").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            answer = client.get("/health", params={"probe": PLANTED_KEY})
            assert answer.status_code == 200
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
    assert "/health?probe=[REDACTED]" in output, output[-2000:]
    assert PLANTED_KEY not in output
