"""All configuration, read once from ``HUB_*`` environment variables (and ``.env``).

Defaults work with no configuration at all: everything embedded lives under
``HUB_HOME``.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from api.config import DEV_SECRET_KEY  # one value for the API and the hub


def url_allowed(url: str, allowlist: list[str]) -> bool:
    """Whether ``url`` starts with an allowed ``scheme://host[:port][/path]`` prefix.

    Compared on parsed parts, so ``http://agents.internal.evil.com`` does not pass for
    the prefix ``http://agents.internal``.
    """
    target = urlsplit(url)
    for allowed in allowlist:
        prefix = urlsplit(allowed)
        if (target.scheme, target.netloc.lower()) != (prefix.scheme, prefix.netloc.lower()):
            continue
        if target.path.startswith(prefix.path.rstrip("/")):
            return True
    return False


class Settings(BaseSettings):
    """Every setting the hub reads. Each field is documented in the README."""

    model_config = SettingsConfigDict(env_prefix="HUB_", env_file=".env", extra="ignore")

    env: Literal["development", "production"] = "development"
    home: Path = Path(".hub")
    database_url: str | None = None
    temporal_address: str = "127.0.0.1:7233"
    temporal_namespace: str = "default"
    temporal_ui_url: str | None = "http://127.0.0.1:8233"
    mlflow_tracking_uri: str | None = None
    cors_origins: list[str] = Field(default_factory=lambda: ["http://localhost:3000"])
    secret_key: str = DEV_SECRET_KEY
    max_body_bytes: int = 10 * 1024 * 1024
    artifact_root: str | None = None
    artifact_inline_max_bytes: int = 64 * 1024
    agent_url_template: str = "http://127.0.0.1:8080/{type}"
    agent_urls: dict[str, str] = Field(default_factory=dict)
    api_url: str = "http://127.0.0.1:8000"
    #: Where the web console is served, when it is (``GET /`` sends browsers there).
    console_url: str | None = None
    log_level: str = "INFO"
    #: PostgreSQL connections per API process: kept, plus extra under load.
    database_pool_size: int = Field(default=20, ge=1)
    database_max_overflow: int = Field(default=20, ge=0)
    #: ``hub api`` processes (uvicorn workers); 1 for the embedded stack.
    api_workers: int = Field(default=1, ge=1)
    # --- security (docs/security.md) ---
    #: ``enabled`` (default) or ``disabled``; disabled is refused unless the API binds loopback.
    auth_mode: Literal["enabled", "disabled"] = "enabled"
    #: ``iss`` and ``aud`` of the platform's own tokens.
    token_issuer: str = "agentic-hub"
    token_audience: str = "agentic-hub-api"
    access_token_ttl_seconds: int = Field(default=900, ge=30, le=86400)
    refresh_token_ttl_seconds: int = Field(default=8 * 3600, ge=60, le=30 * 86400)
    #: External OpenID Connect issuer (RS256/ES256 via JWKS); all three or none.
    oidc_issuer: str | None = None
    oidc_audience: str | None = None
    oidc_jwks_url: str | None = None
    oidc_roles_claim: str = "roles"
    oidc_teams_claim: str = "teams"
    jwks_cache_seconds: int = 300
    #: Seconds one API process reuses a passed revocation check (0: check every request).
    revocation_cache_seconds: float = Field(default=1.0, ge=0, le=60)
    #: The CLI's API key; unset: the key file ``HUB_HOME/admin.key`` written by ``hub up``.
    api_key: str | None = None
    #: Per-principal rate limit (token bucket, per API process).
    rate_limit_per_minute: int = Field(default=600, ge=1)
    rate_limit_burst: int = Field(default=120, ge=1)
    #: Run limits: steps per run, items per ``foreach``, runs in flight per team.
    max_steps_per_run: int = Field(default=200, ge=1)
    max_foreach_items: int = Field(default=1000, ge=1)
    max_concurrent_runs_per_team: int = Field(default=50, ge=1)
    #: Agent service URLs must match one of these prefixes (scheme://host[:port][/path]);
    #: empty: only the URLs configured in HUB_AGENT_URLS / HUB_AGENT_URL_TEMPLATE.
    agent_url_allowlist: list[str] = Field(default_factory=list)
    #: Schema URIs of agent configs (docs/security.md "Outbound calls"): ``file://`` only
    #: inside this folder (unset: ``HUB_HOME/schemas``).
    schema_dir: Path | None = None
    #: ``http(s)://`` and ``s3://`` schema URIs only under these prefixes
    #: (scheme://host[:port][/path]); empty: such URIs are refused.
    schema_url_allowlist: list[str] = Field(default_factory=list)
    #: Largest schema document read from any source.
    schema_max_bytes: int = Field(default=1024 * 1024, ge=1024, le=64 * 1024 * 1024)
    #: How long fetching one ``http(s)://`` schema may take.
    schema_fetch_timeout_seconds: float = Field(default=5.0, gt=0, le=60)
    #: ``json`` (one JSON object per line, with run and step ids) or ``text``.
    log_format: Literal["json", "text"] = "json"
    #: Editable price table (provider → model → dollars per million tokens);
    #: unset: the shipped ``storage/data/prices.yaml``.
    prices_file: Path | None = None
    #: OTLP/HTTP endpoint for traces (e.g. ``http://127.0.0.1:4318``); unset: the
    #: standard ``OTEL_EXPORTER_OTLP_ENDPOINT``; neither: no export (off by default).
    otel_exporter_otlp_endpoint: str | None = None
    #: Service name on exported spans (each process appends its role).
    otel_service_name: str = "agentic-hub"
    #: ``host:port`` where workers serve Prometheus metrics (Temporal SDK metrics);
    #: unset: no metrics endpoint on workers.
    worker_metrics_bind_address: str | None = None
    #: Run the orchestration workflow in Temporal's Python sandbox (slower; its
    #: determinism is otherwise guarded by a static check and replay tests).
    workflow_sandbox: bool = False
    #: Run an orchestrator worker inside the API process too (``hub up`` turns it on):
    #: runs started through the API are then started eagerly on it — their first
    #: workflow task comes back with the start instead of through the task queue.
    api_orchestrator: bool = False

    @model_validator(mode="after")
    def _refuse_default_secret_outside_development(self) -> Settings:
        if self.env != "development" and (
            self.secret_key == DEV_SECRET_KEY or len(self.secret_key) < 32
        ):
            raise ValueError(
                "HUB_SECRET_KEY must be set to a random value of at least 32 characters "
                "outside development (HUB_ENV=production)"
            )
        return self

    @model_validator(mode="after")
    def _refuse_wildcard_cors(self) -> Settings:
        if "*" in self.cors_origins:
            raise ValueError(
                "HUB_CORS_ORIGINS must list origins; '*' is refused because the API takes "
                "credentials (bearer tokens)"
            )
        if self.agent_url_allowlist:
            configured = {"HUB_AGENT_URL_TEMPLATE": self.agent_url_template.split("{type}")[0]}
            configured.update({f"HUB_AGENT_URLS[{k}]": v for k, v in self.agent_urls.items()})
            for name, url in configured.items():
                if not url_allowed(url, self.agent_url_allowlist):
                    raise ValueError(
                        f"{name} ({url}) is not in HUB_AGENT_URL_ALLOWLIST; agents may only be "
                        "called at allowed addresses"
                    )
        if bool(self.oidc_issuer) != bool(self.oidc_jwks_url):
            raise ValueError("set HUB_OIDC_ISSUER and HUB_OIDC_JWKS_URL together (or neither)")
        return self

    @property
    def admin_key_file(self) -> Path:
        """Where ``hub up`` keeps the embedded admin API key (mode 0600)."""
        return self.home / "admin.key"

    @cached_property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.home / 'hub.db').resolve()}"

    @cached_property
    def resolved_mlflow_tracking_uri(self) -> str:
        if self.mlflow_tracking_uri:
            return self.mlflow_tracking_uri
        return f"sqlite:///{(self.home / 'mlflow.db').resolve()}"

    @cached_property
    def resolved_schema_dir(self) -> Path:
        return (self.schema_dir or self.home / "schemas").resolve()

    @cached_property
    def resolved_artifact_root(self) -> str:
        return self.artifact_root or str((self.home / "artifacts").resolve())

    def agent_url(self, agent_type: str) -> str:
        """Where the service of ``agent_type`` listens (only admins set these: env, never the API).

        Raises ``ValueError`` for a URL outside ``HUB_AGENT_URL_ALLOWLIST`` (a type name
        can shape the templated URL, so the final URL is checked too).
        """
        url = self.agent_urls.get(agent_type) or self.agent_url_template.format(type=agent_type)
        if self.agent_url_allowlist and not url_allowed(url, self.agent_url_allowlist):
            raise ValueError(f"agent URL {url} is not in HUB_AGENT_URL_ALLOWLIST")
        return url


def load_settings() -> Settings:
    return Settings()
