"""The graph view of a compile: which step or edge each problem concerns, and the schema
fit of every edge.

The compiler stays the one judge: an edge does not fit when the compiler reported an
error at its binding, and cannot be told when it warned there (or when nothing can be
compared: a run input, an agent without an input schema). This module only reads the
spec's data and the compiler's issues and maps JSON pointers to step ids and edges, so a
UI never has to do YAML path arithmetic.

Pure code: no I/O, deterministic.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from schemas.agents import ValidationIssue
from schemas.builder import EdgeFit, EdgeFitStatus, EdgeRef, OrchestrationValidation, PlanIssue
from workflows.compiler.source import SourceMap, load_source, pointer

#: Why a run input's edge cannot be judged before the run.
RUN_INPUT_REASON = "a run input: checked against the agent's input schema when the run starts"


@dataclass(frozen=True)
class _Binding:
    edge: EdgeRef
    written_source: str
    path: tuple[str | int, ...]


def _text(value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str | int | float):
        return str(value)
    return None


def _steps(data: Any) -> list[Any]:
    workflow = data.get("workflow") if isinstance(data, Mapping) else None
    return list(workflow) if isinstance(workflow, list) else []


def _resolver(steps: Sequence[Any]) -> dict[str, str]:
    """Source as written → step id: step ids, and agent ids used by exactly one step."""
    by_id: dict[str, str] = {}
    users: dict[str, list[str]] = {}
    for s in steps:
        if not isinstance(s, Mapping):
            continue
        sid = _text(s.get("step"))
        if sid is None:
            continue
        by_id[sid] = sid
        agent = _text(s.get("agent_id"))
        if agent is not None:
            users.setdefault(agent, []).append(sid)
    resolved = {agent: ids[0] for agent, ids in users.items() if len(ids) == 1}
    resolved.update(by_id)  # a step id wins over an agent id of the same spelling
    resolved["trigger"] = "trigger"
    return resolved


def bindings(data: Any) -> list[_Binding]:
    """Every edge the spec's data draws: each input binding and each foreach list."""
    steps = _steps(data)
    resolve = _resolver(steps)
    found: list[_Binding] = []
    for k, s in enumerate(steps):
        if not isinstance(s, Mapping):
            continue
        target = _text(s.get("step"))
        if target is None:
            continue
        inputs = s.get("inputs")
        for n, inp in enumerate(inputs if isinstance(inputs, list) else []):
            if not isinstance(inp, Mapping):
                continue
            source, fld = _text(inp.get("source")), _text(inp.get("field"))
            if source is None or fld is None:
                continue
            name = _text(inp.get("as")) or fld
            edge = EdgeRef(source=resolve.get(source, source), field=fld, target=target, input=name)
            found.append(_Binding(edge, source, ("workflow", k, "inputs", n)))
        fe = s.get("foreach")
        if isinstance(fe, Mapping):
            source, fld = _text(fe.get("source")), _text(fe.get("field"))
            if source is not None and fld is not None:
                name = _text(fe.get("as")) or fld
                edge = EdgeRef(
                    source=resolve.get(source, source),
                    field=fld,
                    target=target,
                    input=name,
                    kind="foreach",
                )
                found.append(_Binding(edge, source, ("workflow", k, "foreach")))
    return found


def _parts(ptr: str) -> tuple[str | int, ...]:
    if not ptr:
        return ()
    out: list[str | int] = []
    for raw in ptr.lstrip("/").split("/"):
        part = raw.replace("~1", "/").replace("~0", "~")
        out.append(int(part) if part.isdigit() else part)
    return tuple(out)


def _under(path: tuple[str | int, ...], prefix: tuple[str | int, ...]) -> bool:
    return path[: len(prefix)] == prefix


def edge_id(edge: EdgeRef) -> str:
    return f"{edge.source}.{edge.field}->{edge.target}.{edge.input}"


def _consumer_schema(data: Any, k: int, agents: Mapping[str, Any]) -> Any:
    """The input schema of step ``k``'s agent (None: no agent, an approval, or unknown)."""
    step = _steps(data)[k]
    if not isinstance(step, Mapping) or step.get("approval") is not None:
        return None
    agent = agents.get(_text(step.get("agent_id")) or "")
    return agent if isinstance(agent, Mapping) else None


def graph_report(
    source: str | bytes,
    errors: Sequence[ValidationIssue],
    warnings: Sequence[ValidationIssue],
    input_schemas: Mapping[str, Any],
) -> OrchestrationValidation:
    """Attach step ids and edges to the compiler's issues and judge every edge from them.

    ``input_schemas``: agent id → that agent's input schema (what the compiler compared).
    """
    loaded = load_source(source)
    data = loaded.data
    smap: SourceMap = loaded.source_map
    steps = _steps(data)
    found = bindings(data)

    def attach(issue: ValidationIssue) -> PlanIssue:
        path = _parts(issue.path)
        step_id: str | None = None
        at = path[1] if len(path) >= 2 and path[0] == "workflow" else None
        if isinstance(at, int) and at < len(steps) and isinstance(steps[at], Mapping):
            step_id = _text(steps[at].get("step"))
        edge = next((b.edge for b in found if _under(path, b.path)), None)
        return PlanIssue(**issue.model_dump(), step_id=step_id, edge=edge)

    plan_errors = [attach(e) for e in errors]
    plan_warnings = [attach(w) for w in warnings]
    edges: list[EdgeFit] = []
    for b in found:
        refused = [e.message for e in errors if _under(_parts(e.path), b.path)]
        doubts = [w.message for w in warnings if _under(_parts(w.path), b.path)]
        fit: EdgeFitStatus
        reasons: list[str]
        if refused:
            fit, reasons = "does_not_fit", refused
        elif doubts:
            fit, reasons = "cannot_tell", doubts
        elif b.edge.source == "trigger":
            fit, reasons = "cannot_tell", [RUN_INPUT_REASON]
        elif _consumer_schema(data, int(b.path[1]), input_schemas) is None:
            fit, reasons = "cannot_tell", [_no_schema_reason(data, int(b.path[1]))]
        else:
            fit, reasons = "fits", []
        line, column = smap.locate(b.path)
        edges.append(
            EdgeFit(
                **b.edge.model_dump(),
                id=edge_id(b.edge),
                written_source=b.written_source,
                fit=fit,
                reasons=reasons,
                path=pointer(b.path),
                line=line,
                column=column,
            )
        )
    return OrchestrationValidation(
        valid=not plan_errors, errors=plan_errors, warnings=plan_warnings, edges=edges
    )


def _no_schema_reason(data: Any, k: int) -> str:
    step = _steps(data)[k]
    if isinstance(step, Mapping) and step.get("approval") is not None:
        return "an approval step: the person's payload is checked when they decide"
    agent = _text(step.get("agent_id")) if isinstance(step, Mapping) else None
    if agent is None:
        return "the step names no agent"
    return f"agent '{agent}' declares no input schema the check can compare with"
