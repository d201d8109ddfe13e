"""``/artifacts``: upload documents (claim-check) and read them back."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, UploadFile, status
from fastapi.responses import Response

from api.errors import ApiError, InvalidInputError, NotFoundError, error_responses
from schemas.artifacts import ArtifactRef
from storage.artifacts import ArtifactNotFound, ArtifactStore

router = APIRouter(prefix="/artifacts", tags=["artifacts"])


class ArtifactStoreUnavailable(ApiError):
    status_code = 503


def artifact_store(request: Request) -> ArtifactStore:
    store: ArtifactStore | None = request.app.state.artifact_store
    if store is None:
        raise ArtifactStoreUnavailable(
            "No artifact store is configured for this API; set HUB_ARTIFACT_ROOT."
        )
    return store


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=ArtifactRef,
    summary="Upload an artifact",
    responses=error_responses(413, 422, 503),
)
async def upload_artifact(request: Request, file: UploadFile) -> ArtifactRef:
    """Store a document (multipart field ``file``); pass its ``uri`` as a run input."""
    data = await file.read()
    if not data:
        raise InvalidInputError.at(("body", "file"), "The uploaded file is empty.")
    filename = (file.filename or "upload").rsplit("/", 1)[-1][:200]
    media_type = file.content_type or "application/octet-stream"
    return artifact_store(request).put(data, filename=filename, media_type=media_type)


@router.get(
    "/{artifact_id}",
    summary="Download an artifact",
    response_class=Response,
    responses={
        200: {"content": {"application/octet-stream": {}}, "description": "The bytes."},
        **error_responses(404, 503),
    },
)
def get_artifact(
    request: Request,
    artifact_id: Annotated[str, Path(max_length=100, description="Artifact id, `art-…`.")],
) -> Response:
    """The artifact's bytes with its media type and file name."""
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
