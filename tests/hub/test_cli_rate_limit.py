"""The CLI waits out a 429 (as the API's Retry-After says) instead of failing."""

from __future__ import annotations

import time
from pathlib import Path
from types import SimpleNamespace

import httpx
import limits.strategies
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.auth import rate_limits
from api.config import ApiConfig, AuthConfig
from hub import cli_runs
from hub.cli_runs import call
from storage.migrations import upgrade
from tests.auth_support import admin_headers

ONE_REQUEST_PER_SECOND = AuthConfig(rate_limit_per_minute=60, rate_limit_burst=1)


class Clock:
    """The limiter's wall clock, moved only by the CLI's sleeps.

    A sliding window counter lets a request through as soon as a window boundary
    passes, so with the real clock two requests a few milliseconds apart are refused
    only when no boundary falls between them. This clock starts in the middle of a
    window and moves when the CLI waits, so the test sees the same answers every run.
    """

    def __init__(self) -> None:
        self.now = 1_000_000.5
        self.slept: list[float] = []

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_call_retries_after_429_and_gets_the_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock()
    wall = SimpleNamespace(time=clock.time, monotonic=time.monotonic)
    monkeypatch.setattr(rate_limits, "time", wall)
    monkeypatch.setattr(limits.strategies, "time", wall)
    monkeypatch.setattr(cli_runs, "time", SimpleNamespace(sleep=clock.sleep))
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    upgrade(url)
    app = create_app(ApiConfig(database_url=url, auth=ONE_REQUEST_PER_SECOND))
    statuses: list[int] = []

    def record(response: httpx.Response) -> None:
        statuses.append(response.status_code)

    with TestClient(app, headers=admin_headers()) as client:
        assert client.get("/apps").status_code == 200
        # The bucket is empty now: the raw API refuses, and says how long to wait.
        refused = client.get("/apps")
        assert refused.status_code == 429
        assert refused.headers["Retry-After"] == "1"
        # The CLI's call is refused too, waits as told, and then gets the answer.
        client.event_hooks["response"] = [record]
        assert call(client, "GET", "/apps") == []
    assert statuses == [429, 200]
    assert clock.slept == [1.0]
