"""ASGI middleware: authentication with per-principal rate limits, and security headers.

Authentication runs for every request before routing, so a route that forgot to
declare a role is still never reachable anonymously; roles are then checked per
route by :func:`api.auth.dependencies.require_role`.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Callable

import anyio
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.auth.principals import ALL_TEAMS, Principal
from api.auth.rate_limits import RateLimiter, retry_after_header
from api.auth.revocation_cache import RevocationCache, RevocationKey
from api.auth.token_cache import VerifiedTokenCache
from api.auth.tokens import InvalidToken, TokenService, VerifiedToken
from api.docs.router import PUBLIC_ASSET_PATHS
from storage.security import RevokedTokenRepository, ServiceAccountRepository

logger = logging.getLogger("hub.api.auth")

#: Reachable without a token (each is also declared public on its route).
PUBLIC_PATHS = frozenset(
    {
        "/",
        "/health",
        "/ready",
        "/docs",
        "/docs/oauth2-redirect",
        "/redoc",
        "/openapi.json",
        "/auth/token",
        "/auth/refresh",
        "/auth/oidc",
        "/auth/oidc/token",
        *PUBLIC_ASSET_PATHS,
    }
)

#: Reachable without a token under these prefixes: signed webhooks, whose signature is
#: the credential (checked by the route).
PUBLIC_PREFIXES = ("/hooks/",)

LOCAL_ADMIN = Principal(subject="local-admin", role="admin", teams=(ALL_TEAMS,), source="local")
#: Who sends the metrics token (``HUB_METRICS_TOKEN``): a viewer of every team, admitted on
#: ``/metrics`` only (it reads the platform-wide families there).
METRICS_SCRAPER = Principal(
    subject="metrics-scraper", role="viewer", teams=(ALL_TEAMS,), source="metrics-token"
)
METRICS_PATH = "/metrics"


async def _send_json(
    send: Send, status: int, detail: str, headers: dict[str, str] | None = None
) -> None:
    body = json.dumps({"detail": detail}).encode()
    raw_headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    for name, value in (headers or {}).items():
        raw_headers.append((name.lower().encode(), value.encode()))
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": body})


class AuthenticationMiddleware:
    """Bearer tokens → :class:`Principal` (in ``request.state.principal`` and a context var)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        tokens: TokenService,
        session_factory: Callable[[], Session],
        limiter: RateLimiter,
        revocation_cache: RevocationCache | None = None,
        token_cache: VerifiedTokenCache | None = None,
        disabled: bool = False,
        metrics_token: str | None = None,
    ) -> None:
        self.app = app
        self.metrics_token = metrics_token
        self.tokens = tokens
        self.session_factory = session_factory
        self.limiter = limiter
        self.revocation_cache = revocation_cache or RevocationCache(0)
        self.token_cache = token_cache or VerifiedTokenCache()
        self.disabled = disabled
        #: Revocation checks in flight: key → (cache generation it started in, the check).
        self._checks: dict[RevocationKey, tuple[int, asyncio.Future[None]]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        principal: Principal | None
        if self.disabled:
            principal = LOCAL_ADMIN
        elif path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES):
            principal = None
        else:
            try:
                principal = await self._authenticate(scope)
            except SQLAlchemyError:
                logger.warning("cannot check token revocation: the database is unreachable")
                await _send_json(
                    send,
                    503,
                    "The database is unreachable, so tokens cannot be checked; "
                    "check HUB_DATABASE_URL and that the server is up.",
                )
                return
            except InvalidToken as exc:
                await _send_json(
                    send,
                    401,
                    f"Not authenticated: {exc}. Send 'Authorization: Bearer <token>'; "
                    "get a token with POST /auth/token.",
                    {"WWW-Authenticate": 'Bearer error="invalid_token"'},
                )
                return
        rate_key = f"principal:{principal.subject}" if principal else f"ip:{_client_ip(scope)}"
        # Probes are never limited: an orchestrator must always see the process.
        wait = None if path in ("/health", "/ready") else await self.limiter.acquire(rate_key)
        if wait is not None:
            await _send_json(
                send,
                429,
                "Too many requests; wait for the number of seconds in Retry-After and retry.",
                {"Retry-After": retry_after_header(wait)},
            )
            return
        scope.setdefault("state", {})["principal"] = principal
        await self.app(scope, receive, send)

    async def _authenticate(self, scope: Scope) -> Principal:
        header = _header(scope, b"authorization")
        if header is None:
            raise InvalidToken("no bearer token")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise InvalidToken("the Authorization header is not 'Bearer <token>'")
        if (
            self.metrics_token
            and scope.get("path") == METRICS_PATH
            and hmac.compare_digest(token.strip().encode(), self.metrics_token.encode())
        ):
            return METRICS_SCRAPER
        verified = self._verify(token.strip())
        key = (verified.jti, verified.principal.service_account_id)
        if self.revocation_cache.is_known_valid(key):
            return verified.principal
        generation = self.revocation_cache.generation()
        if not self.revocation_cache.enabled:
            await anyio.to_thread.run_sync(self._refuse_revoked, verified)
            return verified.principal
        # When a verdict runs out, every request of that token in flight misses at once;
        # they share one database check instead of each taking a worker thread. Only a
        # check started since the last revoke (same generation) is shared.
        running = self._checks.get(key)
        if running is None or running[0] != generation:
            task = asyncio.ensure_future(self._check_revocation(key, verified, generation))
            running = self._checks[key] = (generation, task)
        await asyncio.shield(running[1])
        return verified.principal

    async def _check_revocation(
        self, key: RevocationKey, verified: VerifiedToken, generation: int
    ) -> None:
        try:
            await anyio.to_thread.run_sync(self._refuse_revoked, verified)
            self.revocation_cache.remember(key, generation)
        finally:
            if self._checks.get(key, (None,))[0] == generation:
                del self._checks[key]

    def _verify(self, token: str) -> VerifiedToken:
        # The signature and claims of a token seen before are not checked again until
        # it expires; whether it was revoked is checked below, as for a new token.
        cache_key = self.token_cache.key(token)
        verified = self.token_cache.get(cache_key)
        if verified is None:
            verified = self.tokens.verify(token)
            self.token_cache.put(cache_key, verified)
        return verified

    def _refuse_revoked(self, verified: VerifiedToken) -> None:
        with self.session_factory() as session:
            refuse_revoked(session, verified)


