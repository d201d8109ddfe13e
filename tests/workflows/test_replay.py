"""Saved histories replay against the current workflow code: a non-deterministic change fails.

Regenerate them with ``.venv/bin/python -m tests.workflows.make_histories`` after an
intentional (versioned) change.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from workers.builders import workflow_runner
from workflows.orchestration import OrchestrationWorkflow

HISTORIES = sorted((Path(__file__).parent / "histories").glob("*.json"))


def test_histories_are_saved() -> None:
    assert {p.stem for p in HISTORIES} >= {"dag_when_foreach", "approval"}


@pytest.mark.parametrize("sandboxed", [False, True], ids=["unsandboxed", "sandboxed"])
@pytest.mark.parametrize("path", HISTORIES, ids=lambda p: p.stem)
async def test_history_replays(path: Path, sandboxed: bool) -> None:
    """Both ways a worker may run the workflow (``HUB_WORKFLOW_SANDBOX``) replay alike."""
    history = WorkflowHistory.from_json(path.stem, path.read_text())
    replayer = Replayer(
        workflows=[OrchestrationWorkflow],
        data_converter=pydantic_data_converter,
        workflow_runner=workflow_runner(sandboxed),
    )
    await replayer.replay_workflow(history)
