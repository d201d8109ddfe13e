"""The determinism guard: saved histories replay against the current workflow code.

The corpus in ``histories/`` holds one recorded run per kind of step (see
``make_histories.py``); a change of ``OrchestrationWorkflow`` that would break runs in
flight (a command added, removed or reordered without ``workflow.patched``) fails here,
naming the run and the event. Refresh the corpus with ``hub replay-corpus refresh`` after
an intentional, patched change — never to make this test pass (docs/deployment.md
"Upgrading without breaking runs in flight").
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from workers.builders import workflow_runner
from workflows.evaluation import EvaluationWorkflow
from workflows.orchestration import OrchestrationWorkflow

HISTORIES = sorted((Path(__file__).parent / "histories").glob("*.json"))
#: Every kind of step the issue's determinism guard asks for, each in a saved history.
STEP_KINDS = {
    "sequential",
    "dag_when_foreach",  # parallel steps, ``when``, ``foreach``, a retried step, limits
    "approval",
    "retries",
    "local_dispatch",
    "rerun_from_step",
    "cancel",
}
#: The other workflows of the hub, each with a saved history.
OTHER_WORKFLOWS = {"evaluation"}
#: Runs recorded after the run records (``workflow.patched(RECORD_RUN_PATCH)``): the
#: patched path replays too, a completed run and a canceled one (its end recorded
#: after the cancellation). The others were recorded before it: they replay without.
RECORDED_RUNS = {"record_run_sequential", "record_run_cancel"}
#: A run the hub started (``RunInput.records``): its end recorded, without the patch.
HUB_STARTED = "record_run_hub_started"
#: A run the hub starts today (``RunInput.worker_records_end``): no record in its history.
WORKER_RECORDS_END = "record_end_by_worker"


def test_every_step_kind_has_a_saved_history() -> None:
    assert {p.stem for p in HISTORIES} >= STEP_KINDS | OTHER_WORKFLOWS | RECORDED_RUNS | {
        HUB_STARTED,
        WORKER_RECORDS_END,
    }


def _events(name: str) -> list[dict[str, Any]]:
    return list(
        json.loads((Path(__file__).parent / "histories" / f"{name}.json").read_text())["events"]
    )


def _start_input(events: list[dict[str, Any]]) -> dict[str, Any]:
    payload = events[0]["workflowExecutionStartedEventAttributes"]["input"]["payloads"][0]
    return dict(json.loads(base64.b64decode(payload["data"])))


def test_a_hub_started_run_records_its_end_without_the_patch() -> None:
    """The API sets every search attribute and ``records``: the history holds the end's
    ``record_run`` marker and nothing else of the records (no patch marker, no upsert
    of ``TemporalChangeVersion``, no start record)."""
    events = _events(HUB_STARTED)
    assert _start_input(events)["records"] is True
    kinds = [e["eventType"] for e in events]
    assert "EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES" not in kinds
    markers = [
        e["markerRecordedEventAttributes"]["markerName"]
        for e in events
        if e["eventType"] == "EVENT_TYPE_MARKER_RECORDED"
    ]
    assert markers == ["core_local_activity"]
    assert kinds[-2:] == ["EVENT_TYPE_MARKER_RECORDED", "EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED"]


def test_a_run_whose_worker_records_its_end_holds_no_record() -> None:
    """The hub's starts today: every attribute set, ``records`` and ``worker_records_end``
    in the input; the run's last task completes it, with no marker and no upsert."""
    events = _events(WORKER_RECORDS_END)
    run_input = _start_input(events)
    assert (run_input["records"], run_input["worker_records_end"]) == (True, True)
    kinds = [e["eventType"] for e in events]
    assert "EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES" not in kinds
    assert "EVENT_TYPE_MARKER_RECORDED" not in kinds
    assert kinds[-2:] == [
        "EVENT_TYPE_WORKFLOW_TASK_COMPLETED",
        "EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED",
    ]


@pytest.mark.parametrize("name", sorted(RECORDED_RUNS))
async def test_a_hub_start_begun_by_an_older_worker_replays(name: str) -> None:
    """A run the API started with ``records`` whose first task a worker from before the
    field ran (it wrote the patch marker): the new code matches the marker on replay."""
    events = _events(name)
    payload = events[0]["workflowExecutionStartedEventAttributes"]["input"]["payloads"][0]
    run_input = _start_input(events) | {"records": True}
    payload["data"] = base64.b64encode(json.dumps(run_input).encode()).decode()
    history = WorkflowHistory.from_json(f"replay-{name}-older-worker", {"events": events})
    replayer = Replayer(
        workflows=[OrchestrationWorkflow],
        data_converter=pydantic_data_converter,
        workflow_runner=workflow_runner(False),
    )
    result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
    assert result.replay_failure is None, result.replay_failure


def test_the_recorded_runs_took_the_patched_path() -> None:
    """Their histories hold the patch marker and a ``record_run`` local activity marker
    for the start (no row: started without the API's attributes) and for the end."""
    for name in RECORDED_RUNS:
        events = json.loads((Path(__file__).parent / "histories" / f"{name}.json").read_text())
        markers = [
            e["markerRecordedEventAttributes"]["markerName"]
            for e in events["events"]
            if e["eventType"] == "EVENT_TYPE_MARKER_RECORDED"
        ]
        assert markers == ["core_patch", "core_local_activity", "core_local_activity"], name
    for name in STEP_KINDS:
        text = (Path(__file__).parent / "histories" / f"{name}.json").read_text()
        # Keep them as recorded: they are what runs started before the records look like.
        assert "core_patch" not in text, f"{name}: re-recorded after the run records"


def test_the_corpus_ends_as_recorded() -> None:
    """Each history is a finished run (a replay of a cut history would prove less)."""
    ends = {}
    for path in HISTORIES:
        events = json.loads(path.read_text())["events"]
        ends[path.stem] = events[-1]["eventType"]
    assert ends["cancel"] == ends["record_run_cancel"] == "EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED"
    assert all(
        end == "EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED"
        for name, end in ends.items()
        if not name.endswith("cancel")
    ), ends


async def replay(path: Path, *, sandboxed: bool) -> None:
    """Replay one saved history; a failure names the run, the history file and the event."""
    history = WorkflowHistory.from_json(f"replay-{path.stem}", path.read_text())
    replayer = Replayer(
        workflows=[OrchestrationWorkflow, EvaluationWorkflow],
        data_converter=pydantic_data_converter,
        workflow_runner=workflow_runner(sandboxed),
    )
    result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
    if result.replay_failure is not None:
        raise AssertionError(
            f"run {history.workflow_id} ({path.name}, {len(history.events)} events) no longer "
            f"replays: {result.replay_failure}\n"
            "A change of the workflow would break runs in flight: put it behind "
            "workflow.patched(...) (docs/deployment.md)."
        ) from result.replay_failure


@pytest.mark.parametrize("sandboxed", [False, True], ids=["unsandboxed", "sandboxed"])
@pytest.mark.parametrize("path", HISTORIES, ids=lambda p: p.stem)
async def test_history_replays(path: Path, sandboxed: bool) -> None:
    """Both ways a worker may run the workflow (``HUB_WORKFLOW_SANDBOX``) replay alike."""
    await replay(path, sandboxed=sandboxed)
