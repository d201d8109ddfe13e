"""The orchestration compiler: spec (YAML, JSON or a mapping) → an immutable ``ExecutionPlan``.

Pure code: no I/O, no clocks, no settings. ``parse_orchestration`` reads and validates
the shape; ``compile_orchestration`` resolves it against the app's agents and reports
every problem at once, each with a JSON-pointer path (and line/column for YAML text).

Semantics
=========

- The platform document's YAML is valid as it stands; every extension is optional.
- Step id is ``str(step)``. An agent step runs on task queue ``agent_queue(agent type)``;
  the type comes from the app's agents (``AgentInfo``). The spec's ``agents`` list is
  informational: an id the app does not have, or a different ``type``, is a warning.
- An input ``source`` is ``trigger`` (the run's inputs, any field), a step id, or an
  agent id, which means the one step using that agent (several steps using it is an
  error: use the step id). For a step source, ``field`` must be one of that step's
  declared outputs. A step depends on its sources (plus its ``foreach`` source and the
  steps its ``when`` reads); steps run as soon as their dependencies are done, so
  independent steps run in parallel. ``plan.steps`` is topologically ordered, ties
  broken by declaration order.
- Data flow: the agent receives ``{name: value}`` for each input, ``name`` being its
  ``as`` (default: its ``field``). A step that declares exactly one output gets the
  agent's whole result under that name; with several outputs, each name takes
  ``result[name]``.
- ``retry``: ``max_attempts``, ``initial_interval``, ``backoff_coefficient``,
  ``max_interval`` (initial ≤ max). Durations are seconds (number) or strings such as
  ``"500ms"``, ``"30s"``, ``"5m"``, ``"1h"``, ``"1d"``, ``"1m30s"``; they must be > 0.
- ``timeout``: per attempt, default 300 s.
- ``when``: a condition (see ``workflows.conditions``) parsed at compile time; it may
  read ``inputs.*`` and ``steps.<id>.<output>...`` of other steps, which become
  dependencies. A false condition skips the step.
- ``foreach: {source, field, max_concurrency}``: the agent runs once per item of that
  list, receiving the item under its ``as`` name (default: the ``as`` of the input that
  reads the same list, else ``field``), in place of that input; each
  output becomes the list of per-item results, in item order.
- ``on_error``: ``fail`` (default) fails the run; ``continue`` records the failure and
  lets the run go on (the step's outputs are then absent).
- Approval step: no ``agent_id``, ``approval: {input_schema, timeout, on_timeout,
  prompt}``; ``input_schema`` must be a structurally valid JSON Schema. Its declared
  outputs each receive the approver's payload.
- Sensitive tools: an agent step whose agent enables a sensitive tool
  (``AgentInfo.sensitive_tools``) must have an approval step among its transitive
  dependencies, one that does not approve itself on timeout; otherwise an error at
  the step.
- ``limits`` becomes ``PlanLimits``.
- Input shapes (sound): the whole object a step sends (its bindings under their names,
  a ``foreach`` item under its name) is compared with the agent's input schema:
  required names (and ``anyOf``/``oneOf`` lists of required names) must be bound, names
  the schema forbids must not be, and every value an upstream output schema allows must
  be allowed by the agent's property (a ``foreach`` step's outputs are lists). "May not
  fit" is an error; what cannot be compared (``$ref``, ``allOf``, patterns, an upstream
  without an output schema) is a warning that says so. Run inputs are checked against
  the same schemas when a run starts (``storage.run_inputs``).
- Spec ``agents[].type`` may use the built-in types' aliases (``analysis`` = ``analyzer``).
"""

from __future__ import annotations

import difflib
import heapq
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pydantic
import yaml

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
    SpecAgent,
    SpecApproval,
    SpecForeach,
    SpecInput,
    SpecLimits,
    SpecOutput,
    SpecRetry,
    SpecStep,
)
from workflows.conditions import (
    ConditionError,
    condition_refs,
    evaluate_condition,
    parse_condition,
)
from workflows.schema_fit import UNDECIDABLE_KEYWORDS, fit, types_of
from workflows.spec_source import LoadedSource, Path, SourceMap, load_source, pointer

DEFAULT_TIMEOUT_SECONDS = 300.0
MAX_DURATION_SECONDS = 366 * 24 * 3600.0
_SPEC_MODELS: tuple[type[pydantic.BaseModel], ...] = (
    OrchestrationSpec,
    SpecAgent,
    SpecStep,
    SpecInput,
    SpecOutput,
    SpecRetry,
    SpecForeach,
    SpecApproval,
    SpecLimits,
)
_KNOWN_FIELDS = sorted({name for m in _SPEC_MODELS for name in m.model_fields})
_DURATION_FIELDS = {"timeout", "initial_interval", "max_interval"}


@dataclass
class ParseResult:
    """A parsed spec, or the reasons it is not one."""

    spec: OrchestrationSpec | None
    errors: list[ValidationIssue] = field(default_factory=list)
    source_map: SourceMap = field(default_factory=SourceMap)
    #: the raw data when it was read but is not a valid spec
    data: Any = field(default=None, repr=False)


