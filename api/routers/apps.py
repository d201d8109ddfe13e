"""``/apps``: list, create, read, update, delete, deploy and archive apps."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response, status

from api.audit import audit
from api.auth.dependencies import AdminDep, EditorDep, ViewerDep
from api.dependencies import (
    AppReaderDep,
    PromptResolverDep,
    SessionDep,
    app_not_found,
    require_app,
    usable_id,
)
from api.errors import ConflictError, InvalidInputError, error_responses
from api.releases import deploy_app
from api.schedules import ScheduleService
from schemas.apps import AppCreate, AppPublic, AppSortField, AppStatus, AppUpdate
from storage.repositories import AppRepository

router = APIRouter(prefix="/apps", tags=["apps"])

AppIdPath = Annotated[str, Path(description="App id, e.g. `app-3f2c9a1b7d4e`.")]


def _public(session: SessionDep, app_id: str) -> AppPublic:
    row = AppRepository(session).get_row(app_id)
    assert row is not None  # the caller just loaded or wrote it in this transaction
    return AppPublic.model_validate(row)


@router.get(
    "",
    response_model=list[AppPublic],
    summary="List apps",
    responses={
        200: {
            "description": "A page of apps.",
            "headers": {
                "X-Total-Count": {
                    "description": "How many apps match the filter, over all pages.",
                    "schema": {"type": "integer"},
                }
            },
        },
        **error_responses(422),
    },
)
def list_apps(
    principal: ViewerDep,
    session: SessionDep,
    response: Response,
    limit: Annotated[int, Query(ge=1, le=200, description="Page size.")] = 50,
    offset: Annotated[int, Query(ge=0, le=2_000_000_000, description="Rows to skip.")] = 0,
    status_: Annotated[AppStatus | None, Query(alias="status")] = None,
    q: Annotated[
        str | None,
        Query(max_length=200, pattern=r"^[^\x00]*$", description="Case-insensitive name search."),
    ] = None,
    sort: Annotated[AppSortField, Query(description="Sort field; `-` for descending.")] = (
        "-created_at"
    ),
) -> list[AppPublic]:
    """Apps as a JSON array (what the web console expects); the total is in ``X-Total-Count``."""
    # Teams are filtered in SQL, so other teams' apps are neither listed nor counted.
    teams = None if principal.all_teams else list(principal.teams)
    page = AppRepository(session).list(
        limit=limit, offset=offset, status=status_, q=q, sort=sort, team_ids=teams
    )
    response.headers["X-Total-Count"] = str(page.total)
    return [AppPublic.model_validate(row) for row in page.items]


@router.post(
    "",
    response_model=AppPublic,
    status_code=status.HTTP_201_CREATED,
    summary="Create an app",
    responses=error_responses(413, 422),
)
def create_app(
    principal: EditorDep, body: AppCreate, session: SessionDep, response: Response
) -> AppPublic:
    """A new app starts as a ``draft`` at version ``1.0.0``, owned by a team of the caller."""
    team_id = body.team_id or principal.default_team()
    if body.team_id is not None and not principal.all_teams and body.team_id not in principal.teams:
        raise InvalidInputError.at(
            ("body", "team_id"),
            f"You are not a member of team {body.team_id!r}; your teams: "
            f"{', '.join(principal.teams) or 'none'}.",
        )
    app = AppRepository(session).create(
        name=body.name, description=body.description, team_id=team_id
    )
    response.headers["Location"] = f"/apps/{app.id}"
    created = _public(session, app.id)
    audit(session, "app.create", "app", app.id, team_id=team_id, after=created)
    return created


@router.get(
    "/{app_id}", response_model=AppPublic, summary="Get an app", responses=error_responses(404)
)
async def get_app(principal: ViewerDep, app_id: AppIdPath, reader: AppReaderDep) -> AppPublic:
    # The API's hottest read: on the event loop, one SELECT, no ORM session (issue 8).
    record = await reader.get(app_id) if usable_id(app_id) else None
    if record is None or not principal.can_see_team(record.team_id):
        raise app_not_found(app_id)
    return AppPublic.model_validate(record)


@router.patch(
    "/{app_id}",
    response_model=AppPublic,
    summary="Update an app's name or description",
    responses=error_responses(404, 409, 413, 422),
)
def update_app(_: EditorDep, app_id: AppIdPath, body: AppUpdate, session: SessionDep) -> AppPublic:
    """Only the fields sent change; ``null`` leaves a field as it is."""
    app = require_app(session, app_id)
    if app.status == "archived":
        raise ConflictError(
            f"App {app_id!r} is archived and read-only; create a new app to make changes."
        )
    changes = {k: v for k, v in body.model_dump(exclude_unset=True).items() if v is not None}
    if changes:
        before = _public(session, app_id)
        AppRepository(session).update(app, **changes)
        after = _public(session, app_id)
        audit(session, "app.update", "app", app_id, team_id=app.team_id, before=before, after=after)
        return after
    return _public(session, app_id)


@router.delete(
    "/{app_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete an app with its agents, orchestration and releases",
    responses=error_responses(404),
)
def delete_app(_: EditorDep, app_id: AppIdPath, session: SessionDep) -> Response:
    app = require_app(session, app_id)
    before = _public(session, app_id)
    AppRepository(session).delete(app)
    audit(session, "app.delete", "app", app_id, team_id=app.team_id, before=before)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{app_id}/deploy",
    response_model=AppPublic,
    summary="Deploy: compile the orchestration and pin a release",
    responses=error_responses(404, 409, 422),
)
def deploy(
    _: AdminDep, app_id: AppIdPath, session: SessionDep, resolver: PromptResolverDep
) -> AppPublic:
    """``draft`` → ``deployed`` at 1.0.0; each redeploy bumps the minor version.

    409 when the app is archived or has no orchestration; 422 with the compiler's
    errors when the orchestration is invalid.
    """
    app = require_app(session, app_id)
    before = _public(session, app_id)
    deploy_app(session, app, prompt_resolver=resolver)
    after = _public(session, app_id)
    audit(session, "app.deploy", "app", app_id, team_id=app.team_id, before=before, after=after)
    return after


@router.post(
    "/{app_id}/archive",
    response_model=AppPublic,
    summary="Archive an app (read-only, cannot run or deploy)",
    responses=error_responses(404, 409),
)
async def archive(
    _: EditorDep, request: Request, app_id: AppIdPath, session: SessionDep
) -> AppPublic:
    """``draft`` or ``deployed`` → ``archived``; the app's schedules are paused."""
    app = require_app(session, app_id)
    if app.status == "archived":
        raise ConflictError(
            f"App {app_id!r} is already archived; archived apps stay archived. "
            "Create a new app to continue working on it."
        )
    before = _public(session, app_id)
    AppRepository(session).update(app, status="archived")
    after = _public(session, app_id)
    audit(session, "app.archive", "app", app_id, team_id=app.team_id, before=before, after=after)
    session.commit()
    # Archived apps start no runs (their fires would fail); pausing says so in Temporal too.
    schedules = ScheduleService(session=session, gateway=request.app.state.temporal)
    if schedules.rows_of(app_id):
        await schedules.pause_all(app_id, f"paused: app {app_id} was archived")
    return after
