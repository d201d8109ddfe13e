"""``cost_by_model``: the metrics' cost per model, from the step attempts in the window."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from storage.models import StepResult
from storage.observability import cost_by_model


def _attempt(app: str, model: str, cost: float, ended: datetime, agent_type: str) -> StepResult:
    run = f"run-{uuid.uuid4().hex[:8]}"
    return StepResult(
        run_id=run,
        app_id=app,
        step_id="s",
        activity_id="s",
        agent_type=agent_type,
        status="completed",
        ended_at=ended,
        input_tokens=100,
        output_tokens=10,
        cost_usd=cost,
        model=model,
    )


def test_cost_by_model_sums_the_window_costliest_first(session: Session) -> None:
    now = datetime.now(UTC)
    app = f"app-{uuid.uuid4().hex[:8]}"
    session.add_all(
        [
            _attempt(app, "gpt-4o", 0.5, now - timedelta(minutes=5), "extractor"),
            _attempt(app, "gpt-4o", 0.25, now - timedelta(minutes=4), "analyzer"),
            _attempt(app, "gpt-4o-mini", 0.01, now - timedelta(minutes=3), "extractor"),
            _attempt(app, "", 0.0, now - timedelta(minutes=2), "summarizer"),
            _attempt(app, "claude-opus-4", 9.0, now - timedelta(days=3), "extractor"),  # outside
            _attempt("app-other", "gpt-4o", 1.0, now - timedelta(minutes=1), "extractor"),
        ]
    )
    session.flush()
    since, until = now - timedelta(hours=1), now
    rows = cost_by_model(session, since, until, app_id=app)
    assert rows == [
        ("gpt-4o", 2, 200, 20, 0.75),
        ("gpt-4o-mini", 1, 100, 10, 0.01),
        ("", 1, 100, 10, 0.0),
    ]
    extractor = cost_by_model(session, since, until, app_id=app, agent_type="extractor")
    assert [(r[0], r[1]) for r in extractor] == [("gpt-4o", 1), ("gpt-4o-mini", 1)]
