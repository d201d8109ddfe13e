"""Whether every value one JSON Schema allows is also allowed by another.

The compiler asks this of each binding: does every value the upstream step may produce
(its output schema) fit what the consuming agent reads (its input schema's property)?
The answer is sound: a problem is reported whenever some produced value could be
refused, not only when none could fit, so a plan that validates without errors is
never rejected at run time for the shape of its inputs. What the check cannot judge
(``$ref``, ``allOf``, ``not``, conditionals, patterns, formats) is said as
"undecided", never silently passed.

Pure code: no I/O, deterministic.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

ALL_TYPES = frozenset({"object", "array", "string", "number", "integer", "boolean", "null"})

#: Keywords that change what a schema accepts in ways this check does not model.
UNDECIDABLE_KEYWORDS = frozenset(
    {
        "$ref",
        "$dynamicRef",
        "allOf",
        "not",
        "if",
        "then",
        "else",
        "dependentSchemas",
        "dependentRequired",
        "patternProperties",
        "propertyNames",
        "unevaluatedProperties",
        "unevaluatedItems",
        "contains",
        "prefixItems",
        "minProperties",
        "maxProperties",
    }
)
_MAX_DEPTH = 20


@dataclass
class Fit:
    """Why produced values may be refused (``problems``) and what could not be judged."""

    problems: list[str] = field(default_factory=list)
    undecided: list[str] = field(default_factory=list)

    @property
    def fits(self) -> bool:
        return not self.problems and not self.undecided

    def add(self, other: Fit) -> None:
        self.problems += other.problems
        self.undecided += other.undecided


def _types_of_value(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "integer" if value.is_integer() else "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _values(schema: Mapping[str, Any]) -> list[Any] | None:
    """The only values a schema allows (``enum`` / ``const``), if it says."""
    if "const" in schema:
        return [schema["const"]]
    enum = schema.get("enum")
    return list(enum) if isinstance(enum, list) else None


def types_of(schema: Mapping[str, Any]) -> set[str] | None:
    """The JSON types a schema allows; ``None`` when it does not restrict them."""
    declared = schema.get("type")
    types: set[str] | None
    if isinstance(declared, str):
        types = {declared}
    elif isinstance(declared, list) and all(isinstance(t, str) for t in declared):
        types = set(declared)
    else:
        values = _values(schema)
        types = {_types_of_value(v) for v in values} if values is not None else None
    if types is not None and schema.get("nullable") is True:
        types.add("null")
    return types


def _accepts(expected: set[str], produced: str) -> bool:
    return produced in expected or (produced == "integer" and "number" in expected)


def accepts_anything(schema: Any) -> bool:
    """True, ``{}`` or only annotations (``title``, ``description``, ``x-…``)."""
    if schema is True:
        return True
    if not isinstance(schema, Mapping):
        return False
    constraining = {
        k
        for k in schema
        if not str(k).startswith("x-")
        and k
        not in {
            "title",
            "description",
            "default",
            "examples",
            "$schema",
            "$id",
            "$comment",
            "$defs",
            "definitions",
            "readOnly",
            "writeOnly",
            "deprecated",
            "contentMediaType",
            "contentEncoding",
        }
    }
    return not constraining


def _listing(types: set[str]) -> str:
    return " or ".join(sorted(types))


def fit(produced: Any, expected: Any, label: str, depth: int = 0) -> Fit:
    """Whether every value ``produced`` allows is allowed by ``expected`` (see module doc)."""
    result = Fit()
    if depth > _MAX_DEPTH:
        result.undecided.append(f"{label}: the schemas nest too deeply to compare")
        return result
    if accepts_anything(expected) or produced is False:
        return result
    if expected is False:
        result.problems.append(f"{label}: the agent's schema accepts no value here")
        return result
    if produced is True:
        produced = {}
    if not isinstance(produced, Mapping) or not isinstance(expected, Mapping):
        result.undecided.append(f"{label}: a schema here is not an object")
        return result
    for schema, whose in (
        (expected, "the agent's input schema"),
        (produced, "the upstream schema"),
    ):
        odd = sorted(set(schema) & UNDECIDABLE_KEYWORDS)
        if odd:
            result.undecided.append(
                f"{label}: {whose} uses {', '.join(odd)}, which validation cannot compare; "
                "the value is checked when the step runs"
            )
            return result
    for key in ("anyOf", "oneOf"):
        branches = produced.get(key)
        if isinstance(branches, list):
            rest = {k: v for k, v in produced.items() if k != key}
            for branch in branches:
                merged = {**rest, **branch} if isinstance(branch, Mapping) else branch
                result.add(fit(merged, expected, label, depth + 1))
            return result
    for key in ("anyOf", "oneOf"):
        branches = expected.get(key)
        if isinstance(branches, list):
            return _fit_alternatives(produced, expected, key, branches, label, depth)
    return _fit_plain(produced, expected, label, depth)


def _fit_alternatives(
    produced: Mapping[str, Any],
    expected: Mapping[str, Any],
    key: str,
    branches: list[Any],
    label: str,
    depth: int,
) -> Fit:
    rest = {k: v for k, v in expected.items() if k != key}
    outcome = Fit()
    if rest and not accepts_anything(rest):
        outcome.add(fit(produced, rest, label, depth + 1))
    fits = [fit(produced, b, label, depth + 1) for b in branches]
    good = [f for f in fits if f.fits]
    if len(good) == 1 or (good and key == "anyOf"):
        return outcome
    if good:  # oneOf: a value matching two branches is refused
        outcome.undecided.append(
            f"{label}: it fits more than one of the agent's oneOf forms; checked when the step runs"
        )
    elif all(f.problems for f in fits):  # a branch with a definite problem is refused
        reasons = "; ".join(f.problems[0] for f in fits if f.problems)
        outcome.problems.append(f"{label} fits none of the forms the agent accepts ({reasons})")
    else:
        outcome.undecided += [u for f in fits if not f.problems for u in f.undecided][:1]
    return outcome


def _fit_plain(
    produced: Mapping[str, Any], expected: Mapping[str, Any], label: str, depth: int
) -> Fit:
    result = Fit()
    p_types = types_of(produced)
    e_types = types_of(expected) or set(ALL_TYPES)
    shown = set(ALL_TYPES) if p_types is None else p_types
    # A number may be integral: refused only in part (see the fractional check below).
    refused = {
        t
        for t in shown
        if not _accepts(e_types, t) and not (t == "number" and "integer" in e_types)
    }
    if p_types is None and refused:
        result.problems.append(
            f"{label} may be of any type upstream (its schema does not say); the agent takes "
            f"only {_listing(e_types)}"
        )
        return result
    if refused == shown:
        result.problems.append(
            f"{label} is {_listing(shown)} upstream, but the agent takes {_listing(e_types)}"
        )
        return result
    if refused:
        result.problems.append(
            f"{label} may be {_listing(refused)} upstream; the agent takes only {_listing(e_types)}"
        )
    kept = shown - refused
    if "number" in kept and "number" not in e_types:
        result.problems.append(f"{label} may be a fractional number; the agent takes integers")
    p_values = _values(produced)
    e_values = _values(expected)
    if e_values is not None:
        _fit_values(result, p_values, e_values, kept, label)
        return result
    if p_values is not None:
        return result  # known values of accepted types; the bounds below are about open ranges
    if "string" in kept:
        _fit_string(result, produced, expected, label)
    if kept & {"number", "integer"}:
        _numeric_bounds(result, produced, expected, label)
    if "object" in kept:
        result.add(_fit_object(produced, expected, label, depth))
    if "array" in kept:
        _fit_array(result, produced, expected, label, depth)
    return result


def _fit_values(
    result: Fit, p_values: list[Any] | None, e_values: list[Any], kept: set[str], label: str
) -> None:
    """The agent takes only listed values (``enum``/``const``)."""
    if p_values is None:
        accepted = ", ".join(map(repr, e_values))
        result.problems.append(
            f"{label} may be any {_listing(kept)}; the agent takes only {accepted}"
        )
        return
    extra = [v for v in p_values if v not in e_values]
    if extra:
        result.problems.append(
            f"{label} may be {', '.join(map(repr, extra))}, which the agent does not accept"
        )


def _fit_string(
    result: Fit, produced: Mapping[str, Any], expected: Mapping[str, Any], label: str
) -> None:
    _bounds(result, produced, expected, label, "minLength", "maxLength", "characters")
    for key in ("pattern", "format"):
        if key in expected and expected.get(key) != produced.get(key):
            result.undecided.append(
                f"{label}: the agent's schema asks for {key} {expected[key]!r}, which the "
                "upstream schema does not promise; checked when the step runs"
            )


def _fit_array(
    result: Fit, produced: Mapping[str, Any], expected: Mapping[str, Any], label: str, depth: int
) -> None:
    _bounds(result, produced, expected, label, "minItems", "maxItems", "items")
    e_items = expected.get("items")
    if not accepts_anything(e_items) and e_items is not None:
        p_items = produced.get("items")
        if p_items is None:
            result.undecided.append(
                f"{label}: the upstream schema does not say what its items are; checked "
                "when the step runs"
            )
        else:
            result.add(fit(p_items, e_items, f"{label}[]", depth + 1))
    if expected.get("uniqueItems") is True and produced.get("uniqueItems") is not True:
        result.problems.append(f"{label} may repeat items; the agent takes unique items")


def _bounds(
    result: Fit,
    produced: Mapping[str, Any],
    expected: Mapping[str, Any],
    label: str,
    low: str,
    high: str,
    unit: str,
) -> None:
    e_low, p_low = expected.get(low), produced.get(low, 0)
    if isinstance(e_low, int) and e_low > (p_low if isinstance(p_low, int) else 0):
        result.problems.append(f"{label} may have fewer than {e_low} {unit}")
    e_high, p_high = expected.get(high), produced.get(high)
    if isinstance(e_high, int) and not (isinstance(p_high, int) and p_high <= e_high):
        result.problems.append(f"{label} may have more than {e_high} {unit}")


def _numeric_bounds(
    result: Fit, produced: Mapping[str, Any], expected: Mapping[str, Any], label: str
) -> None:
    def bound(schema: Mapping[str, Any], inclusive: str, exclusive: str) -> float | None:
        values = [schema.get(inclusive), schema.get(exclusive)]
        numbers = [
            float(v) for v in values if isinstance(v, int | float) and not isinstance(v, bool)
        ]
        return None if not numbers else (max(numbers) if inclusive == "minimum" else min(numbers))

    e_min, p_min = (
        bound(expected, "minimum", "exclusiveMinimum"),
        bound(produced, "minimum", "exclusiveMinimum"),
    )
    if e_min is not None and (p_min is None or p_min < e_min):
        result.problems.append(f"{label} may be below {e_min:g}")
    e_max, p_max = (
        bound(expected, "maximum", "exclusiveMaximum"),
        bound(produced, "maximum", "exclusiveMaximum"),
    )
    if e_max is not None and (p_max is None or p_max > e_max):
        result.problems.append(f"{label} may be above {e_max:g}")
    if "multipleOf" in expected and expected.get("multipleOf") != produced.get("multipleOf"):
        result.undecided.append(
            f"{label}: the agent's schema asks for a multipleOf; checked when the step runs"
        )


def _fit_object(
    produced: Mapping[str, Any], expected: Mapping[str, Any], label: str, depth: int
) -> Fit:
    result = Fit()
    p_props = produced.get("properties") if isinstance(produced.get("properties"), Mapping) else {}
    e_props = expected.get("properties") if isinstance(expected.get("properties"), Mapping) else {}
    assert isinstance(p_props, Mapping) and isinstance(e_props, Mapping)
    p_required = set(produced.get("required") or [])
    p_extra = produced.get("additionalProperties", True)
    p_closed = p_extra is False
    for name in expected.get("required") or []:
        if name in p_required:
            continue
        if name not in p_props and p_closed:
            result.problems.append(f"{label} never has {name!r}, which the agent requires")
        else:
            result.problems.append(
                f"{label} may lack {name!r} (the upstream schema does not require it), which the "
                "agent requires"
            )
    e_extra = expected.get("additionalProperties", True)
    for name, e_sub in e_props.items():
        where = f"{label}.{name}"
        if name in p_props:
            result.add(fit(p_props[name], e_sub, where, depth + 1))
        elif isinstance(p_extra, Mapping):
            result.add(fit(p_extra, e_sub, where, depth + 1))
        elif not p_closed and not accepts_anything(e_sub):
            result.undecided.append(
                f"{where}: the upstream schema allows it without saying its type; checked when "
                "the step runs"
            )
    if e_extra is False:
        forbidden = [n for n in p_props if n not in e_props]
        if forbidden:
            result.problems.append(
                f"{label} may have {', '.join(map(repr, forbidden))}, which the agent's schema "
                "forbids"
            )
        if not p_closed:
            result.problems.append(
                f"{label} may carry properties its schema does not list; the agent's schema "
                "forbids any it does not list"
            )
    elif isinstance(e_extra, Mapping):
        for name, p_sub in p_props.items():
            if name not in e_props:
                result.add(fit(p_sub, e_extra, f"{label}.{name}", depth + 1))
    return result
