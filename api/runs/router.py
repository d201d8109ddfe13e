"""Runs: ``POST /apps/{id}/runs`` and ``/runs/{run_id}`` (status, cancel, approvals, rerun)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Path, Request, Response, status
from sqlalchemy.orm import Session

from api.audit.service import audit
from api.auth.dependencies import ForbiddenError, OperatorDep, ViewerDep
from api.auth.principals import Principal
from api.config import ApiConfig, PromptResolver
from api.dependencies import PromptResolverDep, SessionDep, require_app
from api.errors import (
    ConflictError,
    InvalidInputError,
    error_responses,
    item_at,
)
from api.releases.service import build_plan
from api.runs.service import RunService
from api.temporal import TemporalGateway
from schemas.artifacts import ArtifactRef, artifact_id_from_uri
from schemas.orchestration import ExecutionPlan
from schemas.runs import (
    ApprovalDecision,
    RerunRequest,
    RunCreate,
    RunPublic,
    RunStarted,
    StepProgress,
)
from schemas.triggers import RunTrigger
from storage.artifacts import ArtifactNotFound, ArtifactStore
from storage.models import App
from storage.repositories import AppRepository, ReleaseRepository, RunRepository
from storage.run_inputs import (
    ArtifactLookup,
    InputProblem,
    artifact_problems,
    run_input_problems,
)
from storage.security import ArtifactOwnerRepository

app_runs_router = APIRouter(prefix="/apps", tags=["runs"])
router = APIRouter(prefix="/runs", tags=["runs"])

RunIdPath = Annotated[str, Path(max_length=100, description="Run id, `run-…`.")]


def run_service(request: Request, session: SessionDep) -> RunService:
    gateway: TemporalGateway = request.app.state.temporal
    return RunService(session=session, gateway=gateway)


RunServiceDep = Annotated[RunService, Depends(run_service)]


class TooManyRunsError(ConflictError):
    """429: the team already has as many runs in flight as it may."""

    status_code = 429


def _artifact_lookup(request: Request, session: Session, principal: Principal) -> ArtifactLookup:
    """An artifact's ref when it exists and the caller's team may read it, else None."""
    store: ArtifactStore | None = request.app.state.artifact_store
    owners = ArtifactOwnerRepository(session)

    def lookup(uri: str) -> ArtifactRef | None:
        artifact_id = artifact_id_from_uri(uri) or ""
        owner = owners.get(artifact_id) if len(artifact_id) <= 100 else None
        if owner is not None and not principal.can_see_team(owner.team_id):
            return None
        if store is None:
            return None
        try:
            return store.get(artifact_id)[1]
        except (ArtifactNotFound, ValueError):
            return None

    return lookup


def _raise_for(problems: list[InputProblem]) -> None:
    """422 naming each run input (and artifact) the plan's agents cannot take."""
    if problems:
        unique = list(dict.fromkeys((p.field, p.message) for p in problems))
        raise InvalidInputError(
            [item_at(("body", "inputs", field), message) for field, message in unique]
        )


def _check_run_limits(
    plan: ExecutionPlan, inputs: dict[str, object], config: ApiConfig
) -> ExecutionPlan:
    """Refuse fan-out beyond the platform's limits and cap the run's agent invocations."""
    limits = config.run_limits
    if len(plan.steps) > limits.max_steps_per_run:
        raise ConflictError(
            f"The orchestration has {len(plan.steps)} steps; this platform allows at most "
            f"{limits.max_steps_per_run} per run."
        )
    for step in plan.steps:
        if step.foreach is None or step.foreach.input.source != "trigger":
            continue
        items = inputs.get(step.foreach.input.field)
        if isinstance(items, list) and len(items) > limits.max_foreach_items:
            raise InvalidInputError.at(
                ("body", "inputs", step.foreach.input.field),
                f"{len(items)} items for foreach step {step.id!r}; at most "
                f"{limits.max_foreach_items} are allowed per run.",
            )
    # Items that come from earlier steps are bounded at run time by the invocation cap.
    cap = limits.max_steps_per_run * limits.max_foreach_items
    current = plan.limits.max_steps
    if current is None or current > cap:
        plan = plan.model_copy(update={"limits": plan.limits.model_copy(update={"max_steps": cap})})
    return plan


