"""The one way tests authenticate against the API.

Every API built in a test (``create_app(ApiConfig(...))``) or started in dev mode
(``hub api``, ``hub up`` without ``HUB_SECRET_KEY``) verifies tokens signed with
:data:`api.config.DEV_SECRET_KEY`, so tests mint their own tokens:

    from tests.auth_support import admin_headers, token_for
    client.get("/apps", headers=admin_headers())
    TestClient(app, headers=admin_headers())             # every request as admin
    token_for("viewer", ["team-a"])                       # a viewer of team-a

Fixtures (import them into your conftest: ``from tests.auth_support import admin_auth``):
``admin_auth`` gives the admin headers. For a stack started with ``hub up``, use
:func:`headers_from_home` (reads the admin key written under ``HUB_HOME``).
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from fastapi import FastAPI

from api.auth.dependencies import install_role_documentation
from api.auth.middleware import AuthenticationMiddleware
from api.auth.principals import Role
from api.auth.rate_limits import RateLimiter
from api.auth.tokens import TokenService
from api.config import AuthConfig
from storage.database import create_db_engine, create_session_factory
from storage.migrations import upgrade

#: The auth settings of every test API unless a test says otherwise.
TEST_AUTH = AuthConfig()
#: Rate limits high enough that fuzzing and paging tests never meet them.
GENEROUS_AUTH = AuthConfig(rate_limit_per_minute=1_000_000, rate_limit_burst=1_000_000)


def token_for(
    role: Role = "admin",
    teams: Sequence[str] = ("*",),
    *,
    subject: str | None = None,
    config: AuthConfig = TEST_AUTH,
    ttl: timedelta = timedelta(hours=1),
    **claims: Any,
) -> str:
    """A platform access token for ``role`` in ``teams`` (``*``: every team)."""
    now = datetime.now(UTC)
    payload: dict[str, Any] = {
        "iss": config.issuer,
        "aud": config.audience,
        "sub": subject or f"test-{role}-{'-'.join(teams)}",
        "iat": now,
        "nbf": now,
        "exp": now + ttl,
        "jti": uuid.uuid4().hex,
        "typ": "access",
        "role": role,
        "teams": list(teams),
    }
    payload.update(claims)
    return jwt.encode(payload, config.secret_key, algorithm="HS256")


def auth_headers(
    role: Role = "admin", teams: Sequence[str] = ("*",), **kwargs: Any
) -> dict[str, str]:
    """``{"Authorization": "Bearer …"}`` for ``role`` in ``teams``."""
    return {"Authorization": f"Bearer {token_for(role, teams, **kwargs)}"}


def admin_headers() -> dict[str, str]:
    """Headers of an admin of every team."""
    return auth_headers("admin", ("*",))


def headers_from_home(api_url: str, home: Path) -> dict[str, str]:
    """Headers for a stack started by ``hub up``: its admin key exchanged for a token."""
    key = (home / "admin.key").read_text().strip()
    answer = httpx.post(f"{api_url.rstrip('/')}/auth/token", json={"api_key": key}, timeout=30)
    answer.raise_for_status()
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


@pytest.fixture
def admin_auth() -> dict[str, str]:
    """Admin headers for every team."""
    return admin_headers()


def secure_test_app(app: FastAPI, database_url: str | None = None) -> FastAPI:
    """Give a hand-built FastAPI app (a single router under test) the API's authentication.

    ``create_app`` does this itself; tests that mount one router on a bare app call
    this so the router's role checks and audit writes work as in production. Without
    ``database_url`` a fresh migrated SQLite file is made for the app.
    """
    if database_url is None:
        folder = Path(tempfile.mkdtemp(prefix="hub-auth-test-"))
        database_url = f"sqlite:///{folder / 'hub.db'}"
        upgrade(database_url)
    engine = create_db_engine(database_url)
    app.state.engine = engine
    app.state.session_factory = create_session_factory(engine)
    app.state.token_service = TokenService(GENEROUS_AUTH)
    install_role_documentation(app)
    app.add_middleware(
        AuthenticationMiddleware,
        tokens=app.state.token_service,
        session_factory=app.state.session_factory,
        limiter=RateLimiter(GENEROUS_AUTH.rate_limit_per_minute, GENEROUS_AUTH.rate_limit_burst),
    )
    return app
