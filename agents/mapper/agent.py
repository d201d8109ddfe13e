"""The mapper: extracted fields → a typed record of the target schema, with units normalised."""

from __future__ import annotations

from typing import Any

from agents.base.agent import Agent
from agents.base.tools import ToolBox
from agents.mapper.mapping import map_record, missing_field_warnings
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

    def output_warnings(
        self, inputs: dict[str, Any], output: dict[str, Any]
    ) -> list[tuple[str, str]]:
        """Each mapped field that is null: not found in the document, or unreadable."""
        log = output.get(NORMALISATIONS_PROPERTY)
        record = {k: v for k, v in output.items() if k != NORMALISATIONS_PROPERTY}
        return missing_field_warnings(record, log if isinstance(log, list) else [])


def create_agent() -> MapperAgent:
    """The mapper with its default tools."""
    return MapperAgent()