@app_runs_router.post(
    "/{app_id}/runs",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=RunStarted,
    summary="Start a run",
    responses=error_responses(404, 409, 413, 422, 429, 503),
)
async def start_run(
    principal: OperatorDep,
    request: Request,
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
    app = require_app(session, app_id)
    started, created = await launch_run(
        request,
        session,
        service,
        principal,
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


def check_inputs_against_release(
    request: Request, session: Session, principal: Principal, app: App, inputs: dict[str, Any]
) -> None:
    """422 (the run-start message) when ``inputs`` cannot run the app's deployed release;
    nothing to check while the app is not deployed (its runs then fail saying so)."""
    release = ReleaseRepository(session).latest(app.id) if app.status == "deployed" else None
    if release is None:
        return
    lookup = _artifact_lookup(request, session, principal)
    _raise_for(artifact_problems(inputs, lookup)[0])
    plan = ExecutionPlan.model_validate(release.plan)
    plan = _check_run_limits(plan, inputs, request.app.state.config)
    _raise_for(run_input_problems(plan, inputs, lookup))


async def launch_run(
    request: Request,
    session: Session,
    service: RunService,
    principal: Principal,
    app: App,
    *,
    inputs: dict[str, Any],
    trigger: RunTrigger,
    idempotency_key: str | None = None,
    draft: bool = False,
    prompt_resolver: PromptResolver | None = None,
) -> tuple[RunStarted, bool]:
    """Start a run of ``app`` the way every trigger does: its deployed release (or draft),
    the platform's limits and the run-input check at the door, the team's run cap.

    Returns the run and whether it was newly created (an idempotency key seen before
    returns the run it started)."""
    app_id = app.id
    if app.status == "archived":
        raise ConflictError(f"App {app_id!r} is archived; archived apps cannot start runs.")
    config: ApiConfig = request.app.state.config
    lookup = _artifact_lookup(request, session, principal)
    # Artifacts first: one the caller's team cannot read is refused whatever the plan.
    _raise_for(artifact_problems(inputs, lookup)[0])
    release_id: str | None = None
    if draft:
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
    plan = _check_run_limits(plan, inputs, config)
    _raise_for(run_input_problems(plan, inputs, lookup))
    repeated = bool(idempotency_key) and (
        RunRepository(session).get_by_idempotency_key(app_id, idempotency_key or "") is not None
    )
    if app.team_id is not None and not repeated:
        team_apps = AppRepository(session).list(limit=200, team_ids=[app.team_id])
        running = await service.running_count([row.id for row in team_apps.items])
        if running >= config.run_limits.max_concurrent_runs_per_team:
            raise TooManyRunsError(
                f"Team {app.team_id!r} has {running} runs in flight, the most it may have at "
                "once; wait for some to finish or cancel them."
            )
    started, created = await service.start(
        app_id,
        inputs=inputs,
        plan=plan,
        release_id=release_id,
        idempotency_key=idempotency_key,
        trigger=trigger,
    )
    if created:
        audit(
            session,
            "run.start",
            "run",
            started.run_id,
            team_id=app.team_id,
            after={
                "app_id": app_id,
                "draft": draft,
                "release_id": release_id,
                "trigger": trigger.model_dump(),
            },
            principal=principal,
        )
        session.commit()
    return started, created


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
async def cancel_run(
    _: OperatorDep, run_id: RunIdPath, service: RunServiceDep, session: SessionDep
) -> RunPublic:
    """Ask the run to stop; in-flight agent calls are cancelled."""
    await service.cancel(run_id)
    audit(session, "run.cancel", "run", run_id, team_id=service.team_of(run_id))
    session.commit()
    return await service.get(run_id)


@router.post(
    "/{run_id}/approvals",
    response_model=StepProgress | None,
    summary="Approve or reject a waiting step",
    responses=error_responses(404, 409, 422, 503),
)
async def approve_step(
    _: OperatorDep,
    run_id: RunIdPath,
    decision: ApprovalDecision,
    service: RunServiceDep,
    session: SessionDep,
) -> StepProgress | None:
    """Deliver a human decision to an approval step; the payload is checked against the
    step's input schema before it is recorded."""
    result = await service.approve(run_id, decision)
    audit(
        session,
        "run.approval",
        "run",
        run_id,
        team_id=service.team_of(run_id),
        after=decision.model_dump(mode="json"),
    )
    session.commit()
    return result


@router.post(
    "/{run_id}/rerun",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=RunStarted,
    summary="Re-run from a step",
    responses=error_responses(404, 409, 422, 503),
)
async def rerun(
    _: OperatorDep,
    run_id: RunIdPath,
    body: RerunRequest,
    service: RunServiceDep,
    session: SessionDep,
) -> RunStarted:
    """Re-run from ``from_step`` (Temporal reset): steps before it keep their recorded
    results and are neither executed nor paid for again.

    Any step that started can be a starting point, approval steps included (the run then
    waits for a new decision). A ``foreach`` item, a skipped step or one that never started
    is a 422 saying why, with the steps that can."""
    started = await service.rerun(run_id, body.from_step)
    audit(
        session,
        "run.rerun",
        "run",
        run_id,
        team_id=service.team_of(run_id),
        after={"from_step": body.from_step},
    )
    session.commit()
    return started
