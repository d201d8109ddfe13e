"""Schedules on Temporal Schedules, through the API, firing real runs."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tests.api.triggers.support import TriggerHub
from tests.e2e.hub_api import expect, wait_for_run


async def fired_runs(hub: TriggerHub, schedule_id: str, count: int) -> list[str]:
    """The run ids of the schedule's latest fires, once there are ``count`` of them."""
    deadline = asyncio.get_running_loop().time() + 60
    while True:
        schedule = expect(await hub.http.get(f"/schedules/{schedule_id}"), 200)
        if len(schedule["recent_runs"]) >= count:
            return list(schedule["recent_runs"])
        assert asyncio.get_running_loop().time() < deadline, schedule
        await asyncio.sleep(0.2)


def parse(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


async def test_cron_schedule_lifecycle_fires_runs_that_say_their_schedule(
    hub: TriggerHub,
) -> None:
    app = await hub.new_app()
    body: dict[str, Any] = {
        "cron": "0 7 * * MON",
        "timezone": "Europe/Oslo",
        "inputs": {"memo": "weekly"},
        "overlap": "skip",
        "catchup_window_seconds": 600,
        "paused": False,
        "note": "re-score every borrower",
    }
    answer = await hub.http.post(f"/apps/{app.app_id}/schedules", json=body)
    created = expect(answer, 201)
    schedule_id = created["id"]
    assert (
        schedule_id.startswith("sch-") and answer.headers["Location"] == f"/schedules/{schedule_id}"
    )
    assert created["cron"] == "0 7 * * MON" and created["timezone"] == "Europe/Oslo"
    assert created["overlap"] == "skip" and created["catchup_window_seconds"] == 600
    assert created["note"] == "re-score every borrower" and created["paused"] is False
    fires = [parse(t) for t in created["next_fire_times"]]
    assert len(fires) == 5 and fires == sorted(fires) and fires[0] > datetime.now(UTC)
    for fire in fires:  # Mondays at 07:00 in Oslo, whatever the offset that day
        local = fire.astimezone(ZoneInfo("Europe/Oslo"))
        assert (local.weekday(), local.hour, local.minute) == (0, 7, 0), local

    listed = expect(await hub.http.get(f"/apps/{app.app_id}/schedules"), 200)
    assert [s["id"] for s in listed] == [schedule_id]

    # Triggered by hand: a run of the deployed release, saying which schedule started it.
    expect(await hub.http.post(f"/schedules/{schedule_id}/trigger"), 202)
    [run_id] = await fired_runs(hub, schedule_id, 1)
    run = await wait_for_run(hub.http, run_id)
    assert run["status"] == "completed", run
    assert run["trigger"] == {"kind": "schedule", "id": schedule_id}
    assert run["outputs"]["2"] == {"analysis": {"extracted": {"memo": "weekly"}}}
    assert run["app_version"] == "1.0.0"

    # Run lists filter by trigger kind.
    page = expect(
        await hub.http.get(
            "/observability/runs", params={"app_id": app.app_id, "trigger": "schedule"}
        ),
        200,
    )
    assert [(r["run_id"], r["trigger"]["id"]) for r in page["items"]] == [(run_id, schedule_id)]
    api_only = await hub.http.get(
        "/observability/runs", params={"app_id": app.app_id, "trigger": "api"}
    )
    assert expect(api_only, 200)["items"] == []

    # PATCH changes what it is given and keeps the rest.
    patched = expect(
        await hub.http.patch(f"/schedules/{schedule_id}", json={"cron": "30 6 * * FRI"}), 200
    )
    assert patched["cron"] == "30 6 * * FRI" and patched["inputs"] == {"memo": "weekly"}
    local = parse(patched["next_fire_times"][0]).astimezone(ZoneInfo("Europe/Oslo"))
    assert (local.weekday(), local.hour, local.minute) == (4, 6, 30)

    paused = expect(await hub.http.post(f"/schedules/{schedule_id}/pause"), 200)
    assert paused["paused"] is True
    assert expect(await hub.http.get(f"/schedules/{schedule_id}"), 200)["paused"] is True
    unpaused = expect(await hub.http.post(f"/schedules/{schedule_id}/unpause"), 200)
    assert unpaused["paused"] is False

    expect(await hub.http.delete(f"/schedules/{schedule_id}"), 204)
    assert (await hub.http.get(f"/schedules/{schedule_id}")).status_code == 404
    assert expect(await hub.http.get(f"/apps/{app.app_id}/schedules"), 200) == []


async def test_interval_schedule_fires_on_its_own_and_runs_the_release_deployed_at_fire_time(
    hub: TriggerHub,
) -> None:
    app = await hub.new_app()
    created = expect(
        await hub.http.post(
            f"/apps/{app.app_id}/schedules",
            json={"interval_seconds": 2, "inputs": {"memo": "tick"}, "overlap": "allow_all"},
        ),
        201,
    )
    [first] = (await fired_runs(hub, created["id"], 1))[:1]
    run = await wait_for_run(hub.http, first)
    assert run["status"] == "completed" and run["app_version"] == "1.0.0"
    # Redeploy: the next fire runs 1.1.0.
    expect(await hub.http.post(f"/apps/{app.app_id}/deploy"), 200)
    seen = set(await fired_runs(hub, created["id"], 1))
    deadline = asyncio.get_running_loop().time() + 30
    while True:
        runs = await fired_runs(hub, created["id"], 1)
        new = [r for r in runs if r not in seen]
        versions = [(await wait_for_run(hub.http, r))["app_version"] for r in new]
        if "1.1.0" in versions:
            break
        assert asyncio.get_running_loop().time() < deadline, versions
        await asyncio.sleep(0.5)
    expect(await hub.http.post(f"/schedules/{created['id']}/pause"), 200)


async def test_backfill_runs_each_fire_of_the_range(hub: TriggerHub) -> None:
    app = await hub.new_app()
    created = expect(
        await hub.http.post(
            f"/apps/{app.app_id}/schedules",
            json={"cron": "0 * * * *", "inputs": {"memo": "backfill"}, "paused": True},
        ),
        201,
    )
    assert created["paused"] is True
    end = datetime.now(UTC).replace(minute=30, second=0, microsecond=0) - timedelta(hours=1)
    start = end - timedelta(hours=3)
    answer = await hub.http.post(
        f"/schedules/{created['id']}/backfill",
        json={"start_time": start.isoformat(), "end_time": end.isoformat()},
    )
    expect(answer, 202)
    runs = await fired_runs(hub, created["id"], 3)
    assert len(runs) == 3
    # The range may also be given as start/end.
    earlier = {"start": (start - timedelta(hours=1)).isoformat(), "end": start.isoformat()}
    expect(await hub.http.post(f"/schedules/{created['id']}/backfill", json=earlier), 202)
    runs = await fired_runs(hub, created["id"], 4)
    for run_id in runs:
        run = await wait_for_run(hub.http, run_id)
        assert run["status"] == "completed" and run["trigger"]["kind"] == "schedule"
    bad = await hub.http.post(
        f"/schedules/{created['id']}/backfill",
        json={"start_time": end.isoformat(), "end_time": start.isoformat()},
    )
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "end_time"]