@dataclass
class CompileResult:
    """A compiled plan (``None`` when there are errors), errors and warnings."""

    plan: ExecutionPlan | None
    errors: list[ValidationIssue] = field(default_factory=list)
    warnings: list[ValidationIssue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.plan is not None and not self.errors


# --------------------------------------------------------------------------- parsing


def _data_path(loc: tuple[Any, ...], data: Any, missing: bool) -> tuple[Path, bool]:
    """Map a pydantic error location onto the data, dropping union-member tags."""
    cur = data
    out: list[str | int] = []
    skipped = False
    for n, elem in enumerate(loc):
        in_mapping = isinstance(cur, Mapping) and isinstance(elem, str) and elem in cur
        in_list = isinstance(cur, list) and isinstance(elem, int) and 0 <= elem < len(cur)
        if in_mapping or in_list:
            out.append(elem)
            cur = cur[elem]
        elif missing and n == len(loc) - 1 and isinstance(elem, str):
            out.append(elem)
        else:
            skipped = True
    return tuple(out), skipped


def _shape_issues(
    exc: pydantic.ValidationError, data: Any, smap: SourceMap
) -> list[ValidationIssue]:
    grouped: dict[Path, list[tuple[str, str, bool]]] = {}
    for err in exc.errors(include_url=False):
        kind = str(err.get("type", ""))
        path, skipped = _data_path(tuple(err.get("loc", ())), data, kind == "missing")
        grouped.setdefault(path, []).append((kind, str(err.get("msg", "invalid value")), skipped))
    issues: list[ValidationIssue] = []
    for path, errs in grouped.items():
        name = str(path[-1]) if path else ""
        kinds = {k for k, _, _ in errs}
        prefer_key = False
        if "missing" in kinds:
            message = f"missing required field '{name}'"
        elif "extra_forbidden" in kinds:
            close = difflib.get_close_matches(name, _KNOWN_FIELDS, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            message = f"unknown field '{name}'{hint}"
            prefer_key = True
        elif any(s for _, _, s in errs) and name in _DURATION_FIELDS:
            message = f"'{name}' must be a duration: seconds, or a string such as '30s' or '5m'"
        elif any(s for _, _, s in errs) and name == "step":
            message = "step id must be a number or a string"
        else:
            msgs = list(dict.fromkeys(m for _, m, _ in errs))
            message = f"{name}: " + "; ".join(msgs) if name else "; ".join(msgs)
        issues.append(smap.issue(path, message, prefer_key=prefer_key))
    return issues


@dataclass
class _Salvage:
    """What was dropped to check the rest of an invalid spec: its steps' ids and agents."""

    positions: list[int]  # source index of each kept step
    step_ids: set[str] = field(default_factory=set)
    agent_ids: set[str] = field(default_factory=set)


def _salvage(
    data: Mapping[str, Any], issues: list[ValidationIssue]
) -> tuple[OrchestrationSpec, _Salvage] | None:
    """Drop what the shape errors point at, so the remaining spec can still be checked."""
    paths = [tuple(_unpointer(i.path)) for i in issues]
    fixed: dict[str, Any] = dict(data)
    workflow = data.get("workflow")
    bad_steps: set[int] = set()
    for path in paths:
        if not path:
            return None
        head = path[0]
        if head == "workflow" and len(path) >= 2 and isinstance(workflow, list):
            index = int(path[1]) if str(path[1]).isdigit() else -1
            if not 0 <= index < len(workflow):
                return None
            bad_steps.add(index)
        elif head == "app_id":
            fixed["app_id"] = "app"
        elif head in ("agents", "limits", "name", "version") or head not in _TOP_FIELDS:
            fixed.pop(str(head), None)
        else:
            return None
    salvage = _Salvage(positions=[])
    if isinstance(workflow, list):
        kept = []
        for index, raw in enumerate(workflow):
            if index not in bad_steps:
                kept.append(raw)
                salvage.positions.append(index)
                continue
            if isinstance(raw, Mapping):
                if isinstance(raw.get("step"), int | str) and not isinstance(raw.get("step"), bool):
                    salvage.step_ids.add(str(raw["step"]))
                if isinstance(raw.get("agent_id"), str):
                    salvage.agent_ids.add(raw["agent_id"])
        fixed["workflow"] = kept
    try:
        return OrchestrationSpec.model_validate(fixed), salvage
    except (pydantic.ValidationError, TypeError, ValueError, RecursionError):
        return None


_TOP_FIELDS = set(OrchestrationSpec.model_fields)


def _unpointer(ptr: str) -> list[str]:
    if not ptr:
        return []
    return [p.replace("~1", "/").replace("~0", "~") for p in ptr.split("/")[1:]]


def parse_orchestration(source: str | bytes | Mapping[str, Any]) -> ParseResult:
    """Read a spec from YAML/JSON text or a mapping; errors carry paths (and line/column)."""
    return _parse(source)[0]


def _by_position(issues: list[ValidationIssue]) -> list[ValidationIssue]:
    """Issues in reading order (those without a position keep their order, at the end)."""
    return sorted(issues, key=lambda i: (i.line is None, i.line or 0, i.column or 0))


def _parse(
    source: str | bytes | Mapping[str, Any],
) -> tuple[ParseResult, tuple[OrchestrationSpec, _Salvage] | None]:
    result = _parse_shape(source)
    result.errors = _by_position(result.errors)
    if result.spec is not None or result.data is None or not isinstance(result.data, Mapping):
        return result, None
    return result, _salvage(result.data, result.errors)


def _parse_shape(source: str | bytes | Mapping[str, Any]) -> ParseResult:
    if isinstance(source, str | bytes):
        loaded = load_source(source)
    elif isinstance(source, Mapping):
        loaded = LoadedSource(data=source)
    else:
        return ParseResult(
            spec=None, errors=[ValidationIssue(path="", message="the spec must be a mapping")]
        )
    if loaded.errors:
        return ParseResult(spec=None, errors=loaded.errors, source_map=loaded.source_map)
    data, smap = loaded.data, loaded.source_map
    problems = loaded.problems
    if not isinstance(data, Mapping):
        return ParseResult(
            spec=None,
            errors=[smap.issue((), "the spec must be a mapping with app_id and workflow")],
            source_map=smap,
        )
    try:
        spec = OrchestrationSpec.model_validate(data)
    except pydantic.ValidationError as exc:
        return ParseResult(
            spec=None,
            errors=problems + _shape_issues(exc, data, smap),
            source_map=smap,
            data=data,
        )
    except (TypeError, ValueError, RecursionError) as exc:  # exotic mapping contents
        return ParseResult(
            spec=None, errors=[smap.issue((), f"unreadable spec: {type(exc).__name__}")]
        )
    if problems:
        return ParseResult(spec=None, errors=problems, source_map=smap, data=data)
    return ParseResult(spec=spec, errors=[], source_map=smap)


# --------------------------------------------------------------------------- durations

_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)")
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


def parse_duration(value: float | int | str) -> float:
    """Seconds for ``value`` (a number of seconds or e.g. ``"500ms"``, ``"1m30s"``)."""
    if isinstance(value, bool):
        raise ValueError("a duration cannot be true/false")
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str):
        text = value.strip().lower()
        if not text:
            raise ValueError("empty duration")
        if re.fullmatch(r"\d+(?:\.\d+)?", text):
            seconds = float(text)
        else:
            pos, seconds = 0, 0.0
            while pos < len(text):
                m = _DURATION_PART.match(text, pos)
                if m is None:
                    raise ValueError(
                        f"bad duration {value!r}: use seconds or e.g. '500ms', '30s', '5m', '1h'"
                    )
                seconds += float(m.group(1)) * _UNIT_SECONDS[m.group(2)]
                pos = m.end()
                while pos < len(text) and text[pos] == " ":
                    pos += 1
    else:
        raise ValueError("a duration is a number of seconds or a string such as '30s'")
    if not math.isfinite(seconds) or seconds <= 0:
        raise ValueError(f"duration {value!r} must be greater than zero")
    if seconds > MAX_DURATION_SECONDS:
        raise ValueError(f"duration {value!r} is longer than 366 days")
    return seconds


