"""Sign-in with an external OIDC issuer (authorization code + PKCE) against a local
provider speaking the protocol: discovery, JWKS, authorize and token endpoints."""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Iterator
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from fastapi.testclient import TestClient

from api.config import AuthConfig
from tests.api.security.conftest import build_secure_app
from tests.auth_support import GENEROUS_AUTH
from tests.oidc_provider import FakeOidcProvider

REDIRECT = "http://127.0.0.1:31999/session/oidc/callback"


@pytest.fixture(scope="module")
def provider() -> Iterator[FakeOidcProvider]:
    idp = FakeOidcProvider(client_id="hub-console").start()
    yield idp
    idp.close()


@pytest.fixture(scope="module")
def client(
    provider: FakeOidcProvider, security_db: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    auth = AuthConfig(
        oidc_issuer=provider.issuer,
        oidc_client_id="hub-console",
        oidc_audience="hub-console",  # the issuer's access tokens name the console
        rate_limit_per_minute=GENEROUS_AUTH.rate_limit_per_minute,
        rate_limit_burst=GENEROUS_AUTH.rate_limit_burst,
    )
    app = build_secure_app(security_db, tmp_path_factory.mktemp("oidc-sign-in"), auth)
    with TestClient(app) as test_client:
        yield test_client
    app.state.engine.dispose()


def _pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _authorize(client: TestClient, challenge: str, nonce: str, state: str = "s1") -> str:
    """What the browser does: the console's config → the issuer's authorize → a code."""
    config = client.get("/auth/oidc").json()
    answer = httpx.get(
        config["authorization_endpoint"],
        params={
            "response_type": "code",
            "client_id": config["client_id"],
            "redirect_uri": REDIRECT,
            "scope": " ".join(config["scopes"]),
            "state": state,
            "nonce": nonce,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        },
    )
    assert answer.status_code == 302, answer.text
    back = urlparse(answer.headers["location"])
    assert back._replace(query="").geturl() == REDIRECT
    query = parse_qs(back.query)
    assert query["state"] == [state]
    return query["code"][0]


def test_config_is_public_and_comes_from_discovery(
    client: TestClient, provider: FakeOidcProvider
) -> None:
    answer = client.get("/auth/oidc")
    assert answer.status_code == 200
    assert answer.json() == {
        "enabled": True,
        "issuer": provider.issuer,
        "display_name": "127.0.0.1",
        "client_id": "hub-console",
        "scopes": ["openid", "profile", "email"],
        "authorization_endpoint": f"{provider.issuer}/authorize",
    }


def test_code_with_pkce_gives_hub_tokens_mapped_from_claims_and_refreshable(
    client: TestClient,
) -> None:
    verifier, challenge = _pkce()
    nonce = secrets.token_urlsafe(16)
    code = _authorize(client, challenge, nonce)
    answer = client.post(
        "/auth/oidc/token",
        json={"code": code, "code_verifier": verifier, "redirect_uri": REDIRECT, "nonce": nonce},
    )
    assert answer.status_code == 200, answer.text
    pair = answer.json()
    me = client.get("/auth/me", headers={"Authorization": f"Bearer {pair['access_token']}"})
    assert me.status_code == 200, me.text
    assert me.json()["subject"] == "oidc:alice"
    assert (me.json()["role"], me.json()["teams"]) == ("editor", ["risk"])
    # An editor of team "risk": may create apps there, may not list API keys.
    headers = {"Authorization": f"Bearer {pair['access_token']}"}
    assert client.post("/apps", json={"name": "oidc app"}, headers=headers).status_code == 201
    assert client.get("/auth/keys", headers=headers).status_code == 403

    # The hub's refresh works for signed-in users (single use, as for API keys).
    renewed = client.post("/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert renewed.status_code == 200, renewed.text
    again = client.get(
        "/auth/me", headers={"Authorization": f"Bearer {renewed.json()['access_token']}"}
    )
    assert again.json()["subject"] == "oidc:alice"
    reused = client.post("/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert reused.status_code == 401

    # A code is single-use.
    replay = client.post(
        "/auth/oidc/token",
        json={"code": code, "code_verifier": verifier, "redirect_uri": REDIRECT, "nonce": nonce},
    )
    assert replay.status_code == 401
    assert "refused the authorization code" in replay.json()["detail"]


def test_wrong_verifier_nonce_or_signature_is_refused(
    client: TestClient, provider: FakeOidcProvider
) -> None:
    verifier, challenge = _pkce()
    code = _authorize(client, challenge, "n1")
    wrong_verifier = client.post(
        "/auth/oidc/token",
        json={"code": code, "code_verifier": _pkce()[0], "redirect_uri": REDIRECT},
    )
    assert wrong_verifier.status_code == 401

    code = _authorize(client, challenge, "n1")
    wrong_nonce = client.post(
        "/auth/oidc/token",
        json={"code": code, "code_verifier": verifier, "redirect_uri": REDIRECT, "nonce": "n2"},
    )
    assert wrong_nonce.status_code == 401
    assert "nonce" in wrong_nonce.json()["detail"]
    assert verifier not in wrong_nonce.text


def test_no_hub_role_in_the_claims_is_403(client: TestClient, provider: FakeOidcProvider) -> None:
    provider.user["roles"] = ["accountant"]
    try:
        verifier, challenge = _pkce()
        code = _authorize(client, challenge, "n")
        answer = client.post(
            "/auth/oidc/token",
            json={"code": code, "code_verifier": verifier, "redirect_uri": REDIRECT, "nonce": "n"},
        )
    finally:
        provider.user["roles"] = ["editor"]
    assert answer.status_code == 403
    assert "no hub role" in answer.json()["detail"]


def test_issuer_access_tokens_verify_with_keys_from_discovery(
    client: TestClient, provider: FakeOidcProvider
) -> None:
    """No HUB_OIDC_JWKS_URL: the bearer check finds the keys through discovery too."""
    token = provider.id_token({"sub": "bob", "roles": ["viewer"], "teams": ["risk"]}, None)
    me = client.get("/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200, me.text
    assert me.json()["subject"] == "oidc:bob"
    forged = FakeOidcProvider(client_id="hub-console")  # another key, same claims
    forged._server = provider._server  # noqa: SLF001 (same issuer URL, other key)
    bad = forged.id_token({"sub": "mallory", "roles": ["admin"]}, None)
    assert client.get("/auth/me", headers={"Authorization": f"Bearer {bad}"}).status_code == 401


def test_not_configured(anon: TestClient) -> None:
    assert anon.get("/auth/oidc").json() == {
        "enabled": False,
        "issuer": None,
        "display_name": None,
        "client_id": None,
        "scopes": [],
        "authorization_endpoint": None,
    }
    answer = anon.post(
        "/auth/oidc/token",
        json={"code": "x", "code_verifier": "v" * 43, "redirect_uri": REDIRECT},
    )
    assert answer.status_code == 404
