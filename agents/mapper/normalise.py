"""Type and unit normalisation of values as documents write them.

``$1.2M`` → 1200000, ``1,200,000`` → 1200000, ``(350)`` → -350, ``3.4bn`` → 3400000000,
``€2.5 million`` → 2500000 (EUR), ``12.5%`` → 0.125, ``March 31, 2024`` → ``2024-03-31``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

CURRENCY_SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"}
CURRENCY_CODES = ("USD", "EUR", "GBP", "JPY", "CHF", "CAD", "AUD")
MULTIPLIERS: dict[str, float] = {
    "k": 1e3,
    "thousand": 1e3,
    "m": 1e6,
    "mm": 1e6,
    "mn": 1e6,
    "mio": 1e6,
    "million": 1e6,
    "millions": 1e6,
    "b": 1e9,
    "bn": 1e9,
    "billion": 1e9,
    "billions": 1e9,
}
DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%B %d, %Y",
    "%b %d, %Y",
    "%B %d %Y",
    "%b %d %Y",
    "%d %B %Y",
    "%d %b %Y",
    "%m/%d/%Y",
    "%d/%m/%Y",
    "%d.%m.%Y",
    "%m-%d-%Y",
    "%Y%m%d",
)


class NormalisationError(ValueError):
    """A value cannot be read as the type its field needs."""


@dataclass(frozen=True)
class Amount:
    value: float
    currency: str | None


_AMOUNT = re.compile(
    r"^(?P<number>\d+(?:[.,\s']\d+)*)\s*(?P<unit>[a-z]+)?\.?$",
    re.IGNORECASE,
)


def _as_number(digits: str) -> float:
    """Digits with thousands separators (``1,200,000``, ``1.200.000,50``, ``1 200 000``)."""
    digits = digits.replace(" ", "").replace("'", "")
    if "," in digits and "." in digits:
        # The separator that comes last is the decimal one.
        if digits.rfind(",") > digits.rfind("."):
            digits = digits.replace(".", "").replace(",", ".")
        else:
            digits = digits.replace(",", "")
    elif "," in digits:
        groups = digits.split(",")
        is_thousands = all(len(g) == 3 for g in groups[1:])
        digits = digits.replace(",", "") if is_thousands else digits.replace(",", ".")
    elif digits.count(".") > 1:
        digits = digits.replace(".", "")
    return float(digits)


def parse_amount(raw: object) -> Amount:
    """A money amount with optional currency, sign, parentheses and scale suffix."""
    if isinstance(raw, bool):
        raise NormalisationError(f"{raw!r} is not an amount")
    if isinstance(raw, int | float):
        return Amount(float(raw), None)
    text = str(raw).strip()
    if not text:
        raise NormalisationError("empty value")
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1].strip()
    currency = None
    for code in CURRENCY_CODES:
        if text.upper().startswith(code) or text.upper().endswith(code):
            currency = code
            text = re.sub(rf"(?i)^{code}|{code}$", "", text).strip()
            break
    if text[:1] in "-−":
        negative, text = not negative, text[1:].strip()
    for symbol, code in CURRENCY_SYMBOLS.items():
        if symbol in text:
            currency = currency or code
            text = text.replace(symbol, "").strip()
    if text[:1] in "-−":
        negative, text = not negative, text[1:].strip()
    if text.startswith("(") and text.endswith(")"):
        negative, text = not negative, text[1:-1].strip()
    match = _AMOUNT.match(text)
    if not match:
        raise NormalisationError(f"{raw!r} is not an amount")
    value = _as_number(match.group("number"))
    unit = (match.group("unit") or "").lower()
    if unit:
        if unit not in MULTIPLIERS:
            raise NormalisationError(f"{raw!r}: unknown unit {unit!r}")
        value *= MULTIPLIERS[unit]
    return Amount(-value if negative else value, currency)


def parse_percent(raw: object) -> float:
    """A percentage as a fraction: ``12.5%`` → 0.125; a bare number above 1 is read as percent."""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        value = float(raw)
        return value / 100 if abs(value) > 1 else value
    text = str(raw).strip().replace(" ", "")
    text = re.sub(r"(?i)(per ?cent|pct)$", "%", text)
    has_sign = text.endswith("%")
    amount = parse_amount(text.rstrip("%"))
    return amount.value / 100 if has_sign or abs(amount.value) > 1 else amount.value


def parse_years(raw: object) -> float:
    """A duration in years: ``5 years`` → 5, ``60 months`` → 5."""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return float(raw)
    text = str(raw).strip().lower()
    match = re.match(r"^(\d+(?:\.\d+)?)\s*(years?|yrs?|y|months?|mos?|m)?$", text)
    if not match:
        raise NormalisationError(f"{raw!r} is not a duration")
    value = float(match.group(1))
    return value / 12 if (match.group(2) or "").startswith("m") else value


def parse_date(raw: object) -> str:
    """An ISO 8601 date from the common written forms (US month/day first when ambiguous)."""
    if isinstance(raw, datetime):
        return raw.date().isoformat()
    if isinstance(raw, date):
        return raw.isoformat()
    text = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", str(raw).strip()).replace("Sept ", "Sep ")
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    raise NormalisationError(f"{raw!r} is not a date")