# --------------------------------------------------------------------------- JSON Schema checks

_JSON_TYPES = {"object", "array", "string", "number", "integer", "boolean", "null"}
_SCHEMA_MAP_KEYS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
_SCHEMA_ONE_KEYS = (
    "additionalProperties",
    "items",
    "additionalItems",
    "not",
    "contains",
    "propertyNames",
    "if",
    "then",
    "else",
    "unevaluatedProperties",
    "unevaluatedItems",
)
_SCHEMA_LIST_KEYS = ("allOf", "anyOf", "oneOf", "prefixItems")
_NON_NEGATIVE_INT_KEYS = (
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
)
_NUMBER_KEYS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")


def json_schema_problems(schema: Any, path: Path = (), depth: int = 0) -> list[tuple[Path, str]]:
    """Structural problems of a JSON Schema (draft 2020-12 keywords); empty when it looks valid."""
    if isinstance(schema, bool):
        return []
    if not isinstance(schema, Mapping):
        return [(path, "a JSON Schema must be an object (or true/false)")]
    if depth > 40:
        return [(path, "schema nested too deeply")]
    problems: list[tuple[Path, str]] = []
    if "type" in schema:
        t = schema["type"]
        types = t if isinstance(t, list) else [t]
        if not types or not all(isinstance(x, str) and x in _JSON_TYPES for x in types):
            problems.append(
                ((*path, "type"), f"'type' must be one of {sorted(_JSON_TYPES)} or a list of them")
            )
    for key in _SCHEMA_MAP_KEYS:
        if key in schema:
            sub = schema[key]
            if not isinstance(sub, Mapping):
                problems.append(((*path, key), f"'{key}' must be an object of schemas"))
                continue
            for name, s in sub.items():
                problems.extend(json_schema_problems(s, (*path, key, str(name)), depth + 1))
    for key in _SCHEMA_ONE_KEYS:
        if key in schema:
            if key == "items" and isinstance(schema[key], list):  # draft 4-7 tuple form
                for i, s in enumerate(schema[key]):
                    problems.extend(json_schema_problems(s, (*path, key, i), depth + 1))
                continue
            problems.extend(json_schema_problems(schema[key], (*path, key), depth + 1))
    for key in _SCHEMA_LIST_KEYS:
        if key in schema:
            sub = schema[key]
            if not isinstance(sub, list) or not sub:
                problems.append(((*path, key), f"'{key}' must be a non-empty list of schemas"))
                continue
            for i, s in enumerate(sub):
                problems.extend(json_schema_problems(s, (*path, key, i), depth + 1))
    if "required" in schema:
        req = schema["required"]
        if (
            not isinstance(req, list)
            or not all(isinstance(x, str) for x in req)
            or len(set(req)) != len(req)
        ):
            problems.append(((*path, "required"), "'required' must be a list of unique strings"))
    if "enum" in schema and not isinstance(schema["enum"], list):
        problems.append(((*path, "enum"), "'enum' must be a list"))
    for key in _NON_NEGATIVE_INT_KEYS:
        if key in schema:
            v = schema[key]
            if isinstance(v, bool) or not isinstance(v, int) or v < 0:
                problems.append(((*path, key), f"'{key}' must be a non-negative integer"))
    for key in _NUMBER_KEYS:
        if key in schema:
            v = schema[key]
            if isinstance(v, bool) or not isinstance(v, int | float):
                problems.append(((*path, key), f"'{key}' must be a number"))
            elif key == "multipleOf" and v <= 0:
                problems.append(((*path, key), "'multipleOf' must be greater than zero"))
    if "pattern" in schema:
        pat = schema["pattern"]
        if not isinstance(pat, str):
            problems.append(((*path, "pattern"), "'pattern' must be a string"))
        else:
            try:
                re.compile(pat)
            except (re.error, RecursionError, OverflowError):
                problems.append(((*path, "pattern"), "'pattern' is not a valid regular expression"))
    return problems


