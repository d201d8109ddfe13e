"""Signed webhooks: no platform token, the HMAC signature is the credential."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import re
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text

from api.webhooks.service import TIMESTAMP_TOLERANCE_SECONDS
from tests.api.triggers.support import TriggerHub
from tests.e2e.hub_api import expect, wait_for_run


def signed(secret: str, body: bytes, *, at: int | None = None) -> dict[str, str]:
    """The headers a sender computes: Hub-Timestamp and Hub-Signature (v1)."""
    timestamp = str(at if at is not None else int(time.time()))
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return {
        "Hub-Timestamp": timestamp,
        "Hub-Signature": f"v1={digest.hexdigest()}",
        "Content-Type": "application/json",
    }


async def post_event(
    hub: TriggerHub, hook: dict[str, Any], payload: Any, secret: str | None = None, **extra: Any
) -> httpx.Response:
    body = json.dumps(payload).encode()
    headers = {**signed(secret or hook["secret"], body), **extra.pop("headers", {})}
    return await hub.anonymous.post(f"/hooks/{hook['id']}", content=body, headers=headers)


async def runs_of(hub: TriggerHub, app_id: str) -> list[str]:
    return [w.id async for w in hub.temporal.list_workflows(f"AppId = '{app_id}'")]


async def new_hook(hub: TriggerHub, **body: Any) -> tuple[str, dict[str, Any]]:
    app = await hub.new_app()
    answer = await hub.http.post(
        f"/apps/{app.app_id}/webhooks",
        json={"input_mapping": {"memo": "/data/memo"}, **body},
    )
    return app.app_id, expect(answer, 201)


async def test_a_signed_event_starts_a_run_that_says_its_webhook(hub: TriggerHub) -> None:
    app_id, hook = await new_hook(hub)
    assert hook["id"].startswith("hook-") and hook["secret"].startswith("whsec_")
    assert hook["url"].endswith(f"/hooks/{hook['id']}")
    assert hook["input_mapping"] == {"memo": "/data/memo"}
    # The secret is shown once: never in reads, never in the database in clear.
    shown = expect(await hub.http.get(f"/webhooks/{hook['id']}"), 200)
    assert shown["secret"] is None and hook["secret"] not in json.dumps(shown)
    listed = expect(await hub.http.get(f"/apps/{app_id}/webhooks"), 200)
    assert [h["id"] for h in listed] == [hook["id"]] and listed[0]["secret"] is None
    engine = create_engine(hub.settings.resolved_database_url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT * FROM webhooks")).all()
    engine.dispose()
    assert rows and hook["secret"] not in repr(rows)

    answer = await post_event(hub, hook, {"data": {"memo": "from the document store"}})
    accepted = expect(answer, 202)
    assert accepted["webhook_id"] == hook["id"] and accepted["app_id"] == app_id
    run = await wait_for_run(hub.http, accepted["run_id"])
    assert run["status"] == "completed", run
    assert run["trigger"] == {"kind": "webhook", "id": hook["id"]}
    assert run["outputs"]["2"] == {"analysis": {"extracted": {"memo": "from the document store"}}}
    page = await hub.http.get(
        "/observability/runs", params={"app_id": app_id, "trigger": "webhook"}
    )
    assert [r["run_id"] for r in expect(page, 200)["items"]] == [accepted["run_id"]]


async def test_bad_or_stale_signatures_are_401_and_start_nothing(hub: TriggerHub) -> None:
    app_id, hook = await new_hook(hub)
    body = json.dumps({"data": {"memo": "x"}}).encode()
    url = f"/hooks/{hook['id']}"
    # Each signed when it is sent: a future timestamp signed early comes back within the
    # tolerance while the earlier posts take their time (a slow machine took a second).
    skew = TIMESTAMP_TOLERANCE_SECONDS + 1
    attempts = {
        "no headers": lambda: {"Content-Type": "application/json"},
        "wrong secret": lambda: signed("whsec_not-the-secret", body),
        "stale": lambda: signed(hook["secret"], body, at=int(time.time()) - skew),
        "future": lambda: signed(hook["secret"], body, at=int(time.time()) + skew + 1),
        "not a number": lambda: {**signed(hook["secret"], body), "Hub-Timestamp": "yesterday"},
    }
    for what, headers in attempts.items():
        answer = await hub.anonymous.post(url, content=body, headers=headers())
        assert answer.status_code == 401, (what, answer.text)
    # A body changed after signing does not verify either.
    headers = signed(hook["secret"], body)
    tampered = await hub.anonymous.post(url, content=body.replace(b"x", b"y"), headers=headers)
    assert tampered.status_code == 401
    # A platform token is no substitute for the signature.
    assert (await hub.http.post(url, content=body)).status_code == 401
    assert await runs_of(hub, app_id) == []


async def test_a_pointer_matching_nothing_is_a_422_naming_it(hub: TriggerHub) -> None:
    app_id, hook = await new_hook(hub)
    answer = await post_event(hub, hook, {"data": {"file": "x"}})
    assert answer.status_code == 422
    [item] = answer.json()["detail"]
    assert item["path"] == "/data/memo" and "/data/memo" in item["msg"]
    # Inputs the release cannot run: the run-start message (here: memo mapped to nothing).
    other = expect(
        await hub.http.post(
            f"/apps/{app_id}/webhooks", json={"input_mapping": {"note": "/data/memo"}}
        ),
        201,
    )
    answer = await post_event(hub, other, {"data": {"memo": "x"}})
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "inputs", "memo"]
    not_json = await hub.anonymous.post(
        f"/hooks/{hook['id']}", content=b"{nope", headers=signed(hook["secret"], b"{nope")
    )
    assert not_json.status_code == 422
    assert await runs_of(hub, app_id) == []
    bad = await hub.http.post(
        f"/apps/{app_id}/webhooks", json={"input_mapping": {"memo": "data.memo"}}
    )
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["body", "input_mapping", "memo"]


async def test_redelivered_events_return_the_same_run(hub: TriggerHub) -> None:
    app_id, hook = await new_hook(hub, idempotency_pointer="/event_id")
    key = {"Idempotency-Key": f"evt-{uuid.uuid4().hex}"}
    first = expect(await post_event(hub, hook, {"data": {"memo": "a"}}, headers=key), 202)
    again = expect(await post_event(hub, hook, {"data": {"memo": "a"}}, headers=key), 202)
    assert again["run_id"] == first["run_id"] and again["created"] is False
    # Without the header, the mapped body field is the key.
    event = {"event_id": "doc-42", "data": {"memo": "b"}}
    second = expect(await post_event(hub, hook, event), 202)
    repeat = expect(await post_event(hub, hook, event), 202)
    assert repeat["run_id"] == second["run_id"] != first["run_id"]
    await wait_for_run(hub.http, first["run_id"])
    await wait_for_run(hub.http, second["run_id"])
    assert sorted(await runs_of(hub, app_id)) == sorted([first["run_id"], second["run_id"]])


async def test_secret_rotation_keeps_the_old_secret_for_the_overlap(hub: TriggerHub) -> None:
    app_id, hook = await new_hook(hub)
    old = hook["secret"]
    rotated = expect(
        await hub.http.post(
            f"/webhooks/{hook['id']}/rotate-secret", json={"overlap_seconds": 3600}
        ),
        200,
    )
    new = rotated["secret"]
    assert new != old and rotated["previous_secret_expires_at"]
    expect(await post_event(hub, hook, {"data": {"memo": "old"}}, secret=old), 202)
    expect(await post_event(hub, hook, {"data": {"memo": "new"}}, secret=new), 202)
    ended = expect(
        await hub.http.post(f"/webhooks/{hook['id']}/rotate-secret", json={"overlap_seconds": 0}),
        200,
    )
    assert (await post_event(hub, hook, {"data": {"memo": "x"}}, secret=new)).status_code == 401
    assert (await post_event(hub, hook, {"data": {"memo": "x"}}, secret=old)).status_code == 401
    expect(await post_event(hub, hook, {"data": {"memo": "z"}}, secret=ended["secret"]), 202)
    assert len(await runs_of(hub, app_id)) == 3


async def test_each_webhook_has_its_own_rate_limit(hub: TriggerHub) -> None:
    app_id, hook = await new_hook(hub, rate_limit_per_minute=6)
    expect(await post_event(hub, hook, {"data": {"memo": "1"}}), 202)
    limited = await post_event(hub, hook, {"data": {"memo": "2"}})
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
    assert len(await runs_of(hub, app_id)) == 1
    # Another webhook is not limited by this one's traffic.
    _, other = await new_hook(hub)
    expect(await post_event(hub, other, {"data": {"memo": "3"}}), 202)
    # Deleted: gone.
    expect(await hub.http.delete(f"/webhooks/{hook['id']}"), 204)
    assert (await post_event(hub, hook, {"data": {"memo": "4"}})).status_code == 404


async def test_the_documented_sender_snippet_starts_a_run(hub: TriggerHub) -> None:
    """docs/triggers.md's Python snippet, as written, against the API on a socket."""
    text = (Path(__file__).parents[3] / "docs" / "triggers.md").read_text()
    snippet = re.search(r"```python\n(.*?)```", text, re.S).group(1)  # type: ignore[union-attr]
    app_id, hook = await new_hook(hub, idempotency_pointer="/event_id")
    await hub.http.patch(
        f"/webhooks/{hook['id']}", json={"input_mapping": {"memo": "/data/file_uri"}}
    )
    upload = await hub.http.post(
        "/artifacts", files={"file": ("m.pdf", b"%PDF-1.4 m", "application/pdf")}
    )
    scope: dict[str, Any] = {
        "secret": hook["secret"],
        "url": f"{hub.api_url}/hooks/{hook['id']}",
        "document_uri": expect(upload, 201)["uri"],
    }
    await asyncio.to_thread(exec, snippet, scope)
    answer = scope["answer"]
    assert answer.status_code == 202, answer.text
    run = await wait_for_run(hub.http, answer.json()["run_id"])
    assert run["status"] == "completed" and run["trigger"]["id"] == hook["id"]
    assert await runs_of(hub, app_id) == [run["run_id"]]
