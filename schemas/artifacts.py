"""Artifacts: documents and large results kept out of Temporal history (claim-check)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from schemas.common import UtcDatetime

#: Run inputs and agent outputs refer to stored artifacts by this URI scheme.
ARTIFACT_URI_SCHEME = "artifact://"
#: Key of the object that replaces an agent output moved to the artifact store.
ARTIFACT_REF_KEY = "$artifact"


class ArtifactRef(BaseModel):
    """A stored artifact; ``POST /artifacts`` answers this."""

    id: str = Field(examples=["art-5f0c3a9e2b7d4c1e8f6a0b3c9d2e7f41"])
    uri: str = Field(examples=["artifact://art-5f0c3a9e2b7d4c1e8f6a0b3c9d2e7f41"])
    filename: str = ""
    media_type: str = Field(
        default="application/octet-stream",
        description="Detected from the content at upload (never from the file name or the "
        "client's Content-Type).",
    )
    declared_media_type: str | None = Field(
        default=None, description="The Content-Type the uploading client declared, if any."
    )
    size: int = Field(ge=0)
    sha256: str


class ArtifactListItem(BaseModel):
    """An uploaded artifact as ``GET /artifacts`` lists it."""

    id: str
    uri: str
    filename: str | None = Field(
        default=None, description="`null` for uploads made before the list existed."
    )
    media_type: str | None = None
    size: int | None = None
    created_by: str
    created_at: UtcDatetime


def artifact_uri(artifact_id: str) -> str:
    """The ``artifact://`` URI of ``artifact_id``."""
    return f"{ARTIFACT_URI_SCHEME}{artifact_id}"


def artifact_id_from_uri(uri: str) -> str | None:
    """The id inside an ``artifact://`` URI, or ``None`` when ``uri`` is not one."""
    if not uri.startswith(ARTIFACT_URI_SCHEME):
        return None
    return uri[len(ARTIFACT_URI_SCHEME) :] or None
