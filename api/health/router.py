"""Liveness and readiness probes."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from api.auth.dependencies import PublicRoute
from api.errors import ApiError, ErrorBody

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: Literal["ok"] = "ok"


class Readiness(BaseModel):
    status: Literal["ready"] = "ready"
    database: Literal["ok"] = "ok"


class NotReadyError(ApiError):
    status_code = 503


@router.get(
    "/health",
    response_model=Health,
    summary="Liveness: the process is up",
    dependencies=[PublicRoute],
)
def health() -> Health:
    """Always ``ok`` while the process serves requests."""
    return Health()


@router.get(
    "/ready",
    response_model=Readiness,
    summary="Readiness: the database is reachable",
    dependencies=[PublicRoute],
    responses={503: {"model": ErrorBody, "description": "The database is unreachable."}},
)
def ready(request: Request) -> Readiness:
    """``ready`` when a query on the database succeeds, else 503."""
    try:
        with request.app.state.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        raise NotReadyError(
            "The database is unreachable; check HUB_DATABASE_URL and that the server is up."
        ) from exc
    return Readiness()
