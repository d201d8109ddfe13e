"""The visual builder's API shapes: drafts with a version token, and validation results
that name the step or edge each problem concerns, with the schema fit of every edge."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from schemas.agents import ValidationIssue
from schemas.common import PublicModel, UtcDatetime

EdgeFitStatus = Literal["fits", "does_not_fit", "cannot_tell"]


class EdgeRef(PublicModel):
    """An edge of the graph: ``field`` of ``source`` feeds input ``input`` of ``target``."""

    source: str = Field(
        description="'trigger' or the id of the step the value comes from (a source written "
        "as an agent id is resolved to its step)."
    )
    field: str = Field(description="The upstream output (or run input) the edge carries.")
    target: str = Field(description="The id of the step that reads it.")
    input: str = Field(description="The name the target receives it under (``as:``).")
    kind: Literal["input", "foreach"] = "input"


class PlanIssue(ValidationIssue):
    """A problem, plus the step or edge it concerns (so a UI needs no path arithmetic)."""

    step_id: str | None = Field(default=None, description="The step the problem concerns.")
    edge: EdgeRef | None = Field(default=None, description="The edge the problem concerns.")


class EdgeFit(EdgeRef):
    """Whether every value the upstream may produce is accepted by the downstream input."""

    id: str = Field(description="Stable id: ``<source>.<field>-><target>.<input>``.")
    written_source: str = Field(description="The source as written in the spec.")
    fit: EdgeFitStatus
    reasons: list[str] = Field(
        default_factory=list,
        description="Why it does not fit, or why it cannot be told; empty when it fits.",
    )
    path: str = Field(description="JSON pointer of the binding in the spec.")
    line: int | None = None
    column: int | None = None


class OrchestrationValidation(PublicModel):
    """``POST /orchestration/{app_id}/validate``: problems by step/edge, and per-edge fit."""

    valid: bool
    errors: list[PlanIssue] = Field(default_factory=list)
    warnings: list[PlanIssue] = Field(default_factory=list)
    edges: list[EdgeFit] = Field(default_factory=list)


class DeployedRelease(PublicModel):
    """The release that runs now, as YAML (the stored text when it is what was deployed)."""

    release_id: str
    version: str
    yaml: str


class OrchestrationDraftPublic(PublicModel):
    """``GET /orchestration/{app_id}/draft``. ``version`` is also the ETag (quoted)."""

    app_id: str
    yaml: str
    version: int = Field(
        description="0 when no draft was saved yet (the text is then the stored orchestration)."
    )
    updated_at: UtcDatetime | None = None
    updated_by: str | None = None
    deployed: DeployedRelease | None = None


class DraftConflict(PublicModel):
    """412: the draft changed since the version the save was based on."""

    detail: str
    current: OrchestrationDraftPublic
