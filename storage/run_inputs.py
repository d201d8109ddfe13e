"""A run's inputs checked against its plan before the run starts.

A plan knows which run inputs (``source: trigger``) its steps read and, from the
resolved input schemas of the agents that read them, what they must look like. The
API checks a run's inputs here before it starts the workflow (422 naming the field or
the artifact), and the plan-loading activity does the same for runs started straight
from the Temporal CLI, so a run never starts only to fail later on an input it was
given. ``artifact://`` values are judged as what the agent will receive (the claim-check
replaces them by the document object): the artifact must exist, and its detected media
type must be one the agent's property lists in ``x-media-types``.

Lives beside the artifact store because that is what it reads; no database access.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from schemas.artifacts import ArtifactRef, artifact_id_from_uri
from schemas.media_types import MEDIA_TYPES_KEYWORD
from schemas.orchestration import ExecutionPlan, PlanInput, PlanStep

#: What stands in for a document's bytes when an artifact is checked against a schema.
_PLACEHOLDER_CONTENT = "AA=="

#: ``uri -> ref``; ``None`` when the artifact does not exist (or the caller may not read it).
ArtifactLookup = Callable[[str], ArtifactRef | None]


@dataclass(frozen=True)
class InputProblem:
    """One reason a run input is refused: ``field`` is the run input's name."""

    field: str
    message: str
    artifact: str | None = None


@dataclass(frozen=True)
class TriggerRead:
    """One step reading one run input."""

    step_id: str
    agent: str
    name: str  # the name the agent receives it under
    schema: Any  # the agent's property schema, or None when unknown
    each_item: bool  # a foreach step: the input is a list and each item is sent
    conditional: bool  # the step has a ``when``: the input may never be read


def _property_schema(step: PlanStep, plan: ExecutionPlan, name: str) -> Any:
    agent = plan.agents.get(step.agent_id or "")
    schema = agent.config.input_schema if agent is not None and agent.config else None
    if not isinstance(schema, Mapping):
        return None
    properties = schema.get("properties")
    found = properties.get(name) if isinstance(properties, Mapping) else None
    if found is None:
        extra = schema.get("additionalProperties")
        found = extra if isinstance(extra, Mapping) else None
    return found


def trigger_reads(plan: ExecutionPlan) -> dict[str, list[TriggerRead]]:
    """Run input name → every step that reads it."""
    reads: dict[str, list[TriggerRead]] = {}
    for step in plan.steps:
        agent = plan.agents.get(step.agent_id or "")
        who = agent.name or agent.id if agent is not None else (step.agent_id or "approval")
        bindings: list[tuple[PlanInput, bool]] = [(i, False) for i in step.inputs]
        if step.foreach is not None:
            bindings = [
                (i, False) for i in step.inputs if not i.reads_same_value(step.foreach.input)
            ]
            bindings.append((step.foreach.input, True))
        for binding, each in bindings:
            if binding.source != "trigger":
                continue
            name = binding.agent_field
            reads.setdefault(binding.field, []).append(
                TriggerRead(
                    step_id=step.id,
                    agent=who,
                    name=name,
                    schema=_property_schema(step, plan, name) if step.kind == "agent" else None,
                    each_item=each,
                    conditional=step.when is not None,
                )
            )
    return reads


def artifact_uris(value: Any) -> list[str]:
    """Every ``artifact://`` URI anywhere in ``value``."""
    if isinstance(value, str):
        return [value] if artifact_id_from_uri(value) else []
    if isinstance(value, Mapping):
        return [uri for item in value.values() for uri in artifact_uris(item)]
    if isinstance(value, list):
        return [uri for item in value for uri in artifact_uris(item)]
    return []


