"""Bearer JWTs: the platform's own (HS256, ``HUB_SECRET_KEY``) and an external OIDC issuer's.

Which verifier applies is chosen by the (unverified) ``iss`` claim; each verifier
pins its own algorithms and keys, so a token signed with HS256 using the issuer's
public key as the secret (key confusion) or ``alg: none`` never verifies.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import jwt

from api.auth.oidc import DiscoveryCache, OidcError
from api.auth.principals import ROLE_ORDER, Principal, Role, role_rank
from api.config import AuthConfig
from schemas.auth import TokenPair
from storage.security import API_KEY_PREFIX

PLATFORM_ALGORITHMS = ["HS256"]
#: A little slack for clocks that disagree between machines.
LEEWAY_SECONDS = 5
TokenType = Literal["access", "refresh"]


class InvalidToken(Exception):
    """The token cannot be accepted; the message says why (safe to show: no token text)."""


@dataclass(frozen=True)
class IssuedToken:
    token: str
    jti: str
    expires_at: datetime


@dataclass(frozen=True)
class VerifiedToken:
    principal: Principal
    token_type: TokenType
    jti: str | None
    expires_at: datetime


class TokenService:
    """Issues platform tokens and verifies platform and OIDC tokens."""

    def __init__(self, config: AuthConfig) -> None:
        self.config = config
        self._jwks: jwt.PyJWKClient | None = None
        if config.oidc_issuer and config.oidc_jwks_url:
            self._jwks = jwt.PyJWKClient(
                config.oidc_jwks_url,
                cache_keys=True,
                cache_jwk_set=True,
                lifespan=config.jwks_cache_seconds,
                timeout=5,
            )

    # -- issuing ---------------------------------------------------------------

    def issue(
        self,
        *,
        subject: str,
        role: Role,
        teams: list[str] | tuple[str, ...],
        token_type: TokenType = "access",
        service_account_id: str | None = None,
        ttl_seconds: int | None = None,
        now: datetime | None = None,
    ) -> IssuedToken:
        """A signed platform token."""
        issued_at = now or datetime.now(UTC)
        if ttl_seconds is None:
            ttl_seconds = (
                self.config.access_token_ttl_seconds
                if token_type == "access"
                else self.config.refresh_token_ttl_seconds
            )
        expires_at = issued_at + timedelta(seconds=ttl_seconds)
        jti = uuid.uuid4().hex
        claims: dict[str, Any] = {
            "iss": self.config.issuer,
            "aud": self.config.audience,
            "sub": subject,
            "iat": issued_at,
            "nbf": issued_at,
            "exp": expires_at,
            "jti": jti,
            "typ": token_type,
            "role": role,
            "teams": list(teams),
        }
        if service_account_id:
            claims["sid"] = service_account_id
        token = jwt.encode(claims, self.config.secret_key, algorithm="HS256")
        return IssuedToken(token=token, jti=jti, expires_at=expires_at)

    def pair(
        self,
        *,
        subject: str,
        role: Role,
        teams: list[str] | tuple[str, ...],
        service_account_id: str | None = None,
    ) -> TokenPair:
        """An access token and the refresh token that renews it."""
        access = self.issue(
            subject=subject, role=role, teams=teams, service_account_id=service_account_id
        )
        refresh = self.issue(
            subject=subject,
            role=role,
            teams=teams,
            token_type="refresh",
            service_account_id=service_account_id,
        )
        return TokenPair(
            access_token=access.token,
            refresh_token=refresh.token,
            expires_in=self.config.access_token_ttl_seconds,
            refresh_expires_in=self.config.refresh_token_ttl_seconds,
        )

    # -- verifying -------------------------------------------------------------

    def verify(self, token: str, *, expected_type: TokenType = "access") -> VerifiedToken:
        """The verified token, or :class:`InvalidToken`."""
        if token.startswith(API_KEY_PREFIX):
            raise InvalidToken(
                "an API key was sent as the bearer token; exchange the key for a token "
                'first (POST /auth/token with {"api_key": "<key>"}) and send that token'
            )
        try:
            unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError as exc:
            raise InvalidToken("malformed bearer token") from exc
        issuer = unverified.get("iss")
        if issuer == self.config.issuer:
            return self._verify_platform(token, expected_type)
        if self.config.oidc_issuer and issuer == self.config.oidc_issuer:
            if expected_type != "access":
                raise InvalidToken("only platform refresh tokens can be refreshed")
            return self._verify_oidc(token)
        raise InvalidToken("token issuer is not trusted")

    def _verify_platform(self, token: str, expected_type: TokenType) -> VerifiedToken:
        try:
            claims = jwt.decode(
                token,
                self.config.secret_key,
                algorithms=PLATFORM_ALGORITHMS,
                audience=self.config.audience,
                issuer=self.config.issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "iss", "aud", "sub", "jti", "iat"]},
            )
        except jwt.PyJWTError as exc:
            raise InvalidToken(_reason(exc)) from exc
        if claims.get("typ") != expected_type:
            raise InvalidToken(f"expected an {expected_type} token")
        role = claims.get("role")
        teams = claims.get("teams")
        if role not in ROLE_ORDER or not isinstance(teams, list):
            raise InvalidToken("token carries no valid role and teams")
        principal = Principal(
            subject=str(claims["sub"]),
            role=role,
            teams=tuple(str(t) for t in teams),
            source="platform",
            token_id=str(claims["jti"]),
            service_account_id=claims.get("sid"),
        )
        return VerifiedToken(
            principal=principal,
            token_type=expected_type,
            jti=str(claims["jti"]),
            expires_at=datetime.fromtimestamp(int(claims["exp"]), UTC),
        )

    def _issuer_jwks(self) -> jwt.PyJWKClient:
        """The issuer's JWKS: ``HUB_OIDC_JWKS_URL``, else its discovery document's."""
        if self._jwks is None:
            assert self.config.oidc_issuer is not None
            try:
                url = DiscoveryCache(self.config.oidc_issuer, 0).get().jwks_uri
            except OidcError as exc:
                raise InvalidToken(f"the issuer's keys are unavailable ({exc})") from exc
            self._jwks = jwt.PyJWKClient(
                url,
                cache_keys=True,
                cache_jwk_set=True,
                lifespan=self.config.jwks_cache_seconds,
                timeout=5,
            )
        return self._jwks

    def _verify_oidc(self, token: str) -> VerifiedToken:
        try:
            header = jwt.get_unverified_header(token)
            if header.get("alg") not in self.config.oidc_algorithms:
                raise InvalidToken("token algorithm is not accepted for this issuer")
            signing_key = self._issuer_jwks().get_signing_key_from_jwt(token)
            claims = jwt.decode(
                token,
                signing_key.key,
                algorithms=list(self.config.oidc_algorithms),
                audience=self.config.oidc_audience or self.config.audience,
                issuer=self.config.oidc_issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "iss", "aud", "sub"]},
            )
        except jwt.PyJWKClientError as exc:
            raise InvalidToken("token signing key is not in the issuer's JWKS") from exc
        except jwt.PyJWTError as exc:
            raise InvalidToken(_reason(exc)) from exc
        role = _highest_role(claims.get(self.config.oidc_roles_claim))
        if role is None:
            raise InvalidToken(
                f"token carries no hub role in claim {self.config.oidc_roles_claim!r}"
            )
        raw_teams = claims.get(self.config.oidc_teams_claim) or []
        teams = (raw_teams,) if isinstance(raw_teams, str) else tuple(str(t) for t in raw_teams)
        jti = claims.get("jti")
        principal = Principal(
            subject=f"oidc:{claims['sub']}",
            role=role,
            teams=teams,
            source="oidc",
            token_id=str(jti) if jti else None,
        )
        return VerifiedToken(
            principal=principal,
            token_type="access",
            jti=str(jti) if jti else None,
            expires_at=datetime.fromtimestamp(int(claims["exp"]), UTC),
        )


def _highest_role(value: Any) -> Role | None:
    names = [value] if isinstance(value, str) else list(value or [])
    known = [n for n in names if isinstance(n, str) and n in ROLE_ORDER]
    if not known:
        return None
    best: Role = max(known, key=role_rank)
    return best


def _reason(exc: jwt.PyJWTError) -> str:
    if isinstance(exc, jwt.ExpiredSignatureError):
        return "token has expired"
    if isinstance(exc, jwt.ImmatureSignatureError):
        return "token is not valid yet"
    if isinstance(exc, jwt.InvalidAudienceError):
        return "token audience is wrong"
    if isinstance(exc, jwt.InvalidIssuerError):
        return "token issuer is wrong"
    if isinstance(exc, jwt.MissingRequiredClaimError):
        return f"token lacks the required claim {exc.claim!r}"
    if isinstance(exc, jwt.InvalidAlgorithmError):
        return "token algorithm is not accepted"
    if isinstance(exc, jwt.InvalidSignatureError):
        return "token signature does not verify"
    return "token is invalid"
