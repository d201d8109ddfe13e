"""``hub api --workers N``: N uvicorn processes built by the app factory, sharing one port."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from hub.cli import app as cli
from tests.hub.api_process import RUN_CLI, free_port


def test_two_workers_start_cleanly_on_a_fresh_home_and_serve(tmp_path: Path) -> None:
    """A fresh home is the race: both workers would migrate MLflow's database at once."""
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    env.update({"HUB_HOME": str(home), "HUB_AUTH_MODE": "disabled", "HUB_LOG_LEVEL": "INFO"})
    port = free_port()
    log = tmp_path / "api.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*RUN_CLI, "api", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        # Waiting for both workers, not asserting on time: give up only if they never come.
        for _ in range(600):
            if process.poll() is not None:
                pytest.fail(f"hub api exited early:\n{log.read_text()}")
            if log.read_text().count("Application startup complete") >= 2:
                break
            time.sleep(0.1)
        else:
            pytest.fail(f"two workers never started:\n{log.read_text()}")
        for _ in range(10):
            answer = httpx.get(f"http://127.0.0.1:{port}/apps", timeout=30)
            assert answer.status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=30)
    text = log.read_text()
    assert "Traceback" not in text, text
    assert text.count("Started server process") == 2


def test_workers_must_be_positive() -> None:
    result = CliRunner().invoke(cli, ["api", "--workers", "0"])
    assert result.exit_code == 2
    assert "--workers" in result.output
