"""Compiling a spec against the app's agents: each step checked and turned into a
``PlanStep``, its dependencies found, then ordered into an ``ExecutionPlan``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from schemas.agents import ValidationIssue, canonical_agent_type
from schemas.names import agent_queue
from schemas.orchestration import (
    AgentInfo,
    Condition,
    ExecutionPlan,
    OrchestrationSpec,
    PlanAgent,
    PlanApproval,
    PlanForeach,
    PlanInput,
    PlanLimits,
    PlanRetry,
    PlanStep,
    SpecApproval,
    SpecForeach,
    SpecRetry,
    SpecStep,
)
from workflows.compiler.context import listing
from workflows.compiler.cycles import order
from workflows.compiler.durations import DEFAULT_TIMEOUT_SECONDS, parse_duration
from workflows.compiler.input_shapes import ShapeChecks
from workflows.compiler.json_schema import json_schema_problems
from workflows.compiler.parse import by_position, parse_with_salvage
from workflows.compiler.source import Path, SourceMap, pointer
from workflows.conditions import (
    ConditionError,
    condition_refs,
    evaluate_condition,
    parse_condition,
)


@dataclass
@dataclass
class CompileResult:
    """A compiled plan (``None`` when there are errors), errors and warnings."""

    plan: ExecutionPlan | None
    errors: list[ValidationIssue] = field(default_factory=list)
    warnings: list[ValidationIssue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.plan is not None and not self.errors


class _Compiler(ShapeChecks):
    """One compilation: ``run`` checks every step and returns the plan, or None."""

    def resolve_source(self, i: int, source: str, path: Path) -> tuple[str, int | None] | None:
        """``("trigger", None)``, ``("step", index)``, or None after reporting an error."""
        if source == "trigger":
            return "trigger", None
        if source in self.index:
            return "step", self.index[source]
        if source in self.salvage.step_ids or source in self.salvage.agent_ids:
            return None  # a step whose own shape is invalid (already reported)
        users = self.steps_by_agent.get(source, [])
        if len(users) == 1:
            return "step", users[0]
        if len(users) > 1:
            names = ", ".join(self.ids[u] for u in users)
            self.report.error(
                path,
                f"source '{source}' is ambiguous: agent '{source}' is used by steps {names}; "
                "use the step id as source",
            )
            return None
        if source in self.agents or any(a.id == source for a in self.spec.agents):
            self.report.error(
                path, f"source '{source}' is an agent that no step of this workflow uses"
            )
            return None
        self.report.error(
            path,
            f"unknown source '{source}': use 'trigger', a step id ({listing(self.ids)}) "
            f"or the agent id of a step",
        )
        return None

    def check_field(self, i: int, j: int, fld: str, path: Path, what: str = "field") -> bool:
        produced = [o.name for o in self.spec.workflow[j].outputs]
        if fld in produced:
            return True
        self.report.error(
            path,
            f"{what} '{fld}' is not produced by step {self.ids[j]}; "
            f"it produces: {listing(produced)}",
        )
        return False

    def duration(self, value: Any, path: Path) -> float | None:
        try:
            return parse_duration(value)
        except ValueError as exc:
            self.report.error(path, str(exc))
            return None

    # ---- phases

    def check_ids(self) -> None:
        for i, sid in enumerate(self.ids):
            if sid in self.index:
                first = pointer(self.wp(self.index[sid]))
                self.report.error(
                    (*self.wp(i), "step"), f"duplicate step id '{sid}' (also used by {first})"
                )
            elif not sid.strip():
                self.report.error((*self.wp(i), "step"), "step id must not be empty")
                self.index[sid] = i
            else:
                self.index[sid] = i

    def check_spec_agents(self) -> None:
        seen: set[str] = set()
        for j, sa in enumerate(self.spec.agents):
            if sa.id in seen:
                self.report.warning(("agents", j, "id"), f"agent '{sa.id}' is listed twice")
            seen.add(sa.id)
            info = self.agents.get(sa.id)
            if info is None:
                self.report.warning(
                    ("agents", j, "id"),
                    f"agent '{sa.id}' listed in the spec is not an agent of this app",
                )
            elif sa.type and canonical_agent_type(sa.type) != info.type:
                self.report.warning(
                    ("agents", j, "type"),
                    f"agent '{sa.id}' has type '{sa.type}' in the spec but is a '{info.type}' "
                    f"agent; '{info.type}' is used",
                )

    def step(self, i: int, s: SpecStep) -> PlanStep:
        """Validate one step; its PlanStep (``depends_on`` is set once every step is read)."""
        base: Path = self.wp(i)
        kind: Literal["agent", "approval"] = "approval" if s.approval is not None else "agent"
        info = self.step_agent(i, s)
        self.check_outputs(i, s)
        inputs = self.inputs(i, s)
        retry = self.retry(s.retry, (*base, "retry")) if s.retry is not None else PlanRetry()
        timeout = DEFAULT_TIMEOUT_SECONDS
        if s.timeout is not None:
            timeout = self.duration(s.timeout, (*base, "timeout")) or DEFAULT_TIMEOUT_SECONDS
        when = self.condition(i, s.when, (*base, "when")) if s.when is not None else None
        foreach: PlanForeach | None = None
        if s.foreach is not None:
            foreach = self.foreach(i, s.foreach, (*base, "foreach"), kind)
            if foreach is not None:
                foreach = foreach.model_copy(
                    update={"input": foreach.input.model_copy(update={"name": self.item_name(s)})}
                )
        approval = None
        if s.approval is not None:
            approval = self.approval(s.approval, (*base, "approval"))
        return PlanStep(
            id=self.ids[i],
            kind=kind,
            agent_id=s.agent_id if kind == "agent" else None,
            agent_type=info.type if info else None,
            task_queue=agent_queue(info.type) if info else None,
            inputs=inputs,
            outputs=[o.name for o in s.outputs],
            retry=retry,
            timeout_seconds=timeout,
            when=when,
            foreach=foreach,
            on_error=s.on_error,
            approval=approval,
        )

    def step_agent(self, i: int, s: SpecStep) -> AgentInfo | None:
        """The agent an agent step runs (None after reporting why there is none)."""
        base: Path = self.wp(i)
        if s.approval is not None:
            if s.agent_id is not None:
                self.report.error(
                    (*base, "agent_id"),
                    f"step {self.ids[i]} is an approval step and cannot have an agent_id",
                )
            return None
        if s.agent_id is None:
            self.report.error(
                base, f"step {self.ids[i]} has no agent_id (only approval steps omit it)"
            )
            return None
        info = self.agents.get(s.agent_id)
        if info is None:
            self.report.error(
                (*base, "agent_id"),
                f"unknown agent '{s.agent_id}'; this app's agents: {listing(sorted(self.agents))}",
            )
        return info

    def check_outputs(self, i: int, s: SpecStep) -> None:
        seen_outputs: dict[str, int] = {}
        for k, out in enumerate(s.outputs):
            if out.name in seen_outputs:
                self.report.error(
                    (*self.wp(i), "outputs", k, "name"),
                    f"duplicate output '{out.name}' in step {self.ids[i]}",
                )
            seen_outputs.setdefault(out.name, k)

    def inputs(self, i: int, s: SpecStep) -> list[PlanInput]:
        """The step's bindings; each step source becomes a dependency."""
        plan_inputs: list[PlanInput] = []
        seen_names: set[str] = set()
        for k, inp in enumerate(s.inputs):
            ipath: Path = (*self.wp(i), "inputs", k)
            if inp.name in seen_names:
                self.report.error(
                    (*ipath, "as" if inp.as_ else "field"),
                    f"step {self.ids[i]} takes input '{inp.name}' twice; the agent receives "
                    "one value per name (rename one with as:)",
                )
            seen_names.add(inp.name)
            resolved = self.resolve_source(i, inp.source, (*ipath, "source"))
            if resolved is None:
                continue
            j = resolved[1]
            if j is None:
                plan_inputs.append(PlanInput(field=inp.field, source="trigger", name=inp.as_))
                continue
            if j == i:
                self.report.error(
                    (*ipath, "source"), f"step {self.ids[i]} takes an input from itself"
                )
                self.self_dependent.add(i)
                continue
            self.add_dep(i, j)
            if self.check_field(i, j, inp.field, (*ipath, "field")):
                plan_inputs.append(
                    PlanInput(field=inp.field, source="step", step_id=self.ids[j], name=inp.as_)
                )
        return plan_inputs

    def retry(self, retry: SpecRetry, path: Path) -> PlanRetry:
        initial = self.duration(retry.initial_interval, (*path, "initial_interval"))
        maximum = self.duration(retry.max_interval, (*path, "max_interval"))
        if initial is None or maximum is None:
            return PlanRetry()
        if initial > maximum:
            self.report.error(
                (*path, "initial_interval"),
                f"initial_interval ({initial:g}s) is longer than max_interval ({maximum:g}s)",
            )
            return PlanRetry()
        return PlanRetry(
            max_attempts=retry.max_attempts,
            initial_interval_seconds=initial,
            backoff_coefficient=retry.backoff_coefficient,
            max_interval_seconds=maximum,
        )

    def condition(self, i: int, text: str, path: Path) -> Condition | None:
        try:
            cond = parse_condition(text)
        except ConditionError as exc:
            self.report.error(path, f"bad condition: {exc}", column_offset=exc.position)
            return None
        ok = True
        refs = condition_refs(cond)
        if not refs and not evaluate_condition(cond, {}, {}):
            self.report.warning(path, f"condition is always false: step {self.ids[i]} never runs")
        for ref in refs:
            if ref[0] != "steps":
                continue
            sid = ref[1]
            if sid in self.salvage.step_ids and sid not in self.index:
                continue
            if sid not in self.index:
                self.report.error(
                    path,
                    f"condition refers to unknown step '{sid}'; steps: {listing(self.ids)}",
                )
                ok = False
                continue
            j = self.index[sid]
            if j == i:
                self.report.error(path, f"step {sid}'s condition cannot read its own outputs")
                ok = False
                continue
            if len(ref) >= 3 and not self.check_field(i, j, ref[2], path, what="output"):
                ok = False
                continue
            self.add_dep(i, j)
        return cond if ok else None

    def foreach(self, i: int, fe: SpecForeach, path: Path, kind: str) -> PlanForeach | None:
        if kind == "approval":
            self.report.error(path, "an approval step cannot use foreach")
            return None
        resolved = self.resolve_source(i, fe.source, (*path, "source"))
        if resolved is None:
            return None
        if resolved[0] == "trigger":
            return PlanForeach(
                input=PlanInput(field=fe.field, source="trigger"),
                max_concurrency=fe.max_concurrency,
            )
        j = resolved[1]
        assert j is not None
        if j == i:
            self.report.error(
                (*path, "source"), "foreach cannot iterate over the step's own output"
            )
            self.self_dependent.add(i)
            return None
        self.add_dep(i, j)
        if not self.check_field(i, j, fe.field, (*path, "field"), what="foreach field"):
            return None
        return PlanForeach(
            input=PlanInput(field=fe.field, source="step", step_id=self.ids[j]),
            max_concurrency=fe.max_concurrency,
        )

    def approval(self, ap: SpecApproval, path: Path) -> PlanApproval | None:
        ok = True
        if ap.input_schema is not None:
            for sub, message in json_schema_problems(ap.input_schema):
                self.report.error((*path, "input_schema", *sub), f"invalid input_schema: {message}")
                ok = False
        timeout: float | None = None
        if ap.timeout is not None:
            timeout = self.duration(ap.timeout, (*path, "timeout"))
            ok = ok and timeout is not None
        if not ok:
            return None
        return PlanApproval(
            input_schema=ap.input_schema,
            timeout_seconds=timeout,
            on_timeout=ap.on_timeout,
            prompt=ap.prompt,
        )

    def upstream(self, i: int) -> list[int]:
        """Every step ``i`` depends on, directly or through others."""
        seen: set[int] = set()
        stack = list(self.deps[i])
        while stack:
            j = stack.pop()
            if j in seen or j == i:
                continue
            seen.add(j)
            stack.extend(self.deps[j])
        return sorted(seen)

    def sensitive_steps(self) -> None:
        """A step whose agent enables sensitive tools needs a person's sign-off upstream.

        Only an approval that cannot approve itself counts: a step downstream of a
        rejected, timed-out or skipped approval never runs, but one that approves on
        timeout would let the tool run with nobody signing off.
        """
        for i, s in enumerate(self.spec.workflow):
            info = self.agents.get(s.agent_id or "") if s.approval is None else None
            if info is None or not info.sensitive_tools:
                continue
            approvals = [j for j in self.upstream(i) if self.spec.workflow[j].approval is not None]
            signing = [j for j in approvals if _needs_a_person(self.spec.workflow[j].approval)]
            if signing:
                continue
            tools = ", ".join(map(repr, info.sensitive_tools))
            why = ""
            if approvals:
                names = ", ".join(self.ids[j] for j in approvals)
                why = (
                    f" (upstream approval step(s) {names} approve by themselves on timeout; "
                    "use on_timeout: reject)"
                )
            self.report.error(
                self.wp(i),
                f"step {self.ids[i]} uses sensitive tool(s) {tools} of agent '{info.id}'{why}; "
                "add an approval step before it (approval: {prompt: ...}) and make the step "
                "depend on it (an input from it, directly or through other steps) so a person "
                "signs off",
            )

    def run(self, app_version: str) -> ExecutionPlan | None:
        self.check_ids()
        self.check_spec_agents()
        if not self.spec.workflow and not self.salvage.step_ids:
            self.report.error(("workflow",), "the workflow has no steps")
        plan_steps = [self.step(i, s) for i, s in enumerate(self.spec.workflow)]
        ordered = order(self)
        self.sensitive_steps()
        self.input_shapes()
        self.picked_outputs()
        if self.report.errors:
            return None
        steps = [
            plan_steps[i].model_copy(
                update={"depends_on": [self.ids[j] for j in sorted(self.deps[i])]}
            )
            for i in ordered
        ]
        used = {s.agent_id for s in self.spec.workflow if s.agent_id}
        spec_names = {a.id: a.name for a in self.spec.agents}
        plan_agents = {
            aid: PlanAgent(
                id=aid,
                name=self.agents[aid].name or spec_names.get(aid, ""),
                type=self.agents[aid].type,
            )
            for aid in sorted(used)
        }
        lim = self.spec.limits
        limits = PlanLimits(**lim.model_dump()) if lim is not None else PlanLimits()
        return ExecutionPlan(
            app_id=self.spec.app_id,
            name=self.spec.name,
            spec_version=self.spec.version,
            app_version=app_version,
            agents=plan_agents,
            steps=steps,
            limits=limits,
        )


