"""Sign-in with an external OpenID Connect issuer (authorization code + PKCE).

The console sends the user to the issuer's ``authorization_endpoint`` (found in the
issuer's discovery document) with a PKCE challenge; the issuer sends back a code; the
console hands the code and its verifier to ``POST /auth/oidc/token``, which redeems it
at the issuer's ``token_endpoint``, verifies the ID token (signature through the
issuer's JWKS, ``iss``, ``aud`` = the client id, expiry, ``nonce``), maps its claims to a
hub principal and answers the hub's own token pair, as ``POST /auth/token`` does.

Claims → principal (docs/security.md "OIDC sign-in"):

* subject: ``oidc:<sub>``;
* role: the highest hub role (viewer < operator < editor < admin) listed in the claim
  ``HUB_OIDC_ROLES_CLAIM`` (default ``roles``; a string or a list), else
  ``HUB_OIDC_DEFAULT_ROLE``; neither: the sign-in is refused (403);
* teams: the claim ``HUB_OIDC_TEAMS_CLAIM`` (default ``teams``; a string or a list).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

import httpx
import jwt

from api.auth.principals import ROLE_ORDER, Principal, Role, role_rank
from api.config import AuthConfig

#: Slack for clocks that disagree between the issuer and the hub.
LEEWAY_SECONDS = 30
HTTP_TIMEOUT_SECONDS = 5.0


class OidcError(Exception):
    """The sign-in cannot go on; the message is safe to show (no token text)."""


class OidcForbidden(OidcError):
    """The issuer vouched for the user, but the claims give no hub role."""


@dataclass(frozen=True)
class Discovery:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    end_session_endpoint: str | None = None


class DiscoveryCache:
    """The issuer's discovery document, fetched on first use and kept ``ttl`` seconds."""

    def __init__(self, issuer: str, ttl_seconds: float) -> None:
        self.issuer = issuer.rstrip("/")
        self.ttl = ttl_seconds
        self._lock = threading.Lock()
        self._doc: Discovery | None = None
        self._fetched_at = 0.0

    @property
    def url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def get(self) -> Discovery:
        with self._lock:
            if self._doc is None or time.monotonic() - self._fetched_at > self.ttl:
                self._doc = self._fetch()
                self._fetched_at = time.monotonic()
            return self._doc

    def _fetch(self) -> Discovery:
        try:
            answer = httpx.get(self.url, timeout=HTTP_TIMEOUT_SECONDS)
            answer.raise_for_status()
            doc = answer.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise OidcError(
                f"cannot read the issuer's discovery document {self.url}: {exc}"
            ) from exc
        if not isinstance(doc, dict) or str(doc.get("issuer", "")).rstrip("/") != self.issuer:
            raise OidcError(
                f"the discovery document at {self.url} names another issuer "
                f"({doc.get('issuer') if isinstance(doc, dict) else None!r})"
            )
        try:
            return Discovery(
                issuer=str(doc["issuer"]),
                authorization_endpoint=str(doc["authorization_endpoint"]),
                token_endpoint=str(doc["token_endpoint"]),
                jwks_uri=str(doc["jwks_uri"]),
                end_session_endpoint=doc.get("end_session_endpoint"),
            )
        except KeyError as exc:
            raise OidcError(f"the discovery document at {self.url} lacks {exc}") from exc


def highest_role(value: Any) -> Role | None:
    """The highest hub role named in a claim (a string or a list), or ``None``."""
    names = [value] if isinstance(value, str) else list(value or [])
    known = [n for n in names if isinstance(n, str) and n in ROLE_ORDER]
    if not known:
        return None
    best: Role = max(known, key=role_rank)
    return best


