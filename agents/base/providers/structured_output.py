"""Turning an agent's output JSON Schema into what each provider accepts.

OpenAI's strict JSON-schema mode accepts a subset of JSON Schema (every object
closed with ``additionalProperties: false``, every property required, a limited
keyword set). We send ``strict: true`` only when the schema can be made strict
without changing which outputs are valid for the agent; otherwise the schema is
sent as is with ``strict: false`` and the agent's own validation catches drift.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from agents.base.llm import ProviderError

#: Keywords OpenAI's strict mode understands; anything else makes us fall back to strict=False.
STRICT_KEYWORDS = frozenset(
    {
        "type",
        "properties",
        "required",
        "additionalProperties",
        "items",
        "enum",
        "const",
        "anyOf",
        "$ref",
        "$defs",
        "definitions",
        "description",
        "title",
        "pattern",
        "format",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "minItems",
        "maxItems",
    }
)
#: Root annotations that carry no constraint and that some gateways reject.
_ROOT_ANNOTATIONS = ("$schema", "$id")
_NAME_CHARS = re.compile(r"[^a-zA-Z0-9_-]+")
DEFAULT_SCHEMA_NAME = "agent_output"


def schema_name(schema: dict[str, Any]) -> str:
    """A provider-safe name (``[a-zA-Z0-9_-]{1,64}``) for the schema, from its title."""
    title = schema.get("title")
    name = _NAME_CHARS.sub("_", title).strip("_") if isinstance(title, str) else ""
    return (name or DEFAULT_SCHEMA_NAME)[:64]


def require_object_root(schema: dict[str, Any], provider: str) -> None:
    """Both providers need an object at the root of a structured output."""
    root_type = schema.get("type")
    is_object = root_type == "object" or (root_type is None and "properties" in schema)
    if not is_object:
        raise ProviderError(
            f"output schema root must be an object (got type {root_type!r}): "
            "wrap the value in an object property",
            retryable=False,
            provider=provider,
        )


def strict_schema(schema: dict[str, Any]) -> dict[str, Any] | None:
    """A copy of ``schema`` valid for OpenAI strict mode, or None when that would change meaning.

    Objects that leave ``additionalProperties`` unset are closed (strict output
    stays valid against the original); optional properties or unsupported
    keywords return None.
    """
    candidate = copy.deepcopy(schema)
    for key in _ROOT_ANNOTATIONS:
        candidate.pop(key, None)
    if "anyOf" in candidate:
        return None  # strict mode wants an object root, not a union
    return candidate if _make_strict(candidate) else None


def without_root_annotations(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema without ``$schema``/``$id``, which constrain nothing."""
    return {key: value for key, value in schema.items() if key not in _ROOT_ANNOTATIONS}


def _make_strict(node: Any) -> bool:
    if not isinstance(node, dict):
        return False
    if any(key not in STRICT_KEYWORDS for key in node):
        return False
    if not any(key in node for key in ("type", "$ref", "anyOf", "enum", "const")):
        return False  # an unconstrained node ({}) is not allowed in strict mode
    node_type = node.get("type")
    if node_type == "object" or "properties" in node:
        properties = node.get("properties", {})
        if not isinstance(properties, dict):
            return False
        if set(node.get("required", [])) != set(properties):
            return False
        additional = node.get("additionalProperties")
        if additional is None:
            node["additionalProperties"] = False
        elif additional is not False:
            return False
        if not all(_make_strict(child) for child in properties.values()):
            return False
    if "items" in node and not _make_strict(node["items"]):
        return False
    if "anyOf" in node and not all(_make_strict(child) for child in node["anyOf"]):
        return False
    for defs_key in ("$defs", "definitions"):
        defs = node.get(defs_key)
        if defs is not None and not (
            isinstance(defs, dict) and all(_make_strict(child) for child in defs.values())
        ):
            return False
    return True
