"""The CLI waits out a 429 (as the API's Retry-After says) instead of failing."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from api.app import create_app
from api.config import ApiConfig, AuthConfig
from hub.cli_runs import call
from storage.migrations import upgrade
from tests.auth_support import admin_headers

ONE_REQUEST_PER_SECOND = AuthConfig(rate_limit_per_minute=60, rate_limit_burst=1)


def test_call_retries_after_429_and_gets_the_answer(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    upgrade(url)
    app = create_app(ApiConfig(database_url=url, auth=ONE_REQUEST_PER_SECOND))
    with TestClient(app, headers=admin_headers()) as client:
        assert client.get("/apps").status_code == 200
        # The bucket is empty now: the raw API refuses, the CLI's call waits and retries.
        assert client.get("/apps").status_code == 429
        assert call(client, "GET", "/apps") == []
