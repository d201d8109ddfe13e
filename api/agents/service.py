"""``POST /agents/{id}/validate``: an agent config checked field by field."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from api.errors import issues_from_pydantic, json_pointer
from schemas.agents import BUILTIN_AGENT_TYPES, AgentConfig, ValidationIssue, ValidationReport
from schemas.library import AGENT_TOOLS, BUILTIN_SCHEMA_PREFIX, BUILTIN_SCHEMAS


def check_agent_config(agent_type: str, raw_config: Any) -> ValidationReport:
    """Errors make the config unusable; warnings are legal but probably unintended."""
    try:
        config = AgentConfig.model_validate(raw_config)
    except ValidationError as exc:
        return ValidationReport(valid=False, errors=issues_from_pydantic(exc))

    errors: list[ValidationIssue] = []
    warnings: list[ValidationIssue] = []
    known_tools = AGENT_TOOLS.get(agent_type)
    seen: set[str] = set()
    for index, tool in enumerate(config.tools):
        path = json_pointer(["tools", index, "id"])
        if tool.id in seen:
            warnings.append(
                ValidationIssue(path=path, message=f"Tool {tool.id!r} is listed twice.")
            )
        seen.add(tool.id)
        if known_tools is not None and tool.id not in known_tools:
            warnings.append(
                ValidationIssue(
                    path=path,
                    message=f"Tool {tool.id!r} is unknown to {agent_type!r} agents "
                    f"(they offer: {', '.join(known_tools)}); it will be ignored.",
                )
            )
    for key in ("input_schema_uri", "output_schema_uri"):
        uri = getattr(config.schemas, key)
        path = json_pointer(["schemas", key])
        if uri and uri.startswith(BUILTIN_SCHEMA_PREFIX) and uri not in BUILTIN_SCHEMAS:
            errors.append(
                ValidationIssue(
                    path=path,
                    message=f"{uri!r} is not a built-in schema; built-in ones are: "
                    + ", ".join(sorted(BUILTIN_SCHEMAS)),
                )
            )
        elif uri is None and agent_type not in BUILTIN_AGENT_TYPES:
            warnings.append(
                ValidationIssue(
                    path=path,
                    message="No schema: the agent's data is not validated on this side.",
                )
            )
    if config.model.provider == "local" and agent_type not in BUILTIN_AGENT_TYPES:
        warnings.append(
            ValidationIssue(
                path="/model/provider",
                message="The `local` provider only implements the built-in agent types.",
            )
        )
    return ValidationReport(valid=not errors, errors=errors, warnings=warnings)