def _as_delivered(value: Any, refs: Mapping[str, ArtifactRef]) -> Any:
    """``value`` as the agent receives it: artifact URIs become document objects."""
    if isinstance(value, str) and value in refs:
        ref = refs[value]
        return {
            "artifact_uri": value,
            "filename": ref.filename,
            "media_type": ref.media_type,
            "content_base64": _PLACEHOLDER_CONTENT,
        }
    if isinstance(value, Mapping):
        return {k: _as_delivered(v, refs) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_delivered(v, refs) for v in value]
    return value


def _schema_messages(schema: Any, value: Any) -> list[str]:
    try:
        validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
        errors = sorted(validator.iter_errors(value), key=lambda e: list(e.absolute_path))
    except SchemaError:
        return []  # an invalid schema is the compiler's to report, not the run's
    messages = []
    for error in errors[:3]:
        where = "".join(f"/{p}" for p in error.absolute_path)
        messages.append(f"{where}: {error.message}" if where else error.message)
    return messages


def _check_one(
    field: str, read: TriggerRead, value: Any, refs: Mapping[str, ArtifactRef]
) -> list[InputProblem]:
    reader = f"step '{read.step_id}' ({read.agent})"
    if read.each_item and not isinstance(value, list):
        return [
            InputProblem(
                field,
                f"run input '{field}' must be a list: {reader} runs once per item "
                f"(got {type(value).__name__})",
            )
        ]
    values = value if read.each_item else [value]
    problems: list[InputProblem] = []
    accepted = read.schema.get(MEDIA_TYPES_KEYWORD) if isinstance(read.schema, Mapping) else None
    for index, item in enumerate(values):
        where = f"run input '{field}'" + (f" item {index}" if read.each_item else "")
        if isinstance(accepted, list) and isinstance(item, str) and item in refs:
            ref = refs[item]
            if ref.media_type not in accepted:
                problems.append(
                    InputProblem(
                        field,
                        f"{where}: artifact '{ref.id}' ({ref.filename or 'no name'}) is "
                        f"{ref.media_type}; {reader} reads {', '.join(accepted)}. Upload the "
                        "document in one of those formats",
                        artifact=ref.id,
                    )
                )
                continue
        if read.schema is None:
            continue
        for message in _schema_messages(read.schema, _as_delivered(item, refs)):
            problems.append(
                InputProblem(
                    field,
                    f"{where} does not match what {reader} reads as '{read.name}': {message}",
                )
            )
    return problems


def artifact_problems(
    inputs: Mapping[str, Any], lookup: ArtifactLookup
) -> tuple[list[InputProblem], dict[str, ArtifactRef]]:
    """Artifacts the inputs name that do not exist or cannot be read; the refs of the rest."""
    problems: list[InputProblem] = []
    refs: dict[str, ArtifactRef] = {}
    for field, value in inputs.items():
        for uri in artifact_uris(value):
            if uri in refs:
                continue
            ref = lookup(uri)
            if ref is None:
                artifact_id = artifact_id_from_uri(uri) or uri
                problems.append(
                    InputProblem(
                        field,
                        f"run input '{field}': artifact '{artifact_id}' does not exist or your "
                        "team cannot read it; upload the document with POST /artifacts and "
                        "pass the uri it returns",
                        artifact=artifact_id,
                    )
                )
            else:
                refs[uri] = ref
    return problems, refs


def run_input_problems(
    plan: ExecutionPlan, inputs: Mapping[str, Any], lookup: ArtifactLookup
) -> list[InputProblem]:
    """Every reason ``inputs`` cannot run ``plan``; empty when they can."""
    problems, refs = artifact_problems(inputs, lookup)
    if problems:
        return problems
    for field, reads in trigger_reads(plan).items():
        if field not in inputs:
            needed = [r for r in reads if not r.conditional]
            if needed:
                readers = ", ".join(f"step '{r.step_id}' ({r.agent})" for r in needed)
                problems.append(
                    InputProblem(
                        field,
                        f"run input '{field}' is missing: {readers} reads it; pass it in "
                        '"inputs"',
                    )
                )
            continue
        for read in reads:
            problems += _check_one(field, read, inputs[field], refs)
    return problems
