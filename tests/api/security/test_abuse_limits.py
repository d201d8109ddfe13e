"""Rate limits (429 + Retry-After) and size limits (413) hit one principal, not the others;
security headers, CORS without wildcards, run fan-out limits."""

from __future__ import annotations

import random
import types
import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from limits.storage import MemoryStorage
from limits.strategies import SlidingWindowCounterRateLimiter

from api.app import create_app
from api.auth import rate_limits
from api.auth.rate_limits import ProcessMemoryStorage, RateLimiter, rate_limit_item
from api.config import ApiConfig, AuthConfig
from tests.auth_support import auth_headers

BURST = 5


@pytest.fixture(scope="module")
def limited(security_db: str) -> Iterator[TestClient]:
    """An API that allows a burst of 5 requests and then one a minute per principal."""
    app = create_app(
        ApiConfig(
            database_url=security_db,
            max_body_bytes=4096,
            auth=AuthConfig(rate_limit_per_minute=1, rate_limit_burst=BURST),
            cors_origins=["https://console.example.test"],
        )
    )
    with TestClient(app) as client:
        yield client
    app.state.engine.dispose()


def test_a_noisy_principal_gets_429_while_others_are_served(limited: TestClient) -> None:
    noisy = auth_headers("viewer", ["t1"], subject="noisy")
    quiet = auth_headers("viewer", ["t1"], subject="quiet")
    answers = [limited.get("/apps", headers=noisy).status_code for _ in range(BURST + 3)]
    assert answers[:BURST] == [200] * BURST
    assert set(answers[BURST:]) == {429}
    refused = limited.get("/apps", headers=noisy)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 1
    assert "Retry-After" in refused.json()["detail"]
    # Another principal, and the probes, are unaffected.
    assert limited.get("/apps", headers=quiet).status_code == 200
    assert limited.get("/health").status_code == 200


def test_an_oversized_body_is_413_and_others_keep_being_served(limited: TestClient) -> None:
    big = auth_headers("editor", ["t2"], subject="big-sender")
    other = auth_headers("viewer", ["t2"], subject="bystander")
    answer = limited.post(
        "/apps",
        json={"name": f"x {uuid.uuid4().hex[:8]}", "description": "y" * 10_000},
        headers=big,
    )
    assert answer.status_code == 413
    assert limited.get("/apps", headers=other).status_code == 200


async def test_a_burst_is_allowed_then_the_caller_waits_and_others_are_not_affected() -> None:
    limiter = RateLimiter(rate_per_minute=60, burst=2)
    assert await limiter.acquire("a") is None and await limiter.acquire("a") is None
    wait = await limiter.acquire("a")
    # Two a window of two seconds: at most that long to wait.
    assert wait is not None and 0 <= wait <= 2.0
    assert await limiter.acquire("b") is None


def test_the_window_holds_the_burst_at_the_sustained_rate() -> None:
    # 600 a minute with bursts of 120: 120 in any 12 seconds.
    item = rate_limit_item(600, 120)
    assert (item.amount, item.get_expiry()) == (120, 12)
    # A webhook's 6 a minute, a sixth of it at once: 1 in any 10 seconds.
    item = rate_limit_item(6, 1)
    assert (item.amount, item.get_expiry()) == (1, 10)
    # A rate above the burst each second: windows of a second, holding the rate.
    item = rate_limit_item(60_000, 10)
    assert (item.amount, item.get_expiry()) == (1000, 1)


def test_the_in_process_storage_counts_as_the_limits_memory_storage(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The default storage grants, refuses and resets exactly as ``limits``' own."""
    clock = types.SimpleNamespace(now=1_765_000_000.0)
    fake_time = types.SimpleNamespace(time=lambda: clock.now, monotonic=lambda: clock.now)
    monkeypatch.setattr(rate_limits, "time", fake_time)
    monkeypatch.setattr("limits.storage.memory.time", fake_time)
    monkeypatch.setattr("limits.strategies.time", fake_time)
    ours = SlidingWindowCounterRateLimiter(ProcessMemoryStorage())
    reference = SlidingWindowCounterRateLimiter(MemoryStorage())
    items = [rate_limit_item(60, 2), rate_limit_item(600, 120), rate_limit_item(6, 1)]
    rng = random.Random(19)
    refusals = 0
    for _ in range(20_000):
        clock.now += rng.choice([0.0, 0.001, 0.05, 0.3, 1.7, 9.0, 130.0])
        item, key = rng.choice(items), rng.choice(["a", "b", "c"])
        granted = ours.hit(item, key)
        assert granted == reference.hit(item, key)
        refusals += not granted
        assert ours.get_window_stats(item, key) == reference.get_window_stats(item, key)
    assert refusals > 1000  # the comparison covered refusals, not only grants


async def test_an_unreachable_shared_storage_lets_requests_through() -> None:
    from api.auth.rate_limits import rate_limit_storage

    limiter = RateLimiter(60, 1, rate_limit_storage("redis://127.0.0.1:1/0"))
    assert await limiter.acquire("a") is None and await limiter.acquire("a") is None


def test_security_headers_on_every_response(limited: TestClient) -> None:
    for response in (
        limited.get("/health"),
        limited.get("/apps"),  # 401
        limited.get("/apps", headers=auth_headers("viewer", ["t3"], subject="headers")),
    ):
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["Cache-Control"] == "no-store"


def test_cors_allows_only_listed_origins(limited: TestClient) -> None:
    preflight = {
        "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "authorization",
    }
    ok = limited.options("/apps", headers={"Origin": "https://console.example.test", **preflight})
    assert ok.status_code == 200
    assert ok.headers["Access-Control-Allow-Origin"] == "https://console.example.test"
    evil = limited.options("/apps", headers={"Origin": "https://evil.test", **preflight})
    assert evil.headers.get("Access-Control-Allow-Origin") is None


def test_wildcard_cors_is_refused(security_db: str) -> None:
    with pytest.raises(ValueError, match="CORS origin"):
        create_app(ApiConfig(database_url=security_db, cors_origins=["*"]))


def test_foreach_fan_out_beyond_the_limit_is_refused(security_db: str) -> None:
    from api.config import RunLimits
    from tests.auth_support import GENEROUS_AUTH

    app = create_app(
        ApiConfig(
            database_url=security_db,
            auth=GENEROUS_AUTH,
            run_limits=RunLimits(max_foreach_items=3),
        )
    )
    editor = auth_headers("editor", ["fan"])
    with TestClient(app, headers=editor) as client:
        app_id = client.post("/apps", json={"name": f"fan {uuid.uuid4().hex[:8]}"}).json()["id"]
        agent = client.post(f"/apps/{app_id}/agents", json={"name": "e", "type": "extractor"})
        agent_id = agent.json()["id"]
        yaml = (
            f'version: "1.0"\napp_id: {app_id}\nname: fan\nagents:\n  - id: {agent_id}\n'
            f"workflow:\n  - step: each\n    agent_id: {agent_id}\n"
            "    foreach: {source: trigger, field: items}\n"
            "    inputs:\n      - source: trigger\n        field: items\n        as: document\n"
            "    outputs:\n      - name: out\n"
        )
        put = client.put(
            f"/orchestration/{app_id}", content=yaml, headers={"Content-Type": "application/yaml"}
        )
        assert put.status_code == 200, put.text
        answer = client.post(
            f"/apps/{app_id}/runs", json={"inputs": {"items": [1, 2, 3, 4]}, "draft": True}
        )
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"][0]["loc"] == ["body", "inputs", "items"]
    app.state.engine.dispose()
