"""Runs: ``POST /apps/{id}/runs`` and ``/runs/{run_id}`` (status, cancel, approvals, rerun)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Header, Path, Response, status

from api.auth.dependencies import ForbiddenError, OperatorDep, ViewerDep
from api.dependencies import PromptResolverDep, RunServiceDep, SessionDep, require_app
from api.errors import (
    error_responses,
)
from schemas.runs import (
    ApprovalDecision,
    RerunRequest,
    RunCreate,
    RunPublic,
    RunStarted,
    StepProgress,
)
from schemas.triggers import RunTrigger

app_runs_router = APIRouter(prefix="/apps", tags=["runs"])
router = APIRouter(prefix="/runs", tags=["runs"])

RunIdPath = Annotated[str, Path(max_length=100, description="Run id, `run-…`.")]


@app_runs_router.post(
    "/{app_id}/runs",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=RunStarted,
    summary="Start a run",
    responses=error_responses(404, 409, 413, 422, 429, 503),
)
async def start_run(
    principal: OperatorDep,
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
    hub_trigger: Annotated[
        Literal["api", "cli"] | None,
        Header(
            alias="Hub-Trigger",
            description="`cli` when the hub CLI starts the run (its runs say so); default `api`.",
        ),
    ] = None,
) -> RunStarted:
    """Start a run of the app's deployed release (or, with ``draft``, of its current config).

    Answers at once with the run id; follow it with ``GET /runs/{run_id}``.
    """
    if body.draft and not principal.has_role("editor"):
        raise ForbiddenError("A draft run needs the 'editor' role; operators run deployed apps.")
    app = require_app(session, app_id, principal)
    started, created = await service.launch(
        app,
        inputs=body.inputs,
        draft=body.draft,
        prompt_resolver=prompt_resolver,
        idempotency_key=idempotency_key,
        trigger=RunTrigger(kind=hub_trigger or "api"),
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
async def get_run(_: ViewerDep, run_id: RunIdPath, service: RunServiceDep) -> RunPublic:
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
async def cancel_run(_: OperatorDep, run_id: RunIdPath, service: RunServiceDep) -> RunPublic:
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
    _: OperatorDep, run_id: RunIdPath, decision: ApprovalDecision, service: RunServiceDep
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
async def rerun(
    _: OperatorDep, run_id: RunIdPath, body: RerunRequest, service: RunServiceDep
) -> RunStarted:
    """Re-run from ``from_step`` (Temporal reset): steps before it keep their recorded
    results and are neither executed nor paid for again.

    Any step that started can be a starting point, approval steps included (the run then
    waits for a new decision). A ``foreach`` item, a skipped step or one that never started
    is a 422 saying why, with the steps that can."""
    return await service.rerun(run_id, body.from_step)
