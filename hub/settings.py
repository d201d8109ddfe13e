"""All configuration, read once from ``HUB_*`` environment variables (and ``.env``).

Defaults work with no configuration at all: everything embedded lives under
``HUB_HOME``.
"""

from __future__ import annotations

from functools import cached_property
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from api.config import DEV_SECRET_KEY  # one value for the API and the hub
from workers.payload_codec import AesGcmPayloadCodec, load_codec
from workers.temporal_client import TemporalConnection


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
    #: TLS to the Temporal frontend (docs/deployment.md "Temporal in production"); unset:
    #: on when an API key, a CA or a client certificate is set.
    temporal_tls: bool | None = None
    #: PEM CA bundle the server's certificate must chain to (unset: the system roots).
    temporal_tls_ca: Path | None = None
    #: PEM client certificate and private key (mutual TLS); both or neither.
    temporal_tls_cert: Path | None = None
    temporal_tls_key: Path | None = None
    #: Name the server's certificate is verified against instead of the address's host.
    temporal_tls_server_name: str | None = None
    #: Temporal Cloud API key (sent as a bearer token; implies TLS).
    temporal_api_key: SecretStr | None = Field(default=None, repr=False)
    #: Payload encryption keys, ``<id>=<base64 32 bytes>`` comma-separated (the first
    #: encrypts, all decrypt; docs/deployment.md "Encrypted payloads").
    payload_keys: SecretStr | None = Field(default=None, repr=False)
    #: The same, one per line in a file (unset: ``HUB_HOME/payload.keys`` when it exists,
    #: which ``hub up`` creates).
    payload_keys_file: Path | None = None
    #: Origins allowed to call the codec server (``/codec/*``) from a browser; empty: the
    #: origin of ``HUB_TEMPORAL_UI_URL`` (the Temporal Web UI).
    codec_cors_origins: list[str] = Field(default_factory=list)
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
    #: External OpenID Connect issuer (RS256/ES256 via JWKS); the JWKS URL defaults to
    #: the one in the issuer's discovery document.
    oidc_issuer: str | None = None
    oidc_audience: str | None = None
    oidc_jwks_url: str | None = None
    oidc_roles_claim: str = "roles"
    oidc_teams_claim: str = "teams"
    #: Console sign-in with the issuer (authorization code + PKCE); off without a client id.
    oidc_client_id: str | None = None
    oidc_client_secret: str | None = Field(default=None, repr=False)
    #: Space-separated scopes asked for at sign-in.
    oidc_scopes: str = "openid profile email"
    oidc_display_name: str | None = None
    oidc_default_role: Literal["viewer", "operator", "editor", "admin"] | None = None
    jwks_cache_seconds: int = 300
    #: Seconds one API process reuses a passed revocation check (0: check every request).
    revocation_cache_seconds: float = Field(default=1.0, ge=0, le=60)
    #: The CLI's API key; unset: the key file ``HUB_HOME/admin.key`` written by ``hub up``.
    api_key: str | None = None
    #: Per-principal rate limit (sliding window of the burst, per API process unless
    #: ``rate_limit_storage`` is shared).
    rate_limit_per_minute: int = Field(default=600, ge=1)
    rate_limit_burst: int = Field(default=120, ge=1)
    #: ``redis://host:port/db`` (or ``rediss://``, ``redis+unix://``, ``redis+sentinel://``,
    #: ``redis+cluster://``): rate-limit counters shared by every API process; unset: each
    #: process counts in its own memory.
    rate_limit_storage: str | None = Field(
        default=None, pattern=r"^(memory|redis(s|\+unix|\+sentinel|\+cluster)?)://", repr=False
    )
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
    #: Worker Deployment Versioning (docs/deployment.md "Safe rollouts"): every worker
    #: announces ``<deployment name>`` / ``<build id>``; unset build id: the hub's version.
    worker_deployment_name: str = "agentic-hub"
    worker_build_id: str | None = None
    #: Route tasks by version (runs pinned to the build they started on); off: the build
    #: is only announced.
    worker_versioning: bool = False
    #: A static bearer credential Prometheus sends to ``GET /metrics`` (and nowhere else);
    #: unset: scrapers need a viewer token like any client.
    metrics_token: str | None = None
    #: ``GET /metrics`` re-reads runs, backlogs and cost at most this often.
    platform_metrics_interval_seconds: float = Field(default=5.0, ge=0, le=300)
    #: ``GET /observability/metrics`` serves its Temporal figures (closed runs synced,
    #: running count, backlogs) up to this old, re-read in the background; 0: per request.
    metrics_temporal_max_age_seconds: float = Field(default=2.0, ge=0, le=60)
    #: Exported as ``hub_cost_budget_usd_per_hour``: the cost-burn alert's threshold.
    cost_budget_usd_per_hour: float | None = Field(default=None, gt=0)
    #: Run the orchestration workflow in Temporal's Python sandbox (slower; its
    #: determinism is otherwise guarded by a static check and replay tests).
    workflow_sandbox: bool = False
    #: Run an orchestrator worker inside the API process too (``hub up`` turns it on):
    #: runs started through the API are then started eagerly on it — their first
    #: workflow task comes back with the start instead of through the task queue.
    api_orchestrator: bool = False

    @field_validator(
        "temporal_tls",
        "temporal_tls_ca",
        "temporal_tls_cert",
        "temporal_tls_key",
        "temporal_tls_server_name",
        "temporal_api_key",
        "payload_keys",
        "payload_keys_file",
        mode="before",
    )
    @classmethod
    def _empty_means_unset(cls, value: object) -> object:
        # Compose passes ``${VAR:-}`` through as an empty string.
        return None if value == "" else value

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
    def _refuse_a_short_metrics_token(self) -> Settings:
        if self.metrics_token is not None and len(self.metrics_token) < 32:
            raise ValueError(
                "HUB_METRICS_TOKEN must be at least 32 random characters (openssl rand -hex 32)"
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
        if self.oidc_jwks_url and not self.oidc_issuer:
            raise ValueError("HUB_OIDC_JWKS_URL needs HUB_OIDC_ISSUER (whose keys they are)")
        if self.oidc_client_id and not self.oidc_issuer:
            raise ValueError("HUB_OIDC_CLIENT_ID needs HUB_OIDC_ISSUER")
        if self.oidc_client_id and "openid" not in self.oidc_scopes.split():
            raise ValueError("HUB_OIDC_SCOPES must include 'openid' (sign-in needs an ID token)")
        return self

    def temporal_connection(self) -> TemporalConnection:
        """How every client of this process reaches Temporal (address, namespace, TLS,
        API key, payload codec): what :func:`workers.temporal_client.connect` takes."""
        return TemporalConnection(
            address=self.temporal_address,
            namespace=self.temporal_namespace,
            tls=self.temporal_tls,
            tls_ca=self.temporal_tls_ca,
            tls_cert=self.temporal_tls_cert,
            tls_key=self.temporal_tls_key,
            tls_server_name=self.temporal_tls_server_name or None,
            api_key=self.temporal_api_key.get_secret_value() if self.temporal_api_key else None,
            payload_codec=self.payload_codec,
        )

    @property
    def default_payload_keys_file(self) -> Path:
        """Where ``hub up`` keeps the embedded stack's payload key (mode 0600)."""
        return self.home / "payload.keys"

    @cached_property
    def resolved_payload_keys_file(self) -> Path | None:
        if self.payload_keys_file is not None:
            return self.payload_keys_file
        default = self.default_payload_keys_file
        return default if default.exists() else None

    @cached_property
    def payload_codec(self) -> AesGcmPayloadCodec | None:
        """The codec of every Temporal client and worker of this process (None: payloads
        in clear, no keys configured)."""
        keys = self.payload_keys.get_secret_value() if self.payload_keys else None
        return load_codec(keys, self.resolved_payload_keys_file)

    @property
    def resolved_codec_cors_origins(self) -> list[str]:
        if self.codec_cors_origins:
            return list(self.codec_cors_origins)
        if not self.temporal_ui_url:
            return []
        parts = urlsplit(self.temporal_ui_url)
        return [f"{parts.scheme}://{parts.netloc}"]

    @cached_property
    def resolved_worker_build_id(self) -> str:
        if self.worker_build_id:
            return self.worker_build_id
        try:
            return version("agentic-hub")
        except PackageNotFoundError:
            return "dev"

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
