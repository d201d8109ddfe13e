"""Durations in a spec: seconds (a number) or text such as ``"500ms"``, ``"30s"``, ``"1m30s"``."""

from __future__ import annotations

import math
import re

DEFAULT_TIMEOUT_SECONDS = 300.0
MAX_DURATION_SECONDS = 366 * 24 * 3600.0

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
