"""The FastAPI application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from api.body_limit import BodySizeLimitMiddleware
from api.config import ApiConfig
from api.errors import error_responses, install_error_handlers
from api.routers import agents, apps, health, orchestration
from storage.database import create_db_engine, create_session_factory

DESCRIPTION = """\
Build intelligent apps out of agents, wire them into an orchestration (YAML or JSON),
deploy them and run them on documents. Errors use `{"detail": ...}`; validation
errors (422) point at the offending field with a JSON pointer (and line/column for YAML).
"""


def create_app(config: ApiConfig) -> FastAPI:
    """The API for ``config``; the database schema must already be migrated."""
    engine = create_db_engine(config.database_url)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        engine.dispose()

    app = FastAPI(
        title=config.title,
        version=config.version,
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.config = config
    app.state.engine = engine
    app.state.session_factory = create_session_factory(engine)
    # Filled by the prompts integration; deploy pins prompt texts only when it is set.
    app.state.prompt_resolver = None

    install_error_handlers(app)
    app.include_router(health.router)
    # Any route that touches the database answers 503 (declared here once) when it is down.
    database_down = error_responses(503)
    app.include_router(apps.router, responses=database_down)
    app.include_router(agents.app_agents_router, responses=database_down)
    app.include_router(agents.router, responses=database_down)
    app.include_router(orchestration.router, responses=database_down)

    if config.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=config.cors_origins,
            allow_methods=["*"],
            allow_headers=["*"],
            expose_headers=["X-Total-Count", "Location"],
        )
    # Added last so it runs first: oversized bodies are refused before anything reads them.
    app.add_middleware(BodySizeLimitMiddleware, max_body_bytes=config.max_body_bytes)
    return app
