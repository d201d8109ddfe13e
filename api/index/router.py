"""``GET /``: where to go from the API's root, without a token.

A browser gets the web console when this API serves one (``ApiConfig.console_url``,
set by whoever mounts the console); everyone else, and every client asking for JSON,
gets a small index of the public entry points.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field

from api.auth.dependencies import PublicRoute

router = APIRouter(tags=["health"])


class ApiIndex(BaseModel):
    """The API's root: what it is and where its public pages are."""

    name: str
    version: str
    docs: str = Field(description="Swagger UI.")
    redoc: str = Field(description="ReDoc.")
    openapi: str = Field(description="The OpenAPI document.")
    health: str = Field(description="Liveness probe.")
    ready: str = Field(description="Readiness probe.")
    token: str = Field(description="Exchange an API key for a bearer token (POST).")
    console: str | None = Field(
        default=None, description="The web console, when this server serves one."
    )


def wants_html(request: Request) -> bool:
    """A browser navigating here (``text/html`` before any JSON in ``Accept``)."""
    accept = request.headers.get("accept", "")
    return "text/html" in accept and "application/json" not in accept.split("text/html")[0]


@router.get(
    "/",
    response_model=ApiIndex,
    summary="The API's root: a small index (or the web console, for a browser)",
    dependencies=[PublicRoute],
    responses={307: {"description": "A browser is sent to the web console, when one is served."}},
)
def index(request: Request) -> ApiIndex | RedirectResponse:
    config = request.app.state.config
    console_url = config.console_url
    if console_url and wants_html(request):
        return RedirectResponse(console_url, status_code=307)
    return ApiIndex(
        name=config.title,
        version=config.version,
        docs="/docs",
        redoc="/redoc",
        openapi="/openapi.json",
        health="/health",
        ready="/ready",
        token="/auth/token",
        console=console_url,
    )
