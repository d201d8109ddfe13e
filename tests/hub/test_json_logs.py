"""Worker and API log lines are JSON carrying run, step and attempt ids."""

from __future__ import annotations

import json
import logging

from hub.telemetry import JsonFormatter


def record(message: str, **attributes: object) -> logging.LogRecord:
    entry = logging.LogRecord("hub.test", logging.INFO, __file__, 1, message, None, None)
    for name, value in attributes.items():
        setattr(entry, name, value)
    return entry


def test_temporal_activity_context_becomes_run_step_and_attempt() -> None:
    line = JsonFormatter("worker").format(
        record(
            "calling the agent",
            temporal_activity={"workflow_id": "run-1", "activity_id": "3[2]", "attempt": 2},
            app_id="app-9",
        )
    )
    entry = json.loads(line)
    assert entry["service"] == "worker"
    assert entry["message"] == "calling the agent"
    assert (entry["run_id"], entry["step_id"], entry["activity_id"]) == ("run-1", "3", "3[2]")
    assert entry["attempt"] == 2
    assert entry["app_id"] == "app-9"


def test_explicit_ids_win_over_temporal_context() -> None:
    entry = json.loads(
        JsonFormatter("api").format(
            record("x", run_id="run-explicit", temporal_workflow={"workflow_id": "run-other"})
        )
    )
    assert entry["run_id"] == "run-explicit"
