"""The CLI's output is what these tests read: no log handler left by an earlier test
may write into it."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from agents.base.telemetry import setup_agent_logging


@pytest.fixture(autouse=True)
def _without_agent_log_handler() -> Iterator[None]:
    """An agent test in this process may have installed the agents' stderr handler
    (``setup_agent_logging``), which writes every log line, httpx's requests included,
    into the output a ``CliRunner`` captures; it is set aside during each test here."""
    root = logging.getLogger()
    agent_handlers = [
        h for h in root.handlers if type(h).__module__ == setup_agent_logging.__module__
    ]
    for handler in agent_handlers:
        root.removeHandler(handler)
    yield
    for handler in agent_handlers:
        root.addHandler(handler)
