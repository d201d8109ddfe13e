"""Fixtures of the security tests: an API on a fresh SQLite file, no default credentials."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from api.config import ApiConfig, AuthConfig
from storage.artifacts import LocalArtifactStore
from storage.migrations import upgrade
from tests.auth_support import GENEROUS_AUTH


@pytest.fixture(scope="module")
def security_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('security') / 'hub.db'}"
    upgrade(url)
    return url


def build_secure_app(database_url: str, tmp: Path, auth: AuthConfig = GENEROUS_AUTH) -> FastAPI:
    """The real API (auth on) with a local artifact store and no Temporal."""
    return create_app(
        ApiConfig(database_url=database_url, auth=auth),
        artifact_store=LocalArtifactStore(tmp / "artifacts"),
    )


@pytest.fixture(scope="module")
def secure_app(security_db: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    app = build_secure_app(security_db, tmp_path_factory.mktemp("security-store"))
    yield app
    app.state.engine.dispose()


@pytest.fixture(scope="module")
def anon(secure_app: FastAPI) -> Iterator[TestClient]:
    """A client that sends no credentials unless a test passes headers."""
    with TestClient(secure_app) as client:
        yield client


# The engine fixtures (a real Temporal dev server) for the planted-key test.
from tests.engine_support.fixtures import temporal_env  # noqa: E402, F401
