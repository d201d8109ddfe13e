"""Per-field scorers of evaluations, and how item and evaluation scores add up.

Pure functions (no I/O), so a score can be worked out by hand:

- an expectation scores 0–1: ``exact``, ``numeric`` (within a tolerance), ``text``
  (normalised: case, accents' width forms, punctuation and spacing ignored), ``present``
  and ``one_of`` score 0 or 1; ``set`` scores the Jaccard index of the two sets;
- an item's score is the mean of its expectations' scores (every one 0 when its run did
  not complete);
- a field's score is the mean of its scores over the items that expect it;
- the evaluation's score is the mean of every expectation's score over every item.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from schemas.evaluations import FieldResult, ItemResult, ScorerName

#: Keys that make an ``expected`` object an expectation rather than a plain value.
SPEC_KEYS = frozenset({"value", "tolerance", "present", "one_of", "text", "set", "scorer"})
_SELECTING_KEYS = frozenset({"value", "present", "one_of", "text", "set"})


class _Missing:
    """The value of a field the outputs do not have."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


@dataclass(frozen=True)
class Expectation:
    """One parsed ``expected`` entry."""

    scorer: ScorerName
    value: Any = None
    tolerance: float = 0.0
    relative: bool = False


class ExpectationError(ValueError):
    """An ``expected`` entry that cannot be scored (the message says why)."""


def _tolerance(raw: Any) -> tuple[float, bool]:
    if raw is None:
        return 0.0, False
    if isinstance(raw, str) and raw.strip().endswith("%"):
        try:
            return float(raw.strip()[:-1]) / 100, True
        except ValueError as exc:
            raise ExpectationError(f"tolerance {raw!r} is not a number or a percentage") from exc
    if isinstance(raw, bool) or not isinstance(raw, int | float) or raw < 0:
        raise ExpectationError(f"tolerance {raw!r} must be a number >= 0 or a percentage '5%'")
    return float(raw), False


def parse_expectation(raw: Any) -> Expectation:  # noqa: C901 - one branch per expectation form; moves with api/ by resource (issue 19 part 2)
    """The scorer and arguments of one ``expected`` value (see the module docstring)."""
    if not (isinstance(raw, dict) and raw and set(raw) <= SPEC_KEYS and set(raw) & _SELECTING_KEYS):
        if _is_number(raw):
            return Expectation("numeric", raw)
        return Expectation("exact", raw)
    named = raw.get("scorer")
    if "present" in raw:
        if not isinstance(raw["present"], bool):
            raise ExpectationError("present must be true or false")
        return Expectation("present", raw["present"])
    if "one_of" in raw:
        if not isinstance(raw["one_of"], list) or not raw["one_of"]:
            raise ExpectationError("one_of must be a non-empty list of accepted values")
        return Expectation("one_of", raw["one_of"])
    if "text" in raw:
        if not isinstance(raw["text"], str):
            raise ExpectationError("text must be a string")
        return Expectation("text", raw["text"])
    if "set" in raw:
        if not isinstance(raw["set"], list):
            raise ExpectationError("set must be a list")
        return Expectation("set", raw["set"])
    value = raw["value"]
    tolerance, relative = _tolerance(raw.get("tolerance"))
    if named is not None and named not in ("exact", "numeric", "text", "set"):
        raise ExpectationError(
            f"scorer {named!r} is not one of exact, numeric, text, set, present, one_of"
        )
    if named == "text" or (named is None and "tolerance" not in raw and isinstance(value, str)):
        return Expectation("text" if named == "text" else "exact", value)
    if named == "set":
        if not isinstance(value, list):
            raise ExpectationError("a set expectation's value must be a list")
        return Expectation("set", value)
    if named == "exact":
        return Expectation("exact", value)
    if "tolerance" in raw or named == "numeric" or _is_number(value):
        if not _is_number(value):
            raise ExpectationError(f"a tolerance needs a numeric value, not {value!r}")
        return Expectation("numeric", value, tolerance, relative)
    return Expectation("exact", value)


def check_expected(expected: dict[str, Any]) -> list[tuple[str, str]]:
    """``(key, message)`` for every entry of ``expected`` that cannot be scored."""
    problems = []
    for key, raw in expected.items():
        try:
            parse_expectation(raw)
        except ExpectationError as exc:
            problems.append((key, str(exc)))
    return problems


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def as_number(value: Any) -> float | None:
    """A number, or a string that is one (``"1,250,000"``, ``"12.5"``); else ``None``."""
    if _is_number(value):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.replace(",", "").strip())
        except ValueError:
            return None
    return None


def normalise_text(value: Any) -> str:
    """Case-folded, NFKC, punctuation as spaces, runs of spaces as one."""
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"[^\w]+", " ", text)
    return " ".join(text.split())


