"""Liveness and readiness."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from api.app import create_app
from api.config import ApiConfig
from tests.auth_support import admin_headers


def test_health_and_ready(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok"}
    assert client.get("/ready").json() == {"status": "ready", "database": "ok"}


def test_ready_is_503_when_the_database_is_unreachable(tmp_path: Path) -> None:
    for url in (
        f"sqlite:///{tmp_path}/missing-dir/nested/hub.db",
        "postgresql+psycopg://postgres@127.0.0.1:1/nothing?connect_timeout=2",
    ):
        app = create_app(ApiConfig(database_url=url))
        with TestClient(app) as client:
            assert client.get("/health").status_code == 200
            response = client.get("/ready")
            assert response.status_code == 503, url
            assert "HUB_DATABASE_URL" in response.json()["detail"]
            # any other route reports the outage as 503 too, never as 500
            assert client.get("/apps", headers=admin_headers()).status_code == 503
