"""``GET /observability/runs`` from the hub's database says what Temporal says.

Real runs on a real dev server, each ending a different way: completed, failed,
canceled (each recorded by its workflow, so listed right after ``result()``),
terminated (no workflow code runs: the visibility reconcile), started with the Temporal
CLI and by a schedule (no row until the workflow records its start), and a row whose
workflow Temporal does not have (a reset store).
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from temporalio.client import Client, WorkflowHandle
from temporalio.common import SearchAttributePair, TypedSearchAttributes

from activities.agent_calls import AgentActivities, build_agent_http_client
from activities.step_results import StepResultRecorder
from api.app import create_app
from api.config import ApiConfig
from api.runs.service import STATUS_BY_TEMPORAL
from schemas.runs import RunInput
from schemas.workflow_contract import (
    APP_ID_KEY,
    HUB_TRIGGER_ID_KEY,
    HUB_TRIGGER_KEY,
)
from storage.artifacts import LocalArtifactStore
from storage.models import Run
from storage.prices import PriceTable
from storage.repositories import RunRepository
from tests.auth_support import admin_headers
from tests.engine_support.agent_service import AgentService
from tests.engine_support.fixtures import start_with_temporal_cli
from tests.engine_support.harness import (
    ending_plans,
    hub_database_with_app,
    recording_orchestrator,
    start_as_the_api,
    wait_until,
)
from workers.builders import build_agent_worker, run_workers


async def _all_pages(http: httpx.AsyncClient, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        answer = await http.get(
            "/observability/runs", params={**params, **({"cursor": cursor} if cursor else {})}
        )
        assert answer.status_code == 200, answer.text
        items += answer.json()["items"]
        cursor = answer.json()["next_cursor"]
        if not cursor:
            return items


async def test_the_listing_says_what_temporal_says(
    temporal_env: Any, agent_service: AgentService, tmp_path: Path
) -> None:
    hub = hub_database_with_app(tmp_path, "listing")
    db_url, sessions, app_id = hub.url, hub.sessions, hub.app_id
    client: Client = temporal_env.client
    ok, broken, plans = ending_plans(agent_service, app_id)
    queue = f"hub-orchestrator-test-{uuid.uuid4().hex[:12]}"

    api = create_app(
        ApiConfig(database_url=db_url, temporal_ui_url="http://ui"),
        temporal_connect=lambda: _same(client),
    )
    async with build_agent_http_client() as agents_http:
        activities = AgentActivities(
            agents_http,
            agent_service.url_for,
            LocalArtifactStore(tmp_path / "a"),
            65536,
            StepResultRecorder(sessions, PriceTable.load()),
        )
        workers = [
            recording_orchestrator(client, sessions, queue),
            build_agent_worker(client, ok, activities),
            build_agent_worker(client, broken, activities),
        ]
        stop = asyncio.Event()
        runner = asyncio.create_task(run_workers(workers, stop))
        scheduled: WorkflowHandle[Any, Any] | None = None
        try:
            async with httpx.AsyncClient(
                transport=httpx.ASGITransport(app=api),
                base_url="http://hub",
                headers=admin_headers(),
                timeout=60,
            ) as http:
                completed = await start_as_the_api(client, hub, queue, plans["ok"])
                await completed.result()
                failed = await start_as_the_api(client, hub, queue, plans["broken"])
                with contextlib.suppress(Exception):
                    await failed.result()
                canceled = await start_as_the_api(client, hub, queue, plans["wait"])
                await canceled.cancel()
                with contextlib.suppress(Exception):
                    await canceled.result()
                # Started with the Temporal CLI: no row, no trigger attribute.
                cli_run = f"run-cli-{uuid.uuid4().hex[:8]}"
                start_with_temporal_cli(
                    client.service_client.config.target_host,
                    queue,
                    cli_run,
                    RunInput(
                        app_id=app_id, inputs={"doc": "d"}, plan=plans["ok"]
                    ).model_dump_json(),
                )
                await client.get_workflow_handle(cli_run).result()

                # Each of them recorded its own end: listed at once, as Temporal says.
                listed = {r["run_id"]: r for r in await _all_pages(http, app_id=app_id)}
                expected = {
                    completed.id: ("completed", "api"),
                    failed.id: ("failed", "api"),
                    canceled.id: ("canceled", "api"),
                    cli_run: ("completed", "cli"),
                }
                assert {
                    run_id: (r["status"], r["trigger"]["kind"]) for run_id, r in listed.items()
                } == expected
                assert listed[cli_run]["app_version"] == "1.0.0"
                assert listed[cli_run]["agent_types"] == [ok]
                assert listed[completed.id]["tokens"] == 6
                assert listed[failed.id]["steps_failed"] == 1

                # A schedule's run (AppId and trigger only) is listed while it runs.
                scheduled = await client.start_workflow(
                    "OrchestrationWorkflow",
                    RunInput(app_id=app_id, inputs={}, plan=plans["wait"]),
                    id=f"run-sch-{uuid.uuid4().hex[:12]}-2026-12-07T10:00:00Z",
                    task_queue=queue,
                    search_attributes=TypedSearchAttributes(
                        [
                            SearchAttributePair(APP_ID_KEY, app_id),
                            SearchAttributePair(HUB_TRIGGER_KEY, "schedule"),
                            SearchAttributePair(HUB_TRIGGER_ID_KEY, "sch-test"),
                        ]
                    ),
                )

                async def scheduled_listed() -> bool:
                    items = await _all_pages(http, app_id=app_id, trigger="schedule")
                    return [r["run_id"] for r in items] == [scheduled.id]  # type: ignore[union-attr]

                await wait_until(scheduled_listed, what="the schedule's run recorded its start")

                # Terminated: no workflow code runs; the reconcile brings visibility's word.
                terminated = await start_as_the_api(client, hub, queue, plans["wait"])
                await terminated.terminate("test")
                # A row whose workflow Temporal does not have (a reset store).
                with sessions() as session:
                    gone = RunRepository(session).create(
                        app_id, run_id=f"run-gone-{uuid.uuid4().hex[:8]}", workflow_id="x"
                    )
                    gone.created_at = datetime.now(UTC) - timedelta(minutes=10)
                    session.commit()
                    gone_id = gone.id

                async def reconciled() -> bool:
                    items = {r["run_id"]: r["status"] for r in await _all_pages(http)}
                    return (items.get(terminated.id), items.get(gone_id)) == (
                        "terminated",
                        "terminated",
                    )

                await wait_until(reconciled, what="the reconcile of terminated runs")
                with sessions() as session:
                    assert "reset" in (session.get(Run, gone_id).error or "")  # type: ignore[union-attr]

                # The whole listing against Temporal, run by run.
                listed = {r["run_id"]: r for r in await _all_pages(http, app_id=app_id, limit=2)}
                assert set(listed) == {*expected, scheduled.id, terminated.id, gone_id}
                for run_id, item in listed.items():
                    if run_id == gone_id:
                        continue
                    description = await client.get_workflow_handle(run_id).describe()
                    assert item["status"] == STATUS_BY_TEMPORAL[description.status], run_id  # type: ignore[index]
                    assert item["temporal_ui_url"].endswith(f"/workflows/{run_id}")

                # Filters.
                async def ids(**params: Any) -> list[str]:
                    return [r["run_id"] for r in await _all_pages(http, app_id=app_id, **params)]

                assert await ids(status="canceled") == [canceled.id]
                assert await ids(status="running") == [scheduled.id]
                assert await ids(trigger="cli") == [cli_run]
                assert await ids(agent_type=broken) == [failed.id]
                assert set(await ids(agent_type=ok)) == set(listed) - {failed.id, gone_id}
                assert await ids(since=datetime.now(UTC).isoformat()) == []

                # A garbled or forged cursor is refused, naming it.
                for cursor in ("%%%", "bm90IGpzb24", "WyJ4IiwgMV0"):
                    answer = await http.get("/observability/runs", params={"cursor": cursor})
                    assert answer.status_code == 422, (cursor, answer.text)
                    assert answer.json()["detail"][0]["loc"] == ["query", "cursor"]
        finally:
            if scheduled is not None:
                with contextlib.suppress(Exception):
                    await scheduled.terminate("test over")
            stop.set()
            await runner


async def _same(client: Client) -> Client:
    return client


def test_a_rows_json_is_the_models_json() -> None:
    """The listing writes rows as JSON without a model per row: the same document the
    response model gives, key for key, for a running and a finished run."""
    from api.observability.service import run_summary_json
    from schemas.observability import RunSummaryPublic
    from schemas.triggers import RunTrigger
    from storage.run_listing import RunRow

    started = datetime(2026, 12, 7, 10, 0, 0, 123456, tzinfo=UTC)
    rows = [
        (
            RunRow("run-a", "app-a", "1.0.0", ["x", "y"], "running", started, None, "cli", None),
            None,
        ),
        (
            RunRow(
                "run-b",
                "app-a",
                "draft",
                [],
                "failed",
                started,
                started + timedelta(seconds=3, microseconds=7),
                "schedule",
                "sch-1",
                steps_completed=2,
                steps_failed=1,
                attempts=4,
                input_tokens=5,
                output_tokens=6,
                cost_usd=0.0125,
            ),
            "http://ui/namespaces/default/workflows/run-b",
        ),
    ]
    for row, url in rows:
        t = row
        model = RunSummaryPublic(
            run_id=row.id,
            app_id=row.app_id,
            app_version=row.app_version,
            status=row.status,  # type: ignore[arg-type]
            started_at=row.created_at,
            ended_at=row.ended_at,
            duration_ms=(row.ended_at - row.created_at).total_seconds() * 1000
            if row.ended_at
            else None,
            steps_completed=t.steps_completed,
            steps_failed=t.steps_failed,
            attempts=t.attempts,
            input_tokens=t.input_tokens,
            output_tokens=t.output_tokens,
            tokens=t.input_tokens + t.output_tokens,
            cost_usd=t.cost_usd,
            agent_types=row.agent_types,
            temporal_ui_url=url,
            trigger=RunTrigger(kind=row.trigger_kind, id=row.trigger_id),  # type: ignore[arg-type]
        )
        assert run_summary_json(row, url) == model.model_dump(mode="json")
        assert list(run_summary_json(row, url)) == list(model.model_dump(mode="json"))