def _exact(expected: Any, actual: Any) -> bool:
    if _is_number(expected) and _is_number(actual):
        return float(expected) == float(actual)
    return bool(expected == actual) and type(expected) is type(actual)


def _set_key(value: Any) -> str:
    if isinstance(value, str):
        return "s:" + normalise_text(value)
    if _is_number(value):
        return f"n:{float(value)!r}"
    return "j:" + json.dumps(value, sort_keys=True)


def score_value(expectation: Expectation, actual: Any) -> float:
    """0–1: how well ``actual`` (or :data:`MISSING`) meets ``expectation``."""
    scorer = expectation.scorer
    if scorer == "present":
        there = actual is not MISSING and actual is not None
        return 1.0 if there == bool(expectation.value) else 0.0
    if actual is MISSING:
        return 0.0
    if scorer == "exact":
        return 1.0 if _exact(expectation.value, actual) else 0.0
    if scorer == "numeric":
        number = as_number(actual)
        if number is None:
            return 0.0
        target = float(expectation.value)
        allowed = (
            expectation.tolerance * abs(target) if expectation.relative else (expectation.tolerance)
        )
        # A hair of slack so that 0.1 + 0.2 meets 0.3 with tolerance 0.
        return 1.0 if abs(number - target) <= allowed + 1e-9 * max(1.0, abs(target)) else 0.0
    if scorer == "text":
        return 1.0 if normalise_text(expectation.value) == normalise_text(actual) else 0.0
    if scorer == "one_of":
        for option in expectation.value:
            if isinstance(option, str) and isinstance(actual, str):
                if normalise_text(option) == normalise_text(actual):
                    return 1.0
            elif _exact(option, actual):
                return 1.0
        return 0.0
    if scorer == "set":
        if not isinstance(actual, list):
            return 0.0
        wanted = {_set_key(v) for v in expectation.value}
        got = {_set_key(v) for v in actual}
        union = wanted | got
        return 1.0 if not union else len(wanted & got) / len(union)
    raise AssertionError(f"unknown scorer {scorer}")


def field_value(
    outputs: dict[str, Any], key: str, resolve: Callable[[Any], Any] = lambda v: v
) -> Any:
    """The value at ``<output>.<field path>`` of a run's outputs (step → output → value).

    The first segment names an output of any step (or, when no step has such an output,
    a step id followed by the output's name); numeric segments index lists. ``resolve``
    reads claim-check references (``{"$artifact": …}``) on the way down.
    """
    parts = key.split(".")
    head, rest = parts[0], parts[1:]
    current: Any = MISSING
    for step_outputs in outputs.values():
        if isinstance(step_outputs, dict) and head in step_outputs:
            current = step_outputs[head]
            break
    else:
        step = outputs.get(head)
        if isinstance(step, dict) and rest and rest[0] in step:
            current, rest = step[rest[0]], rest[1:]
    for part in rest:
        if current is MISSING:
            return MISSING
        current = resolve(current)
        if isinstance(current, dict):
            current = current.get(part, MISSING)
        elif isinstance(current, list) and part.lstrip("-").isdigit():
            index = int(part)
            current = current[index] if -len(current) <= index < len(current) else MISSING
        else:
            return MISSING
    return MISSING if current is MISSING else resolve(current)


def score_item(
    expected: dict[str, Any],
    outputs: dict[str, Any] | None,
    resolve: Callable[[Any], Any] = lambda v: v,
) -> list[FieldResult]:
    """Every expectation of one item scored against its run's outputs (``None``: no run
    result, every expectation scores 0)."""
    results = []
    for key, raw in expected.items():
        expectation = parse_expectation(raw)
        if outputs is None:
            actual, score = MISSING, 0.0
        else:
            actual = field_value(outputs, key, resolve)
            score = score_value(expectation, actual)
        results.append(
            FieldResult(
                field=key,
                scorer=expectation.scorer,
                expected=raw,
                actual=None if actual is MISSING else actual,
                score=score,
            )
        )
    return results


def mean(values: Iterable[float]) -> float | None:
    listed = list(values)
    return sum(listed) / len(listed) if listed else None


@dataclass(frozen=True)
class Aggregate:
    score: float | None
    field_scores: dict[str, float]


def aggregate(items: Iterable[ItemResult]) -> Aggregate:
    """The evaluation's score and per-field scores from its scored items."""
    by_field: dict[str, list[float]] = {}
    every: list[float] = []
    for item in items:
        for result in item.fields:
            by_field.setdefault(result.field, []).append(result.score)
            every.append(result.score)
    return Aggregate(
        score=mean(every),
        field_scores={key: sum(v) / len(v) for key, v in sorted(by_field.items())},
    )
