"""Schedules: ``/apps/{id}/schedules`` and ``/schedules/{id}`` (pause, unpause, trigger,
backfill) on Temporal Schedules."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Path, Request, Response, status

from api.audit.service import audit
from api.auth.dependencies import OperatorDep, ViewerDep
from api.dependencies import SessionDep, require_app, run_service_for
from api.errors import InvalidInputError, error_responses
from api.schedules.service import (
    ScheduleService,
    check_definition,
    refuse_archived,
    require_schedule,
)
from schemas.triggers import (
    ScheduleBackfill,
    ScheduleCreate,
    ScheduleNote,
    SchedulePublic,
    ScheduleUpdate,
)

app_schedules_router = APIRouter(prefix="/apps", tags=["schedules"])
router = APIRouter(prefix="/schedules", tags=["schedules"])

ScheduleIdPath = Annotated[str, Path(max_length=100, description="Schedule id, `sch-…`.")]


def _service(request: Request, session: SessionDep) -> ScheduleService:
    return ScheduleService(session=session, gateway=request.app.state.temporal)


@app_schedules_router.post(
    "/{app_id}/schedules",
    status_code=status.HTTP_201_CREATED,
    response_model=SchedulePublic,
    summary="Create a schedule of runs",
    responses=error_responses(404, 409, 422, 503),
)
async def create_schedule(
    principal: OperatorDep,
    request: Request,
    app_id: Annotated[str, Path(max_length=100)],
    body: ScheduleCreate,
    session: SessionDep,
    response: Response,
) -> SchedulePublic:
    """A cron (`"0 7 * * MON"`) or `interval_seconds` schedule in `timezone` that runs the
    app's deployed release (as deployed at each fire time) with `inputs`. `overlap` says
    what happens when a fire comes while the previous run still runs (`skip`,
    `buffer_one`, `allow_all`); `catchup_window_seconds` how late a missed fire may still
    run. Answers with the id and the next fire times; an invalid cron is a 422 naming the
    position."""
    app = require_app(session, app_id, principal)
    refuse_archived(app)
    definition = body.model_dump(mode="json")
    check_definition(definition)
    run_service_for(request, session, principal).check_inputs_against_release(app, body.inputs)
    public = await _service(request, session).create(app, definition, principal.subject)
    audit(
        session,
        principal,
        "schedule.create",
        "schedule",
        public.id,
        team_id=app.team_id,
        after={"app_id": app_id, **{k: v for k, v in definition.items() if k != "inputs"}},
    )
    session.commit()
    response.headers["Location"] = f"/schedules/{public.id}"
    return public


@app_schedules_router.get(
    "/{app_id}/schedules",
    response_model=list[SchedulePublic],
    summary="List an app's schedules",
    responses=error_responses(404, 503),
)
async def list_schedules(
    principal: ViewerDep,
    request: Request,
    app_id: Annotated[str, Path(max_length=100)],
    session: SessionDep,
) -> list[SchedulePublic]:
    """Every schedule of the app, oldest first, with its state and next fire times."""
    require_app(session, app_id, principal)
    service = _service(request, session)
    return [await service.public(row) for row in service.rows_of(app_id)]


@router.get(
    "/{schedule_id}",
    response_model=SchedulePublic,
    summary="Get a schedule",
    responses=error_responses(404, 503),
)
async def get_schedule(
    principal: ViewerDep, request: Request, schedule_id: ScheduleIdPath, session: SessionDep
) -> SchedulePublic:
    row = require_schedule(session, schedule_id, principal.can_see_team)
    return await _service(request, session).public(row)


@router.patch(
    "/{schedule_id}",
    response_model=SchedulePublic,
    summary="Change a schedule",
    responses=error_responses(404, 409, 422, 503),
)
async def update_schedule(
    principal: OperatorDep,
    request: Request,
    schedule_id: ScheduleIdPath,
    body: ScheduleUpdate,
    session: SessionDep,
) -> SchedulePublic:
    """Change any field; the others keep their values. Giving `cron` drops the interval
    and giving `interval_seconds` drops the cron."""
    row = require_schedule(session, schedule_id, principal.can_see_team)
    app = require_app(session, row.app_id, principal)
    refuse_archived(app)
    changes = body.model_dump(mode="json", exclude_unset=True)
    # ``null`` leaves a field as it is, except those that can be cleared (cron and
    # interval_seconds replace each other; catchup_window_seconds goes back to Temporal's).
    clearable = ("cron", "interval_seconds", "catchup_window_seconds")
    changes = {k: v for k, v in changes.items() if v is not None or k in clearable}
    if "inputs" in changes:
        runs = run_service_for(request, session, principal)
        runs.check_inputs_against_release(app, changes["inputs"])
    if changes.get("cron") is None and changes.get("interval_seconds") is None:
        # ``null`` for both would leave the schedule without a spec.
        for key in ("cron", "interval_seconds"):
            if key in changes and changes[key] is None:
                raise InvalidInputError.at(
                    ("body", key), f"{key} cannot be cleared; give the other one instead"
                )
    public = await _service(request, session).update(row, changes)
    audit(
        session,
        principal,
        "schedule.update",
        "schedule",
        row.id,
        team_id=app.team_id,
        after=changes,
    )
    session.commit()
    return public


@router.delete(
    "/{schedule_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a schedule",
    responses=error_responses(404, 503),
)
async def delete_schedule(
    principal: OperatorDep, request: Request, schedule_id: ScheduleIdPath, session: SessionDep
) -> Response:
    """Stops future fires; runs it already started go on."""
    row = require_schedule(session, schedule_id, principal.can_see_team)
    app = require_app(session, row.app_id, principal)
    await _service(request, session).delete(row)
    audit(session, principal, "schedule.delete", "schedule", schedule_id, team_id=app.team_id)
    session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{schedule_id}/pause",
    response_model=SchedulePublic,
    summary="Pause a schedule",
    responses=error_responses(404, 503),
)
async def pause_schedule(
    principal: OperatorDep,
    request: Request,
    schedule_id: ScheduleIdPath,
    session: SessionDep,
    body: Annotated[ScheduleNote | None, Body()] = None,
) -> SchedulePublic:
    row = require_schedule(session, schedule_id, principal.can_see_team)
    return await _service(request, session).set_paused(row, True, body.note if body else "")


@router.post(
    "/{schedule_id}/unpause",
    response_model=SchedulePublic,
    summary="Unpause a schedule",
    responses=error_responses(404, 409, 503),
)
async def unpause_schedule(
    principal: OperatorDep,
    request: Request,
    schedule_id: ScheduleIdPath,
    session: SessionDep,
    body: Annotated[ScheduleNote | None, Body()] = None,
) -> SchedulePublic:
    """409 while the app is archived (archiving paused it)."""
    row = require_schedule(session, schedule_id, principal.can_see_team)
    refuse_archived(require_app(session, row.app_id, principal))
    return await _service(request, session).set_paused(row, False, body.note if body else "")


@router.post(
    "/{schedule_id}/trigger",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=SchedulePublic,
    summary="Fire a schedule now",
    responses=error_responses(404, 409, 503),
)
async def trigger_schedule(
    principal: OperatorDep, request: Request, schedule_id: ScheduleIdPath, session: SessionDep
) -> SchedulePublic:
    """Starts one run now, whatever the overlap policy and even when paused; it shows in
    `recent_runs` once Temporal has started it."""
    row = require_schedule(session, schedule_id, principal.can_see_team)
    refuse_archived(require_app(session, row.app_id, principal))
    return await _service(request, session).trigger(row)


@router.post(
    "/{schedule_id}/backfill",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=SchedulePublic,
    summary="Run the fires of a past time range",
    responses=error_responses(404, 409, 422, 503),
)
async def backfill_schedule(
    principal: OperatorDep,
    request: Request,
    schedule_id: ScheduleIdPath,
    body: ScheduleBackfill,
    session: SessionDep,
) -> SchedulePublic:
    """Runs now every fire the schedule would have had in `[start_time, end_time)`
    (`overlap` default `allow_all`, so they all run)."""
    row = require_schedule(session, schedule_id, principal.can_see_team)
    refuse_archived(require_app(session, row.app_id, principal))
    return await _service(request, session).backfill(row, body)
