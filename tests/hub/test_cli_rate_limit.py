"""The CLI waits out a 429 (as the API's Retry-After says) instead of failing."""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import limits.strategies
import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

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
    only when no boundary falls between them. This clock stands still between requests
    and moves when the CLI waits, so the test sees the same answers every run.
    """

    def __init__(self, now: float = 1_000_000.5) -> None:
        self.now = now
        self.slept: list[float] = []

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@dataclass
class Seen:
    refused: httpx.Response
    answer: Any
    statuses: list[int]
    slept: list[float]


def refused_then_called(database: Path, clock: Clock) -> Seen:
    """Empty the bucket, ask the raw API once more, then let the CLI's ``call`` ask."""
    with pytest.MonkeyPatch.context() as patch:
        wall = SimpleNamespace(time=clock.time, monotonic=time.monotonic)
        patch.setattr(rate_limits, "time", wall)
        patch.setattr(limits.strategies, "time", wall)
        patch.setattr(cli_runs, "time", SimpleNamespace(sleep=clock.sleep))
        url = f"sqlite:///{database}"
        upgrade(url)
        app = create_app(ApiConfig(database_url=url, auth=ONE_REQUEST_PER_SECOND))
        statuses: list[int] = []

        def record(response: httpx.Response) -> None:
            statuses.append(response.status_code)

        with TestClient(app, headers=admin_headers()) as client:
            assert client.get("/apps").status_code == 200
            refused = client.get("/apps")
            client.event_hooks["response"] = [record]
            answer = call(client, "GET", "/apps")
    return Seen(refused, answer, statuses, clock.slept)


def test_call_retries_after_429_and_gets_the_answer(tmp_path: Path) -> None:
    seen = refused_then_called(tmp_path / "hub.db", Clock())
    # The bucket is empty: the raw API refuses, and says how long to wait.
    assert seen.refused.status_code == 429
    assert seen.refused.headers["Retry-After"] == "1"
    # The CLI's call is refused too, waits as told, and then gets the answer.
    assert seen.answer == []
    assert seen.statuses == [429, 200]
    assert seen.slept == [1.0]


@settings(max_examples=8, deadline=None)
@given(offset=st.floats(min_value=0, max_value=1, exclude_max=True))
def test_the_cli_gets_the_answer_wherever_in_the_window_the_bucket_ran_out(
    offset: float,
) -> None:
    """Anywhere in a one-second window: refused, waits no more than it was told (each
    time), and answered."""
    with tempfile.TemporaryDirectory() as home:
        seen = refused_then_called(Path(home) / "hub.db", Clock(1_000_000 + offset))
    assert seen.refused.status_code == 429
    assert seen.answer == []
    assert seen.statuses[0] == 429 and seen.statuses[-1] == 200
    assert set(seen.statuses[:-1]) == {429}
    assert len(seen.slept) == len(seen.statuses) - 1
    assert all(0 < wait <= 1.0 for wait in seen.slept)
