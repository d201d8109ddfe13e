"""The mapper: extracted fields → a typed record of the target schema, with units normalised."""

from __future__ import annotations

from typing import Any

from agents.base.agent import Agent
from agents.base.tools import ToolBox
from agents.mapper.normalise import (
    NormalisationError,
    parse_amount,
    parse_date,
    parse_percent,
    parse_years,
)
from agents.mapper.tools.schema_validator import SchemaValidator
from schemas.library import (
    MAPPED_DATA_SCHEMA,
    MAPPER_INPUT_SCHEMA,
    MAPPER_OUTPUT_SCHEMA,
    NORMALISATIONS_PROPERTY,
)

SYSTEM_PROMPT = (
    "You map extracted loan-document fields onto a target schema, converting amounts to plain "
    "numbers, percentages to fractions and dates to ISO 8601. Answer with JSON only."
)
TASK_PROMPT = """Map these extracted fields onto the output schema; answer with the mapped record
as one flat JSON object.

Extracted fields:
{{ inputs.extracted_data | tojson }}

Deterministic normalisation already proposes (check it, keep what is right):
{{ context.proposed_output | tojson }}
"""


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


class MapperAgent(Agent):
    """Maps with deterministic normalisation; ``schema-validator`` checks the mapped record."""

    type = "mapper"
    input_schema = MAPPER_INPUT_SCHEMA
    output_schema = MAPPER_OUTPUT_SCHEMA
    default_system_prompt = SYSTEM_PROMPT
    default_task_prompt = TASK_PROMPT

    def __init__(self) -> None:
        super().__init__([SchemaValidator()])

    def output_schema_for(
        self, inputs: dict[str, Any], configured: dict[str, Any] | None
    ) -> dict[str, Any]:
        """A ``target_schema`` input replaces the library default, never a configured schema."""
        target = inputs.get("target_schema")
        is_default = configured is None or configured.get("$id") == MAPPER_OUTPUT_SCHEMA["$id"]
        if isinstance(target, dict) and is_default:
            return target
        return configured or self.output_schema

    async def prepare(self, inputs: dict[str, Any], toolbox: ToolBox) -> dict[str, Any]:
        target: dict[str, Any] = inputs.get("target_schema") or MAPPED_DATA_SCHEMA
        declared = target.get("properties") or {}
        # The log is not a field of the record: map only the fields, then attach the log
        # where the output schema declares it (the default does; a target schema may).
        fields = {
            **target,
            "properties": {k: v for k, v in declared.items() if k != NORMALISATIONS_PROPERTY},
        }
        record, log = map_record(inputs["extracted_data"], fields)
        proposed: dict[str, Any] = dict(record)
        if target is MAPPED_DATA_SCHEMA or NORMALISATIONS_PROPERTY in declared:
            proposed[NORMALISATIONS_PROPERTY] = log
        context: dict[str, Any] = {"proposed_output": proposed}
        if toolbox.has("schema-validator"):
            context["validation"] = toolbox.get("schema-validator").run(
                instance=record, schema=fields
            )
        return context


def create_agent() -> MapperAgent:
    """The mapper with its default tools."""
    return MapperAgent()
