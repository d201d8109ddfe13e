"""Live run events: the ``progress`` query polled and turned into ordered step events.

The Server-Sent Events framing, keep-alive pings and disconnects are
``sse-starlette``'s (:mod:`api.routers.run_events`); this module only makes the events.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

from temporalio.client import Client, WorkflowExecutionStatus, WorkflowFailureError
from temporalio.service import RPCError, RPCStatusCode

from api.errors import NotFoundError
from api.runs.service import STATUS_BY_TEMPORAL
from schemas.observability import RunEvent
from schemas.runs import RunProgress, RunResult, StepProgress
from schemas.workflow_contract import PROGRESS_QUERY, failure_message

POLL_SECONDS = 0.25
QUERY_TIMEOUT = timedelta(seconds=3)
FINISHED_STEP_STATES = frozenset({"completed", "failed", "skipped", "canceled"})
#: Where a step with neither time sorts: first (the empty string did that for text times).
NO_TIME = datetime.min.replace(tzinfo=UTC)


async def ensure_run_exists(client: Client, run_id: str) -> None:
    """404 before the stream starts, not an error event inside it."""
    try:
        await client.get_workflow_handle(run_id).describe()
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            raise NotFoundError(f"run {run_id} not found") from exc
        raise


class StepEventTracker:
    """Turns successive progress snapshots into step events, each state once, in order.

    A step seen finished without having been seen running gets its ``running``
    event first, so every agent step shows ``running`` then its outcome.
    """

    def __init__(self, run_id: str) -> None:
        self.run_id = run_id
        self.seq = 0
        self._last: dict[str, str] = {}

    def changes(self, steps: list[StepProgress]) -> list[RunEvent]:
        """The events since the last snapshot, in the order they happened.

        One poll can see several changes (a step finishing and the next one
        starting): each is placed at its own time (``running`` and
        ``waiting_approval`` at the step's start, outcomes at its end). On equal
        times an outcome goes first, since it is what lets the next step start;
        a step's own ``running`` always precedes its outcome.
        """
        timed: list[tuple[datetime, int, StepProgress, str, datetime | None]] = []
        for step in steps:
            if step.state == "pending":
                continue
            before = self._last.get(step.step_id)
            if before == step.state:
                continue
            self._last[step.step_id] = step.state
            started = step.started_at or step.ended_at or NO_TIME
            if step.state in FINISHED_STEP_STATES and step.state != "skipped":
                ended = step.ended_at or started
                if before is None:
                    timed.append((started, 1, step, "running", step.started_at))
                # Same time as its own start: after it, not before.
                timed.append((ended, 0 if ended > started else 2, step, step.state, step.ended_at))
            elif step.state in FINISHED_STEP_STATES:
                timed.append((step.ended_at or started, 0, step, step.state, step.ended_at))
            else:
                timed.append((started, 1, step, step.state, step.started_at))
        timed.sort(key=lambda item: (item[0], item[1]))
        return [self._event(step, state, at) for _, _, step, state, at in timed]

    def _event(self, step: StepProgress, state: str, at: datetime | None) -> RunEvent:
        self.seq += 1
        return RunEvent(
            seq=self.seq,
            event="step",
            run_id=self.run_id,
            step_id=step.step_id,
            state=state,
            attempts=step.attempts,
            items_done=step.items_done,
            items_total=step.items_total,
            error=step.error if state in FINISHED_STEP_STATES else None,
            at=at,
        )

    def run_event(self, status: str, error: str | None, at: datetime | None) -> RunEvent:
        self.seq += 1
        return RunEvent(
            seq=self.seq, event="run", run_id=self.run_id, state=status, error=error, at=at
        )


async def stream_run_events(
    client: Client, run_id: str, poll_seconds: float = POLL_SECONDS, after_seq: int = 0
) -> AsyncIterator[RunEvent]:
    """The events of ``run_id`` until it ends (the last event is ``run``).

    ``after_seq`` (a reconnecting client's ``Last-Event-ID``) skips the events up to it:
    the sequence is rebuilt from the run's progress, so the same run numbers its events
    the same way on every connection.
    """
    handle = client.get_workflow_handle(run_id, result_type=RunResult)
    tracker = StepEventTracker(run_id)
    while True:
        description = await handle.describe()
        status = STATUS_BY_TEMPORAL.get(
            description.status or WorkflowExecutionStatus.RUNNING, "running"
        )
        steps = await _steps(handle, status)
        events = tracker.changes(steps)
        for event in events:
            if event.seq > after_seq:
                yield event
        if status != "running":
            error: str | None = None
            if status == "failed":
                try:
                    await handle.result()
                except WorkflowFailureError as exc:
                    error = failure_message(exc)
            yield tracker.run_event(status, error, description.close_time)
            return
        await asyncio.sleep(poll_seconds)


async def _steps(handle: Any, status: str) -> list[StepProgress]:
    if status == "completed":
        result: RunResult = await handle.result()
        return result.steps
    try:
        progress: RunProgress = await handle.query(
            PROGRESS_QUERY, result_type=RunProgress, rpc_timeout=QUERY_TIMEOUT
        )
    except Exception:  # no worker answering right now, or not started: try next poll
        return []
    return progress.steps
