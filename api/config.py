"""What the API needs to run, given by the composition root (``hub``), never read here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

#: Resolves a prompt URI (``mlflow:/prompts/...``) to ``(text, version)``; raises
#: ``LookupError`` when the prompt does not exist. Supplied by the prompts integration.
PromptResolver = Callable[[str], tuple[str, str]]


#: The signing secret used when none is configured; the hub's settings refuse it
#: outside development, and tests sign their tokens with it (tests/auth_support.py).
DEV_SECRET_KEY = "dev-insecure-secret-key-change-me"


@dataclass(frozen=True)
class AuthConfig:
    """How requests are authenticated (see docs/security.md)."""

    #: ``disabled`` lets every request act as a local admin; the hub allows it only
    #: when the API binds a loopback address.
    mode: Literal["enabled", "disabled"] = "enabled"
    secret_key: str = DEV_SECRET_KEY
    issuer: str = "agentic-hub"
    audience: str = "agentic-hub-api"
    access_token_ttl_seconds: int = 900
    refresh_token_ttl_seconds: int = 8 * 3600
    #: External OpenID Connect issuer (RS256/ES256 through its JWKS); off when ``None``.
    oidc_issuer: str | None = None
    oidc_audience: str | None = None
    oidc_jwks_url: str | None = None
    oidc_algorithms: tuple[str, ...] = ("RS256", "ES256")
    oidc_roles_claim: str = "roles"
    oidc_teams_claim: str = "teams"
    #: Console sign-in (authorization code + PKCE): the client registered at the issuer.
    oidc_client_id: str | None = None
    #: Only for a confidential client; a public client (PKCE alone) has none.
    oidc_client_secret: str | None = field(default=None, repr=False)
    oidc_scopes: tuple[str, ...] = ("openid", "profile", "email")
    #: The name on the console's "Sign in with …" button (default: the issuer's host).
    oidc_display_name: str | None = None
    #: Role of a signed-in user whose roles claim names no hub role; ``None``: refused.
    oidc_default_role: Literal["viewer", "operator", "editor", "admin"] | None = None
    jwks_cache_seconds: int = 300
    #: Per-principal rate limit: sustained requests per minute and burst size.
    rate_limit_per_minute: int = 600
    rate_limit_burst: int = 120
    #: Where the rate-limit counters live: ``None`` (this process's memory) or a
    #: ``redis://host:port/db`` URI shared by every API process.
    rate_limit_storage: str | None = None
    #: How long a passed revocation check (token jti + API key) is reused in one API
    #: process; revokes through this process clear it at once; 0 checks every request.
    revocation_cache_seconds: float = 1.0
    #: A static bearer credential accepted on ``GET /metrics`` only (Prometheus scrapers,
    #: which cannot exchange an API key for short-lived tokens); ``None``: no such credential.
    metrics_token: str | None = None


@dataclass(frozen=True)
class RunLimits:
    """Bounds on what one run or one team may ask of the engine."""

    max_steps_per_run: int = 200
    max_foreach_items: int = 1000
    max_concurrent_runs_per_team: int = 50


@dataclass(frozen=True)
class ApiConfig:
    """Settings of one API process."""

    database_url: str
    cors_origins: list[str] = field(default_factory=list)
    max_body_bytes: int = 10 * 1024 * 1024
    temporal_ui_url: str | None = None
    temporal_address: str | None = None
    temporal_namespace: str = "default"
    #: Browser origins allowed to call the codec server (the Temporal Web UI's).
    codec_cors_origins: list[str] = field(default_factory=list)
    #: PostgreSQL connections kept per API process, and extra ones allowed under load
    #: (together sized to the 40 worker threads that run sync routes and auth checks).
    database_pool_size: int = 20
    database_max_overflow: int = 20
    #: Autocommit connections for the hot async reads (``GET /apps/{id}``) on PostgreSQL,
    #: on top of the pool above; they wait on the event loop, so a few serve many requests.
    read_pool_size: int = 10
    #: Where the web console is served, when it is: ``GET /`` sends browsers there
    #: (``None``: ``GET /`` answers a small JSON index to everyone).
    console_url: str | None = None
    title: str = "Agentic Hub"
    version: str = "0.1.0"
    auth: AuthConfig = field(default_factory=AuthConfig)
    run_limits: RunLimits = field(default_factory=RunLimits)
    #: ``GET /metrics`` re-reads the platform metrics (runs, backlog, cost) at most this often.
    platform_metrics_interval_seconds: float = 5.0
    #: ``GET /observability/metrics`` serves figures read from Temporal (closed runs,
    #: running count, backlogs) up to this old; 0: read them in every request.
    metrics_temporal_max_age_seconds: float = 2.0
    #: Exported as ``hub_cost_budget_usd_per_hour`` for the cost-burn alert; ``None``: not set.
    cost_budget_usd_per_hour: float | None = None
    #: The price file (``HUB_PRICES_FILE``); ``None``: the shipped table. ``GET
    #: /settings/prices`` shows it until a table is stored through ``PUT``.
    prices_file: str | None = None
