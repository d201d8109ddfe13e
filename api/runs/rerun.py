"""Where a run can be re-run from, read from its Temporal history.

A re-run is a Temporal reset to the end of one workflow task: the history before it is
kept (so the agents of earlier steps are neither called nor paid for again) and the
workflow carries on from there. This module finds that workflow task for a step:

- an agent step: the task that scheduled its first activity (``invoke_agent`` with the
  step id, or ``step[i]`` for a ``foreach`` item);
- an approval step (or a step that ran without an activity, e.g. a ``foreach`` over no
  items): the task in which it started, i.e. the one that saw the last of its upstream
  steps finish. It is not the task before the decision arrived: an approval with a
  timeout started a timer in the task it began in, and only a reset to that task starts
  a fresh timer.

Approval decisions are updates. Re-running an approval step must not bring its old
decision back, so that reset reapplies no update (:attr:`ResetPoint.reapply_updates`);
other resets let Temporal reapply the decisions that came after the reset point, and the
workflow's validator takes those whose step is waiting again and drops the others.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.converter import DataConverter

from schemas.agent_calls import INVOKE_AGENT_ACTIVITY, LOAD_PLAN_ACTIVITY
from schemas.orchestration import ExecutionPlan, PlanStep
from schemas.runs import ApprovalDecision, RunInput, StepProgress
from schemas.workflow_contract import APPROVE_UPDATE

#: ``step[3]``: the activity id of one ``foreach`` item (workflows.orchestration).
FOREACH_ITEM = re.compile(r"^(?P<step>.+)\[(?P<index>\d+)\]$")
#: Marker name the Python SDK (sdk-core) gives a local activity's result.
LOCAL_ACTIVITY_MARKER = "core_local_activity"
#: States of a step that started (``canceled``: the run was canceled while it ran).
STARTED_STATES = frozenset({"running", "waiting_approval", "completed", "failed", "canceled"})

_ACTIVITY_CLOSED = {
    EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED: "activity_task_completed_event_attributes",
    EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED: "activity_task_failed_event_attributes",
    EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT: "activity_task_timed_out_event_attributes",
    EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED: "activity_task_canceled_event_attributes",
}


class NotAStartingPoint(ValueError):
    """``from_step`` cannot be re-run from; the message says why and what can."""


def step_of_activity(activity_id: str) -> str:
    """The step id of an ``invoke_agent`` activity id (``step`` or ``step[i]``)."""
    match = FOREACH_ITEM.match(activity_id)
    return match.group("step") if match else activity_id


def step_dependencies(step: PlanStep) -> list[str]:
    """The steps ``step`` waits for, as the workflow computes them."""
    deps = list(step.depends_on)
    deps += [i.step_id for i in step.inputs if i.source == "step" and i.step_id]
    if step.foreach and step.foreach.input.source == "step" and step.foreach.input.step_id:
        deps.append(step.foreach.input.step_id)
    return list(dict.fromkeys(deps))


@dataclass(frozen=True)
class _Anchor:
    """An event a step waited for. ``after``: the first task started after it saw it (an
    activity result); ``within``: it was recorded by the task that acted on it (an update
    accepted, a local activity's marker)."""

    kind: Literal["after", "within", "first"]
    event_id: int = 0


@dataclass(frozen=True)
class _WorkflowTask:
    started_event_id: int
    completed_event_id: int


@dataclass(frozen=True)
class AcceptedApproval:
    event_id: int
    decision: ApprovalDecision


@dataclass(frozen=True)
class ResetPoint:
    """Where to reset, and what the reset must not lose or bring back."""

    workflow_task_finish_event_id: int
    #: False for an approval step: its old decision must not be applied again.
    reapply_updates: bool
    #: Decisions of upstream approvals that the reset drops (they were accepted in the
    #: very task it resets to) and that must be delivered again, in order.
    redeliver: list[ApprovalDecision] = field(default_factory=list)


@dataclass
class RunHistory:
    """What a reset needs to know of one run's history."""

    plan: ExecutionPlan | None = None
    tasks: list[_WorkflowTask] = field(default_factory=list)
    first_scheduled: dict[str, int] = field(default_factory=dict)
    last_closed: dict[str, int] = field(default_factory=dict)
    approvals: dict[str, list[AcceptedApproval]] = field(default_factory=dict)
    #: ``dispatch: local`` steps: the markers of their local activities, in order.
    local_markers: dict[str, list[int]] = field(default_factory=dict)
    start_anchor: _Anchor = field(default_factory=lambda: _Anchor("first"))

    @classmethod
    async def read(cls, events: Iterable[HistoryEvent], converter: DataConverter) -> RunHistory:  # noqa: C901 - one branch per history event type, read in order; moves with api/ by resource
        """Read ``events`` (one Temporal run's history, in order)."""
        history = cls()
        scheduled: dict[int, tuple[str, str]] = {}
        admitted: dict[str, Any] = {}
        steps_began = False
        for event in events:
            kind = event.event_type
            if kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
                payloads = event.workflow_execution_started_event_attributes.input.payloads
                history.plan = await _decode_plan(converter, payloads)
            elif kind == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
                started = event.workflow_task_completed_event_attributes.started_event_id
                history.tasks.append(_WorkflowTask(started, event.event_id))
            elif kind == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
                schedule = event.activity_task_scheduled_event_attributes
                name = schedule.activity_type.name
                scheduled[event.event_id] = (name, schedule.activity_id)
                if name == INVOKE_AGENT_ACTIVITY:
                    steps_began = True
                    step = step_of_activity(schedule.activity_id)
                    history.first_scheduled.setdefault(step, event.event_id)
            elif kind in _ACTIVITY_CLOSED:
                closed = getattr(event, _ACTIVITY_CLOSED[kind])
                name, activity_id = scheduled.get(closed.scheduled_event_id, ("", ""))
                if name == INVOKE_AGENT_ACTIVITY:
                    history.last_closed[step_of_activity(activity_id)] = event.event_id
                    continue
                if not steps_began:
                    # A bookkeeping activity (loading the plan, checks) the steps waited for.
                    history.start_anchor = _Anchor("after", event.event_id)
                loaded = kind == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED
                if name == LOAD_PLAN_ACTIVITY and loaded and history.plan is None:
                    payloads = event.activity_task_completed_event_attributes.result.payloads
                    history.plan = await _decode(converter, payloads, ExecutionPlan)
            elif kind == EventType.EVENT_TYPE_MARKER_RECORDED:
                activity = _local_activity(event)
                if activity is not None and activity[0] == INVOKE_AGENT_ACTIVITY:
                    steps_began = True
                    step = step_of_activity(activity[1])
                    history.local_markers.setdefault(step, []).append(event.event_id)
                elif not steps_began:
                    # A bookkeeping local activity the steps waited for.
                    history.start_anchor = _Anchor("within", event.event_id)
            elif kind == EventType.EVENT_TYPE_TIMER_STARTED:
                steps_began = True
            elif kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ADMITTED:
                admission = event.workflow_execution_update_admitted_event_attributes
                admitted[admission.request.meta.update_id] = admission.request
            elif kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
                steps_began = True
                accepted = event.workflow_execution_update_accepted_event_attributes
                update: Any = (
                    accepted.accepted_request
                    if accepted.HasField("accepted_request")
                    else admitted.get(accepted.protocol_instance_id)
                )
                if update is None or update.input.name != APPROVE_UPDATE:
                    continue
                decision = await _decode(converter, update.input.args.payloads, ApprovalDecision)
                if decision is not None:
                    history.approvals.setdefault(decision.step_id, []).append(
                        AcceptedApproval(event.event_id, decision)
                    )
        return history

    # ------------------------------------------------------------------ steps

    def step(self, step_id: str) -> PlanStep | None:
        if self.plan is None:
            return None
        return next((s for s in self.plan.steps if s.id == step_id), None)

    def steps_that_ran(self, states: dict[str, StepProgress] | None) -> list[str]:
        """The steps a re-run can start from, in plan order."""
        ran = set(self.first_scheduled) | set(self.approvals) | set(self.local_markers)
        if states is not None:
            ran |= {sid for sid, progress in states.items() if progress.state in STARTED_STATES}
        order = [s.id for s in self.plan.steps] if self.plan else list(self.first_scheduled)
        return [sid for sid in order if sid in ran]

    def reset_point(self, step_id: str) -> ResetPoint | None:
        """Where re-running ``step_id`` resets to; ``None`` when history does not show it."""
        step = self.step(step_id)
        is_approval = step is not None and step.kind == "approval"
        if step_id in self.first_scheduled:
            task = self._last_task_before(self.first_scheduled[step_id])
        elif step_id in self.local_markers:
            # A local activity leaves no event when it starts; its result is recorded by
            # the task it ran in, which is the one to run again.
            task = self._last_task_before(self.local_markers[step_id][0])
        else:
            task = self._start_task(step_id, set())
            if task is None and self.approvals.get(step_id):
                # Upstream finished without a trace this reader knows (an approval given
                # by its timeout): the task that took the decision still had it waiting.
                task = self._last_task_before(self.approvals[step_id][0].event_id)
        if task is None:
            return None
        return ResetPoint(
            workflow_task_finish_event_id=task.completed_event_id,
            reapply_updates=not is_approval,
            redeliver=self._lost_upstream_decisions(step_id, task) if is_approval else [],
        )

    def _start_task(self, step_id: str, seen: set[str]) -> _WorkflowTask | None:
        """The workflow task in which ``step_id`` started: the one that saw the last of the
        steps it waits for finish."""
        step = self.step(step_id)
        if step is None or step_id in seen:
            return None
        seen.add(step_id)
        deps = step_dependencies(step)
        if not deps:
            return self._task_of(self.start_anchor)
        tasks: list[_WorkflowTask] = []
        for dep in deps:
            if dep in self.last_closed:
                found = self._task_of(_Anchor("after", self.last_closed[dep]))
            elif dep in self.local_markers:
                found = self._task_of(_Anchor("within", self.local_markers[dep][-1]))
            elif self.approvals.get(dep):
                found = self._task_of(_Anchor("within", self.approvals[dep][-1].event_id))
            else:
                # A step that finished within the task it started in (a foreach over no
                # items) hands on in that same task.
                found = self._start_task(dep, seen)
            if found is None:
                return None
            tasks.append(found)
        return max(tasks, key=lambda t: t.completed_event_id)

    def _task_of(self, anchor: _Anchor) -> _WorkflowTask | None:
        if anchor.kind == "first":
            return self.tasks[0] if self.tasks else None
        if anchor.kind == "within":
            return self._last_task_before(anchor.event_id)
        return next((t for t in self.tasks if t.started_event_id > anchor.event_id), None)

    def _last_task_before(self, event_id: int) -> _WorkflowTask | None:
        before = [t for t in self.tasks if t.completed_event_id < event_id]
        return before[-1] if before else None

    def _lost_upstream_decisions(self, step_id: str, task: _WorkflowTask) -> list[ApprovalDecision]:
        """Decisions of ``step_id``'s upstream approvals recorded after ``task`` started:
        a reset that reapplies no update drops them, yet upstream is kept."""
        upstream = self._upstream(step_id)
        lost = [
            accepted
            for sid, accepted_list in self.approvals.items()
            if sid in upstream
            for accepted in accepted_list[-1:]
            if accepted.event_id > task.started_event_id
        ]
        return [accepted.decision for accepted in sorted(lost, key=lambda a: a.event_id)]

    def rerun_upstream(self, step_id: str, point: ResetPoint) -> list[str]:
        """Upstream ``dispatch: local`` steps that a reset to ``point`` would run again: they
        finished in the very task the reset goes back to (a reset cannot split a task)."""
        task = next(
            t for t in self.tasks if t.completed_event_id == point.workflow_task_finish_event_id
        )
        upstream = self._upstream(step_id)
        order = [s.id for s in self.plan.steps] if self.plan else sorted(upstream)
        return [
            sid
            for sid in order
            if sid in upstream
            and any(marker > task.started_event_id for marker in self.local_markers.get(sid, []))
        ]

    def _upstream(self, step_id: str) -> set[str]:
        found: set[str] = set()
        pending = [step_id]
        while pending:
            step = self.step(pending.pop())
            for dep in step_dependencies(step) if step else []:
                if dep not in found:
                    found.add(dep)
                    pending.append(dep)
        return found


def why_not_a_starting_point(
    from_step: str,
    run_id: str,
    history: RunHistory,
    states: dict[str, StepProgress] | None,
) -> str | None:
    """Why ``from_step`` cannot be re-run from (``None`` when it can), ending with the
    steps that can."""
    ran = history.steps_that_ran(states)
    listed = ", ".join(ran) or "none"
    tail = f"; steps that ran: {listed}"
    item = FOREACH_ITEM.match(from_step)
    if item:
        step = item.group("step")
        return (
            f"'{from_step}' is item {item.group('index')} of the foreach step '{step}' in "
            f"{run_id}; a single item cannot be a starting point: re-run from '{step}' "
            f"(all of its items run again){tail}"
        )
    if from_step in ran:
        return None
    if history.plan is not None and history.step(from_step) is None:
        known = ", ".join(s.id for s in history.plan.steps)
        return f"{run_id} has no step '{from_step}' (its steps: {known}){tail}"
    progress = (states or {}).get(from_step)
    if progress is not None and progress.state == "skipped":
        reason = (progress.error or "").removeprefix("skipped:").strip()
        said = f" ({reason})" if reason else ""
        return (
            f"step '{from_step}' was skipped{said} in {run_id}; it cannot be a starting point{tail}"
        )
    if progress is not None and progress.state == "pending":
        return (
            f"step '{from_step}' never started in {run_id} (the run ended or has not reached "
            f"it yet); it cannot be a starting point{tail}"
        )
    return f"step '{from_step}' did not run in {run_id}{tail}"


def _local_activity(event: HistoryEvent) -> tuple[str, str] | None:
    """``(activity type, activity id)`` of a local activity's marker, else ``None``.

    The SDK records them as ``core_local_activity`` markers whose ``data`` detail is
    JSON with ``activity_type`` and ``activity_id`` (plain JSON, never encrypted)."""
    marker = event.marker_recorded_event_attributes
    if marker.marker_name != LOCAL_ACTIVITY_MARKER or "data" not in marker.details:
        return None
    payloads = marker.details["data"].payloads
    try:
        data = json.loads(payloads[0].data) if payloads else {}
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    return str(data.get("activity_type", "")), str(data.get("activity_id", ""))


async def _decode(converter: DataConverter, payloads: Sequence[Any], kind: type) -> Any:
    if not payloads:
        return None
    try:
        return (await converter.decode(payloads, [kind]))[0]
    except Exception:  # an older or foreign payload: the reader then knows less, nothing breaks
        return None


async def _decode_plan(converter: DataConverter, payloads: Sequence[Any]) -> ExecutionPlan | None:
    run_input = await _decode(converter, payloads, RunInput)
    return run_input.plan if isinstance(run_input, RunInput) else None
