"""Tokens: bad ones are 401, API keys → tokens → refresh → revoke, and an external OIDC issuer."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from fastapi.testclient import TestClient
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from api.config import AuthConfig
from tests.api.security.conftest import build_secure_app
from tests.auth_support import GENEROUS_AUTH, TEST_AUTH, admin_headers, token_for

OIDC_ISSUER = "https://login.example.test/realms/bank"
OIDC_AUDIENCE = "agentic-hub"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


# ----------------------------------------------------------------- a local JWKS server


class JwksServer:
    """Serves a JWKS document over HTTP and counts how often it is fetched."""

    def __init__(self, jwks: dict[str, Any]) -> None:
        self.jwks = jwks
        self.hits = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                outer.hits += 1
                body = json.dumps(outer.jwks).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/jwks.json"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def ec_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


@pytest.fixture(scope="module")
def jwks_server(
    rsa_key: rsa.RSAPrivateKey, ec_key: ec.EllipticCurvePrivateKey
) -> Iterator[JwksServer]:
    rsa_jwk = json.loads(RSAAlgorithm.to_jwk(rsa_key.public_key()))
    ec_jwk = json.loads(ECAlgorithm.to_jwk(ec_key.public_key()))
    rsa_jwk.update(kid="rsa-1", use="sig", alg="RS256")
    ec_jwk.update(kid="ec-1", use="sig", alg="ES256")
    server = JwksServer({"keys": [rsa_jwk, ec_jwk]})
    yield server
    server.close()


@pytest.fixture(scope="module")
def oidc_client(
    security_db: str, tmp_path_factory: pytest.TempPathFactory, jwks_server: JwksServer
) -> Iterator[TestClient]:
    auth = AuthConfig(
        oidc_issuer=OIDC_ISSUER,
        oidc_audience=OIDC_AUDIENCE,
        oidc_jwks_url=jwks_server.url,
        rate_limit_per_minute=GENEROUS_AUTH.rate_limit_per_minute,
        rate_limit_burst=GENEROUS_AUTH.rate_limit_burst,
    )
    app = build_secure_app(security_db, tmp_path_factory.mktemp("oidc"), auth)
    with TestClient(app) as client:
        yield client
    app.state.engine.dispose()


def oidc_token(key: Any, alg: str, kid: str, **overrides: Any) -> str:
    now = datetime.now(UTC)
    claims: dict[str, Any] = {
        "iss": OIDC_ISSUER,
        "aud": OIDC_AUDIENCE,
        "sub": "alice",
        "iat": now,
        "exp": now + timedelta(minutes=5),
        "roles": ["viewer", "editor"],
        "teams": ["risk"],
    }
    claims.update(overrides)
    claims = {k: v for k, v in claims.items() if v is not None}
    return jwt.encode(claims, key, algorithm=alg, headers={"kid": kid})


# ----------------------------------------------------------------- platform tokens


def test_a_valid_token_is_accepted(anon: TestClient) -> None:
    answer = anon.get("/auth/me", headers=bearer(token_for("operator", ["risk"])))
    assert answer.status_code == 200
    assert answer.json()["role"] == "operator" and answer.json()["teams"] == ["risk"]


BAD_PLATFORM_TOKENS = {
    "expired": lambda: token_for(ttl=timedelta(minutes=-5)),
    "not yet valid": lambda: token_for(nbf=datetime.now(UTC) + timedelta(minutes=10)),
    "wrong audience": lambda: token_for(aud="another-api"),
    "wrong issuer": lambda: token_for(iss="https://elsewhere.test"),
    "wrong secret": lambda: token_for(
        config=AuthConfig(secret_key="another-secret-that-is-long-enough-000000")
    ),
    "no exp": lambda: jwt.encode(
        {
            "iss": TEST_AUTH.issuer,
            "aud": TEST_AUTH.audience,
            "sub": "x",
            "jti": "j",
            "iat": 1,
            "typ": "access",
            "role": "admin",
            "teams": ["*"],
        },
        TEST_AUTH.secret_key,
        algorithm="HS256",
    ),
    "refresh token used as access": lambda: token_for(typ="refresh"),
    "unknown role": lambda: token_for(role="superuser"),
    "garbage": lambda: "not.a.jwt",
}


@pytest.mark.parametrize("kind", sorted(BAD_PLATFORM_TOKENS))
def test_bad_platform_tokens_are_401(anon: TestClient, kind: str) -> None:
    answer = anon.get("/apps", headers=bearer(BAD_PLATFORM_TOKENS[kind]()))
    assert answer.status_code == 401, kind
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")


def test_alg_none_is_401(anon: TestClient) -> None:
    valid = token_for()
    header, payload, _ = valid.split(".")
    unsigned = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{payload}."
    assert anon.get("/apps", headers=bearer(unsigned)).status_code == 401
    assert header  # the original header was HS256


def test_tampered_token_is_401(anon: TestClient) -> None:
    header, payload, signature = token_for("viewer", ["risk"]).split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims.update(role="admin", teams=["*"])
    forged = f"{header}.{_b64(claims)}.{signature}"
    assert anon.get("/apps", headers=bearer(forged)).status_code == 401


def test_tokens_in_other_schemes_or_missing_are_401(anon: TestClient) -> None:
    assert anon.get("/apps").status_code == 401
    assert anon.get("/apps", headers={"Authorization": f"Basic {token_for()}"}).status_code == 401
    assert anon.get("/apps", headers={"Authorization": "Bearer "}).status_code == 401


# ----------------------------------------------------------------- keys, refresh, revocation


def test_api_key_to_tokens_refresh_and_revocation(anon: TestClient) -> None:
    created = anon.post(
        "/auth/keys",
        json={"name": "ci", "role": "operator", "teams": ["risk"]},
        headers=admin_headers(),
    )
    assert created.status_code == 201
    key = created.json()["api_key"]
    key_id = created.json()["id"]
    # The key is never shown again and is not stored in clear.
    listed = anon.get("/auth/keys", headers=admin_headers()).text
    assert key not in listed and key_id in listed

    assert anon.post("/auth/token", json={"api_key": key + "x"}).status_code == 401
    pair = anon.post("/auth/token", json={"api_key": key}).json()
    me = anon.get("/auth/me", headers=bearer(pair["access_token"])).json()
    assert me["role"] == "operator" and me["teams"] == ["risk"]
    # A refresh token is not an access token.
    assert anon.get("/apps", headers=bearer(pair["refresh_token"])).status_code == 401

    renewed = anon.post("/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert renewed.status_code == 200
    # Refresh tokens are single-use.
    replay = anon.post("/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert replay.status_code == 401

    access = renewed.json()["access_token"]
    assert anon.get("/apps", headers=bearer(access)).status_code == 200
    revoke = anon.post("/auth/revoke", json={"token": access}, headers=bearer(access))
    assert revoke.status_code == 204
    assert anon.get("/apps", headers=bearer(access)).status_code == 401

    # Revoking the key stops its other tokens at once, and the key itself.
    other = anon.post("/auth/token", json={"api_key": key}).json()
    assert anon.get("/apps", headers=bearer(other["access_token"])).status_code == 200
    assert anon.delete(f"/auth/keys/{key_id}", headers=admin_headers()).status_code == 204
    assert anon.get("/apps", headers=bearer(other["access_token"])).status_code == 401
    assert (
        anon.post("/auth/refresh", json={"refresh_token": other["refresh_token"]}).status_code
        == 401
    )
    assert anon.post("/auth/token", json={"api_key": key}).status_code == 401


def test_api_keys_are_stored_only_as_hashes(anon: TestClient, security_db: str) -> None:
    key = anon.post(
        "/auth/keys", json={"name": "h", "role": "viewer", "teams": ["x"]}, headers=admin_headers()
    ).json()["api_key"]
    assert key.encode() not in Path(security_db.removeprefix("sqlite:///")).read_bytes()


# ----------------------------------------------------------------- OIDC


def test_oidc_rs256_and_es256_tokens_are_accepted(
    oidc_client: TestClient, rsa_key: Any, ec_key: Any
) -> None:
    for key, alg, kid in ((rsa_key, "RS256", "rsa-1"), (ec_key, "ES256", "ec-1")):
        answer = oidc_client.get("/auth/me", headers=bearer(oidc_token(key, alg, kid)))
        assert answer.status_code == 200, (alg, answer.text)
        assert answer.json() == {
            "subject": "oidc:alice",
            "role": "editor",
            "teams": ["risk"],
            "source": "oidc",
        }


def test_the_jwks_is_cached(oidc_client: TestClient, rsa_key: Any, jwks_server: JwksServer) -> None:
    oidc_client.get("/auth/me", headers=bearer(oidc_token(rsa_key, "RS256", "rsa-1")))
    before = jwks_server.hits
    for _ in range(5):
        oidc_client.get("/auth/me", headers=bearer(oidc_token(rsa_key, "RS256", "rsa-1")))
    assert jwks_server.hits == before


def test_bad_oidc_tokens_are_401(oidc_client: TestClient, rsa_key: Any, ec_key: Any) -> None:
    public_pem = rsa_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.now(UTC)
    bad = {
        "expired": oidc_token(rsa_key, "RS256", "rsa-1", exp=now - timedelta(minutes=5)),
        "not yet valid": oidc_token(rsa_key, "RS256", "rsa-1", nbf=now + timedelta(minutes=10)),
        "wrong audience": oidc_token(rsa_key, "RS256", "rsa-1", aud="someone-else"),
        "no role": oidc_token(rsa_key, "RS256", "rsa-1", roles=["auditor"]),
        "unknown key": oidc_token(stranger, "RS256", "rsa-1"),
        "unknown kid": oidc_token(rsa_key, "RS256", "rsa-9"),
        # HS/RS confusion: HS256 signed with the issuer's public key as the secret.
        "hs256 with the public key": _hs256_with_public_key(public_pem),
        # Wrong issuer: a stranger's RS256 token naming another issuer.
        "wrong issuer": oidc_token(rsa_key, "RS256", "rsa-1", iss="https://evil.test"),
        "alg none": f"{_b64({'alg': 'none', 'kid': 'rsa-1'})}."
        f"{oidc_token(rsa_key, 'RS256', 'rsa-1').split('.')[1]}.",
    }
    for kind, token in bad.items():
        answer = oidc_client.get("/auth/me", headers=bearer(token))
        assert answer.status_code == 401, f"{kind}: {answer.status_code} {answer.text}"


def _hs256_with_public_key(public_pem: bytes) -> str:
    now = datetime.now(UTC)
    header = {"alg": "HS256", "typ": "JWT", "kid": "rsa-1"}
    claims = {
        "iss": OIDC_ISSUER,
        "aud": OIDC_AUDIENCE,
        "sub": "mallory",
        "exp": int((now + timedelta(minutes=5)).timestamp()),
        "roles": ["admin"],
        "teams": ["*"],
    }
    import hashlib
    import hmac

    signing_input = f"{_b64(header)}.{_b64(claims)}".encode()
    signature = hmac.new(public_pem, signing_input, hashlib.sha256).digest()
    return f"{signing_input.decode()}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"


def test_platform_tokens_still_work_next_to_oidc(oidc_client: TestClient) -> None:
    assert oidc_client.get("/apps", headers=admin_headers()).status_code == 200