def refuse_revoked(session: Session, verified: VerifiedToken) -> None:
    """:class:`InvalidToken` when the token or the service account behind it was revoked."""
    if verified.jti and RevokedTokenRepository(session).is_revoked(verified.jti):
        raise InvalidToken("token has been revoked")
    account_id = verified.principal.service_account_id
    if account_id:
        account = ServiceAccountRepository(session).get(account_id)
        if account is None or account.revoked_at is not None:
            raise InvalidToken("the API key behind this token has been revoked")


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


def _client_ip(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


#: Headers on every response. The API serves JSON only, so the CSP forbids everything;
#: the interactive docs run Swagger UI / ReDoc from this server's own assets (never a
#: CDN: ``api/docs/router.py``) and get a policy allowing exactly that.
SECURITY_HEADERS: dict[str, str] = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "Cache-Control": "no-store",
}
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; "
    "frame-ancestors 'none'"
)


#: :data:`SECURITY_HEADERS` as ASGI header pairs, encoded once.
_ENCODED_HEADERS: tuple[tuple[bytes, bytes], ...] = tuple(
    (name.lower().encode(), value.encode()) for name, value in SECURITY_HEADERS.items()
)
_ENCODED_DOCS_HEADERS: tuple[tuple[bytes, bytes], ...] = tuple(
    (name, DOCS_CSP.encode() if name == b"content-security-policy" else value)
    for name, value in _ENCODED_HEADERS
)
_DOCS_PATHS = frozenset({"/docs", "/redoc", "/docs/oauth2-redirect"})


class SecurityHeadersMiddleware:
    """Adds :data:`SECURITY_HEADERS` to every HTTP response (without overriding a route's own)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        wanted = _ENCODED_DOCS_HEADERS if scope.get("path", "") in _DOCS_PATHS else _ENCODED_HEADERS

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {bytes(k).lower() for k, _ in headers}
                headers.extend(pair for pair in wanted if pair[0] not in present)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
