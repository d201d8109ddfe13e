"""``/apps/{id}/releases``: an app's release history, newest first, and one release."""

from __future__ import annotations

import hashlib
import json
from typing import Annotated, Any

import yaml
from fastapi import APIRouter, Path, Response

from api.auth.dependencies import ViewerDep
from api.dependencies import SessionDep, require_app
from api.errors import InvalidInputError, NotFoundError, error_responses
from api.paging import ROW_ID_CURSOR_PATTERN, cursor_query, limit_query
from schemas.releases import ReleaseAgent, ReleaseDetail, ReleaseSummary
from storage.models import Release
from storage.repositories import ReleaseRepository

router = APIRouter(prefix="/apps", tags=["apps"])

AppIdPath = Annotated[str, Path(description="App id, e.g. `app-3f2c9a1b7d4e`.")]


def _digest(value: Any) -> str:
    canonical = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def _agents(plan: dict[str, Any]) -> list[ReleaseAgent]:
    agents: list[ReleaseAgent] = []
    for agent_id, agent in (plan.get("agents") or {}).items():
        resolved = agent.get("config") or {}
        model = (resolved.get("config") or {}).get("model") or {}
        agents.append(
            ReleaseAgent(
                id=agent_id,
                name=agent.get("name", ""),
                type=agent.get("type", ""),
                provider=model.get("provider"),
                model=model.get("model_name"),
                prompt_versions=resolved.get("prompt_versions") or {},
            )
        )
    return agents


def summary(release: Release, current_id: str | None) -> dict[str, Any]:
    plan = release.plan or {}
    return {
        "id": release.id,
        "app_id": release.app_id,
        "version": release.version,
        "deployed_at": release.created_at,
        "deployed_by": release.created_by,
        "current": release.id == current_id,
        "orchestration_hash": _digest(release.spec),
        "plan_hash": _digest(plan),
        "step_count": len(plan.get("steps") or []),
        "agents": _agents(plan),
    }


@router.get(
    "/{app_id}/releases",
    response_model=list[ReleaseSummary],
    summary="List an app's releases, newest first",
    responses={
        200: {
            "description": "A page of releases.",
            "headers": {
                "X-Total-Count": {
                    "description": "How many releases the app has.",
                    "schema": {"type": "integer"},
                },
                "X-Next-Cursor": {
                    "description": "Pass as `cursor` for the next page; absent on the last.",
                    "schema": {"type": "string"},
                },
            },
        },
        **error_responses(404, 422),
    },
)
def list_releases(
    principal: ViewerDep,
    app_id: AppIdPath,
    session: SessionDep,
    response: Response,
    limit: Annotated[int, limit_query(100)] = 20,
    cursor: Annotated[
        str | None,
        cursor_query(
            40,
            "The `X-Next-Cursor` of the previous page (the last release's id).",
            ROW_ID_CURSOR_PATTERN,
        ),
    ] = None,
) -> list[dict[str, Any]]:
    """Each deploy's release: version, when and by whom, the orchestration and plan hashes,
    and each agent's model and pinned prompt versions. Keyset paging on (time, id)."""
    require_app(session, app_id, principal)
    releases = ReleaseRepository(session)
    after: Release | None = None
    if cursor is not None:
        after = releases.get(cursor)
        if after is None or after.app_id != app_id:
            raise InvalidInputError.at(
                ("query", "cursor"), "not a release of this app; pass X-Next-Cursor as it came"
            )
    latest = releases.latest(app_id)
    page = list(releases.page_for_app(app_id, limit + 1, after))
    response.headers["X-Total-Count"] = str(releases.count_for_app(app_id))
    if len(page) > limit:
        page = page[:limit]
        response.headers["X-Next-Cursor"] = page[-1].id
    return [summary(r, latest.id if latest else None) for r in page]


@router.get(
    "/{app_id}/releases/{release_id}",
    response_model=ReleaseDetail,
    summary="Get one release with its orchestration as YAML",
    responses=error_responses(404),
)
def get_release(
    principal: ViewerDep,
    app_id: AppIdPath,
    release_id: Annotated[str, Path(max_length=40)],
    session: SessionDep,
) -> dict[str, Any]:
    require_app(session, app_id, principal)
    releases = ReleaseRepository(session)
    release = releases.get(release_id)
    if release is None or release.app_id != app_id:
        raise NotFoundError(f"App {app_id!r} has no release {release_id!r}.")
    latest = releases.latest(app_id)
    return {
        **summary(release, latest.id if latest else None),
        "orchestration_yaml": yaml.safe_dump(
            release.spec, sort_keys=False, allow_unicode=True, default_flow_style=False
        ),
    }
