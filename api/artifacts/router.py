"""``/artifacts``: upload documents (claim-check) and read them back."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, UploadFile, status
from fastapi.responses import Response

from api.artifacts.service import artifact_store
from api.auth.dependencies import OperatorDep, ViewerDep
from api.dependencies import SessionDep
from api.errors import InvalidInputError, NotFoundError, error_responses
from api.paging import ROW_ID_CURSOR_PATTERN, cursor_query, limit_query
from schemas.artifacts import ArtifactListItem, ArtifactRef, artifact_uri
from storage.artifacts import ArtifactNotFound
from storage.security import ArtifactOwnerRepository

router = APIRouter(prefix="/artifacts", tags=["artifacts"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=ArtifactRef,
    summary="Upload an artifact",
    responses=error_responses(413, 422, 503),
)
async def upload_artifact(
    principal: OperatorDep, request: Request, session: SessionDep, file: UploadFile
) -> ArtifactRef:
    """Store a document (multipart field ``file``); pass its ``uri`` as a run input.

    ``media_type`` is detected from the content (PDF, PNG, JPEG, TIFF, ZIP, gzip, plain
    text, else ``application/octet-stream``), whatever the file name or the part's
    Content-Type say; the latter is kept as ``declared_media_type``.

    The artifact belongs to the uploader's first team; other teams get 404 for it.
    """
    data = await file.read()
    if not data:
        raise InvalidInputError.at(("body", "file"), "The uploaded file is empty.")
    filename = (file.filename or "upload").rsplit("/", 1)[-1][:200]
    # The store sniffs the media type from the bytes; the client's word is only kept.
    ref = artifact_store(request).put(
        data, filename=filename, declared_media_type=file.content_type
    )
    ArtifactOwnerRepository(session).record(
        ref.id,
        team_id=principal.default_team(),
        created_by=principal.subject,
        filename=ref.filename,
        media_type=ref.media_type,
        size=ref.size,
    )
    return ref


@router.get(
    "",
    response_model=list[ArtifactListItem],
    summary="List uploaded artifacts, newest first",
    responses={
        200: {
            "description": "A page of artifacts.",
            "headers": {
                "X-Next-Cursor": {
                    "description": "Pass as `cursor` for the next page; absent on the last.",
                    "schema": {"type": "string"},
                }
            },
        },
        **error_responses(422),
    },
)
def list_artifacts(
    principal: ViewerDep,
    session: SessionDep,
    response: Response,
    limit: Annotated[int, limit_query(200)] = 50,
    cursor: Annotated[
        str | None,
        cursor_query(100, "The `X-Next-Cursor` of the previous page.", ROW_ID_CURSOR_PATTERN),
    ] = None,
) -> list[ArtifactListItem]:
    """Documents uploaded through ``POST /artifacts`` by the caller's teams (the engine's
    own outputs are reached from their runs, not listed)."""
    owners = ArtifactOwnerRepository(session)
    teams = None if principal.all_teams else tuple(principal.teams)
    after = owners.get(cursor) if cursor else None
    if cursor and (after is None or not principal.can_see_team(after.team_id)):
        raise InvalidInputError.at(
            ("query", "cursor"), "not an artifact of this list; pass X-Next-Cursor as it came"
        )
    rows = owners.page(teams, limit + 1, after)
    if len(rows) > limit:
        rows = rows[:limit]
        response.headers["X-Next-Cursor"] = rows[-1].artifact_id
    return [
        ArtifactListItem(
            id=row.artifact_id,
            uri=artifact_uri(row.artifact_id),
            filename=row.filename,
            media_type=row.media_type,
            size=row.size,
            created_by=row.created_by,
            created_at=row.created_at,
        )
        for row in rows
    ]


@router.get(
    "/{artifact_id}",
    summary="Download an artifact",
    response_class=Response,
    responses={
        200: {
            "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
            "description": "The bytes, with the content type they were uploaded with.",
        },
        **error_responses(404, 503),
    },
)
def get_artifact(
    principal: ViewerDep,
    request: Request,
    session: SessionDep,
    artifact_id: Annotated[str, Path(max_length=100, description="Artifact id, `art-…`.")],
) -> Response:
    """The artifact's bytes with its media type and file name."""
    owner = ArtifactOwnerRepository(session).get(artifact_id) if len(artifact_id) <= 100 else None
    # Artifacts with no recorded owner (written by the engine) are platform-wide objects.
    if not principal.can_see_team(owner.team_id if owner else None):
        raise NotFoundError(f"Artifact {artifact_id!r} not found.")
    try:
        data, ref = artifact_store(request).get(artifact_id)
    except (ArtifactNotFound, ValueError) as exc:
        raise NotFoundError(f"Artifact {artifact_id!r} not found.") from exc
    safe_name = ref.filename.replace('"', "")
    return Response(
        content=data,
        media_type=ref.media_type,
        headers={"Content-Disposition": f'attachment; filename="{safe_name}"'},
    )
