"""The FastAPI application factory."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from temporalio.client import Client
from temporalio.converter import PayloadCodec

from api.agents import router as agents
from api.allowed_methods import AllowedMethodsMiddleware
from api.apps import router as apps
from api.artifacts import router as artifacts
from api.audit import router as audit
from api.auth import oidc_router as oidc
from api.auth import router as auth
from api.auth.dependencies import install_role_documentation
from api.auth.middleware import AuthenticationMiddleware, SecurityHeadersMiddleware
from api.auth.rate_limits import RateLimiter, rate_limit_storage
from api.auth.revocation_cache import RevocationCache
from api.auth.tokens import TokenService
from api.batches import router as batches
from api.body_limit import BodySizeLimitMiddleware
from api.codec import router as codec
from api.codec.cors import CodecCorsMiddleware
from api.config import ApiConfig
from api.docs import router as docs
from api.errors import error_responses, install_error_handlers
from api.evaluations import router as evaluations
from api.evaluations.service import EvaluationRunner
from api.health import router as health
from api.index import router as index
from api.observability import router as observability
from api.observability.platform_metrics import PlatformMetrics
from api.observability.service import ObservabilityService, RunningCheck
from api.observability.temporal_figures import TemporalFigures
from api.orchestration import router as orchestration
from api.prices import router as prices
from api.prompts import router as prompts
from api.releases import router as releases
from api.run_events import router as run_events
from api.runs import router as runs
from api.schedules import router as schedules
from api.schemas import router as schemas
from api.schemas.sources import SCHEMA_SOURCES_INFO_KEY, SchemaSources, SchemaSourcesConfig
from api.temporal import TemporalGateway, TemporalUnavailable
from api.webhooks import router as webhooks
from storage.artifacts import ArtifactStore
from storage.database import (
    AsyncReadPool,
    WalCheckpointer,
    create_db_engine,
    create_session_factory,
    is_sqlite,
    is_sqlite_file,
)
from storage.observability import AsyncViolationReader
from storage.prompts import PromptRegistry, make_prompt_uri_resolver
from storage.repositories import AsyncAppReader, AsyncAppWriter
from storage.rollups import METRICS_READ_SETTINGS, AsyncRollupReader
from storage.run_listing import AsyncRunReader

logger = logging.getLogger(__name__)
#: Connections for the metrics' rollup reads (PostgreSQL): each read is one round trip
#: that waits on the event loop, so a few serve many dashboards.
METRICS_READ_POOL_SIZE = 4

DESCRIPTION = """\
Build intelligent apps out of agents, wire them into an orchestration (YAML or JSON),
deploy them and run them on documents. Errors use `{"detail": ...}`; validation
errors (422) point at the offending field with a JSON pointer (and line/column for YAML).
"""


def create_app(  # noqa: PLR0915 - the composition root: one line per router and middleware, in order
    config: ApiConfig,
    *,
    temporal_connect: Callable[[], Awaitable[Client]] | None = None,
    artifact_store: ArtifactStore | None = None,
    prompt_registry: PromptRegistry | None = None,
    schema_sources: SchemaSourcesConfig | None = None,
    on_shutdown: Callable[[], Awaitable[None]] | None = None,
    payload_codec: PayloadCodec | None = None,
) -> FastAPI:
    """The API for ``config``; the database schema must already be migrated.

    The composition root hands in what talks to the outside: the Temporal client
    factory (run endpoints answer 503 without one), the artifact store and the
    prompt registry (deploy pins prompt texts only when it is given). ``schema_sources``
    says where agent configs' schema URIs may point (default: built-in schemas, the
    schema registry and the artifact store; no files, no URLs). ``on_shutdown`` is
    awaited when the app stops, before its database engine is disposed (the composition
    root stops what it runs alongside the API, such as an in-process worker).
    ``payload_codec`` is what the Temporal clients encrypt payloads with: the codec
    server (``/codec``) and the trace reader open history payloads with it.
    """
    engine = create_db_engine(
        config.database_url,
        pool_size=config.database_pool_size,
        max_overflow=config.database_max_overflow,
        background_checkpoints=True,
    )
    # SQLite: the WAL is checkpointed on a thread, not by the commit of a request.
    checkpointer = WalCheckpointer(engine) if is_sqlite_file(engine) else None
    # Hot reads on PostgreSQL skip the worker threads and the ORM (GET /apps/{id}).
    read_pool = (
        None
        if is_sqlite(config.database_url)
        else AsyncReadPool(config.database_url, max_size=config.read_pool_size)
    )
    # GET /observability/metrics's rollup reads on PostgreSQL: connections of their own,
    # whose settings (generic plans, no parallel workers) suit those statements only.
    metrics_pool = (
        None
        if read_pool is None
        else AsyncReadPool(
            config.database_url,
            max_size=METRICS_READ_POOL_SIZE,
            settings=METRICS_READ_SETTINGS,
            prepare_threshold=0,
        )
    )
    gateway = TemporalGateway(
        temporal_connect or _no_temporal(config),
        address=config.temporal_address or "(not configured)",
        namespace=config.temporal_namespace,
        ui_url=config.temporal_ui_url,
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # One client per process, made at start-up; if Temporal is down now, run
        # endpoints retry the connection on demand and CRUD keeps working.
        if temporal_connect is not None:
            try:
                await gateway.client()
            except TemporalUnavailable as exc:
                logger.warning("run endpoints answer 503 until Temporal is reachable: %s", exc)
        if checkpointer is not None:
            checkpointer.start()
        yield
        await app.state.temporal_figures.close()
        if on_shutdown is not None:
            await on_shutdown()
        if checkpointer is not None:
            await checkpointer.close()
        for pool in (read_pool, metrics_pool):
            if pool is not None:
                await pool.close()
        engine.dispose()

    app = FastAPI(
        title=config.title,
        version=config.version,
        description=DESCRIPTION,
        lifespan=lifespan,
        # Served by api.docs.router with their assets from a package, never a CDN.
        docs_url=None,
        redoc_url=None,
    )
    app.state.config = config
    app.state.engine = engine
    app.state.session_factory = create_session_factory(engine)
    app.state.app_reader = AsyncAppReader(read_pool, app.state.session_factory)
    app.state.violation_reader = AsyncViolationReader(read_pool, app.state.session_factory)
    # GET /observability/runs: on PostgreSQL, one SELECT on the event loop, no session.
    app.state.run_reader = AsyncRunReader(read_pool, app.state.session_factory)
    app.state.rollup_reader = AsyncRollupReader(metrics_pool, app.state.session_factory)
    # POST /apps on PostgreSQL: the app and its audit record in one statement.
    app.state.app_writer = None if read_pool is None else AsyncAppWriter(read_pool)
    app.state.schema_sources = SchemaSources(
        schema_sources or SchemaSourcesConfig(), artifact_store=artifact_store
    )
    # Deploy and draft runs hold only the request's session: it carries the sources.
    app.state.session_factory.configure(info={SCHEMA_SOURCES_INFO_KEY: app.state.schema_sources})
    app.state.temporal = gateway
    app.state.payload_codec = payload_codec
    # Read by GET /metrics before it answers (hub.telemetry): runs, backlog, cost.
    # GET /observability/metrics's Temporal figures, kept fresh off the request path.
    running_check = RunningCheck()
    app.state.temporal_figures = TemporalFigures(
        sync=lambda session: ObservabilityService(
            session, gateway, running_check=running_check
        ).sync_run_summaries(),
        session_factory=app.state.session_factory,
        max_age_seconds=config.metrics_temporal_max_age_seconds,
    )
    app.state.platform_metrics = PlatformMetrics(
        app.state.session_factory,
        gateway,
        min_interval_seconds=config.platform_metrics_interval_seconds,
        cost_budget_usd_per_hour=config.cost_budget_usd_per_hour,
        figures=app.state.temporal_figures,
    )
    app.state.artifact_store = artifact_store
    app.state.prompt_registry = prompt_registry
    # Deploy pins prompt texts and versions only when a registry is configured.
    app.state.prompt_resolver = (
        make_prompt_uri_resolver(prompt_registry) if prompt_registry is not None else None
    )

    # Evaluations are recorded here and driven by their workflow on the workers.
    app.state.evaluations = EvaluationRunner(
        session_factory=app.state.session_factory,
        gateway=gateway,
        artifact_store=artifact_store,
        mlflow_tracking_uri=prompt_registry.tracking_uri if prompt_registry is not None else None,
    )

    app.state.token_service = TokenService(config.auth)
    # The revoke endpoints clear it, so revocation through this process applies at once.
    app.state.revocation_cache = RevocationCache(config.auth.revocation_cache_seconds)
    # Per principal here; the webhook route uses its storage for per-webhook limits.
    app.state.rate_limiter = RateLimiter(
        config.auth.rate_limit_per_minute,
        config.auth.rate_limit_burst,
        rate_limit_storage(config.auth.rate_limit_storage),
    )

    install_error_handlers(app)
    app.include_router(index.router)
    app.include_router(docs.router)
    app.include_router(health.router)
    # Any route that touches the database answers 503 (declared here once) when it is down.
    database_down = error_responses(503)
    app.include_router(auth.router, responses=database_down)
    app.include_router(oidc.router, responses=database_down)
    app.include_router(audit.router, responses=database_down)
    app.include_router(apps.router, responses=database_down)
    app.include_router(releases.router, responses=database_down)
    app.include_router(prices.router, responses=database_down)
    app.include_router(agents.app_agents_router, responses=database_down)
    app.include_router(agents.router, responses=database_down)
    app.include_router(orchestration.router, responses=database_down)
    app.include_router(runs.app_runs_router)
    app.include_router(runs.router)
    app.include_router(schedules.app_schedules_router, responses=database_down)
    app.include_router(schedules.router, responses=database_down)
    app.include_router(webhooks.app_webhooks_router, responses=database_down)
    app.include_router(webhooks.router, responses=database_down)
    app.include_router(webhooks.hooks_router, responses=database_down)
    app.include_router(batches.app_batches_router, responses=database_down)
    app.include_router(batches.router, responses=database_down)
    app.include_router(artifacts.router)
    app.include_router(prompts.router)
    app.include_router(schemas.router, responses=database_down)
    app.include_router(run_events.router)
    app.include_router(observability.router, responses=database_down)
    app.include_router(evaluations.app_router, responses=database_down)
    app.include_router(evaluations.datasets_router, responses=database_down)
    app.include_router(evaluations.router, responses=database_down)
    app.include_router(codec.router)

    install_role_documentation(app)
    declare_body_limit(app)

    # Innermost: OPTIONS and every 405 name the path's methods in Allow.
    app.add_middleware(AllowedMethodsMiddleware, api=app)
    # Middleware added later runs earlier. Order of a request: security headers →
    # body size limit → CORS (preflights answered without a token) → authentication
    # and per-principal rate limits → the route.
    app.add_middleware(
        AuthenticationMiddleware,
        tokens=app.state.token_service,
        session_factory=app.state.session_factory,
        limiter=app.state.rate_limiter,
        revocation_cache=app.state.revocation_cache,
        disabled=config.auth.mode == "disabled",
        metrics_token=config.auth.metrics_token,
    )
    if config.cors_origins:
        if "*" in config.cors_origins:
            raise ValueError(
                "CORS origin '*' is refused: the API takes credentials (bearer tokens); "
                "list the web console's origins in HUB_CORS_ORIGINS."
            )
        app.add_middleware(
            CORSMiddleware,
            allow_origins=config.cors_origins,
            allow_credentials=True,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key"],
            expose_headers=["X-Total-Count", "Location", "Retry-After"],
        )
    if config.codec_cors_origins:
        # The Temporal Web UI calls /codec from its own origin, with its own headers.
        app.add_middleware(CodecCorsMiddleware, origins=config.codec_cors_origins)
    # Oversized bodies are refused before anything reads them.
    app.add_middleware(BodySizeLimitMiddleware, max_body_bytes=config.max_body_bytes)
    app.add_middleware(SecurityHeadersMiddleware)
    return app


def _no_temporal(config: ApiConfig) -> Callable[[], Awaitable[Client]]:
    async def refuse() -> Client:
        raise RuntimeError("no Temporal client factory was given to create_app")

    return refuse


def declare_body_limit(app: FastAPI) -> None:
    """Every operation that takes a body can answer 413 (the body-size middleware says so),
    every one that takes JSON answers 400 to a body that is not JSON, and every one with
    parameters or a body documents its 422. A query or header parameter is absent or a
    string, never ``null``: an optional one is declared without the ``null`` branch."""
    original = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = original()
        too_large = {
            "description": "The request body is larger than the server accepts.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}},
        }
        malformed = {
            "description": "The body is not well-formed JSON; `detail` gives the line and column.",
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/ValidationErrorBody"}}
            },
        }
        invalid = {
            "description": "A parameter or the body is invalid; `detail` names each field.",
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/ValidationErrorBody"}}
            },
        }
        for path_item in schema.get("paths", {}).values():
            for operation in path_item.values():
                if not isinstance(operation, dict):
                    continue
                for parameter in operation.get("parameters", []):
                    _not_null(parameter)
                if operation.get("parameters") or "requestBody" in operation:
                    operation.setdefault("responses", {}).setdefault("422", invalid)
                if "requestBody" in operation:
                    responses = operation.setdefault("responses", {})
                    responses.setdefault("413", too_large)
                    if "application/json" in operation["requestBody"].get("content", {}):
                        responses.setdefault("400", malformed)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _not_null(parameter: dict[str, Any]) -> None:
    """``anyOf: [X, null]`` of an optional parameter becomes ``X`` (HTTP has no null)."""
    schema = parameter.get("schema", {})
    branches = schema.get("anyOf")
    if not isinstance(branches, list):
        return
    kept = [b for b in branches if b.get("type") != "null"]
    if len(kept) == len(branches):
        return
    rest = {k: v for k, v in schema.items() if k != "anyOf"}
    parameter["schema"] = {**kept[0], **rest} if len(kept) == 1 else {**rest, "anyOf": kept}
