"""A local OpenID Connect provider for tests: the identity provider is an edge the hub
does not own, so tests talk to this HTTP server speaking the protocol instead.

Serves discovery, JWKS (a generated RSA key), ``/authorize`` (signs the configured user
in at once: no login form) and ``/token`` (authorization code + PKCE S256), with ID
tokens signed RS256. Run it alone for the console's browser test::

    python -m tests.oidc_provider --port 31555 --client-id hub-console
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm


@dataclass
class Grant:
    client_id: str
    redirect_uri: str
    challenge: str
    nonce: str | None
    claims: dict[str, Any]


@dataclass
class FakeOidcProvider:
    """Start with :meth:`start`; ``user`` is whom ``/authorize`` signs in."""

    client_id: str = "hub-console"
    user: dict[str, Any] = field(
        default_factory=lambda: {
            "sub": "alice",
            "name": "Alice Analyst",
            "email": "alice@bank.test",
            "roles": ["editor"],
            "teams": ["risk"],
        }
    )
    port: int = 0
    host: str = "127.0.0.1"
    id_token_ttl: int = 300

    def __post_init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = secrets.token_hex(4)
        self.grants: dict[str, Grant] = {}
        self.token_requests: list[dict[str, str]] = []
        self._server: ThreadingHTTPServer | None = None

    # -- lifecycle -------------------------------------------------------------

    @property
    def issuer(self) -> str:
        assert self._server is not None
        return f"http://{self.host}:{self._server.server_address[1]}"

    def start(self) -> FakeOidcProvider:
        self._server = ThreadingHTTPServer((self.host, self.port), self._handler())
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def close(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    # -- protocol --------------------------------------------------------------

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks.json",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "grant_types_supported": ["authorization_code"],
        }

    def jwks(self) -> dict[str, Any]:
        jwk = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        jwk.update(kid=self.kid, use="sig", alg="RS256")
        return {"keys": [jwk]}

    def id_token(self, claims: dict[str, Any], nonce: str | None, **overrides: Any) -> str:
        now = int(time.time())
        payload: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.client_id,
            "iat": now,
            "exp": now + self.id_token_ttl,
            **claims,
        }
        if nonce:
            payload["nonce"] = nonce
        payload.update(overrides)
        return jwt.encode(payload, self.key, algorithm="RS256", headers={"kid": self.kid})

    def authorize(self, query: dict[str, str]) -> tuple[int, dict[str, str], dict[str, Any]]:
        """``(status, headers, body)``: a redirect with a code, or a 400 saying why."""
        if query.get("response_type") != "code" or query.get("client_id") != self.client_id:
            return 400, {}, {"error": "unauthorized_client"}
        if query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
            return 400, {}, {"error": "invalid_request", "error_description": "PKCE S256 needed"}
        if "openid" not in query.get("scope", "").split():
            return 400, {}, {"error": "invalid_scope"}
        code = secrets.token_urlsafe(24)
        self.grants[code] = Grant(
            client_id=query["client_id"],
            redirect_uri=query["redirect_uri"],
            challenge=query["code_challenge"],
            nonce=query.get("nonce"),
            claims=dict(self.user),
        )
        target = (
            query["redirect_uri"]
            + ("&" if "?" in query["redirect_uri"] else "?")
            + urlencode({"code": code, "state": query.get("state", "")})
        )
        return 302, {"Location": target}, {}

    def token(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        self.token_requests.append(form)
        grant = self.grants.pop(form.get("code", ""), None)  # codes are single-use
        if form.get("grant_type") != "authorization_code" or grant is None:
            return 400, {"error": "invalid_grant"}
        if (
            form.get("client_id") != grant.client_id
            or form.get("redirect_uri") != grant.redirect_uri
        ):
            return 400, {"error": "invalid_grant", "error_description": "client or redirect"}
        verifier = form.get("code_verifier", "")
        digest = hashlib.sha256(verifier.encode()).digest()
        if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != grant.challenge:
            return 400, {"error": "invalid_grant", "error_description": "PKCE verifier"}
        return 200, {
            "access_token": secrets.token_urlsafe(24),
            "token_type": "Bearer",
            "expires_in": self.id_token_ttl,
            "id_token": self.id_token(grant.claims, grant.nonce),
        }

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def _send(self, status: int, body: dict[str, Any], headers: dict[str, str]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                url = urlparse(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path == "/.well-known/openid-configuration":
                    self._send(200, provider.discovery(), {})
                elif url.path == "/jwks.json":
                    self._send(200, provider.jwks(), {})
                elif url.path == "/authorize":
                    status, headers, body = provider.authorize(query)
                    self._send(status, body, headers)
                else:
                    self._send(404, {"error": "not_found"}, {})

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length", "0"))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if urlparse(self.path).path != "/token":
                    self._send(404, {"error": "not_found"}, {})
                    return
                status, body = provider.token(form)
                self._send(status, body, {})

            def log_message(self, *_: Any) -> None:
                return

        return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--client-id", default="hub-console")
    parser.add_argument("--roles", default="editor", help="comma-separated")
    parser.add_argument("--teams", default="risk", help="comma-separated")
    args = parser.parse_args()
    provider = FakeOidcProvider(client_id=args.client_id, port=args.port)
    provider.user["roles"] = [r for r in args.roles.split(",") if r]
    provider.user["teams"] = [t for t in args.teams.split(",") if t]
    provider.start()
    print(provider.issuer, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        provider.close()


if __name__ == "__main__":
    main()
