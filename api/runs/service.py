"""Runs: start, read, cancel, approve and re-run, on top of Temporal.

Endpoints start, signal, update or query a workflow and return at once; the
runs table keeps only bookkeeping (who, which release, idempotency key) and the
last status seen, while Temporal's history stays the source of truth.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.enums.v1 import ResetReapplyExcludeType
from temporalio.api.workflowservice.v1 import ResetWorkflowExecutionRequest
from temporalio.client import (
    Client,
    WorkflowExecutionStatus,
    WorkflowFailureError,
    WorkflowHandle,
    WorkflowUpdateFailedError,
)
from temporalio.common import SearchAttributePair, TypedSearchAttributes
from temporalio.service import RPCError, RPCStatusCode

from api.audit.service import audit
from api.auth.principals import Principal, require_principal
from api.config import PromptResolver, RunLimits
from api.errors import ConflictError, InvalidInputError, NotFoundError, item_at
from api.releases.service import build_plan
from api.runs.rerun import RunHistory, why_not_a_starting_point
from api.temporal import TemporalGateway, TemporalUnavailable
from schemas.artifacts import ArtifactRef, artifact_id_from_uri
from schemas.names import ORCHESTRATOR_QUEUE, WORKFLOW_TYPE
from schemas.orchestration import ExecutionPlan
from schemas.runs import (
    ApprovalDecision,
    RunInput,
    RunProgress,
    RunPublic,
    RunResult,
    RunStarted,
    RunStatus,
    StepProgress,
)
from schemas.triggers import TRIGGER_KINDS, RunTrigger
from schemas.workflow_contract import (
    AGENT_TYPES_KEY,
    APP_ID_KEY,
    APP_VERSION_KEY,
    APPROVE_UPDATE,
    EVALUATION_ID_KEY,
    HUB_RUN_ID_KEY,
    HUB_TRIGGER_ID_KEY,
    HUB_TRIGGER_KEY,
    PROGRESS_QUERY,
    failure_message,
    visibility_literal,
)
from storage.artifacts import ArtifactNotFound, ArtifactStore
from storage.evaluations import EvaluationRepository
from storage.models import App, Run
from storage.repositories import AppRepository, ReleaseRepository, RunRepository
from storage.run_inputs import (
    ArtifactLookup,
    InputProblem,
    artifact_problems,
    run_input_problems,
)
from storage.security import ArtifactOwnerRepository

QUERY_TIMEOUT = timedelta(seconds=3)
RESET_REAPPLY_EXCLUDE_TYPE_UPDATE = ResetReapplyExcludeType.RESET_REAPPLY_EXCLUDE_TYPE_UPDATE
RUN_ID_PREFIX = "run-"

STATUS_BY_TEMPORAL: dict[WorkflowExecutionStatus, RunStatus] = {
    WorkflowExecutionStatus.RUNNING: "running",
    WorkflowExecutionStatus.CONTINUED_AS_NEW: "running",
    WorkflowExecutionStatus.COMPLETED: "completed",
    WorkflowExecutionStatus.FAILED: "failed",
    WorkflowExecutionStatus.CANCELED: "canceled",
    WorkflowExecutionStatus.TERMINATED: "terminated",
    WorkflowExecutionStatus.TIMED_OUT: "timed_out",
}

API_TRIGGER = RunTrigger(kind="api")


def trigger_search_attributes(trigger: RunTrigger) -> list[SearchAttributePair[Any]]:
    """The search attributes that say what started a run (and so filter run lists)."""
    pairs: list[SearchAttributePair[Any]] = [SearchAttributePair(HUB_TRIGGER_KEY, trigger.kind)]
    if trigger.id:
        pairs.append(SearchAttributePair(HUB_TRIGGER_ID_KEY, trigger.id))
    return pairs


#: gRPC codes that mean "Temporal did not answer" (stopped, restarting, unreachable).
TEMPORAL_OUTAGE_CODES = frozenset({RPCStatusCode.UNAVAILABLE, RPCStatusCode.DEADLINE_EXCEEDED})

_P = ParamSpec("_P")
_T = TypeVar("_T")


def answers_503_when_temporal_is_down(
    method: Callable[Concatenate[RunService, _P], Awaitable[_T]],
) -> Callable[Concatenate[RunService, _P], Awaitable[_T]]:
    """Temporal going away after the client connected is a 503 naming the address and
    the fix, like a failed first connection, rather than a 500."""

    @functools.wraps(method)
    async def guarded(self: RunService, *args: _P.args, **kwargs: _P.kwargs) -> _T:
        try:
            return await method(self, *args, **kwargs)
        except RPCError as exc:
            if exc.status not in TEMPORAL_OUTAGE_CODES:
                raise
            raise TemporalUnavailable(
                f"Temporal at {self.gateway.address} is not answering ({exc.message}); "
                "check that it is running (`hub up` starts it) and retry"
            ) from exc

    return guarded


class RunNotFound(NotFoundError):
    """404: no such run."""


class RunConflict(ConflictError):
    """The run is in a state where the action makes no sense (finished, not waiting)."""


class RunRejected(InvalidInputError):
    """422: the workflow refused the request (an approval payload it validated, a bad step)."""

    def __init__(self, message: str, field: str = "body") -> None:
        super().__init__(InvalidInputError.at(("body", field), message).items)


def new_run_id() -> str:
    return f"{RUN_ID_PREFIX}{uuid.uuid4().hex[:16]}"


class TooManyRunsError(ConflictError):
    """429: the team already has as many runs in flight as it may."""

    status_code = 429


def raise_for(problems: list[InputProblem]) -> None:
    """422 naming each run input (and artifact) the plan's agents cannot take."""
    if problems:
        unique = list(dict.fromkeys((p.field, p.message) for p in problems))
        raise InvalidInputError(
            [item_at(("body", "inputs", field), message) for field, message in unique]
        )


