"""Repositories on both backends: UTC timestamps, cascades, releases and runs."""

from __future__ import annotations

from datetime import UTC

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from schemas.orchestration import ExecutionPlan, PlanAgent, PlanStep
from storage.models import Agent
from storage.repositories import (
    AgentRepository,
    AppRepository,
    OrchestrationRepository,
    ReleaseRepository,
    RunRepository,
)


def test_app_rows_have_prefixed_ids_utc_times_and_counted_agents(session: Session) -> None:
    apps = AppRepository(session)
    app = apps.create("Repo app", "d")
    session.commit()
    session.expire_all()
    loaded = apps.get(app.id)
    assert loaded is not None
    assert loaded.id.startswith("app-") and len(loaded.id) == 16
    assert loaded.created_at.tzinfo is not None
    assert loaded.created_at.utcoffset() == UTC.utcoffset(None)
    AgentRepository(session).create(app.id, name="a", type="mapper", config={})
    row = apps.get_row(app.id)
    assert row is not None and row.agent_count == 1 and row.name == "Repo app"


def test_deleting_an_app_cascades(session: Session) -> None:
    apps = AppRepository(session)
    app = apps.create("Cascade")
    agent = AgentRepository(session).create(app.id, name="a", type="mapper", config={})
    OrchestrationRepository(session).put(app.id, {"app_id": app.id}, "app_id: x\n")
    RunRepository(session).create(app.id, workflow_id="wf-cascade")
    session.commit()
    agent_id = agent.id
    apps.delete(app)
    session.commit()
    session.expire_all()
    assert session.get(Agent, agent_id) is None
    assert OrchestrationRepository(session).get(app.id) is None


def test_list_rejects_unknown_sort(session: Session) -> None:
    with pytest.raises(ValueError):
        AppRepository(session).list(sort="id")


def test_releases_pin_plans_and_only_deployed_apps_have_one(session: Session) -> None:
    app = AppRepository(session).create("Released")
    plan = ExecutionPlan(
        app_id=app.id,
        app_version="1.0.0",
        agents={"agent-x": PlanAgent(id="agent-x", type="mapper")},
        steps=[PlanStep(id="1", agent_id="agent-x", agent_type="mapper")],
    )
    releases = ReleaseRepository(session)
    release = releases.create(app.id, "1.0.0", {"app_id": app.id}, plan)
    assert release.id.startswith("rel-")
    assert releases.get_plan(release.id) == plan
    assert releases.get_plan("rel-missing") is None
    assert releases.get_deployed_plan(app.id) is None  # still a draft
    AppRepository(session).update(app, status="deployed")
    assert releases.get_deployed_plan(app.id) == plan
    assert releases.get_deployed_plan("app-missing") is None


def test_runs_idempotency_and_status(session: Session) -> None:
    app = AppRepository(session).create("Runs")
    runs = RunRepository(session)
    run = runs.create(app.id, workflow_id="wf-1", inputs={"a": 1}, idempotency_key="k1")
    session.commit()
    assert run.id.startswith("run-") and run.status == "running" and run.ended_at is None
    assert runs.get_by_idempotency_key(app.id, "k1") == run
    assert runs.get_by_idempotency_key(app.id, "k2") is None
    # keys are unique per app; other apps and key-less runs are unaffected
    other = AppRepository(session).create("Other")
    runs.create(other.id, workflow_id="wf-2", idempotency_key="k1")
    runs.create(app.id, workflow_id="wf-3")
    runs.create(app.id, workflow_id="wf-4")
    session.commit()
    with pytest.raises(IntegrityError):
        runs.create(app.id, workflow_id="wf-5", idempotency_key="k1")
    session.rollback()

    updated = runs.update_status(run.id, "failed", error="boom", temporal_run_id="t-1")
    assert updated is not None
    assert (updated.status, updated.error, updated.temporal_run_id) == ("failed", "boom", "t-1")
    assert updated.ended_at is not None and updated.ended_at.tzinfo is not None
    assert runs.update_status("run-missing", "failed") is None
    assert [r.workflow_id for r in runs.list_for_app(app.id, limit=2)] == ["wf-4", "wf-3"]
