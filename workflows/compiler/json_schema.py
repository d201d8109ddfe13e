"""Whether a JSON Schema in a spec (an approval's ``input_schema``) is a schema at all.

jsonschema validates it against its draft's metaschema (``$schema`` picks the draft;
2020-12 when absent, as the agents' runtime reads schemas); each metaschema error is
said in the spec author's terms, at the path of the keyword it is about.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from jsonschema import (
    Draft4Validator,
    Draft6Validator,
    Draft7Validator,
    Draft201909Validator,
    Draft202012Validator,
    FormatChecker,
)
from jsonschema.exceptions import ValidationError
from jsonschema.protocols import Validator

from workflows.compiler.source import Path

#: Deeper schemas are refused before validation (the metaschema walk recurses).
MAX_SCHEMA_DEPTH = 40

_DRAFTS: dict[str, type[Validator]] = {
    str(cls.META_SCHEMA["$schema"]).rstrip("#"): cls
    for cls in (
        Draft4Validator,
        Draft6Validator,
        Draft7Validator,
        Draft201909Validator,
        Draft202012Validator,
    )
}
_JSON_TYPES = ("array", "boolean", "integer", "null", "number", "object", "string")
_SCHEMA_MAP_KEYS = frozenset(
    {"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"}
)
_SCHEMA_LIST_KEYS = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})
_NON_NEGATIVE_INT_KEYS = frozenset(
    {"minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"}
)
_NUMBER_KEYS = frozenset({"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"})
#: Keywords whose value is a list of plain values (an error inside is the keyword's).
_VALUE_LIST_KEYS = frozenset({"required", "enum", "type"})

#: Only ``regex`` is checked: other formats depend on optional packages.
_FORMATS = FormatChecker(formats=())


def _is_regex(instance: object) -> bool:
    if isinstance(instance, str):
        re.compile(instance)
    return True


_FORMATS.checks("regex", raises=(re.error, RecursionError, OverflowError))(_is_regex)


def json_schema_problems(schema: Any) -> list[tuple[Path, str]]:
    """Structural problems of a JSON Schema, each with its path; empty when it is valid."""
    if isinstance(schema, bool):
        return []
    if not isinstance(schema, Mapping):
        return [((), "a JSON Schema must be an object (or true/false)")]
    if _depth(schema) > MAX_SCHEMA_DEPTH:
        return [((), "schema nested too deeply")]
    draft = _draft(schema)
    checker = draft(draft.META_SCHEMA, format_checker=_FORMATS)
    problems: dict[tuple[Path, str], None] = {}
    for error in _errors(checker, schema):
        problems.setdefault(_explain(error), None)
    return sorted(problems, key=lambda p: [str(x) for x in p[0]])


def _draft(schema: Mapping[str, Any]) -> type[Validator]:
    uri = schema.get("$schema")
    found = _DRAFTS.get(uri.rstrip("#")) if isinstance(uri, str) else None
    return found or Draft202012Validator


def _errors(checker: Validator, schema: Mapping[str, Any]) -> Iterator[ValidationError]:
    try:
        yield from checker.iter_errors(schema)
    except (RecursionError, TypeError, ValueError) as exc:  # exotic contents
        yield ValidationError(f"unreadable schema: {type(exc).__name__}")


def _depth(value: Any) -> int:
    """How deeply ``value``'s containers nest (iterative: no recursion limit)."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > MAX_SCHEMA_DEPTH:
            break
        if isinstance(node, Mapping):
            stack.extend((v, depth + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)
    return deepest


def _keyword_at(path: Path) -> tuple[Path, str | None]:
    """The path up to the keyword an error is about, and that keyword.

    ``("properties", "a", "required", 1)`` → ``(("properties", "a", "required"), "required")``.
    """
    if len(path) >= 2 and path[-2] in _VALUE_LIST_KEYS and isinstance(path[-1], int):
        path = path[:-1]
    last = path[-1] if path else None
    return path, last if isinstance(last, str) else None


def _explain(error: ValidationError) -> tuple[Path, str]:
    """A metaschema error in the spec author's terms."""
    path, key = _keyword_at(tuple(error.absolute_path))
    if key == "items" and isinstance(error.instance, list):
        return path, "'items' must be one schema (draft 2020-12 lists schemas in prefixItems)"
    if error.validator == "type" and set(error.validator_value) == {"object", "boolean"}:
        return tuple(error.absolute_path), "a JSON Schema must be an object (or true/false)"
    message = _MESSAGES.get(key or "", _by_kind(key, str(error.validator)))
    if key == "pattern" and error.validator == "format":
        message = "'pattern' is not a valid regular expression"
    if message is None:
        where = f"'{key}': " if key else ""
        message = where + error.message
    return path, message


def _by_kind(key: str | None, validator: str) -> str | None:
    if key in _SCHEMA_MAP_KEYS:
        return f"'{key}' must be an object of schemas"
    if key in _SCHEMA_LIST_KEYS:
        return f"'{key}' must be a non-empty list of schemas"
    if key in _NON_NEGATIVE_INT_KEYS:
        return f"'{key}' must be a non-negative integer"
    if key in _NUMBER_KEYS:
        return f"'{key}' must be a number"
    if key == "multipleOf":
        return (
            "'multipleOf' must be a number"
            if validator == "type"
            else "'multipleOf' must be greater than zero"
        )
    return None


_MESSAGES: dict[str, str | None] = {
    "type": f"'type' must be one of {list(_JSON_TYPES)} or a list of them",
    "required": "'required' must be a list of unique strings",
    "enum": "'enum' must be a list",
    "pattern": "'pattern' must be a string",
}
