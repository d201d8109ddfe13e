"""The library's schemas describe flat results, and the demo orchestration fits them."""

from __future__ import annotations

import string
from pathlib import Path

from jsonschema import Draft202012Validator

from schemas.library import BUILTIN_LIBRARY, BUILTIN_SCHEMAS, INPUT_SCHEMAS, OUTPUT_SCHEMAS
from schemas.orchestration import AgentInfo
from workflows.compiler import compile_orchestration

DEMO = Path(__file__).parents[2] / "agents" / "demo" / "credit_memo_orchestration.yaml"
IDS = {
    "APP_ID": "app-demo",
    "EXTRACTOR_AGENT_ID": "agent-e",
    "MAPPER_AGENT_ID": "agent-m",
    "ANALYZER_AGENT_ID": "agent-a",
    "SUMMARIZER_AGENT_ID": "agent-s",
}


def library_agents() -> list[AgentInfo]:
    """The demo's agents as the API hands them to the compiler: with the library schemas."""
    return [
        AgentInfo(
            id=IDS[f"{agent_type.upper()}_AGENT_ID"],
            type=agent_type,
            input_schema=INPUT_SCHEMAS[agent_type],
            output_schema=OUTPUT_SCHEMAS[agent_type],
        )
        for agent_type in ("extractor", "mapper", "analyzer", "summarizer")
    ]


def test_demo_compiles_without_errors_or_warnings_against_the_library_schemas() -> None:
    text = string.Template(DEMO.read_text()).substitute(IDS)
    result = compile_orchestration(text, library_agents())
    assert result.ok, result.errors
    assert result.warnings == []


def test_every_builtin_schema_is_valid_2020_12_and_served_by_its_id() -> None:
    for uri, schema in BUILTIN_SCHEMAS.items():
        Draft202012Validator.check_schema(schema)
        assert schema["$id"] == uri
    assert len(BUILTIN_SCHEMAS) == 8
    for agent in BUILTIN_LIBRARY:
        uri = str(agent.default_config.schemas.output_schema_uri)
        assert agent.output_schema == BUILTIN_SCHEMAS[uri]


def test_output_schemas_are_flat_and_inputs_keyed_by_field() -> None:
    assert set(INPUT_SCHEMAS["extractor"]["required"]) == {"document"}
    assert set(INPUT_SCHEMAS["mapper"]["required"]) == {"extracted_data"}
    # The analyzer reads the mapper's record or the extractor's fields.
    assert INPUT_SCHEMAS["analyzer"]["anyOf"] == [
        {"required": ["mapped_data"]},
        {"required": ["extracted_data"]},
    ]
    assert set(INPUT_SCHEMAS["summarizer"]["required"]) == {"risk_analysis"}
    wrappers = {"extracted_data", "mapped_data", "risk_analysis", "final_report"}
    for agent_type, schema in OUTPUT_SCHEMAS.items():
        assert not wrappers & set(schema["properties"]), agent_type
    assert "borrower_name" in OUTPUT_SCHEMAS["extractor"]["properties"]
    assert "loan_amount" in OUTPUT_SCHEMAS["mapper"]["required"]
    assert "risk_grade" in OUTPUT_SCHEMAS["analyzer"]["required"]
    assert {"title", "markdown", "html"} <= set(OUTPUT_SCHEMAS["summarizer"]["required"])