def check_run_limits(
    plan: ExecutionPlan, inputs: dict[str, object], limits: RunLimits
) -> ExecutionPlan:
    """Refuse fan-out beyond the platform's limits and cap the run's agent invocations."""
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


def artifact_lookup(
    session: Session, store: ArtifactStore | None, principal: Principal
) -> ArtifactLookup:
    """An artifact's ref when it exists and ``principal``'s team may read it, else None.

    Reads the metadata only (never the bytes), once per URI: a run start checks its
    artifacts twice (the door, then against the plan's readers)."""
    owners = ArtifactOwnerRepository(session)
    seen: dict[str, ArtifactRef | None] = {}

    def read(uri: str) -> ArtifactRef | None:
        artifact_id = artifact_id_from_uri(uri) or ""
        owner = owners.get(artifact_id) if len(artifact_id) <= 100 else None
        if owner is not None and not principal.can_see_team(owner.team_id):
            return None
        if store is None:
            return None
        try:
            return store.ref(artifact_id)
        except (ArtifactNotFound, ValueError):
            return None

    def lookup(uri: str) -> ArtifactRef | None:
        if uri not in seen:
            seen[uri] = read(uri)
        return seen[uri]

    return lookup


@dataclass
class RunService:
    """Runs as ``principal`` sees them: it is never implied (no principal, no service).

    ``run_limits`` and ``artifact_store`` are what the door checks of a new run need."""

    session: Session
    gateway: TemporalGateway
    principal: Principal
    run_limits: RunLimits = field(default_factory=RunLimits)
    artifact_store: ArtifactStore | None = None

    def __post_init__(self) -> None:
        require_principal(self.principal)

    def artifact_lookup(self) -> ArtifactLookup:
        """Artifacts as the principal may read them (see :func:`artifact_lookup`)."""
        return artifact_lookup(self.session, self.artifact_store, self.principal)

    def check_inputs_against_release(self, app: App, inputs: dict[str, Any]) -> None:
        """422 (the run-start message) when ``inputs`` cannot run the app's deployed release;
        nothing to check while the app is not deployed (its runs then fail saying so)."""
        release = (
            ReleaseRepository(self.session).latest(app.id) if app.status == "deployed" else None
        )
        if release is None:
            return
        lookup = self.artifact_lookup()
        raise_for(artifact_problems(inputs, lookup)[0])
        plan = ExecutionPlan.model_validate(release.plan)
        plan = check_run_limits(plan, inputs, self.run_limits)
        raise_for(run_input_problems(plan, inputs, lookup))

    async def launch(
        self,
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
        lookup = self.artifact_lookup()
        # Artifacts first: one the caller's team cannot read is refused whatever the plan.
        raise_for(artifact_problems(inputs, lookup)[0])
        release_id: str | None = None
        if draft:
            plan = build_plan(self.session, app, prompt_resolver, version=f"{app.version}-draft")
        else:
            release = (
                ReleaseRepository(self.session).latest(app_id) if app.status == "deployed" else None
            )
            if release is None:
                raise ConflictError(
                    f"App {app_id!r} is not deployed; deploy it with POST /apps/{app_id}/deploy, "
                    'or start a draft run with {"draft": true}.'
                )
            plan = ExecutionPlan.model_validate(release.plan)
            release_id = release.id
        plan = check_run_limits(plan, inputs, self.run_limits)
        raise_for(run_input_problems(plan, inputs, lookup))
        repeated = bool(idempotency_key) and (
            RunRepository(self.session).get_by_idempotency_key(app_id, idempotency_key or "")
            is not None
        )
        if app.team_id is not None and not repeated:
            team_apps = AppRepository(self.session).list(limit=200, team_ids=[app.team_id])
            running = await self.running_count([row.id for row in team_apps.items])
            if running >= self.run_limits.max_concurrent_runs_per_team:
                raise TooManyRunsError(
                    f"Team {app.team_id!r} has {running} runs in flight, the most it may have "
                    "at once; wait for some to finish or cancel them."
                )

        def audit_start(run_id: str) -> None:
            audit(
                self.session,
                self.principal,
                "run.start",
                "run",
                run_id,
                team_id=app.team_id,
                after={
                    "app_id": app_id,
                    "draft": draft,
                    "release_id": release_id,
                    "trigger": trigger.model_dump(),
                },
            )

        return await self.start(
            app_id,
            inputs=inputs,
            plan=plan,
            release_id=release_id,
            idempotency_key=idempotency_key,
            trigger=trigger,
            on_started=audit_start,
        )

    async def _client(self) -> Client:
        return await self.gateway.client()

    def _row(self, run_id: str, row: Run | None = None) -> Run:
        """``run_id``'s row as the principal may see it (``row``: already read by the caller)."""
        row = row or RunRepository(self.session).get(run_id)
        # Runs of another team's app answer exactly like runs that do not exist.
        if row is None or not self.principal.can_see_team(self.team_of(run_id, row)):
            raise RunNotFound(f"run {run_id} not found")
        return row

    def team_of(self, run_id: str, row: Run | None = None) -> str | None:
        """The team owning the app of ``run_id`` (``None`` when unknown or team-less)."""
        row = row or RunRepository(self.session).get(run_id)
        app = AppRepository(self.session).get(row.app_id) if row is not None else None
        return app.team_id if app is not None else None

    async def running_count(self, app_ids: list[str]) -> int:
        """Runs in flight for these apps, counted by Temporal visibility (the source of truth)."""
        if not app_ids:
            return 0
        client = await self._client()
        quoted = ", ".join(visibility_literal(app_id) for app_id in app_ids)
        try:
            answer = await client.count_workflows(
                f"AppId IN ({quoted}) AND ExecutionStatus = 'Running'"
            )
        except RPCError:
            # Visibility may be unavailable on a minimal server; the limit then cannot apply.
            return 0
        return int(answer.count)

    async def _handle(self, row: Run) -> WorkflowHandle[Any, Any]:
        client = await self._client()
        return client.get_workflow_handle(row.workflow_id, result_type=RunResult)

    @answers_503_when_temporal_is_down
    async def start(
        self,
        app_id: str,
        *,
        inputs: dict[str, Any],
        plan: ExecutionPlan,
        release_id: str | None,
        idempotency_key: str | None,
        trigger: RunTrigger = API_TRIGGER,
        evaluation: tuple[str, int] | None = None,
        on_started: Callable[[str], None] | None = None,
    ) -> tuple[RunStarted, bool]:
        """Start a run of ``plan``; returns the run and whether it was newly created.

        With an idempotency key, a repeated request returns the run it started first.
        ``on_started(run_id)`` adds to the session what goes with a new run (its audit):
        it is committed with the run's Temporal id, in one transaction.
        A run of an evaluation (``(evaluation id, item index)``) carries the evaluation's id
        (``HubEvaluationId``, and a row in ``evaluation_runs``), which keeps it out of
        production metrics and run listings.
        """
        runs = RunRepository(self.session)
        if idempotency_key:
            existing = runs.get_by_idempotency_key(app_id, idempotency_key)
            if existing is not None:
                return self._started(existing), False
        client = await self._client()
        run_id = new_run_id()
        app_version = plan.app_version or "draft"
        agent_types = sorted({a.type for a in plan.agents.values() if a.type})
        try:
            row = runs.create(
                app_id,
                run_id=run_id,
                workflow_id=run_id,
                inputs=inputs,
                release_id=release_id,
                idempotency_key=idempotency_key,
                trigger_kind=trigger.kind,
                trigger_id=trigger.id,
                app_version=app_version,
                agent_types=agent_types,
                evaluation=evaluation is not None,
            )
            if evaluation is not None:
                EvaluationRepository(self.session).record_run(evaluation[0], evaluation[1], run_id)
            # Committed before Temporal is called: the key is claimed at once, and no
            # database lock is held across the network call (a concurrent POST with the
            # same key would otherwise wait on it and fail).
            self.session.commit()
        except IntegrityError:
            self.session.rollback()
            existing = runs.get_by_idempotency_key(app_id, idempotency_key or "")
            if existing is None:
                raise
            return self._started(existing), False
        try:
            handle = await client.start_workflow(
                WORKFLOW_TYPE,
                RunInput(
                    app_id=app_id,
                    inputs=inputs,
                    plan=plan,
                    release_id=release_id,
                    records=True,
                    worker_records_end=True,
                ),
                id=run_id,
                task_queue=ORCHESTRATOR_QUEUE,
                # With an orchestrator worker in this process (HUB_API_ORCHESTRATOR),
                # Temporal hands the first workflow task straight back to it; without
                # one, the start is an ordinary one.
                request_eager_start=True,
                # All of the run's search attributes at start: the workflow then has
                # none left to upsert (one server update less per run).
                search_attributes=TypedSearchAttributes(
                    ([SearchAttributePair(EVALUATION_ID_KEY, evaluation[0])] if evaluation else [])
                    + [
                        SearchAttributePair(APP_ID_KEY, app_id),
                        SearchAttributePair(APP_VERSION_KEY, app_version),
                        SearchAttributePair(HUB_RUN_ID_KEY, run_id),
                        SearchAttributePair(AGENT_TYPES_KEY, agent_types),
                        *trigger_search_attributes(trigger),
                    ]
                ),
            )
        except BaseException:
            # Nothing started: release the key so that retrying the request starts the run.
            self.session.delete(row)
            self.session.commit()
            raise
        row.temporal_run_id = handle.first_execution_run_id or handle.result_run_id
        if on_started is not None:
            on_started(run_id)
        self.session.commit()
        return self._started(row), True

    def _started(self, row: Run) -> RunStarted:
        return RunStarted(
            run_id=row.id,
            status=row.status,  # type: ignore[arg-type]
            app_id=row.app_id,
            workflow_id=row.workflow_id,
            temporal_ui_url=self.gateway.workflow_url(row.workflow_id),
        )

    async def _find(self, run_id: str) -> Run:
        """The run's row; a run started outside the API (a schedule's fire, the Temporal
        CLI) gets one on first sight, from its workflow's search attributes."""
        row = RunRepository(self.session).get(run_id)
        if row is None and run_id.startswith(RUN_ID_PREFIX):
            await self._adopt(run_id)
            row = RunRepository(self.session).get(run_id)
        return self._row(run_id, row)

    async def _adopt(self, run_id: str) -> None:
        client = await self._client()
        try:
            description = await client.get_workflow_handle(run_id).describe()
        except RPCError as exc:
            if exc.status in (RPCStatusCode.NOT_FOUND, RPCStatusCode.INVALID_ARGUMENT):
                return
            raise
        if description.workflow_type != WORKFLOW_TYPE:
            return
        attributes = description.typed_search_attributes
        app_id = attributes.get(APP_ID_KEY)
        if not app_id or AppRepository(self.session).get(app_id) is None:
            return
        kind = attributes.get(HUB_TRIGGER_KEY) or "cli"
        try:
            RunRepository(self.session).create(
                app_id,
                run_id=run_id,
                workflow_id=run_id,
                temporal_run_id=description.run_id,
                trigger_kind=kind if kind in TRIGGER_KINDS else "cli",
                trigger_id=attributes.get(HUB_TRIGGER_ID_KEY),
            )
            self.session.commit()
        except IntegrityError:
            self.session.rollback()  # adopted by a concurrent request

    @staticmethod
    def trigger_of(row: Run) -> RunTrigger:
        kind = row.trigger_kind if row.trigger_kind in TRIGGER_KINDS else "api"
        return RunTrigger(kind=kind, id=row.trigger_id)  # type: ignore[arg-type]

    @answers_503_when_temporal_is_down
    async def get(self, run_id: str) -> RunPublic:
        """The run's status, per-step progress and, once finished, its outputs."""
        row = await self._find(run_id)
        handle = await self._handle(row)
        try:
            description = await handle.describe()
        except RPCError as exc:
            if exc.status == RPCStatusCode.NOT_FOUND:
                raise RunNotFound(
                    f"run {run_id} is recorded but Temporal has no workflow {row.workflow_id} "
                    "(was the Temporal store reset?)"
                ) from exc
            raise
        status = STATUS_BY_TEMPORAL.get(
            description.status or WorkflowExecutionStatus.RUNNING, "running"
        )
        public = RunPublic(
            run_id=row.id,
            app_id=row.app_id,
            release_id=row.release_id,
            status=status,
            started_at=description.start_time,
            ended_at=description.close_time,
            temporal_ui_url=self.gateway.workflow_url(row.workflow_id),
            trigger=self.trigger_of(row),
        )
        error: str | None = None
        if status == "completed":
            result: RunResult = await handle.result()
            public.outputs = result.outputs
            public.steps = result.steps
            public.app_version = result.app_version
        else:
            if status == "failed":
                try:
                    await handle.result()
                except WorkflowFailureError as exc:
                    error = failure_message(exc)
            progress = await self._progress(handle)
            if progress is not None:
                public.steps = progress.steps
                public.app_version = progress.app_version
        public.error = error
        if row.status != status or (error and row.error != error):
            RunRepository(self.session).update_status(
                row.id,
                status,
                error=error,
                temporal_run_id=description.run_id,
            )
            self.session.commit()
        return public

    async def _progress(self, handle: WorkflowHandle[Any, Any]) -> RunProgress | None:
        """The ``progress`` query; ``None`` when no worker can answer it right now."""
        try:
            return await handle.query(
                PROGRESS_QUERY, result_type=RunProgress, rpc_timeout=QUERY_TIMEOUT
            )
        except (RPCError, Exception):  # no worker, or a run that failed before any step
            return None

    @answers_503_when_temporal_is_down
    async def cancel(self, run_id: str) -> None:
        row = await self._find(run_id)
        handle = await self._handle(row)
        # Temporal accepts a cancel request for a closed workflow without complaint, so
        # look first: cancelling a finished run is a conflict the caller should hear about.
        try:
            description = await handle.describe()
        except RPCError as exc:
            if exc.status == RPCStatusCode.NOT_FOUND:
                raise RunNotFound(f"run {run_id} is unknown to Temporal") from exc
            raise
        status = STATUS_BY_TEMPORAL.get(
            description.status or WorkflowExecutionStatus.RUNNING, "running"
        )
        if status != "running":
            raise RunConflict(f"run {run_id} has already finished ({status}); nothing to cancel")
        try:
            await handle.cancel()
        except RPCError as exc:
            if exc.status == RPCStatusCode.NOT_FOUND:
                raise RunConflict(f"run {run_id} has already finished; nothing to cancel") from exc
            raise
        audit(
            self.session,
            self.principal,
            "run.cancel",
            "run",
            run_id,
            team_id=self.team_of(run_id, row),
        )
        self.session.commit()

    @answers_503_when_temporal_is_down
    async def approve(self, run_id: str, decision: ApprovalDecision) -> StepProgress | None:
        """Deliver an approval; the workflow validates it before it reaches history."""
        row = await self._find(run_id)
        handle = await self._handle(row)
        try:
            result = await handle.execute_update(APPROVE_UPDATE, decision)
        except WorkflowUpdateFailedError as exc:
            raise RunRejected(failure_message(exc), "payload") from exc
        except RPCError as exc:
            if exc.status in (RPCStatusCode.NOT_FOUND, RPCStatusCode.FAILED_PRECONDITION):
                raise RunConflict(
                    f"run {run_id} is not running, so it cannot take approvals"
                ) from exc
            raise
        audit(
            self.session,
            self.principal,
            "run.approval",
            "run",
            run_id,
            team_id=self.team_of(run_id, row),
            after=decision.model_dump(mode="json"),
        )
        self.session.commit()
        if isinstance(result, dict):
            return StepProgress.model_validate(result)
        return result if isinstance(result, StepProgress) else None

    @answers_503_when_temporal_is_down
    async def rerun(self, run_id: str, from_step: str) -> RunStarted:
        """Re-run from ``from_step`` with Temporal reset: earlier steps are replayed from
        history, so their agents are neither called nor paid for again.

        Any step that started can be a starting point: an agent step (a ``foreach`` step
        from its first item), or an approval step, which then waits for a new decision
        (its old one is not applied again). Items of a ``foreach``, skipped steps and
        steps that never started answer 422 saying why, with the steps that can.
        """
        row = await self._find(run_id)
        handle = await self._handle(row)
        client = await self._client()
        description = await handle.describe()
        events = (await handle.fetch_history()).events
        history = await RunHistory.read(events, client.data_converter)
        states = await self._step_states(handle, description.status)
        refusal = why_not_a_starting_point(from_step, run_id, history, states)
        if refusal is not None:
            raise RunRejected(refusal, "from_step")
        point = history.reset_point(from_step)
        if point is None:
            raise RunRejected(
                f"the history of {run_id} does not show where step '{from_step}' started, "
                "so it cannot be re-run from there; re-run from an earlier step",
                "from_step",
            )
        again = history.rerun_upstream(from_step, point)
        if again:
            raise RunRejected(
                f"step '{from_step}' ran in the same workflow task as the upstream step(s) "
                f"{', '.join(again)} (dispatch: local), and a re-run can only go back to the "
                f"start of a workflow task: re-running from '{from_step}' would call their "
                f"agents again; re-run from '{again[0]}' instead",
                "from_step",
            )
        excluded = [] if point.reapply_updates else [RESET_REAPPLY_EXCLUDE_TYPE_UPDATE]
        answer = await client.workflow_service.reset_workflow_execution(
            ResetWorkflowExecutionRequest(
                namespace=client.namespace,
                workflow_execution=WorkflowExecution(
                    workflow_id=row.workflow_id, run_id=description.run_id
                ),
                reason=f"hub rerun from step {from_step}",
                workflow_task_finish_event_id=point.workflow_task_finish_event_id,
                request_id=str(uuid.uuid4()),
                reset_reapply_exclude_types=excluded,
            )
        )
        RunRepository(self.session).update_status(row.id, "running", temporal_run_id=answer.run_id)
        row.ended_at = None
        row.error = None
        self.session.commit()
        # Upstream approvals decided in the very task the reset went back to are dropped
        # with the old decision of ``from_step``; upstream is kept, so they are given again.
        new_run = client.get_workflow_handle(row.workflow_id, run_id=answer.run_id)
        for decision in point.redeliver:
            await new_run.execute_update(APPROVE_UPDATE, decision)
        audit(
            self.session,
            self.principal,
            "run.rerun",
            "run",
            run_id,
            team_id=self.team_of(run_id, row),
            after={"from_step": from_step},
        )
        self.session.commit()
        return self._started(row)

    async def _step_states(
        self, handle: WorkflowHandle[Any, Any], status: WorkflowExecutionStatus | None
    ) -> dict[str, StepProgress] | None:
        """Each step's state: from the result of a completed run, else the ``progress``
        query (``None`` when no worker can answer it)."""
        if status == WorkflowExecutionStatus.COMPLETED:
            result: RunResult = await handle.result()
            steps = result.steps
        else:
            progress = await self._progress(handle)
            if progress is None:
                return None
            steps = progress.steps
        return {step.step_id: step for step in steps}
