"""A small, deterministic JSON-Schema subset checker for approval payloads.

The ``jsonschema`` package is not sandbox-friendly (it loads resources and
regex engines at import time), and an approval validator runs inside the
workflow, so this module checks the subset approval schemas need: ``type``,
``required``, ``properties``, ``additionalProperties: false``, ``items``,
``enum``, ``const``, ``minimum``/``maximum``, ``minLength``/``maxLength`` and
``minItems``/``maxItems``. Unknown keywords are ignored, as JSON Schema does.
"""

from __future__ import annotations

from typing import Any

_TYPE_CHECKS: dict[str, Any] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "integer": lambda v: (
        isinstance(v, int) and not isinstance(v, bool) or (isinstance(v, float) and v.is_integer())
    ),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "null": lambda v: v is None,
}


def _pointer(path: str) -> str:
    return path or "/"


def schema_violations(schema: dict[str, Any], value: Any, path: str = "") -> list[str]:
    """Every way ``value`` breaks ``schema``, as ``"<json pointer>: <message>"`` strings."""
    where = _pointer(path)
    expected = schema.get("type")
    if expected is not None:
        allowed = expected if isinstance(expected, list) else [expected]
        if not any(_TYPE_CHECKS.get(t, lambda _v: True)(value) for t in allowed):
            return [f"{where}: expected {' or '.join(allowed)}"]
    problems: list[str] = []
    if "enum" in schema and value not in schema["enum"]:
        problems.append(f"{where}: must be one of {schema['enum']!r}")
    if "const" in schema and value != schema["const"]:
        problems.append(f"{where}: must be {schema['const']!r}")
    if isinstance(value, int | float) and not isinstance(value, bool):
        problems += _bounds(
            schema, value, where, "minimum", "maximum", "must be >= {}", "must be <= {}"
        )
    if isinstance(value, str):
        problems += _bounds(
            schema,
            len(value),
            where,
            "minLength",
            "maxLength",
            "must have at least {} characters",
            "must have at most {} characters",
        )
    if isinstance(value, list):
        problems += _array_violations(schema, value, path)
    if isinstance(value, dict):
        problems += _object_violations(schema, value, path)
    return problems


def _bounds(
    schema: dict[str, Any],
    size: float,
    where: str,
    low: str,
    high: str,
    too_low: str,
    too_high: str,
) -> list[str]:
    problems: list[str] = []
    if low in schema and size < schema[low]:
        problems.append(f"{where}: " + too_low.format(schema[low]))
    if high in schema and size > schema[high]:
        problems.append(f"{where}: " + too_high.format(schema[high]))
    return problems


def _array_violations(schema: dict[str, Any], value: list[Any], path: str) -> list[str]:
    problems = _bounds(
        schema,
        len(value),
        _pointer(path),
        "minItems",
        "maxItems",
        "must have at least {} items",
        "must have at most {} items",
    )
    item_schema = schema.get("items")
    if isinstance(item_schema, dict):
        for index, item in enumerate(value):
            problems.extend(schema_violations(item_schema, item, f"{path}/{index}"))
    return problems


def _object_violations(schema: dict[str, Any], value: dict[str, Any], path: str) -> list[str]:
    problems: list[str] = []
    for name in schema.get("required", []):
        if name not in value:
            problems.append(f"{_pointer(path)}: '{name}' is required")
    properties: dict[str, Any] = schema.get("properties", {})
    for name, sub_value in value.items():
        child = f"{path}/{name.replace('~', '~0').replace('/', '~1')}"
        if name in properties and isinstance(properties[name], dict):
            problems.extend(schema_violations(properties[name], sub_value, child))
        elif schema.get("additionalProperties") is False:
            problems.append(f"{child}: is not allowed")
    return problems
