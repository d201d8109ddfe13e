"""Reading a spec: text or mapping → ``OrchestrationSpec``, each shape error at its path.

When the shape is invalid, ``_salvage`` drops what the errors point at so the compiler can
still check the rest and one pass reports every problem.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pydantic

from schemas.agents import ValidationIssue
from schemas.orchestration import (
    OrchestrationSpec,
    SpecAgent,
    SpecApproval,
    SpecForeach,
    SpecInput,
    SpecLimits,
    SpecOutput,
    SpecRetry,
    SpecStep,
)
from workflows.compiler.source import LoadedSource, Path, SourceMap, load_source

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
class Salvage:
    """What was dropped to check the rest of an invalid spec: its steps' ids and agents."""

    positions: list[int]  # source index of each kept step
    step_ids: set[str] = field(default_factory=set)
    agent_ids: set[str] = field(default_factory=set)


def _salvage(
    data: Mapping[str, Any], issues: list[ValidationIssue]
) -> tuple[OrchestrationSpec, Salvage] | None:
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
    salvage = Salvage(positions=[])
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
    return parse_with_salvage(source)[0]


def by_position(issues: list[ValidationIssue]) -> list[ValidationIssue]:
    """Issues in reading order (those without a position keep their order, at the end)."""
    return sorted(issues, key=lambda i: (i.line is None, i.line or 0, i.column or 0))


def parse_with_salvage(
    source: str | bytes | Mapping[str, Any],
) -> tuple[ParseResult, tuple[OrchestrationSpec, Salvage] | None]:
    result = _parse_shape(source)
    result.errors = by_position(result.errors)
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
