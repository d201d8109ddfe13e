"""Verified tokens are remembered until they expire, never past a revocation.

The JWT verdict is cached (``api.auth.token_cache``) and revocation checks of one token
are shared while in flight (``AuthenticationMiddleware``); neither may let a revoked
token or key through in the process that revoked it, nor a token past its ``exp``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.auth.middleware import AuthenticationMiddleware
from api.auth.principals import Principal
from api.auth.rate_limits import RateLimiter
from api.auth.revocation_cache import RevocationCache
from api.auth.token_cache import MAX_ENTRIES, VerifiedTokenCache
from api.auth.tokens import InvalidToken, TokenService, VerifiedToken
from api.config import ApiConfig
from storage.artifacts import LocalArtifactStore
from storage.database import create_db_engine, create_session_factory, session_scope
from storage.migrations import upgrade
from storage.security import ServiceAccountRepository
from tests.auth_support import GENEROUS_AUTH, TEST_AUTH, token_for


class FakeClock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def _verified(expires_at: datetime, jti: str = "jti-1") -> VerifiedToken:
    principal = Principal(subject="s", role="viewer", teams=("t",), token_id=jti)
    return VerifiedToken(principal=principal, token_type="access", jti=jti, expires_at=expires_at)


# -- the cache itself ------------------------------------------------------------------


def test_a_verified_token_is_kept_until_its_expiry_and_not_after() -> None:
    expires = datetime(2030, 1, 1, tzinfo=UTC)
    clock = FakeClock(expires.timestamp() - 10)
    cache = VerifiedTokenCache(clock=clock)
    key = cache.key("header.payload.signature")
    cache.put(key, _verified(expires))
    assert cache.get(key) is not None
    assert cache.get(cache.key("header.payload.other")) is None
    clock.now = expires.timestamp()
    assert cache.get(key) is None
    assert len(cache) == 0


def test_an_already_expired_token_is_not_stored() -> None:
    expires = datetime(2030, 1, 1, tzinfo=UTC)
    cache = VerifiedTokenCache(clock=FakeClock(expires.timestamp() + 1))
    cache.put(cache.key("t"), _verified(expires))
    assert len(cache) == 0


def test_tokens_are_stored_by_digest_only() -> None:
    token = token_for("viewer", ("team-a",))
    cache = VerifiedTokenCache()
    key = cache.key(token)
    cache.put(key, _verified(datetime.now(UTC) + timedelta(hours=1)))
    assert token.encode() not in cache._entries
    assert all(token.encode() not in k and len(k) == 32 for k in cache._entries)


def test_the_cache_stays_bounded() -> None:
    cache = VerifiedTokenCache(clock=FakeClock(0.0))
    expires = datetime(2030, 1, 1, tzinfo=UTC)
    for index in range(MAX_ENTRIES + 5):
        cache.put(cache.key(f"token-{index}"), _verified(expires))
    assert len(cache) <= MAX_ENTRIES


# -- through the API: revocation is never outlived ---------------------------------------


@pytest.fixture(scope="module")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('token-cache') / 'hub.db'}"
    upgrade(url)
    return url


@pytest.fixture
def client(database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    # A long revocation TTL: only the in-process clearing can make revokes apply at once.
    auth = dataclasses.replace(GENEROUS_AUTH, revocation_cache_seconds=60)
    app = create_app(
        ApiConfig(database_url=database_url, auth=auth),
        artifact_store=LocalArtifactStore(tmp_path / "artifacts"),
    )
    with TestClient(app) as test_client:
        yield test_client
    app.state.engine.dispose()


def _key_and_token(client: TestClient, database_url: str) -> tuple[str, str, str]:
    engine = create_db_engine(database_url)
    try:
        with session_scope(create_session_factory(engine)) as session:
            account, key = ServiceAccountRepository(session).create(
                name="token-cache-test", role="admin", teams=["*"], created_by="test"
            )
            account_id = account.id
    finally:
        engine.dispose()
    answer = client.post("/auth/token", json={"api_key": key})
    assert answer.status_code == 200
    return account_id, key, str(answer.json()["access_token"])


def test_a_revoked_token_is_refused_on_its_next_request(
    client: TestClient, database_url: str
) -> None:
    _, _, token = _key_and_token(client, database_url)
    headers = {"Authorization": f"Bearer {token}"}
    app_id = client.post(
        "/apps", json={"name": f"cached {uuid.uuid4().hex[:8]}"}, headers=headers
    ).json()["id"]
    for _ in range(3):  # verified, cached, served from the caches
        assert client.get(f"/apps/{app_id}", headers=headers).status_code == 200
    assert client.post("/auth/revoke", json={"token": token}, headers=headers).status_code == 204
    refused = client.get(f"/apps/{app_id}", headers=headers)
    assert refused.status_code == 401
    assert "revoked" in refused.json()["detail"]


def test_revoking_a_key_refuses_its_cached_tokens_at_once(
    client: TestClient, database_url: str
) -> None:
    account_id, key, token = _key_and_token(client, database_url)
    headers = {"Authorization": f"Bearer {token}"}
    second = client.post("/auth/token", json={"api_key": key}).json()["access_token"]
    other = {"Authorization": f"Bearer {second}"}
    app_id = client.post(
        "/apps", json={"name": f"cached {uuid.uuid4().hex[:8]}"}, headers=headers
    ).json()["id"]
    assert client.get(f"/apps/{app_id}", headers=headers).status_code == 200
    assert client.get(f"/apps/{app_id}", headers=other).status_code == 200
    assert client.delete(f"/auth/keys/{account_id}", headers=other).status_code == 204
    assert client.get(f"/apps/{app_id}", headers=headers).status_code == 401
    assert client.get(f"/apps/{app_id}", headers=other).status_code == 401


def test_a_tampered_copy_of_a_cached_token_is_refused(
    client: TestClient, database_url: str
) -> None:
    _, _, token = _key_and_token(client, database_url)
    assert client.get("/apps", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    head, payload, signature = token.split(".")
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    for forged in (f"{head}.{payload}.{flipped}", f"{head}.{payload}x.{signature}", token + "x"):
        response = client.get("/apps", headers={"Authorization": f"Bearer {forged}"})
        assert response.status_code == 401, forged


# -- revocation checks shared while in flight ------------------------------------------


class CountingCheck:
    """Stands in for the database check: counts calls, can block, can say "revoked"."""

    def __init__(self) -> None:
        self.calls = 0
        self.revoked = False
        self.release = threading.Event()
        self.release.set()
        self.entered = threading.Event()

    def __call__(self, _verified: VerifiedToken) -> None:
        self.calls += 1
        self.entered.set()
        self.release.wait(timeout=30)
        if self.revoked:
            raise InvalidToken("token has been revoked")


def _middleware(check: CountingCheck, cache_seconds: float = 60) -> AuthenticationMiddleware:
    async def app(*_: object) -> None:
        return None

    middleware = AuthenticationMiddleware(
        app,
        tokens=TokenService(TEST_AUTH),
        session_factory=lambda: None,  # type: ignore[arg-type,return-value]
        limiter=RateLimiter(1_000_000, 1_000_000),
        revocation_cache=RevocationCache(cache_seconds),
    )
    middleware._refuse_revoked = check  # type: ignore[method-assign]
    return middleware


def _scope(token: str) -> dict[str, object]:
    return {
        "type": "http",
        "path": "/apps",
        "headers": [(b"authorization", f"Bearer {token}".encode())],
    }


def test_concurrent_requests_of_one_token_share_one_revocation_check() -> None:
    check = CountingCheck()
    check.release.clear()
    middleware = _middleware(check)
    token = token_for("viewer", ("team-a",), sid="sa-1")

    async def scenario() -> list[Principal]:
        requests = [
            asyncio.ensure_future(middleware._authenticate(_scope(token))) for _ in range(8)
        ]
        await asyncio.to_thread(check.entered.wait, 30)
        check.release.set()
        return await asyncio.gather(*requests)

    principals = asyncio.run(scenario())
    assert check.calls == 1
    assert all(p.subject == principals[0].subject for p in principals)


def test_a_check_begun_before_a_revoke_is_not_shared_with_later_requests() -> None:
    check = CountingCheck()
    check.release.clear()
    middleware = _middleware(check)
    token = token_for("viewer", ("team-a",), sid="sa-1")

    async def scenario() -> None:
        early = asyncio.ensure_future(middleware._authenticate(_scope(token)))
        await asyncio.to_thread(check.entered.wait, 30)
        # The key is revoked and this process clears its verdicts, while that check runs.
        check.revoked = True
        middleware.revocation_cache.clear()
        late = asyncio.ensure_future(middleware._authenticate(_scope(token)))
        check.release.set()
        with pytest.raises(InvalidToken):
            await late
        await asyncio.gather(early, return_exceptions=True)
        # Nothing the early check saw was kept: the next request checks again, refused.
        with pytest.raises(InvalidToken):
            await middleware._authenticate(_scope(token))

    asyncio.run(scenario())
    assert check.calls == 3


def test_a_refused_check_is_not_remembered() -> None:
    check = CountingCheck()
    check.revoked = True
    middleware = _middleware(check)
    token = token_for("viewer", ("team-a",), sid="sa-1")

    async def scenario() -> None:
        for _ in range(3):
            with pytest.raises(InvalidToken):
                await middleware._authenticate(_scope(token))

    asyncio.run(scenario())
    assert check.calls == 3


def test_with_the_revocation_cache_off_every_request_is_checked() -> None:
    check = CountingCheck()
    middleware = _middleware(check, cache_seconds=0)
    token = token_for("viewer", ("team-a",), sid="sa-1")

    async def scenario() -> None:
        await asyncio.gather(*(middleware._authenticate(_scope(token)) for _ in range(4)))

    asyncio.run(scenario())
    assert check.calls == 4
