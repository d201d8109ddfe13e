"""Extracted fields → a typed record: the mapping the mapper does, shared with the analyzer.

The analyzer normalises extracted fields with exactly this code when a pipeline has no
mapper (the platform document's extractor → analyzer → summarizer), so both pipelines
give the same figures.
"""

from __future__ import annotations

from typing import Any

from agents.mapper.normalise import (
    NormalisationError,
    parse_amount,
    parse_date,
    parse_percent,
    parse_years,
)

NOT_FOUND = "not found in the document"


def _types(prop: dict[str, Any]) -> set[str]:
    declared = prop.get("type", [])
    return {declared} if isinstance(declared, str) else set(declared)


def normalise_value(name: str, raw: Any, prop: dict[str, Any]) -> tuple[Any, str | None]:
    """The value of ``raw`` in the type ``prop`` asks for, and the currency seen (if any)."""
    types = _types(prop)
    if "number" in types or "integer" in types:
        if prop.get("x-unit") == "percent":
            return parse_percent(raw), None
        if prop.get("x-unit") == "years" or name.endswith("_years"):
            return parse_years(raw), None
        amount = parse_amount(raw)
        value: float | int = amount.value
        if "integer" in types and "number" not in types:
            value = round(value)
        return value, amount.currency
    if prop.get("format") == "date":
        return parse_date(raw), None
    if "string" in types:
        return str(raw).strip(), None
    return raw, None


def _lookup(extracted: dict[str, Any], source: str) -> Any:
    if source in extracted:
        return extracted[source]
    wanted = source.replace("_", " ").lower()
    for key, value in extracted.items():
        if key.replace("_", " ").lower() == wanted:
            return value
    return None


def map_record(
    extracted: dict[str, Any], target: dict[str, Any]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Map ``extracted`` onto the properties of ``target``; returns the record and the log."""
    record: dict[str, Any] = {}
    log: list[dict[str, Any]] = []
    currencies: list[str] = []
    for name, prop in (target.get("properties") or {}).items():
        prop = prop if isinstance(prop, dict) else {}
        raw = _lookup(extracted, str(prop.get("x-source", name)))
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            record[name] = None
            continue
        try:
            value, currency = normalise_value(name, raw, prop)
        except NormalisationError as exc:
            record[name] = None
            log.append({"field": name, "raw": raw, "value": None, "error": str(exc)})
            continue
        record[name] = value
        if currency:
            currencies.append(currency)
        if value != raw:
            log.append({"field": name, "raw": raw, "value": value})
    if "currency" in record and record["currency"] is None and currencies:
        # The currency most amounts were written in.
        record["currency"] = max(set(currencies), key=currencies.count)
        log.append({"field": "currency", "raw": None, "value": record["currency"]})
    return record, log


def missing_field_warnings(
    record: dict[str, Any], log: list[dict[str, Any]], prefix: str = ""
) -> list[tuple[str, str]]:
    """(pointer, message) for every field of ``record`` that is null: not found, or unreadable."""
    unreadable = {entry["field"]: entry["error"] for entry in log if entry.get("error")}
    warnings = []
    for name, value in record.items():
        if value is not None:
            continue
        why = unreadable.get(name)
        message = f"could not be read ({why})" if why else NOT_FOUND
        warnings.append((f"{prefix}/{name}", message))
    return warnings
