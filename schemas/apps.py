"""Intelligent apps: the unit a team builds, deploys and runs."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from schemas.common import PublicModel, StrictModel, UtcDatetime

AppStatus = Literal["draft", "deployed", "archived"]
AppSortField = Literal["name", "-name", "created_at", "-created_at", "updated_at", "-updated_at"]


class AppCreate(StrictModel):
    """Body of ``POST /apps`` (the platform document's "Create App")."""

    name: str = Field(min_length=1, max_length=200, examples=["Credit Memo Processor"])
    description: str = Field(default="", max_length=5000)
    team_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=100,
        pattern=r"^[A-Za-z0-9_.:-]+$",
        description="Owner team; one of the caller's teams (default: the caller's first team).",
    )


class AppUpdate(StrictModel):
    """Body of ``PATCH /apps/{id}``: every field optional."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=5000)


class AppPublic(PublicModel):
    """An app as the API returns it."""

    id: str = Field(examples=["app-3f2c9a1b7d4e"])
    name: str
    description: str
    version: str = Field(examples=["1.0.0"], description="Semantic version; deploy bumps it.")
    status: AppStatus
    agent_count: int = Field(ge=0)
    created_at: UtcDatetime
    updated_at: UtcDatetime
