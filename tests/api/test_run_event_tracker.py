"""Run events come out in the order things happened, by time, not by how a time is written."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from api.run_events.service import StepEventTracker
from schemas.runs import StepProgress

T0 = datetime(2026, 1, 22, 10, 0, 0, tzinfo=UTC)


def test_events_of_one_poll_are_ordered_by_time_with_outcomes_first_on_a_tie() -> None:
    tracker = StepEventTracker("run-1")
    steps = [
        # Finished on the whole second; the next step started at that very time.
        StepProgress(
            step_id="a", state="completed", started_at=T0, ended_at=T0 + timedelta(1 / 86400)
        ),
        StepProgress(step_id="b", state="running", started_at=T0 + timedelta(seconds=1)),
        # Started half a second in: as text, "10:00:00Z" sorted after "10:00:00.5Z".
        StepProgress(step_id="c", state="running", started_at=T0 + timedelta(milliseconds=500)),
        StepProgress(step_id="d", state="waiting_approval"),  # no time yet: first
    ]
    events = tracker.changes(steps)
    order = [(e.step_id, e.state) for e in events]
    assert order == [
        ("d", "waiting_approval"),
        ("a", "running"),
        ("c", "running"),
        ("a", "completed"),
        ("b", "running"),
    ]
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    # The wire form is the API's one timestamp form.
    assert events[1].model_dump(mode="json")["at"] == "2026-01-22T10:00:00.000000Z"
    assert events[3].model_dump(mode="json")["at"] == "2026-01-22T10:00:01.000000Z"


def test_a_step_seen_again_in_the_same_state_gives_no_event() -> None:
    tracker = StepEventTracker("run-1")
    step = StepProgress(step_id="a", state="running", started_at=T0)
    assert len(tracker.changes([step])) == 1
    assert tracker.changes([step]) == []
