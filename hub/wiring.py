"""Builds each process's real dependencies from :class:`~hub.settings.Settings`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI
from temporalio.client import Client

from api.app import create_app
from api.config import ApiConfig, AuthConfig, RunLimits
from api.schemas.sources import SchemaSourcesConfig
from hub.settings import Settings
from hub.telemetry import instrument_http_app, setup_process, tracing_interceptors
from hub.worker_processes import InProcessOrchestrator
from storage.artifacts import artifact_store_from_uri
from storage.prompts import PromptRegistry, ensure_default_prompts
from workers.temporal_client import connect


def api_config(settings: Settings) -> ApiConfig:
    return ApiConfig(
        database_url=settings.resolved_database_url,
        cors_origins=list(settings.cors_origins),
        max_body_bytes=settings.max_body_bytes,
        temporal_ui_url=settings.temporal_ui_url or None,
        temporal_address=settings.temporal_address,
        temporal_namespace=settings.temporal_namespace,
        codec_cors_origins=settings.resolved_codec_cors_origins,
        console_url=settings.console_url or None,
        database_pool_size=settings.database_pool_size,
        database_max_overflow=settings.database_max_overflow,
        auth=auth_config(settings),
        run_limits=RunLimits(
            max_steps_per_run=settings.max_steps_per_run,
            max_foreach_items=settings.max_foreach_items,
            max_concurrent_runs_per_team=settings.max_concurrent_runs_per_team,
        ),
        platform_metrics_interval_seconds=settings.platform_metrics_interval_seconds,
        metrics_temporal_max_age_seconds=settings.metrics_temporal_max_age_seconds,
        cost_budget_usd_per_hour=settings.cost_budget_usd_per_hour,
        prices_file=str(settings.prices_file) if settings.prices_file else None,
    )


def auth_config(settings: Settings) -> AuthConfig:
    return AuthConfig(
        mode=settings.auth_mode,
        secret_key=settings.secret_key,
        issuer=settings.token_issuer,
        audience=settings.token_audience,
        access_token_ttl_seconds=settings.access_token_ttl_seconds,
        refresh_token_ttl_seconds=settings.refresh_token_ttl_seconds,
        oidc_issuer=settings.oidc_issuer,
        oidc_audience=settings.oidc_audience,
        oidc_jwks_url=settings.oidc_jwks_url,
        oidc_roles_claim=settings.oidc_roles_claim,
        oidc_teams_claim=settings.oidc_teams_claim,
        oidc_client_id=settings.oidc_client_id,
        oidc_client_secret=settings.oidc_client_secret,
        oidc_scopes=tuple(settings.oidc_scopes.split()),
        oidc_display_name=settings.oidc_display_name,
        oidc_default_role=settings.oidc_default_role,
        jwks_cache_seconds=settings.jwks_cache_seconds,
        rate_limit_per_minute=settings.rate_limit_per_minute,
        rate_limit_burst=settings.rate_limit_burst,
        rate_limit_storage=settings.rate_limit_storage,
        revocation_cache_seconds=settings.revocation_cache_seconds,
        metrics_token=settings.metrics_token,
    )


def schema_sources_config(settings: Settings) -> SchemaSourcesConfig:
    """Where agent configs' schema URIs may point (the folder is created if missing)."""
    schema_dir = settings.resolved_schema_dir
    schema_dir.mkdir(parents=True, exist_ok=True)
    return SchemaSourcesConfig(
        schema_dir=schema_dir,
        url_allowlist=tuple(settings.schema_url_allowlist),
        max_bytes=settings.schema_max_bytes,
        fetch_timeout_seconds=settings.schema_fetch_timeout_seconds,
    )


def prompt_registry(settings: Settings) -> PromptRegistry:
    """The MLflow prompt registry, with the built-in agents' prompts registered."""
    registry = PromptRegistry(settings.resolved_mlflow_tracking_uri)
    ensure_default_prompts(registry)
    return registry


def build_api(settings: Settings, config: ApiConfig | None = None) -> FastAPI:
    """The API wired to Temporal, the artifact store and the prompt registry."""
    provider = setup_process(settings, "api")

    def connect_client() -> Awaitable[Client]:
        return connect(
            settings.temporal_connection(),
            interceptors=tracing_interceptors(),
        )

    config = config or api_config(settings)
    temporal_connect: Callable[[], Awaitable[Client]] = connect_client
    on_shutdown: Callable[[], Awaitable[None]] | None = None
    orchestrator: InProcessOrchestrator | None = None
    if settings.api_orchestrator:
        orchestrator = InProcessOrchestrator(settings)
        temporal_connect, on_shutdown = orchestrator.attach(connect_client), orchestrator.close
    app = create_app(
        config,
        temporal_connect=temporal_connect,
        artifact_store=artifact_store_from_uri(settings.resolved_artifact_root),
        prompt_registry=prompt_registry(settings),
        schema_sources=schema_sources_config(settings),
        on_shutdown=on_shutdown,
        payload_codec=settings.payload_codec,
    )
    if orchestrator is not None and config.database_url == settings.resolved_database_url:
        # One pool for the API and its orchestrator worker (the app disposes of it after
        # the worker has stopped).
        orchestrator.share_sessions(app.state.session_factory)
    return instrument_http_app(app, "api", provider)


def prepare_shared_state(settings: Settings) -> None:
    """Do once, before ``hub api --workers N`` forks, what every worker would otherwise race on.

    Opening the prompt registry migrates MLflow's database and registers the built-in
    prompts; two workers doing that at once on a fresh SQLite file collide.
    """
    prompt_registry(settings)
    schema_sources_config(settings)


def api_from_environment() -> FastAPI:
    """The API built from the environment's settings: the app factory of ``hub api --workers N``.

    Each uvicorn worker process calls it, so each has its own engine, pool, Temporal
    client, rate limits and revocation cache.
    """
    return build_api(Settings())