def teams_of(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    return tuple(str(t) for t in value or [])


class OidcSignIn:
    """Redeems authorization codes and turns verified ID tokens into principals."""

    def __init__(self, config: AuthConfig) -> None:
        if not (config.oidc_issuer and config.oidc_client_id):
            raise ValueError("OIDC sign-in needs HUB_OIDC_ISSUER and HUB_OIDC_CLIENT_ID")
        self.config = config
        self.client_id = config.oidc_client_id
        self.discovery = DiscoveryCache(config.oidc_issuer, config.jwks_cache_seconds)
        self._jwks: jwt.PyJWKClient | None = None
        self._jwks_lock = threading.Lock()

    def jwks(self) -> jwt.PyJWKClient:
        with self._jwks_lock:
            if self._jwks is None:
                url = self.config.oidc_jwks_url or self.discovery.get().jwks_uri
                self._jwks = jwt.PyJWKClient(
                    url,
                    cache_keys=True,
                    cache_jwk_set=True,
                    lifespan=self.config.jwks_cache_seconds,
                    timeout=int(HTTP_TIMEOUT_SECONDS),
                )
            return self._jwks

    def redeem(self, code: str, code_verifier: str, redirect_uri: str) -> dict[str, Any]:
        """The issuer's token response for ``code`` (PKCE: ``code_verifier``)."""
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "client_id": self.client_id,
            "code_verifier": code_verifier,
        }
        auth = (
            (self.client_id, self.config.oidc_client_secret)
            if self.config.oidc_client_secret
            else None
        )
        endpoint = self.discovery.get().token_endpoint
        try:
            answer = httpx.post(endpoint, data=form, auth=auth, timeout=HTTP_TIMEOUT_SECONDS)
        except httpx.HTTPError as exc:
            raise OidcError(f"cannot reach the issuer's token endpoint: {exc}") from exc
        if answer.status_code != 200:
            reason = ""
            try:
                body = answer.json()
                reason = f"{body.get('error', '')} {body.get('error_description', '')}".strip()
            except ValueError:
                pass
            raise OidcError(
                f"the issuer refused the authorization code ({answer.status_code}"
                f"{': ' + reason[:200] if reason else ''}); sign in again"
            )
        try:
            tokens: dict[str, Any] = answer.json()
        except ValueError as exc:
            raise OidcError("the issuer's token response is not JSON") from exc
        if not isinstance(tokens.get("id_token"), str):
            raise OidcError("the issuer's token response has no id_token (is 'openid' a scope?)")
        return tokens

    def verify_id_token(self, id_token: str, nonce: str | None) -> dict[str, Any]:
        """The ID token's claims after checking signature, issuer, audience, expiry, nonce."""
        try:
            header = jwt.get_unverified_header(id_token)
            if header.get("alg") not in self.config.oidc_algorithms:
                raise OidcError("the ID token's algorithm is not accepted")
            key = self.jwks().get_signing_key_from_jwt(id_token)
            claims: dict[str, Any] = jwt.decode(
                id_token,
                key.key,
                algorithms=list(self.config.oidc_algorithms),
                audience=self.client_id,
                issuer=self.config.oidc_issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.PyJWKClientError as exc:
            raise OidcError("the ID token's signing key is not in the issuer's JWKS") from exc
        except jwt.PyJWTError as exc:
            raise OidcError(f"the ID token does not verify: {exc}") from exc
        if nonce is not None and claims.get("nonce") != nonce:
            raise OidcError("the ID token's nonce does not match this sign-in; sign in again")
        return claims

    def principal(self, claims: dict[str, Any]) -> Principal:
        """The hub principal the claims stand for (see the module's mapping)."""
        role = highest_role(claims.get(self.config.oidc_roles_claim))
        role = role or self.config.oidc_default_role
        if role is None:
            raise OidcForbidden(
                f"your account at {self.config.oidc_issuer} carries no hub role in the "
                f"claim {self.config.oidc_roles_claim!r} (one of {', '.join(ROLE_ORDER)}); "
                "ask an administrator to grant one"
            )
        return Principal(
            subject=f"oidc:{claims['sub']}",
            role=role,
            teams=teams_of(claims.get(self.config.oidc_teams_claim)),
            source="oidc",
        )