def _needs_a_person(approval: SpecApproval | None) -> bool:
    """Whether an approval step only passes when a person approves it."""
    return approval is not None and (approval.timeout is None or approval.on_timeout == "reject")


def compile_orchestration(
    source: str | bytes | Mapping[str, Any] | OrchestrationSpec,
    agents: Sequence[AgentInfo],
    *,
    app_version: str = "",
) -> CompileResult:
    """Compile a spec against the app's agents; reports every problem at once."""
    if isinstance(source, OrchestrationSpec):
        spec, smap = source, SourceMap()
    else:
        parsed, salvaged = parse_with_salvage(source)
        if parsed.spec is None:
            if salvaged is None:
                return CompileResult(plan=None, errors=parsed.errors)
            # check what is left too, so one pass reports every problem
            partial = _Compiler(salvaged[0], agents, parsed.source_map, salvaged[1])
            partial.run(app_version)
            return CompileResult(
                plan=None,
                errors=by_position(parsed.errors + partial.report.errors),
                warnings=partial.report.warnings,
            )
        spec, smap = parsed.spec, parsed.source_map
    compiler = _Compiler(spec, agents, smap)
    plan = compiler.run(app_version)
    return CompileResult(
        plan=plan, errors=compiler.report.errors, warnings=compiler.report.warnings
    )
