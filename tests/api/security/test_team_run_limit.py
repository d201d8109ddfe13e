"""Runs in flight per team are limited (429), counted by Temporal visibility."""

from __future__ import annotations

from pathlib import Path

import httpx
from temporalio.testing import WorkflowEnvironment

from hub.settings import Settings
from hub.wiring import build_api
from storage.migrations import upgrade
from tests.auth_support import auth_headers
from tests.e2e.hub_api import create_app, expect, start_run
from tests.engine_support.plans import unique_agent_type

AGENT_TYPE = unique_agent_type("queued")
YAML = """\
version: "1.0"
app_id: "$app_id"
name: "queued"
agents:
  - {id: "$a1", type: "$queued"}
workflow:
  - step: only
    agent_id: "$a1"
    inputs: [{source: trigger, field: memo}]
    outputs: [{name: out}]
"""


async def test_a_team_cannot_exceed_its_runs_in_flight(
    temporal_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    settings = Settings(
        home=tmp_path,
        temporal_address=temporal_env.client.service_client.config.target_host,
        max_concurrent_runs_per_team=2,
    )
    upgrade(settings.resolved_database_url)
    api = build_api(settings)
    team = auth_headers("admin", ["busy-team"])
    other = auth_headers("admin", ["calm-team"])
    try:
        transport = httpx.ASGITransport(app=api)
        async with (
            httpx.AsyncClient(transport=transport, base_url="http://hub", headers=team) as busy,
            httpx.AsyncClient(transport=transport, base_url="http://hub", headers=other) as calm,
        ):
            app = await create_app(busy, YAML, {"a1": AGENT_TYPE}, values={"queued": AGENT_TYPE})
            # No agent worker serves this type: the runs stay in flight.
            await start_run(busy, app.app_id, {"memo": "1"})
            await start_run(busy, app.app_id, {"memo": "2"})
            refused = await busy.post(f"/apps/{app.app_id}/runs", json={"inputs": {"memo": "3"}})
            assert refused.status_code == 429, refused.text
            assert "busy-team" in refused.json()["detail"]
            # Another team is not affected.
            calm_app = await create_app(
                calm, YAML, {"a1": AGENT_TYPE}, values={"queued": AGENT_TYPE}
            )
            await start_run(calm, calm_app.app_id, {"memo": "x"})
            # The team still manages its runs in flight (the limit blocks only new ones).
            listed = expect(
                await busy.get(f"/observability/runs?app_id={app.app_id}&status=running"), 200
            )
            first = listed["items"][0]["run_id"]
            expect(await busy.post(f"/runs/{first}/cancel"), 202)
    finally:
        api.state.engine.dispose()