# --------------------------------------------------------------------------- compiling


class _Report:
    def __init__(self, smap: SourceMap) -> None:
        self.smap = smap
        self.errors: list[ValidationIssue] = []
        self.warnings: list[ValidationIssue] = []

    def error(self, path: Path, message: str, column_offset: int | None = None) -> None:
        self.errors.append(self._issue(path, message, column_offset))

    def warning(self, path: Path, message: str) -> None:
        self.warnings.append(self._issue(path, message, None))

    def _issue(self, path: Path, message: str, column_offset: int | None) -> ValidationIssue:
        issue = self.smap.issue(path, message)
        if column_offset is not None and issue.column is not None and path in self.smap.scalars:
            style, one_line = self.smap.scalars[path]
            if one_line:
                quote = 1 if style in ("'", '"') else 0
                issue = issue.model_copy(update={"column": issue.column + quote + column_offset})
        return issue


def _list(names: Sequence[str]) -> str:
    return ", ".join(names) if names else "nothing"


class _Compiler:
    def __init__(
        self,
        spec: OrchestrationSpec,
        agents: Sequence[AgentInfo],
        smap: SourceMap,
        salvage: _Salvage | None = None,
    ):
        self.spec = spec
        # steps dropped because their shape is invalid: references to them are not judged
        self.salvage = salvage or _Salvage(positions=list(range(len(spec.workflow))))
        self.report = _Report(smap)
        self.agents: dict[str, AgentInfo] = {}
        for a in agents:
            self.agents.setdefault(a.id, a)
        self.ids = [str(s.step) for s in spec.workflow]
        self.index: dict[str, int] = {}
        self.steps_by_agent: dict[str, list[int]] = {}
        for i, s in enumerate(spec.workflow):
            if s.agent_id is not None:
                self.steps_by_agent.setdefault(s.agent_id, []).append(i)
        self.deps: list[list[int]] = [[] for _ in spec.workflow]
        self.self_dependent: set[int] = set()

    # ---- helpers

    def wp(self, i: int) -> Path:
        """The path of step ``i`` in the source (salvaging may have dropped steps)."""
        return ("workflow", self.salvage.positions[i])

    def add_dep(self, i: int, j: int) -> None:
        if i == j:
            self.self_dependent.add(i)
        elif j not in self.deps[i]:
            self.deps[i].append(j)

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
            f"unknown source '{source}': use 'trigger', a step id ({_list(self.ids)}) "
            f"or the agent id of a step",
        )
        return None

    def check_field(self, i: int, j: int, fld: str, path: Path, what: str = "field") -> bool:
        produced = [o.name for o in self.spec.workflow[j].outputs]
        if fld in produced:
            return True
        self.report.error(
            path,
            f"{what} '{fld}' is not produced by step {self.ids[j]}; it produces: {_list(produced)}",
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

    def step(self, i: int, s: SpecStep) -> dict[str, Any]:
        """Validate one step; returns the keyword arguments of its PlanStep."""
        base: Path = self.wp(i)
        kind = "approval" if s.approval is not None else "agent"
        info: AgentInfo | None = None
        if kind == "agent":
            if s.agent_id is None:
                self.report.error(
                    base, f"step {self.ids[i]} has no agent_id (only approval steps omit it)"
                )
            else:
                info = self.agents.get(s.agent_id)
                if info is None:
                    self.report.error(
                        (*base, "agent_id"),
                        f"unknown agent '{s.agent_id}'; this app's agents: "
                        f"{_list(sorted(self.agents))}",
                    )
        elif s.agent_id is not None:
            self.report.error(
                (*base, "agent_id"),
                f"step {self.ids[i]} is an approval step and cannot have an agent_id",
            )

        seen_outputs: dict[str, int] = {}
        for k, out in enumerate(s.outputs):
            if out.name in seen_outputs:
                self.report.error(
                    (*base, "outputs", k, "name"),
                    f"duplicate output '{out.name}' in step {self.ids[i]}",
                )
            seen_outputs.setdefault(out.name, k)

        plan_inputs: list[PlanInput] = []
        seen_names: set[str] = set()
        for k, inp in enumerate(s.inputs):
            ipath: Path = (*base, "inputs", k)
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
            if resolved[0] == "trigger":
                plan_inputs.append(PlanInput(field=inp.field, source="trigger", name=inp.as_))
                continue
            j = resolved[1]
            assert j is not None
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

        retry = PlanRetry()
        if s.retry is not None:
            rpath: Path = (*base, "retry")
            initial = self.duration(s.retry.initial_interval, (*rpath, "initial_interval"))
            maximum = self.duration(s.retry.max_interval, (*rpath, "max_interval"))
            if initial is not None and maximum is not None:
                if initial > maximum:
                    self.report.error(
                        (*rpath, "initial_interval"),
                        f"initial_interval ({initial:g}s) is longer than max_interval "
                        f"({maximum:g}s)",
                    )
                else:
                    retry = PlanRetry(
                        max_attempts=s.retry.max_attempts,
                        initial_interval_seconds=initial,
                        backoff_coefficient=s.retry.backoff_coefficient,
                        max_interval_seconds=maximum,
                    )

        timeout = DEFAULT_TIMEOUT_SECONDS
        if s.timeout is not None:
            timeout = self.duration(s.timeout, (*base, "timeout")) or DEFAULT_TIMEOUT_SECONDS

        when: Condition | None = None
        if s.when is not None:
            when = self.condition(i, s.when, (*base, "when"))

        foreach: PlanForeach | None = None
        if s.foreach is not None:
            foreach = self.foreach(i, s.foreach, (*base, "foreach"), kind)
            if foreach is not None:
                foreach = foreach.model_copy(
                    update={"input": foreach.input.model_copy(update={"name": self.item_name(s)})}
                )

        approval: PlanApproval | None = None
        if s.approval is not None:
            approval = self.approval(s.approval, (*base, "approval"))

        return {
            "id": self.ids[i],
            "kind": kind,
            "agent_id": s.agent_id if kind == "agent" else None,
            "agent_type": info.type if info else None,
            "task_queue": agent_queue(info.type) if info else None,
            "inputs": plan_inputs,
            "outputs": [o.name for o in s.outputs],
            "retry": retry,
            "timeout_seconds": timeout,
            "when": when,
            "foreach": foreach,
            "on_error": s.on_error,
            "approval": approval,
        }

    @staticmethod
    def item_name(s: SpecStep) -> str | None:
        """The name a ``foreach`` item reaches the agent under (``None``: its ``field``).

        ``foreach.as`` when given; else the name of the step's input that reads the same
        list (so ``{source: trigger, field: documents, as: document}`` names the items);
        else the foreach's field.
        """
        fe = s.foreach
        assert fe is not None
        if fe.as_:
            return fe.as_
        same = next(
            (inp for inp in s.inputs if (inp.source, inp.field) == (fe.source, fe.field)), None
        )
        return same.as_ if same is not None else None

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
                    f"condition refers to unknown step '{sid}'; steps: {_list(self.ids)}",
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

    def order(self) -> list[int]:
        """Topological order (ties by declaration); reports cycles and blocked steps."""
        n = len(self.ids)
        dependents: list[list[int]] = [[] for _ in range(n)]
        indegree = [0] * n
        for i in range(n):
            for j in self.deps[i]:
                dependents[j].append(i)
                indegree[i] += 1
        ready = [i for i in range(n) if indegree[i] == 0 and i not in self.self_dependent]
        heapq.heapify(ready)
        ordered: list[int] = []
        while ready:
            i = heapq.heappop(ready)
            ordered.append(i)
            for d in dependents[i]:
                indegree[d] -= 1
                if indegree[d] == 0 and d not in self.self_dependent:
                    heapq.heappush(ready, d)
        blocked = [i for i in range(n) if i not in set(ordered)]
        if not blocked:
            return ordered
        blocked_set = set(blocked)
        cyclic: set[int] = set()
        for comp in _strongly_connected(blocked, self.deps, blocked_set):
            if len(comp) < 2:
                continue
            cyclic.update(comp)
            start = min(comp)
            walk = [start]
            cur = start
            while True:
                cur = min(d for d in self.deps[cur] if d in comp)
                if cur in walk:
                    cycle = walk[walk.index(cur) :]
                    break
                walk.append(cur)
            flow_order = list(reversed(cycle))
            first = flow_order.index(min(flow_order))  # start at the first declared step
            flow = [self.ids[c] for c in flow_order[first:] + flow_order[:first]]
            flow.append(flow[0])
            self.report.error(
                self.wp(min(cycle)),
                f"steps form a cycle: {' → '.join(flow)} (each takes input from the one before)",
            )
        for i in blocked:
            if i in cyclic:
                continue
            if i in self.self_dependent:
                continue  # reported where the self-reference was found
            cause = next((d for d in self.deps[i] if d in blocked_set), None)
            why = (
                f"it depends on step {self.ids[cause]}, which can never run"
                if cause is not None
                else "its dependencies can never run"
            )
            self.report.error(self.wp(i), f"step {self.ids[i]} is unreachable: {why}")
        return ordered

    def input_shapes(self) -> None:
        """Compare the whole object each agent step sends with its agent's input schema.

        Sound for what it judges: a required property no binding provides, a name the
        schema forbids, or a binding whose upstream output schema allows a value the
        agent's property refuses is an error, so a plan that compiles without errors is
        never rejected at run time for the shape of its inputs. Run inputs (``trigger``)
        are checked when the run starts, against the same schema. What cannot be judged
        (``$ref``, ``allOf``, patterns …) is a warning that says so.
        """
        for i, s in enumerate(self.spec.workflow):
            consumer = self.agents.get(s.agent_id or "") if s.approval is None else None
            if consumer is None:
                continue
            sent = self.sent_object(i, s)
            if not isinstance(consumer.input_schema, Mapping):
                continue
            schema = consumer.input_schema
            base = self.wp(i)
            undecidable = sorted(set(schema) & UNDECIDABLE_KEYWORDS)
            if undecidable:
                self.report.warning(
                    (*base, "inputs"),
                    f"agent '{consumer.id}' input schema uses {', '.join(undecidable)}, which "
                    f"validation cannot compare with what step {self.ids[i]} sends; the inputs "
                    "are checked when the step runs",
                )
            if "object" not in (types_of(schema) or {"object"}):
                self.report.error(
                    (*base, "agent_id"),
                    f"agent '{consumer.id}' input schema does not take an object; agents "
                    "receive their inputs as one object",
                )
                continue
            self.required_names(i, consumer, schema, set(sent))
            properties = schema.get("properties")
            properties = properties if isinstance(properties, Mapping) else {}
            extra = schema.get("additionalProperties", True)
            for name, (produced, path) in sent.items():
                expected: Any = properties.get(name)
                if expected is None:
                    expected = extra
                if expected is False:
                    listed = ", ".join(map(repr, properties)) or "none"
                    self.report.error(
                        path,
                        f"agent '{consumer.id}' input schema takes no input '{name}' (it lists "
                        f"{listed} and forbids others); bind it under another name with as:",
                    )
                    continue
                if produced is None:
                    continue  # a run input: checked against ``expected`` when the run starts
                if produced is UNKNOWN_OUTPUT:
                    self.report.warning(
                        path,
                        f"input '{name}': the upstream agent declares no output schema, so "
                        "validation cannot compare it; it is checked when the step runs",
                    )
                    continue
                outcome = fit(produced, expected, f"input '{name}'")
                for problem in outcome.problems:
                    self.report.error(
                        path, f"{problem} (agent '{consumer.id}' input schema, step {self.ids[i]})"
                    )
                for doubt in outcome.undecided[:1]:
                    self.report.warning(path, doubt)

    def sent_object(self, i: int, s: SpecStep) -> dict[str, tuple[Any, Path]]:
        """Name → (schema of the value, or None for a run input; path of its binding)."""
        base = self.wp(i)
        sent: dict[str, tuple[Any, Path]] = {}
        item = self.item_name(s) if s.foreach is not None else None
        for k, inp in enumerate(s.inputs):
            if s.foreach is not None and (inp.source, inp.field) == (
                s.foreach.source,
                s.foreach.field,
            ):
                continue  # the list itself is not sent: its items are
            sent[inp.name] = (self.produced(inp.source, inp.field), (*base, "inputs", k))
        if s.foreach is not None:
            name = item or s.foreach.field
            path: Path = (*base, "foreach")
            if name in sent:
                self.report.error(
                    path,
                    f"step {self.ids[i]} sends '{name}' twice: as the foreach item and as an "
                    "input; rename one with as:",
                )
            listed = self.produced(s.foreach.source, s.foreach.field)
            item_schema: Any = None
            if listed is UNKNOWN_OUTPUT:
                item_schema = UNKNOWN_OUTPUT
            elif isinstance(listed, Mapping):
                types = types_of(listed)
                if types is not None and "array" not in types:
                    self.report.error(
                        (*path, "field"),
                        f"foreach needs a list, but '{s.foreach.field}' is "
                        f"{'/'.join(sorted(types))} per the upstream output schema",
                    )
                    return sent
                if types is not None and types != {"array"}:
                    self.report.error(
                        (*path, "field"),
                        f"foreach needs a list, but '{s.foreach.field}' may be "
                        f"{'/'.join(sorted(types - {'array'}))} per the upstream output schema",
                    )
                item_schema = listed.get("items", {})
            elif s.foreach.source != "trigger":
                item_schema = {}
            sent[name] = (item_schema, path)
        return sent

    def required_names(
        self, i: int, consumer: AgentInfo, schema: Mapping[str, Any], given: set[str]
    ) -> None:
        """``required`` and ``anyOf``/``oneOf`` lists of required names, against ``given``."""
        path: Path = (*self.wp(i), "inputs")
        required = schema.get("required")
        if isinstance(required, list):
            missing = [r for r in required if isinstance(r, str) and r not in given]
            if missing:
                self.report.error(
                    path,
                    f"agent '{consumer.id}' requires input {', '.join(map(repr, missing))}, "
                    f"which step {self.ids[i]} does not provide; bind it "
                    f"({{source: …, field: …, as: {missing[0]}}})",
                )
        for key in ("anyOf", "oneOf"):
            branches = schema.get(key)
            if not isinstance(branches, list) or not all(
                isinstance(b, Mapping) and set(b) == {"required"} for b in branches
            ):
                continue
            met = [b["required"] for b in branches if set(b["required"]) <= given]
            forms = " or ".join("+".join(map(repr, b["required"])) for b in branches)
            if not met:
                self.report.error(
                    path,
                    f"agent '{consumer.id}' requires input {forms}, and step {self.ids[i]} "
                    "provides none of them",
                )
            elif key == "oneOf" and len(met) > 1:
                self.report.error(
                    path,
                    f"agent '{consumer.id}' takes exactly one of {forms}; step {self.ids[i]} "
                    "provides several",
                )

    def produced(self, source: str, fld: str) -> Any:
        """The schema of what ``fld`` of ``source`` will hold; None for a run input.

        ``{}`` (anything) when the upstream declares no schema.
        """
        if source == "trigger":
            return None
        if source in self.index:
            j = self.index[source]
        elif len(self.steps_by_agent.get(source, [])) == 1:
            j = self.steps_by_agent[source][0]
        else:
            return {}
        up = self.spec.workflow[j]
        whole: Any
        if up.approval is not None:
            whole = approval_output_schema(up.approval.input_schema)
        else:
            info = self.agents.get(up.agent_id or "")
            if info is None or not isinstance(info.output_schema, Mapping):
                return UNKNOWN_OUTPUT
            whole = info.output_schema
        names = [o.name for o in up.outputs]
        one: Any = whole
        if len(names) > 1 and isinstance(whole, Mapping):
            props = whole.get("properties")
            one = props.get(fld, {}) if isinstance(props, Mapping) else {}
        if up.foreach is not None:
            return {"type": "array", "items": one}
        return one

    def picked_outputs(self) -> None:
        """A step with several outputs takes each from the agent's result by name."""
        for i, s in enumerate(self.spec.workflow):
            if len(s.outputs) < 2:
                continue
            if s.approval is not None:
                schema: Any = approval_output_schema(s.approval.input_schema)
                who = f"the approval of step {self.ids[i]}"
            else:
                info = self.agents.get(s.agent_id or "")
                schema = info.output_schema if info else None
                who = f"agent '{s.agent_id}'"
            if not isinstance(schema, Mapping):
                continue
            props = schema.get("properties")
            props = props if isinstance(props, Mapping) else {}
            required = set(schema.get("required") or [])
            closed = schema.get("additionalProperties", True) is False
            for k, out in enumerate(s.outputs):
                path: Path = (*self.wp(i), "outputs", k, "name")
                if out.name in required:
                    continue
                if out.name not in props:
                    if closed or props:
                        self.report.error(
                            path,
                            f"{who} produces no '{out.name}' (its output schema lists "
                            f"{_list(sorted(map(str, props)))}); with several outputs each is "
                            "taken from the result by name; declare one output to get the "
                            "whole result",
                        )
                    continue
                self.report.warning(
                    path,
                    f"{who} may leave out '{out.name}' (its output schema does not require "
                    "it); the step fails if it does",
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
        plan_steps = {i: self.step(i, s) for i, s in enumerate(self.spec.workflow)}
        ordered = self.order()
        self.sensitive_steps()
        self.input_shapes()
        self.picked_outputs()
        if self.report.errors:
            return None
        steps = [
            PlanStep(**plan_steps[i], depends_on=[self.ids[j] for j in sorted(self.deps[i])])
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


#: What ``_Compiler.produced`` answers for an agent that declares no output schema.
UNKNOWN_OUTPUT: dict[str, Any] = {"$comment": "no output schema declared"}


def approval_output_schema(payload_schema: Any) -> dict[str, Any]:
    """What an approval step's result holds: the payload plus the decision's own fields."""
    payload = payload_schema if isinstance(payload_schema, Mapping) else {}
    found = payload.get("properties")
    properties: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
    return {
        "type": "object",
        "properties": {
            **properties,
            "approved": {"type": "boolean"},
            "approver": {"type": ["string", "null"]},
            "comment": {"type": ["string", "null"]},
        },
        "required": sorted({*(payload.get("required") or []), "approved"}),
    }


def _needs_a_person(approval: SpecApproval | None) -> bool:
    """Whether an approval step only passes when a person approves it."""
    return approval is not None and (approval.timeout is None or approval.on_timeout == "reject")


def _strongly_connected(
    nodes: list[int], deps: list[list[int]], allowed: set[int]
) -> list[list[int]]:
    """Tarjan's algorithm, iterative so long chains cannot exhaust the stack."""
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    on_stack: set[int] = set()
    stack: list[int] = []
    comps: list[list[int]] = []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work: list[tuple[int, int]] = [(root, 0)]
        while work:
            v, pi = work.pop()
            if pi == 0:
                index[v] = low[v] = counter
                counter += 1
                stack.append(v)
                on_stack.add(v)
            succ = [d for d in deps[v] if d in allowed]
            recurse = False
            for k in range(pi, len(succ)):
                w = succ[k]
                if w not in index:
                    work.append((v, k + 1))
                    work.append((w, 0))
                    recurse = True
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            if recurse:
                continue
            if low[v] == index[v]:
                comp: list[int] = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                comps.append(comp)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[v])
    return comps


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
        parsed, salvaged = _parse(source)
        if parsed.spec is None:
            if salvaged is None:
                return CompileResult(plan=None, errors=parsed.errors)
            # check what is left too, so one pass reports every problem
            partial = _Compiler(salvaged[0], agents, parsed.source_map, salvaged[1])
            partial.run(app_version)
            return CompileResult(
                plan=None,
                errors=_by_position(parsed.errors + partial.report.errors),
                warnings=partial.report.warnings,
            )
        spec, smap = parsed.spec, parsed.source_map
    compiler = _Compiler(spec, agents, smap)
    plan = compiler.run(app_version)
    return CompileResult(
        plan=plan, errors=compiler.report.errors, warnings=compiler.report.warnings
    )


# --------------------------------------------------------------------------- export


def _step_to_data(s: SpecStep) -> dict[str, Any]:
    out: dict[str, Any] = {"step": s.step}
    if s.agent_id is not None:
        out["agent_id"] = s.agent_id
    out["inputs"] = [
        {"source": i.source, "field": i.field, **({"as": i.as_} if i.as_ else {})} for i in s.inputs
    ]
    out["outputs"] = [{"name": o.name} for o in s.outputs]
    for key in ("retry", "foreach", "approval"):
        sub = getattr(s, key)
        if sub is not None:
            out[key] = sub.model_dump(mode="json", exclude_unset=True)
    if s.timeout is not None:
        out["timeout"] = s.timeout
    if s.when is not None:
        out["when"] = s.when
    if s.on_error != "fail":
        out["on_error"] = s.on_error
    return out


def spec_to_yaml(spec: OrchestrationSpec) -> str:
    """Export ``spec`` as YAML in the platform document's layout (extensions only when set)."""
    data: dict[str, Any] = {
        "version": spec.version,
        "app_id": spec.app_id,
        "name": spec.name,
        "agents": [{"id": a.id, "name": a.name, "type": a.type} for a in spec.agents],
        "workflow": [_step_to_data(s) for s in spec.workflow],
    }
    if spec.limits is not None:
        data["limits"] = spec.limits.model_dump(mode="json", exclude_none=True)
    return yaml.dump(
        data, Dumper=_ExportDumper, sort_keys=False, allow_unicode=True, default_flow_style=False
    )


class _ExportDumper(yaml.SafeDumper):
    """PyYAML writes NEL, LS and PS raw inside plain or single-quoted scalars, where a
    reader takes them for line breaks; such strings are written double-quoted (escaped)."""


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    if any(ch in text for ch in "\x85\u2028\u2029"):
        return dumper.represent_scalar("tag:yaml.org,2002:str", text, style='"')
    return dumper.represent_str(text)


_ExportDumper.add_representer(str, _represent_text)
