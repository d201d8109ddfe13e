"""``GET /audit``: the append-only audit trail, for admins."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.auth.dependencies import AdminDep
from api.dependencies import SessionDep
from api.errors import error_responses
from api.paging import limit_query, offset_query
from schemas.auth import AuditEventPublic
from storage.security import AuditRepository

router = APIRouter(prefix="/audit", tags=["audit"])

_FILTER = Query(max_length=200, pattern=r"^[^\x00]*$")


@router.get(
    "",
    response_model=list[AuditEventPublic],
    summary="List audit events, newest first",
    responses={
        200: {
            "description": "A page of audit events.",
            "headers": {
                "X-Total-Count": {
                    "description": "How many events match the filter, over all pages.",
                    "schema": {"type": "integer"},
                }
            },
        },
        **error_responses(422),
    },
)
def list_audit_events(
    principal: AdminDep,
    session: SessionDep,
    response: Response,
    actor: Annotated[str | None, _FILTER] = None,
    action: Annotated[str | None, _FILTER] = None,
    object_type: Annotated[str | None, _FILTER] = None,
    object_id: Annotated[str | None, _FILTER] = None,
    since: Annotated[datetime | None, Query(description="From this time (inclusive).")] = None,
    until: Annotated[datetime | None, Query(description="Before this time.")] = None,
    limit: Annotated[int, limit_query(500, None)] = 50,
    offset: Annotated[int, offset_query()] = 0,
) -> list[AuditEventPublic]:
    """Admins of some teams see those teams' events; all-teams admins see everything."""
    page = AuditRepository(session).list(
        limit=limit,
        offset=offset,
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        since=_aware(since),
        until=_aware(until),
        team_ids=None if principal.all_teams else list(principal.teams),
    )
    response.headers["X-Total-Count"] = str(page.total)
    return [AuditEventPublic.model_validate(event) for event in page.items]


def _aware(value: datetime | None) -> datetime | None:
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)
