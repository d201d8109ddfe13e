"""The API's artifact store, shared by the routes that read or write artifacts
(``/artifacts`` and ``/apps/{app_id}/batches``)."""

from __future__ import annotations

from fastapi import Request

from api.errors import ApiError
from storage.artifacts import ArtifactStore


class ArtifactStoreUnavailable(ApiError):
    status_code = 503


def artifact_store(request: Request) -> ArtifactStore:
    """This API's artifact store, or a 503 saying how to configure one."""
    store: ArtifactStore | None = request.app.state.artifact_store
    if store is None:
        raise ArtifactStoreUnavailable(
            "No artifact store is configured for this API; set HUB_ARTIFACT_ROOT."
        )
    return store
