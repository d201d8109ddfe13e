"""Writing step attempts: one row per attempt whatever the number of writes, lost attempts
back-filled, violations kept — on SQLite and PostgreSQL (the upsert path of each)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import RunSummary, SchemaViolation, StepResult
from storage.observability import (
    ATTEMPT_COMPLETED,
    ATTEMPT_FAILED,
    ATTEMPT_TIMED_OUT,
    ObservabilityRepository,
    StepAttempt,
    ViolationInput,
)


def attempt(run_id: str, number: int, status: str, **extra: object) -> StepAttempt:
    return StepAttempt(
        run_id=run_id,
        app_id="app-1",
        step_id="extract",
        item_index=None,
        activity_id="extract",
        attempt=number,
        status=status,
        ended_at=datetime.now(UTC),
        agent_type="extractor",
        **extra,  # type: ignore[arg-type]
    )


def rows(session: Session, run_id: str) -> list[StepResult]:
    query = select(StepResult).where(StepResult.run_id == run_id).order_by(StepResult.attempt)
    return list(session.scalars(query))


def test_a_repeated_write_of_one_attempt_updates_its_row(session: Session) -> None:
    run_id = f"run-{uuid.uuid4().hex[:8]}"
    repository = ObservabilityRepository(session)
    repository.record_attempt(attempt(run_id, 1, ATTEMPT_FAILED, error="boom"), [])
    repository.record_attempt(attempt(run_id, 1, ATTEMPT_COMPLETED, input_tokens=7), [])
    session.commit()

    (row,) = rows(session, run_id)
    assert (row.status, row.input_tokens, row.error, row.retries) == (
        ATTEMPT_COMPLETED,
        7,
        None,
        0,
    )


def test_a_later_attempt_back_fills_the_lost_ones(session: Session) -> None:
    run_id = f"run-{uuid.uuid4().hex[:8]}"
    repository = ObservabilityRepository(session)
    repository.record_attempt(attempt(run_id, 1, ATTEMPT_FAILED), [])
    third = attempt(run_id, 3, ATTEMPT_COMPLETED)
    assert repository.record_lost_attempts(third, 3) == 1
    repository.record_attempt(third, [])
    session.commit()
    assert [(r.attempt, r.status, r.retries) for r in rows(session, run_id)] == [
        (1, ATTEMPT_FAILED, 0),
        (2, ATTEMPT_TIMED_OUT, 1),
        (3, ATTEMPT_COMPLETED, 2),
    ]

    # The lost attempt reports after all (a slow worker): its row is overwritten.
    repository.record_attempt(attempt(run_id, 2, ATTEMPT_FAILED, error="late"), [])
    session.commit()
    second = rows(session, run_id)[1]
    assert (second.status, second.error) == (ATTEMPT_FAILED, "late")


def test_violations_are_written_with_their_attempt(session: Session) -> None:
    run_id = f"run-{uuid.uuid4().hex[:8]}"
    repository = ObservabilityRepository(session)
    violations = [
        ViolationInput(pointer="/amount", message="not a number", repair_attempt=0),
        ViolationInput(pointer="/currency", message="missing", repair_attempt=1),
    ]
    repository.record_attempt(attempt(run_id, 1, ATTEMPT_COMPLETED), violations)
    repository.record_attempt(attempt(run_id, 1, ATTEMPT_COMPLETED), violations[:1])
    session.commit()

    found = session.scalars(
        select(SchemaViolation)
        .where(SchemaViolation.run_id == run_id)
        .order_by(SchemaViolation.seq)
    ).all()
    assert [(v.pointer, v.message) for v in found] == [
        ("/amount", "not a number"),
        ("/currency", "missing"),
    ]
    assert len(rows(session, run_id)) == 1


def test_a_reset_run_listed_twice_is_summarized_once_as_its_newest_execution(
    session: Session,
) -> None:
    repository = ObservabilityRepository(session)
    first = datetime(2026, 1, 1, 10, 0, tzinfo=UTC)
    again = datetime(2026, 1, 1, 10, 5, tzinfo=UTC)
    run_id = f"run-{uuid.uuid4().hex[:12]}"
    written = repository.upsert_run_summaries(
        [
            RunSummary(run_id=run_id, status="completed", started_at=again),
            RunSummary(run_id=run_id, status="terminated", started_at=first),
        ]
    )
    session.commit()
    assert written == 1
    stored = session.get(RunSummary, run_id)
    assert stored is not None and stored.status == "completed"
