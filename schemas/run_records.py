"""What a run of ``OrchestrationWorkflow`` records of itself in the hub's ``runs`` table.

The workflow records its end (completed, failed, canceled) with the ``record_run`` local
activity, so the runs listing is right as soon as the run's result is; a run with no row
yet (started by a schedule or the Temporal CLI) also records its start. Activity names
outlive code (runs in flight refer to them): add, never rename.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from schemas.common import UtcDatetime

RECORD_RUN_ACTIVITY = "record_run"
#: The ``workflow.patched`` id of the records: histories from before them replay without.
RECORD_RUN_PATCH = "record-run-in-hub-database"

RecordedStatus = Literal["running", "completed", "failed", "canceled"]


class RunRecord(BaseModel):
    """One run's row as the workflow knows it (``status`` running: its start)."""

    run_id: str
    app_id: str
    app_version: str = ""
    agent_types: list[str] = Field(default_factory=list)
    trigger_kind: str = "cli"
    trigger_id: str | None = None
    evaluation: bool = False
    temporal_run_id: str | None = None
    started_at: UtcDatetime
    status: RecordedStatus = "running"
    ended_at: UtcDatetime | None = None
    error: str | None = None
