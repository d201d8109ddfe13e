"""``/apps``: list, create, read, update, delete, deploy and archive apps."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from datetime import datetime
from typing import Annotated
from urllib.parse import urlencode

import anyio.to_thread
from fastapi import APIRouter, Path, Query, Request, Response, status
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.audit.service import audit, snapshot
from api.auth.dependencies import AdminDep, EditorDep, ViewerDep
from api.auth.principals import Principal, require_principal
from api.dependencies import (
    AppReaderDep,
    PromptResolverDep,
    SessionDep,
    app_not_found,
    require_app,
    usable_id,
)
from api.errors import ConflictError, InvalidInputError, error_responses
from api.evaluations.service import EvaluationRunner
from api.paging import cursor_query, limit_query, offset_query
from api.releases.gates import evaluate_gate, record_forced
from api.releases.service import deploy_app
from api.schedules.service import ScheduleService
from schemas.apps import AppCreate, AppPublic, AppSortField, AppStatus, AppUpdate
from schemas.evaluations import GateRefusal, GateReport
from storage.evaluations import GateRepository
from storage.models import new_id, utc_now
from storage.repositories import AppQuery, AppRepository, AsyncAppWriter, NewApp

router = APIRouter(prefix="/apps", tags=["apps"])

AppIdPath = Annotated[str, Path(description="App id, e.g. `app-3f2c9a1b7d4e`.")]


def name_taken(session: Session, name: str, team_id: str | None, app_id: str = "") -> None:
    """409 naming the app that already has ``name`` in ``team_id`` (other than ``app_id``)."""
    existing = AppRepository(session).find_by_name(name, team_id)
    if existing is not None and existing.id != app_id:
        where = f"team {team_id!r}" if team_id else "this hub"
        raise ConflictError(
            f"An app named {name!r} already exists in {where}: {existing.id} "
            f"({existing.status}); app names are unique per team. Use that app "
            f"(GET /apps/{existing.id}), or pick another name."
        )


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
                },
                "X-Next-Cursor": {
                    "description": "Pass as `cursor` for the next page; absent on the last.",
                    "schema": {"type": "string"},
                },
                "Link": {
                    "description": 'The next page\'s URL with `rel="next"`.',
                    "schema": {"type": "string"},
                },
            },
        },
        **error_responses(422),
    },
)
async def list_apps(
    principal: ViewerDep,
    reader: AppReaderDep,
    limit: Annotated[int, limit_query(200)] = 50,
    offset: Annotated[int, offset_query("Rows to skip (not with `cursor`).")] = 0,
    status_: Annotated[AppStatus | None, Query(alias="status")] = None,
    q: Annotated[
        str | None,
        Query(max_length=200, pattern=r"^[^\x00]*$", description="Case-insensitive name search."),
    ] = None,
    sort: Annotated[AppSortField, Query(description="Sort field; `-` for descending.")] = (
        "-created_at"
    ),
    cursor: Annotated[
        str | None,
        cursor_query(
            500,
            "Continue after the last app of a page: the `X-Next-Cursor` header of the "
            "previous page (keyset paging; same `sort`, `status` and `q`).",
        ),
    ] = None,
) -> Response:
    """Apps as a JSON array (what the web console expects); the total is in ``X-Total-Count``
    and, when more follow, ``X-Next-Cursor`` (and a ``Link: rel="next"``) continues the list.
    """
    if cursor is not None and offset:
        raise InvalidInputError.at(
            ("query", "cursor"), "use either cursor or offset, not both; drop offset"
        )
    # Teams are filtered in SQL, so other teams' apps are neither listed nor counted.
    teams = None if principal.all_teams else tuple(principal.teams)
    query = AppQuery(
        limit=limit,
        offset=offset,
        status=status_,
        q=q,
        sort=sort,
        team_ids=teams,
        after=decode_app_cursor(cursor, sort) if cursor else None,
    )
    page = await reader.page(query)
    # The apps' JSON comes whole from the reader (built by PostgreSQL on its path): no
    # model and no serialiser per row (issue 22's profile in bench/README.md).
    body = ("[" + ",".join(page.items) + "]").encode()
    headers = {"X-Total-Count": str(page.total)}
    if page.more and page.last is not None:
        next_cursor = encode_app_cursor(*page.last, sort)
        headers["X-Next-Cursor"] = next_cursor
        headers["Link"] = f'</apps?{_next_query(query, next_cursor)}>; rel="next"'
    return Response(content=body, media_type="application/json", headers=headers)


def encode_app_cursor(value: object, app_id: str, sort: str) -> str:
    """An opaque cursor: the sort it belongs to, the row's sort key and its id."""
    raw = json.dumps([sort, value.isoformat() if isinstance(value, datetime) else value, app_id])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_app_cursor(cursor: str, sort: str) -> tuple[object, str]:
    """The (sort value, id) a cursor continues after; 422 for one this API did not make."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        made_for, value, app_id = json.loads(raw)
        if made_for != sort or not isinstance(app_id, str) or not isinstance(value, str):
            raise ValueError(made_for)
        if sort.lstrip("-") != "name":
            return datetime.fromisoformat(value), app_id
        return value, app_id
    except (ValueError, TypeError, binascii.Error, json.JSONDecodeError) as exc:
        raise InvalidInputError.at(
            ("query", "cursor"),
            "not a cursor this API returned for this sort; start again without it",
        ) from exc


def _next_query(query: AppQuery, cursor: str) -> str:
    params: dict[str, object] = {"limit": query.limit, "sort": query.sort, "cursor": cursor}
    if query.status:
        params["status"] = query.status
    if query.q:
        params["q"] = query.q
    return urlencode(params)


@router.post(
    "",
    response_model=AppPublic,
    status_code=status.HTTP_201_CREATED,
    summary="Create an app",
    responses=error_responses(409, 413, 422),
)
async def create_app(principal: EditorDep, body: AppCreate, request: Request) -> Response:
    """A new app starts as a ``draft`` at version ``1.0.0``, owned by a team of the caller.

    409 when the team already has an app of that name (the answer names it).
    """
    team_id = body.team_id or principal.default_team()
    if body.team_id is not None and not principal.all_teams and body.team_id not in principal.teams:
        raise InvalidInputError.at(
            ("body", "team_id"),
            f"You are not a member of team {body.team_id!r}; your teams: "
            f"{', '.join(principal.teams) or 'none'}.",
        )
    writer: AsyncAppWriter | None = request.app.state.app_writer
    if writer is None:
        # SQLite: the whole write (app, audit record, commit) in one worker-thread hop.
        created = await anyio.to_thread.run_sync(
            _create_app, request.app.state.session_factory, body, team_id, principal
        )
    else:
        created = await _create_app_in_one_statement(writer, request, body, team_id, principal)
    return Response(
        content=created.model_dump_json(),
        status_code=status.HTTP_201_CREATED,
        media_type="application/json",
        headers={"Location": f"/apps/{created.id}"},
    )


def _new_app_public(app_id: str, body: AppCreate, now: datetime) -> AppPublic:
    # A new app is a draft at 1.0.0 with no agents: its public form needs no query.
    return AppPublic.model_construct(
        id=app_id,
        name=body.name,
        description=body.description,
        version="1.0.0",
        status="draft",
        agent_count=0,
        created_at=now,
        updated_at=now,
    )


async def _create_app_in_one_statement(
    writer: AsyncAppWriter, request: Request, body: AppCreate, team_id: str | None, who: Principal
) -> AppPublic:
    """PostgreSQL: the app and its audit record in one statement on the event loop
    (issue 22's profile: the ORM path took a worker thread, a pre-ping, ``BEGIN``, two
    flushes and a ``COMMIT``). The rows are those the ORM path writes."""
    created = _new_app_public(new_id("app"), body, utc_now())
    try:
        await writer.create(
            NewApp(
                id=created.id,
                name=created.name,
                description=created.description,
                version=created.version,
                status=created.status,
                team_id=team_id,
                created_at=created.created_at,
                actor=require_principal(who).subject,
                action="app.create",
                # What the ORM's JSON column stores: ``json.dumps`` of the snapshot.
                after_json=json.dumps(snapshot(created)),
                audited_at=utc_now(),
            )
        )
    except IntegrityError:
        # The unique index on (team, name) decided: 409 naming the app that has the name.
        await anyio.to_thread.run_sync(
            _name_taken_in_session, request.app.state.session_factory, body.name, team_id
        )
        raise
    return created


def _name_taken_in_session(
    session_factory: Callable[[], Session], name: str, team_id: str | None
) -> None:
    with session_factory() as session:
        name_taken(session, name, team_id)


def _create_app(
    session_factory: Callable[[], Session], body: AppCreate, team_id: str | None, who: Principal
) -> AppPublic:
    with session_factory() as session:
        try:
            app = AppRepository(session).create(
                name=body.name, description=body.description, team_id=team_id
            )
        except IntegrityError:
            # The unique index on (team, name) decides, so the common case costs no
            # look-up and two concurrent creates of one name both get a 409 naming the app.
            session.rollback()
            name_taken(session, body.name, team_id)
            raise
        created = _new_app_public(app.id, body, app.created_at)
        audit(session, who, "app.create", "app", app.id, team_id=team_id, after=created)
        session.commit()
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
def update_app(
    principal: EditorDep, app_id: AppIdPath, body: AppUpdate, session: SessionDep
) -> AppPublic:
    """Only the fields sent change; ``null`` leaves a field as it is."""
    app = require_app(session, app_id, principal)
    if app.status == "archived":
        raise ConflictError(
            f"App {app_id!r} is archived and read-only; create a new app to make changes."
        )
    changes = {k: v for k, v in body.model_dump(exclude_unset=True).items() if v is not None}
    if "name" in changes:
        name_taken(session, changes["name"], app.team_id, app_id)
    if changes:
        before = _public(session, app_id)
        AppRepository(session).update(app, **changes)
        after = _public(session, app_id)
        audit(
            session,
            principal,
            "app.update",
            "app",
            app_id,
            team_id=app.team_id,
            before=before,
            after=after,
        )
        return after
    return _public(session, app_id)


@router.delete(
    "/{app_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete an app with its agents, orchestration and releases",
    responses=error_responses(404),
)
def delete_app(principal: EditorDep, app_id: AppIdPath, session: SessionDep) -> Response:
    app = require_app(session, app_id, principal)
    before = _public(session, app_id)
    AppRepository(session).delete(app)
    audit(session, principal, "app.delete", "app", app_id, team_id=app.team_id, before=before)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{app_id}/deploy",
    response_model=AppPublic,
    summary="Deploy: compile the orchestration and pin a release",
    responses={
        **error_responses(404, 409, 422),
        409: {
            "model": GateRefusal,
            "description": "The app is archived or has no orchestration, or the release gate "
            "refused the candidate (`report` says why).",
        },
    },
)
async def deploy(
    principal: AdminDep,
    request: Request,
    app_id: AppIdPath,
    session: SessionDep,
    resolver: PromptResolverDep,
    force: Annotated[
        bool,
        Query(description="Deploy even if the release gate would refuse (audited)."),
    ] = False,
) -> AppPublic | JSONResponse:
    """``draft`` → ``deployed`` at 1.0.0; each redeploy bumps the minor version.

    409 when the app is archived or has no orchestration; 422 with the compiler's
    errors when the orchestration is invalid. With a release gate (``PUT
    /apps/{id}/gate``) the candidate is evaluated first and a 409 carries the report
    when it scores under ``min_score`` or a field drops by more than ``max_field_drop``
    against the deployed release; ``?force=true`` deploys anyway and is audited, and
    the release it deployed is still evaluated on the gate's dataset (not awaited; the
    ``X-Evaluation-Id`` header and the audit entry ``app.deploy.forced`` link it).
    """
    app = require_app(session, app_id, principal)
    before = _public(session, app_id)
    gate = GateRepository(session).get(app_id)
    report: GateReport | None = None
    if gate is not None and app.status != "archived" and not force:
        runner: EvaluationRunner = request.app.state.evaluations
        report = await evaluate_gate(session, runner, app, gate, resolver, principal)
        if not report.passed:
            audit(
                session,
                principal,
                "app.deploy.refused",
                "app",
                app_id,
                team_id=app.team_id,
                after={"reasons": report.reasons, "evaluation_id": report.candidate.id},
            )
            session.commit()
            refusal = GateRefusal(
                detail=f"The release gate refused the deploy of app {app_id!r}: "
                + "; ".join(report.reasons)
                + ". Fix the candidate, or deploy anyway with ?force=true (admins, audited).",
                report=report,
            )
            return JSONResponse(refusal.model_dump(mode="json"), status_code=409)
    deploy_app(session, app, prompt_resolver=resolver, deployed_by=principal.subject)
    after = _public(session, app_id)
    audit(
        session,
        principal,
        "app.deploy",
        "app",
        app_id,
        team_id=app.team_id,
        before=before,
        after=after,
    )
    forced: dict[str, str | None] | None = None
    if gate is not None and force:
        # Forced past the gate: the release deployed is still evaluated (not awaited), and
        # the audit entry links that evaluation and the baseline it compares with.
        evaluations: EvaluationRunner = request.app.state.evaluations
        forced = await record_forced(session, evaluations, app, gate, resolver, principal)
        audit(
            session,
            principal,
            "app.deploy.forced",
            "app",
            app_id,
            team_id=app.team_id,
            after={
                "version": after.version,
                "gate": {
                    "dataset_id": gate.dataset_id,
                    "min_score": gate.min_score,
                    "max_field_drop": gate.max_field_drop,
                },
                "by": principal.subject,
                **forced,
            },
        )
        session.commit()
        return JSONResponse(
            after.model_dump(mode="json"),
            headers={"X-Evaluation-Id": forced["evaluation_id"] or ""},
        )
    if report is not None:
        return JSONResponse(
            after.model_dump(mode="json"),
            headers={"X-Evaluation-Id": report.candidate.id},
        )
    return after


@router.post(
    "/{app_id}/archive",
    response_model=AppPublic,
    summary="Archive an app (read-only, cannot run or deploy)",
    responses=error_responses(404, 409, 503),
)
async def archive(
    principal: EditorDep, request: Request, app_id: AppIdPath, session: SessionDep
) -> AppPublic:
    """``draft`` or ``deployed`` → ``archived``; the app's schedules are paused."""
    app = require_app(session, app_id, principal)
    if app.status == "archived":
        raise ConflictError(
            f"App {app_id!r} is already archived; archived apps stay archived. "
            "Create a new app to continue working on it."
        )
    before = _public(session, app_id)
    AppRepository(session).update(app, status="archived")
    after = _public(session, app_id)
    audit(
        session,
        principal,
        "app.archive",
        "app",
        app_id,
        team_id=app.team_id,
        before=before,
        after=after,
    )
    session.commit()
    # Archived apps start no runs (their fires would fail); pausing says so in Temporal too.
    schedules = ScheduleService(session=session, gateway=request.app.state.temporal)
    if schedules.rows_of(app_id):
        await schedules.pause_all(app_id, f"paused: app {app_id} was archived")
    return after