async def test_archiving_the_app_pauses_its_schedules(hub: TriggerHub) -> None:
    app = await hub.new_app()
    ids = [
        expect(
            await hub.http.post(
                f"/apps/{app.app_id}/schedules", json={"cron": cron, "inputs": {"memo": "x"}}
            ),
            201,
        )["id"]
        for cron in ("0 7 * * MON", "@daily")
    ]
    expect(await hub.http.post(f"/apps/{app.app_id}/archive"), 200)
    for schedule_id in ids:
        schedule = expect(await hub.http.get(f"/schedules/{schedule_id}"), 200)
        assert schedule["paused"] is True and "archived" in schedule["note"]
        handle = hub.temporal.get_schedule_handle(schedule_id)
        assert (await handle.describe()).schedule.state.paused
    refused = await hub.http.post(f"/schedules/{ids[0]}/unpause")
    assert refused.status_code == 409 and "archived" in refused.json()["detail"]
    again = await hub.http.post(f"/apps/{app.app_id}/schedules", json={"cron": "@daily"})
    assert again.status_code == 409


async def test_bad_schedules_are_422s_that_say_where(hub: TriggerHub) -> None:
    app = await hub.new_app()
    url = f"/apps/{app.app_id}/schedules"
    answer = await hub.http.post(url, json={"cron": "0 7 * * MOX", "inputs": {"memo": "x"}})
    assert answer.status_code == 422
    [item] = answer.json()["detail"]
    assert item["loc"] == ["body", "cron"] and item["column"] == 9
    assert "position 9" in item["msg"] and "MOX" in item["msg"]

    answer = await hub.http.post(url, json={"cron": "0 25 * * *", "inputs": {"memo": "x"}})
    assert "position 3" in answer.json()["detail"][0]["msg"]
    answer = await hub.http.post(
        url, json={"cron": "0 7 * * *", "interval_seconds": 60, "inputs": {"memo": "x"}}
    )
    assert answer.status_code == 422
    answer = await hub.http.post(url, json={"inputs": {"memo": "x"}})
    assert answer.status_code == 422
    answer = await hub.http.post(
        url, json={"cron": "@daily", "timezone": "Mars/Olympus", "inputs": {"memo": "x"}}
    )
    assert answer.status_code == 422 and answer.json()["detail"][0]["loc"] == ["body", "timezone"]
    answer = await hub.http.post(url, json={"cron": "@daily", "overlap": "sometimes"})
    assert answer.status_code == 422
    # Inputs the deployed release cannot run: the run-start message, nothing scheduled.
    answer = await hub.http.post(url, json={"cron": "@daily", "inputs": {}})
    assert answer.status_code == 422
    [item] = answer.json()["detail"]
    assert item["loc"] == ["body", "inputs", "memo"] and "missing" in item["msg"]
    assert expect(await hub.http.get(url), 200) == []
    assert (await hub.http.get("/schedules/sch-doesnotexist")).status_code == 404
