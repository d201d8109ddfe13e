"""Runs: ``POST /apps/{id}/runs`` and ``/runs/{run_id}`` (status, cancel, approvals, rerun)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Path, Request, Response, status

from api.dependencies import PromptResolverDep, SessionDep, require_app
from api.errors import ConflictError, error_responses
from api.releases import build_plan
from api.runs import RunService
from api.temporal import TemporalGateway
from schemas.orchestration import ExecutionPlan
from schemas.runs import (
    ApprovalDecision,
    RerunRequest,
    RunCreate,
    RunPublic,
    RunStarted,
    StepProgress,
)
from storage.repositories import ReleaseRepository

app_runs_router = APIRouter(prefix="/apps", tags=["runs"])
router = APIRouter(prefix="/runs", tags=["runs"])

RunIdPath = Annotated[str, Path(max_length=100, description="Run id, `run-…`.")]


def run_service(request: Request, session: SessionDep) -> RunService:
    gateway: TemporalGateway = request.app.state.temporal
    return RunService(session=session, gateway=gateway)


RunServiceDep = Annotated[RunService, Depends(run_service)]


@app_runs_router.post(
    "/{app_id}/runs",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=RunStarted,
    summary="Start a run",
    responses=error_responses(404, 409, 413, 422, 503),
)
async def start_run(
    app_id: Annotated[str, Path(max_length=100)],
    body: RunCreate,
    session: SessionDep,
    service: RunServiceDep,
    prompt_resolver: PromptResolverDep,
    response: Response,
    idempotency_key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            max_length=200,
            description="Repeating a POST with the same key returns the run it started.",
        ),
    ] = None,
) -> RunStarted:
    """Start a run of the app's deployed release (or, with ``draft``, of its current config).

    Answers at once with the run id; follow it with ``GET /runs/{run_id}``.
    """
    app = require_app(session, app_id)
    if app.status == "archived":
        raise ConflictError(f"App {app_id!r} is archived; archived apps cannot start runs.")
    release_id: str | None = None
    if body.draft:
        plan = build_plan(session, app, prompt_resolver, version=f"{app.version}-draft")
    else:
        release = ReleaseRepository(session).latest(app_id) if app.status == "deployed" else None
        if release is None:
            raise ConflictError(
                f"App {app_id!r} is not deployed; deploy it with POST /apps/{app_id}/deploy, "
                'or start a draft run with {"draft": true}.'
            )
        plan = ExecutionPlan.model_validate(release.plan)
        release_id = release.id
    started, created = await service.start(
        app_id,
        inputs=body.inputs,
        plan=plan,
        release_id=release_id,
        idempotency_key=idempotency_key,
    )
    response.headers["Location"] = f"/runs/{started.run_id}"
    if not created:
        response.status_code = status.HTTP_200_OK
    return started


@router.get(
    "/{run_id}",
    response_model=RunPublic,
    summary="Get a run",
    responses=error_responses(404, 503),
)
async def get_run(run_id: RunIdPath, service: RunServiceDep) -> RunPublic:
    """Status (running, completed, failed, canceled, terminated, timed_out), per-step
    progress and, once finished, every step's outputs."""
    return await service.get(run_id)


@router.post(
    "/{run_id}/cancel",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=RunPublic,
    summary="Cancel a run",
    responses=error_responses(404, 409, 503),
)
async def cancel_run(run_id: RunIdPath, service: RunServiceDep) -> RunPublic:
    """Ask the run to stop; in-flight agent calls are cancelled."""
    await service.cancel(run_id)
    return await service.get(run_id)


@router.post(
    "/{run_id}/approvals",
    response_model=StepProgress | None,
    summary="Approve or reject a waiting step",
    responses=error_responses(404, 409, 422, 503),
)
async def approve_step(
    run_id: RunIdPath, decision: ApprovalDecision, service: RunServiceDep
) -> StepProgress | None:
    """Deliver a human decision to an approval step; the payload is checked against the
    step's input schema before it is recorded."""
    return await service.approve(run_id, decision)


@router.post(
    "/{run_id}/rerun",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=RunStarted,
    summary="Re-run from a step",
    responses=error_responses(404, 409, 422, 503),
)
async def rerun(run_id: RunIdPath, body: RerunRequest, service: RunServiceDep) -> RunStarted:
    """Re-run from ``from_step`` (Temporal reset): steps before it keep their recorded
    results and are neither executed nor paid for again."""
    return await service.rerun(run_id, body.from_step)
