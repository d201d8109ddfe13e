"""``GET /metrics`` platform families (runs, attempts, cost, violations, Temporal's health)
read from the tables, the metrics token that Prometheus sends, and the plan time budget
behind ``hub_runs_overdue``. Backlog and running runs against a real Temporal are in
tests/e2e/test_prometheus_stack.py."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from pydantic import ValidationError

from api.app import create_app
from api.config import ApiConfig
from api.observability.platform_metrics import FOREACH_BUDGET_ROUNDS, plan_time_budget
from hub.settings import Settings
from hub.telemetry import instrument_http_app
from schemas.orchestration import ExecutionPlan
from storage.database import session_scope
from storage.migrations import upgrade
from storage.models import App, Release, RunSummary, SchemaViolation, StepResult
from tests.auth_support import GENEROUS_AUTH, token_for

METRICS_TOKEN = "scrape-token-0123456789abcdef0123456789"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    upgrade(url)
    config = ApiConfig(
        database_url=url,
        auth=dataclasses.replace(GENEROUS_AUTH, metrics_token=METRICS_TOKEN),
        platform_metrics_interval_seconds=0,
        cost_budget_usd_per_hour=2.5,
    )
    app = instrument_http_app(create_app(config), "api")
    now = datetime.now(UTC)
    with session_scope(app.state.session_factory) as session:
        for run_id, status in (("run-a", "completed"), ("run-b", "completed"), ("run-c", "failed")):
            session.add(RunSummary(run_id=run_id, app_id="app-1", status=status, started_at=now))
        for attempt, status, cost in ((1, "failed", 0.25), (2, "completed", 0.5)):
            session.add(
                StepResult(
                    run_id="run-c",
                    app_id="app-1",
                    step_id="extract",
                    activity_id="extract",
                    agent_type="extractor",
                    status=status,
                    attempt=attempt,
                    input_tokens=100,
                    output_tokens=10,
                    cost_usd=cost,
                )
            )
        session.add(
            SchemaViolation(
                run_id="run-c",
                app_id="app-1",
                step_id="extract",
                activity_id="extract",
                agent_type="extractor",
            )
        )
    with session_scope(app.state.session_factory) as session:
        # A deployed app that has not run yet: its series start at 0.
        session.add(App(id="app-new", name="New"))
        session.flush()
        plan = {"app_id": "app-new", "agents": {"a1": {"id": "a1", "type": "summarizer"}}}
        session.add(Release(app_id="app-new", version="1.0.0", spec={}, plan=plan))
    with TestClient(app) as test_client:
        yield test_client
    app.state.engine.dispose()


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return found


def value(found: dict, name: str, **labels: str) -> float:
    return found[(name, frozenset(labels.items()))]


def test_metrics_token_reads_the_platform_families(client: TestClient) -> None:
    bearer = {"Authorization": f"Bearer {METRICS_TOKEN}"}
    answer = client.get("/metrics", headers=bearer)
    assert answer.status_code == 200, answer.text
    found = samples(answer.text)
    assert value(found, "hub_runs_finished_total", app_id="app-1", status="completed") == 2
    assert value(found, "hub_runs_finished_total", app_id="app-1", status="failed") == 1
    for status in ("failed", "completed"):
        assert (
            value(
                found,
                "hub_step_attempts_total",
                app_id="app-1",
                agent_type="extractor",
                status=status,
            )
            == 1
        )
    assert value(found, "hub_step_cost_usd_total", app_id="app-1", agent_type="extractor") == 0.75
    assert (
        value(
            found,
            "hub_step_tokens_total",
            app_id="app-1",
            agent_type="extractor",
            direction="input",
        )
        == 200
    )
    assert value(found, "hub_schema_violations_total", app_id="app-1", agent_type="extractor") == 1
    assert value(found, "hub_cost_budget_usd_per_hour") == 2.5
    # A released app's series exist from the start, at 0, so increase() counts its first runs.
    assert value(found, "hub_runs_finished_total", app_id="app-new", status="failed") == 0
    assert (
        value(
            found,
            "hub_step_attempts_total",
            app_id="app-new",
            agent_type="summarizer",
            status="timed_out",
        )
        == 0
    )
    assert (
        value(found, "hub_schema_violations_total", app_id="app-new", agent_type="summarizer") == 0
    )
    # No Temporal configured: the gauge says so, nothing fails.
    assert value(found, "hub_temporal_up") == 0
    # The request metrics are still there (the first scrape counted itself once done).
    again = samples(client.get("/metrics", headers=bearer).text)
    assert (
        value(
            again,
            "hub_http_requests_total",
            service="api",
            method="GET",
            route="/metrics",
            status="200",
        )
        >= 1
    )


def test_a_viewer_of_one_team_gets_no_other_teams_apps(client: TestClient) -> None:
    team_viewer = {"Authorization": f"Bearer {token_for('viewer', teams=('team-a',))}"}
    answer = client.get("/metrics", headers=team_viewer)
    assert answer.status_code == 200
    assert "# HELP hub_http_requests_total" in answer.text  # its own process metrics
    assert "app_id=" not in answer.text and "hub_runs_finished" not in answer.text
    everyone = {"Authorization": f"Bearer {token_for('viewer', teams=('*',))}"}
    assert 'app_id="app-1"' in client.get("/metrics", headers=everyone).text


def test_metrics_token_opens_metrics_only(client: TestClient) -> None:
    bearer = {"Authorization": f"Bearer {METRICS_TOKEN}"}
    assert client.get("/apps", headers=bearer).status_code == 401
    assert client.get("/observability/metrics", headers=bearer).status_code == 401
    wrong = {"Authorization": f"Bearer {METRICS_TOKEN}x"}
    assert client.get("/metrics", headers=wrong).status_code == 401
    assert client.get("/metrics").status_code == 401


def plan(*steps: dict) -> ExecutionPlan:
    return ExecutionPlan.model_validate({"app_id": "app-1", "steps": list(steps)})


def test_plan_time_budget_counts_timeouts_retries_foreach_and_approvals() -> None:
    retry = {"max_attempts": 3, "max_interval_seconds": 10}
    assert plan({"id": "a", "timeout_seconds": 60, "retry": retry}).steps[0].retry.max_attempts == 3
    assert plan_time_budget(plan({"id": "a", "timeout_seconds": 60, "retry": retry})) == 200
    assert (
        plan_time_budget(
            plan(
                {"id": "a", "timeout_seconds": 60, "retry": retry},
                {
                    "id": "b",
                    "timeout_seconds": 5,
                    "retry": {"max_attempts": 1},
                    "foreach": {"input": {"field": "docs", "source": "trigger"}},
                },
                {"id": "gate", "kind": "approval", "approval": {"timeout_seconds": 3600}},
            )
        )
        == 200 + 5 * FOREACH_BUDGET_ROUNDS + 3600
    )
    # An approval without a timeout may wait for ever: such runs are never overdue.
    assert plan_time_budget(plan({"id": "gate", "kind": "approval", "approval": {}})) is None


def test_a_short_metrics_token_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUB_METRICS_TOKEN", "short")
    with pytest.raises(ValidationError, match="HUB_METRICS_TOKEN must be at least 32"):
        Settings()
    monkeypatch.setenv("HUB_METRICS_TOKEN", METRICS_TOKEN)
    assert Settings().metrics_token == METRICS_TOKEN


def test_the_database_going_away_keeps_the_last_totals(client: TestClient) -> None:
    bearer = {"Authorization": f"Bearer {METRICS_TOKEN}"}
    assert "hub_runs_finished_total" in client.get("/metrics", headers=bearer).text
    client.app.state.engine.dispose()  # type: ignore[attr-defined]
    database = Path(str(client.app.state.engine.url.database))  # type: ignore[attr-defined]
    database.rename(database.with_suffix(".gone"))
    database.mkdir()  # SQLite cannot open a folder: every query now fails
    answer = client.get("/metrics", headers=bearer)
    assert answer.status_code == 200
    found = samples(answer.text)
    assert value(found, "hub_runs_finished_total", app_id="app-1", status="completed") == 2
