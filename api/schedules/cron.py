"""Cron expressions checked before Temporal sees them, so a mistake is a 422 with the
field and the character position (Temporal's own error names neither)."""

from __future__ import annotations

import re
from dataclasses import dataclass

#: The five fields of a standard cron expression: name, lowest, highest, value names.
_MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
_DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
_FIELDS: list[tuple[str, int, int, dict[str, int]]] = [
    ("minute", 0, 59, {}),
    ("hour", 0, 23, {}),
    ("day of month", 1, 31, {}),
    ("month", 1, 12, {name: i + 1 for i, name in enumerate(_MONTHS)}),
    ("day of week", 0, 7, {name: i for i, name in enumerate(_DAYS)}),
]
_MACROS = frozenset(
    {"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"}
)
_FORMAT = "minute hour day-of-month month day-of-week, e.g. '0 7 * * MON'"


@dataclass(frozen=True)
class CronError:
    """Why a cron expression is refused; ``position`` is 1-based, in characters."""

    position: int
    message: str


def _value(token: str, low: int, high: int, names: dict[str, int]) -> int | None:
    if token.upper() in names:
        return names[token.upper()]
    if token.isdigit():
        number = int(token)
        return number if low <= number <= high else None
    return None


def _check_item(item: str, low: int, high: int, names: dict[str, int]) -> str | None:
    """``None`` when ``item`` (one comma-separated part of a field) is valid, else why."""
    base, _, step = item.partition("/")
    if "/" in item and (not step.isdigit() or int(step) == 0):
        return f"the step after '/' must be a positive number, got {step!r}"
    if base == "*":
        return None
    first, dash, last = base.partition("-")
    start = _value(first, low, high, names)
    labels = list(names)
    allowed = f"{low}-{high}" + (f" or {labels[0]}-{labels[-1]}" if labels else "")
    if start is None:
        return f"{first!r} is not a valid value (allowed: {allowed})"
    if dash:
        end = _value(last, low, high, names)
        if end is None:
            return f"{last!r} is not a valid value (allowed: {allowed})"
        if end < start:
            return f"the range {base!r} runs backwards"
    return None


def check_cron(expression: str) -> CronError | None:
    """``None`` when ``expression`` is a cron Temporal takes, else where and why it is not."""
    text = expression.strip()
    offset = len(expression) - len(expression.lstrip())
    if not text:
        return CronError(1, f"the cron expression is empty; write {_FORMAT}")
    if text.startswith("@"):
        if text.lower() in _MACROS:
            return None
        macros = ", ".join(sorted(_MACROS))
        return CronError(offset + 1, f"{text!r} is not one of {macros}; or write {_FORMAT}")
    fields = [(m.start() + offset, m.group()) for m in re.finditer(r"\S+", text)]
    if len(fields) != len(_FIELDS):
        position = fields[len(_FIELDS)][0] + 1 if len(fields) > len(_FIELDS) else len(expression)
        return CronError(
            position,
            f"a cron expression has {len(_FIELDS)} fields, this one has {len(fields)}; "
            f"write {_FORMAT}",
        )
    for (start, field), (name, low, high, names) in zip(fields, _FIELDS, strict=True):
        position = start
        for item in field.split(","):
            problem = _check_item(item, low, high, names) if item else "an empty list item"
            if problem is not None:
                return CronError(position + 1, f"{name} field: {problem}")
            position += len(item) + 1
    return None
