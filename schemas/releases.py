"""Releases as the API lists them: what each deploy pinned, newest first."""

from __future__ import annotations

from pydantic import Field

from schemas.common import PublicModel, UtcDatetime


class ReleaseAgent(PublicModel):
    """One agent as a release pinned it."""

    id: str
    name: str = ""
    type: str
    provider: str | None = None
    model: str | None = None
    prompt_versions: dict[str, str] = Field(
        default_factory=dict,
        description="Prompt role → the MLflow prompt version the release pinned.",
    )


class ReleaseSummary(PublicModel):
    """One release of an app (``POST /apps/{id}/deploy`` makes one)."""

    id: str = Field(examples=["rel-3f2c9a1b7d4e"])
    app_id: str
    version: str = Field(examples=["1.1.0"])
    deployed_at: UtcDatetime
    deployed_by: str | None = Field(
        default=None,
        description="The principal that deployed it (`null` for releases made before this "
        "was recorded).",
    )
    current: bool = Field(description="Whether this is the app's latest release.")
    orchestration_hash: str = Field(
        description="sha256 of the orchestration as deployed (canonical JSON), first 16 hex."
    )
    plan_hash: str = Field(description="sha256 of the pinned plan (canonical JSON), first 16 hex.")
    step_count: int = Field(ge=0)
    agents: list[ReleaseAgent] = Field(default_factory=list)


class ReleaseDetail(ReleaseSummary):
    """A release with the orchestration it deployed, as YAML (for a diff between two)."""

    orchestration_yaml: str
