"""What a run of ``OrchestrationWorkflow`` records of itself in the hub's ``runs`` table.

A run's end (completed, failed, canceled) is written before its result is out, so the
runs listing is right as soon as the result is: by the orchestrator worker as the
workflow task that ends the run completes (:class:`RunEnd`, for runs the hub started with
``RunInput.worker_records_end``), or by the workflow itself with the ``record_run`` local
activity (older runs). A run with no row yet (started by a schedule or the Temporal CLI)
records its start with the same activity. Activity names outlive code (runs in flight
refer to them): add, never rename.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from schemas.common import UtcDatetime

RECORD_RUN_ACTIVITY = "record_run"
#: The ``workflow.patched`` id of the records: histories from before them replay without.
RECORD_RUN_PATCH = "record-run-in-hub-database"

RecordedStatus = Literal["running", "completed", "failed", "canceled"]
EndStatus = Literal["completed", "failed", "canceled"]


class RunEnd(BaseModel):
    """How a run ended, as written on its row."""

    run_id: str
    temporal_run_id: str | None = None
    status: EndStatus
    ended_at: UtcDatetime
    error: str | None = None


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

    def end(self, now: datetime) -> RunEnd:
        """The end this record states (ended ``now`` when it does not say when); a start
        record states none."""
        status = self.status
        if status == "running":
            raise ValueError(f"run {self.run_id}: a start record states no end")
        return RunEnd(
            run_id=self.run_id,
            temporal_run_id=self.temporal_run_id,
            status=status,
            ended_at=self.ended_at or now,
            error=self.error,
        )
