"""The revocation cache: passed checks reused for a TTL, cleared by revokes, off at 0."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from api.auth.revocation_cache import RevocationCache
from api.config import ApiConfig
from storage.artifacts import LocalArtifactStore
from storage.database import create_db_engine, create_session_factory, session_scope
from storage.migrations import upgrade
from storage.security import ServiceAccountRepository
from tests.auth_support import GENEROUS_AUTH


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_passed_check_is_reused_until_the_ttl_runs_out() -> None:
    clock = FakeClock()
    cache = RevocationCache(2.0, clock=clock)
    key = ("jti-1", "account-1")
    assert not cache.is_known_valid(key)
    cache.remember(key, cache.generation())
    assert cache.is_known_valid(key)
    assert not cache.is_known_valid(("jti-2", "account-1"))
    clock.now += 1.9
    assert cache.is_known_valid(key)
    clock.now += 0.2
    assert not cache.is_known_valid(key)


def test_clear_forgets_and_refuses_a_check_that_started_before_it() -> None:
    cache = RevocationCache(60.0, clock=FakeClock())
    key = ("jti-1", None)
    cache.remember(key, cache.generation())
    started = cache.generation()  # a check starts reading the database ...
    cache.clear()  # ... a revoke commits and clears meanwhile ...
    cache.remember(key, started)  # ... the check's stale verdict is dropped.
    assert not cache.is_known_valid(key)
    cache.remember(key, cache.generation())
    assert cache.is_known_valid(key)


def test_a_ttl_of_zero_remembers_nothing() -> None:
    cache = RevocationCache(0, clock=FakeClock())
    cache.remember(("jti-1", "a"), cache.generation())
    assert not cache.enabled
    assert not cache.is_known_valid(("jti-1", "a"))


@pytest.fixture(scope="module")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('revocation-cache') / 'hub.db'}"
    upgrade(url)
    return url


def _client(database_url: str, tmp: Path, cache_seconds: float) -> Iterator[TestClient]:
    auth = dataclasses.replace(GENEROUS_AUTH, revocation_cache_seconds=cache_seconds)
    app: FastAPI = create_app(
        ApiConfig(database_url=database_url, auth=auth),
        artifact_store=LocalArtifactStore(tmp / "artifacts"),
    )
    with TestClient(app) as client:
        yield client
    app.state.engine.dispose()


def _new_key(database_url: str) -> tuple[str, str]:
    engine = create_db_engine(database_url)
    try:
        with session_scope(create_session_factory(engine)) as session:
            account, key = ServiceAccountRepository(session).create(
                name="cache-test", role="admin", teams=["*"], created_by="test"
            )
            return account.id, key
    finally:
        engine.dispose()


def _revoke_in_database(database_url: str, account_id: str) -> None:
    """What another API process revoking the key does to the shared database."""
    engine = create_db_engine(database_url)
    try:
        with session_scope(create_session_factory(engine)) as session:
            accounts = ServiceAccountRepository(session)
            account = accounts.get(account_id)
            assert account is not None
            accounts.revoke(account)
    finally:
        engine.dispose()


def _bearer(client: TestClient, key: str) -> dict[str, str]:
    answer = client.post("/auth/token", json={"api_key": key})
    assert answer.status_code == 200
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def test_revokes_through_the_same_process_apply_at_once_even_with_a_long_ttl(
    database_url: str, tmp_path: Path
) -> None:
    for client in _client(database_url, tmp_path, cache_seconds=60):
        account_id, key = _new_key(database_url)
        headers = _bearer(client, key)
        assert client.get("/apps", headers=headers).status_code == 200  # now cached
        other = _bearer(client, key)
        token = other["Authorization"].removeprefix("Bearer ")
        assert client.get("/apps", headers=other).status_code == 200
        assert client.post("/auth/revoke", json={"token": token}, headers=other).status_code == 204
        assert client.get("/apps", headers=other).status_code == 401
        assert client.get("/apps", headers=headers).status_code == 200
        assert client.delete(f"/auth/keys/{account_id}", headers=headers).status_code == 204
        assert client.get("/apps", headers=headers).status_code == 401


def test_with_the_cache_off_a_revocation_elsewhere_applies_at_once(
    database_url: str, tmp_path: Path
) -> None:
    for client in _client(database_url, tmp_path, cache_seconds=0):
        account_id, key = _new_key(database_url)
        headers = _bearer(client, key)
        assert client.get("/apps", headers=headers).status_code == 200
        _revoke_in_database(database_url, account_id)
        assert client.get("/apps", headers=headers).status_code == 401


def test_another_process_sees_a_revocation_only_after_the_ttl(
    database_url: str, tmp_path: Path
) -> None:
    """The documented bound: a passed check is reused, so a revocation made elsewhere
    is noticed once the cached verdict runs out (here cleared by hand, as expiry would)."""
    for client in _client(database_url, tmp_path, cache_seconds=60):
        account_id, key = _new_key(database_url)
        headers = _bearer(client, key)
        assert client.get("/apps", headers=headers).status_code == 200
        _revoke_in_database(database_url, account_id)
        assert client.get("/apps", headers=headers).status_code == 200  # within the TTL
        cache: RevocationCache = client.app.state.revocation_cache  # type: ignore[attr-defined]
        cache.clear()
        assert client.get("/apps", headers=headers).status_code == 401
