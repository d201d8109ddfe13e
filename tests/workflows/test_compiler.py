"""The orchestration compiler: the platform document's YAML, data flow, extensions."""

from __future__ import annotations

import json
import string
from pathlib import Path
from typing import Any

import pytest
import yaml

from schemas.orchestration import (
    AgentInfo,
    ExecutionPlan,
    PlanForeach,
    PlanInput,
    PlanLimits,
    PlanRetry,
    PlanStep,
)
from workflows.compiler import (
    compile_orchestration,
    json_schema_problems,
    parse_duration,
    parse_orchestration,
    spec_to_yaml,
)

CORPUS = Path(__file__).parent / "corpus"
DOC_AGENTS = [
    AgentInfo(id="agent-1", type="extractor", name="Document Extractor"),
    AgentInfo(id="agent-2", type="analyzer", name="Risk Analyzer"),
    AgentInfo(id="agent-3", type="summarizer", name="Report Generator"),
]


def test_platform_document_yaml_compiles() -> None:
    text = (CORPUS / "valid" / "platform-doc.yaml").read_text()
    result = compile_orchestration(text, DOC_AGENTS, app_version="v1")
    assert result.ok, result.errors
    plan = result.plan
    assert plan is not None
    assert [s.id for s in plan.steps] == ["1", "2", "3"]
    assert [s.task_queue for s in plan.steps] == [
        "agent-extractor",
        "agent-analyzer",
        "agent-summarizer",
    ]
    assert [s.depends_on for s in plan.steps] == [[], ["1"], ["2"]]
    assert plan.steps[1].inputs[0].step_id == "1"
    assert plan.steps[0].inputs[0].source == "trigger"
    assert plan.app_version == "v1"
    # the doc says "analysis" for agent-2: an alias of the analyzer, so no warning
    assert not any(w.path == "/agents/1/type" for w in result.warnings), result.warnings


def test_a_spec_agent_type_that_is_not_the_apps_is_a_warning() -> None:
    text = (CORPUS / "valid" / "platform-doc.yaml").read_text().replace('"analysis"', '"mapper"')
    result = compile_orchestration(text, DOC_AGENTS, app_version="v1")
    assert result.ok, result.errors
    assert any(
        "'analyzer' is used" in w.message and w.path == "/agents/1/type" for w in result.warnings
    )


def test_platform_document_round_trips() -> None:
    spec = parse_orchestration((CORPUS / "valid" / "platform-doc.yaml").read_text()).spec
    assert spec is not None
    exported = spec_to_yaml(spec)
    assert parse_orchestration(exported).spec == spec
    assert list(parse_orchestration(exported).spec.model_dump()) == [  # type: ignore[union-attr]
        "version",
        "app_id",
        "name",
        "agents",
        "workflow",
        "limits",
    ]
    assert "retry" not in exported and "on_error" not in exported


# --------------------------------------------------------------------------- helpers

AGENTS = [
    AgentInfo(id="ext", type="extractor"),
    AgentInfo(id="ana", type="analyzer"),
    AgentInfo(id="sum", type="summarizer"),
    AgentInfo(id="map", type="mapper"),
]


def spec(*steps: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"app_id": "app-1", "workflow": list(steps), **extra}


def compiled(source: Any, agents: list[AgentInfo] | None = None) -> ExecutionPlan:
    result = compile_orchestration(source, agents if agents is not None else AGENTS)
    assert result.ok, result.errors
    assert result.plan is not None
    return result.plan


def messages(source: Any, agents: list[AgentInfo] | None = None) -> list[str]:
    result = compile_orchestration(source, agents if agents is not None else AGENTS)
    assert not result.ok and result.plan is None
    return [e.message for e in result.errors]


def by_id(plan: ExecutionPlan) -> dict[str, PlanStep]:
    return {s.id: s for s in plan.steps}


# --------------------------------------------------------------------------- graph


def test_independent_steps_share_dependencies_and_order_is_stable() -> None:
    plan = compiled(
        spec(
            {
                "step": "join",
                "agent_id": "sum",
                "outputs": [{"name": "report"}],
                "inputs": [{"source": "b", "field": "rb"}, {"source": "a", "field": "ra"}],
            },
            {
                "step": "a",
                "agent_id": "ana",
                "inputs": [{"source": "x", "field": "data"}],
                "outputs": [{"name": "ra"}],
            },
            {
                "step": "b",
                "agent_id": "map",
                "inputs": [{"source": "x", "field": "data"}],
                "outputs": [{"name": "rb"}],
            },
            {
                "step": "x",
                "agent_id": "ext",
                "inputs": [{"source": "trigger", "field": "doc"}],
                "outputs": [{"name": "data"}],
            },
        )
    )
    assert [s.id for s in plan.steps] == ["x", "a", "b", "join"]
    steps = by_id(plan)
    assert steps["a"].depends_on == ["x"] and steps["b"].depends_on == ["x"]
    assert steps["join"].depends_on == ["a", "b"]  # declaration order of the sources
    assert plan.agents["map"].type == "mapper"


def test_agent_id_source_resolves_to_its_step() -> None:
    plan = compiled(
        spec(
            {"step": 1, "agent_id": "ext", "outputs": [{"name": "d"}]},
            {"step": 2, "agent_id": "ana", "inputs": [{"source": "ext", "field": "d"}]},
        )
    )
    assert by_id(plan)["2"].inputs == [PlanInput(field="d", source="step", step_id="1")]


def test_unused_outputs_and_unlisted_agents_are_fine() -> None:
    plan = compiled(spec({"step": 1, "agent_id": "ext", "outputs": [{"name": "a"}, {"name": "b"}]}))
    assert plan.steps[0].outputs == ["a", "b"]


def test_every_problem_is_reported_at_once() -> None:
    found = messages(
        spec(
            {"step": 1, "agent_id": "ghost", "outputs": [{"name": "o"}, {"name": "o"}]},
            {"step": 1, "agent_id": "ana"},
            {
                "step": 3,
                "agent_id": "ana",
                "inputs": [{"source": "nowhere", "field": "x"}],
                "timeout": "soon",
                "when": "inputs.x >",
            },
            {"step": 4, "agent_id": "sum", "inputs": [{"source": "1", "field": "zz"}]},
        )
    )
    for expected in (
        "unknown agent 'ghost'",
        "duplicate output 'o'",
        "duplicate step id '1'",
        "unknown source 'nowhere'",
        "bad duration 'soon'",
        "bad condition",
        "field 'zz' is not produced by step 1",
    ):
        assert any(expected in m for m in found), (expected, found)


def test_shape_errors_and_semantic_errors_come_together() -> None:
    text = (
        "app_id: a\n"
        "workflow:\n"
        "  - step: 1\n"
        "    agent_id: ext\n"
        "    retry: {max_attempts: 0}\n"
        "    outputs: [{name: o}]\n"
        "  - step: 2\n"
        "    agent_id: nobody\n"
        "  - step: 3\n"
        "    agent_id: ana\n"
        "    inputs: [{source: '1', field: o}]\n"
    )
    result = compile_orchestration(text, AGENTS)
    assert [(e.path, e.line) for e in result.errors] == [
        ("/workflow/0/retry/max_attempts", 5),
        ("/workflow/1/agent_id", 8),
    ]  # step 3's input from the invalid step 1 is not judged


def test_cycle_through_when_condition() -> None:
    found = messages(
        spec(
            {"step": "a", "agent_id": "ext", "when": "steps.b.y == 1", "outputs": [{"name": "x"}]},
            {
                "step": "b",
                "agent_id": "ana",
                "inputs": [{"source": "a", "field": "x"}],
                "outputs": [{"name": "y"}],
            },
        )
    )
    assert any("steps form a cycle: a → b → a" in m for m in found)


def test_long_chain_does_not_recurse() -> None:
    steps = [{"step": 0, "agent_id": "ext", "outputs": [{"name": "v"}]}]
    steps += [
        {
            "step": i,
            "agent_id": "ana",
            "inputs": [{"source": str(i - 1), "field": "v"}],
            "outputs": [{"name": "v"}],
        }
        for i in range(1, 3000)
    ]
    assert len(compiled(spec(*steps)).steps) == 3000
    steps[0]["inputs"] = [{"source": "2999", "field": "v"}]
    assert any("cycle" in m for m in messages(spec(*steps)))


# --------------------------------------------------------------------------- extensions


def test_extensions_reach_the_plan() -> None:
    plan = compiled(
        spec(
            {
                "step": "pages",
                "agent_id": "ext",
                "inputs": [{"source": "trigger", "field": "doc"}],
                "outputs": [{"name": "pages"}],
                "retry": {
                    "max_attempts": 5,
                    "initial_interval": "500ms",
                    "backoff_coefficient": 3,
                    "max_interval": "1m30s",
                },
                "timeout": "2m",
            },
            {
                "step": "each",
                "agent_id": "ana",
                "foreach": {"source": "pages", "field": "pages", "max_concurrency": 3},
                "inputs": [{"source": "trigger", "field": "mode"}],
                "outputs": [{"name": "analysis"}],
                "on_error": "continue",
                "when": "inputs.mode != 'skip' and steps.pages.pages != []",
            },
            {
                "step": "gate",
                "inputs": [{"source": "each", "field": "analysis"}],
                "outputs": [{"name": "decision"}],
                "approval": {
                    "input_schema": {
                        "type": "object",
                        "required": ["ok"],
                        "properties": {"ok": {"type": "boolean"}},
                    },
                    "timeout": "1h",
                    "on_timeout": "approve",
                    "prompt": "Approve?",
                },
            },
            limits={"max_parallel_steps": 2, "max_tokens": 1000, "max_cost_usd": 1.5},
        )
    )
    steps = by_id(plan)
    assert steps["pages"].retry == PlanRetry(
        max_attempts=5,
        initial_interval_seconds=0.5,
        backoff_coefficient=3.0,
        max_interval_seconds=90.0,
    )
    assert steps["pages"].timeout_seconds == 120.0
    each = steps["each"]
    assert each.foreach == PlanForeach(
        input=PlanInput(field="pages", source="step", step_id="pages"), max_concurrency=3
    )
    assert each.depends_on == ["pages"] and each.on_error == "continue"
    assert each.when is not None and each.when.source.startswith("inputs.mode")
    assert each.timeout_seconds == 300.0
    gate = steps["gate"]
    assert gate.kind == "approval" and gate.task_queue is None and gate.agent_id is None
    assert gate.approval is not None and gate.approval.timeout_seconds == 3600.0
    assert gate.approval.on_timeout == "approve" and gate.depends_on == ["each"]
    assert plan.limits == PlanLimits(max_parallel_steps=2, max_tokens=1000, max_cost_usd=1.5)


def test_when_reads_make_dependencies() -> None:
    plan = compiled(
        spec(
            {"step": "check", "agent_id": "ana", "outputs": [{"name": "risk"}]},
            {"step": "report", "agent_id": "sum", "when": "steps.check.risk.level == 'high'"},
        )
    )
    assert by_id(plan)["report"].depends_on == ["check"]


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        (30, 30.0),
        (1.5, 1.5),
        ("500ms", 0.5),
        ("30s", 30.0),
        ("5m", 300.0),
        ("1h", 3600.0),
        ("1d", 86400.0),
        ("1h 30m", 5400.0),
        ("45", 45.0),
        (" 2M ", 120.0),
    ],
)
def test_durations(value: Any, seconds: float) -> None:
    assert parse_duration(value) == seconds


@pytest.mark.parametrize("value", [0, -1, "0s", "", "5 minutes", "1w", "ms", True, "nan", 1e12])
def test_bad_durations(value: Any) -> None:
    with pytest.raises(ValueError):
        parse_duration(value)


@pytest.mark.parametrize(
    ("schema", "problem"),
    [
        ({"type": "objekt"}, "'type' must be one of"),
        ({"properties": []}, "'properties' must be an object"),
        ({"properties": {"a": 3}}, "must be an object (or true/false)"),
        ({"required": "a"}, "'required' must be a list"),
        ({"anyOf": []}, "non-empty list"),
        ({"minLength": -1}, "non-negative integer"),
        ({"pattern": "("}, "not a valid regular expression"),
        ({"items": {"type": 5}}, "'type' must be one of"),
        ({"enum": "a"}, "'enum' must be a list"),
        ({"items": [{"type": "string"}]}, "draft 2020-12 lists schemas in prefixItems"),
        ({"multipleOf": 0}, "'multipleOf' must be greater than zero"),
    ],
)
def test_json_schema_structure(schema: dict[str, Any], problem: str) -> None:
    assert any(problem in m for _, m in json_schema_problems(schema))


def test_valid_json_schemas_pass_structure_checks() -> None:
    assert (
        json_schema_problems(
            {
                "type": ["object", "null"],
                "properties": {"a": {"type": "string", "enum": ["x"]}, "b": True},
                "required": ["a"],
                "additionalProperties": False,
                "items": {"type": "string"},
                "prefixItems": [{"type": "string"}],
                "anyOf": [{"minLength": 1}],
                "$defs": {"x": {}},
            }
        )
        == []
    )


def test_the_schemas_draft_decides_its_structure() -> None:
    """``$schema`` picks the metaschema: draft 7 still writes a tuple as a list of items."""
    draft7 = {"$schema": "http://json-schema.org/draft-07/schema#", "items": [{"type": "string"}]}
    assert json_schema_problems(draft7) == []
    assert json_schema_problems({"$schema": "http://json-schema.org/draft-07/schema#", "type": 1})


# --------------------------------------------------------------------------- schema fit

UP_OBJECT = {
    "type": "object",
    "properties": {
        "level": {"type": "string", "enum": ["low", "high"]},
        "score": {"type": "number"},
    },
    "required": ["level"],
}


def fit_spec(outputs: list[str], field: str = "risk") -> dict[str, Any]:
    return spec(
        {"step": 1, "agent_id": "up", "outputs": [{"name": n} for n in outputs]},
        {"step": 2, "agent_id": "down", "inputs": [{"source": "1", "field": field}]},
    )


def fit_agents(output_schema: Any, expected: Any) -> list[AgentInfo]:
    return [
        AgentInfo(id="up", type="analyzer", output_schema=output_schema),
        AgentInfo(
            id="down",
            type="summarizer",
            input_schema={"type": "object", "properties": {"risk": expected}},
        ),
    ]


def test_schema_fit_accepts_matching_schemas() -> None:
    compiled(
        fit_spec(["risk"]),
        fit_agents(
            UP_OBJECT,
            {
                "type": "object",
                "required": ["level"],
                "properties": {"level": {"type": "string", "enum": ["low", "mid", "high"]}},
            },
        ),
    )


@pytest.mark.parametrize(
    ("expected", "problem"),
    [
        ({"type": "array"}, "input 'risk' is object upstream, but the agent takes array"),
        (
            {"type": "object", "required": ["level", "currency"]},
            "may lack 'currency'",
        ),
        (
            {"type": "object", "properties": {"level": {"enum": ["low"]}}},
            "may be 'high', which the agent does not accept",
        ),
        (
            {"type": "object", "properties": {"score": {"type": "string"}}},
            "input 'risk'.score is number upstream",
        ),
    ],
)
def test_schema_fit_reports_mismatches_at_the_input(expected: Any, problem: str) -> None:
    result = compile_orchestration(fit_spec(["risk"]), fit_agents(UP_OBJECT, expected))
    errors = [e for e in result.errors if problem in e.message]
    assert errors and errors[0].path == "/workflow/1/inputs/0", result.errors


def test_schema_fit_uses_the_named_property_for_multi_output_steps() -> None:
    up = {"type": "object", "properties": {"risk": {"type": "string"}, "other": {"type": "array"}}}
    assert any(
        "input 'risk' is string upstream, but the agent takes number" in m
        for m in messages(fit_spec(["risk", "other"]), fit_agents(up, {"type": "number"}))
    )
    compiled(fit_spec(["risk", "other"]), fit_agents(up, {"type": "string"}))


@pytest.mark.parametrize(
    ("up", "expected"),
    [
        ({"type": "string"}, None),
        ({"type": "integer"}, {"type": "number"}),
        ({"type": "string", "enum": ["a"]}, {"enum": ["a", "b"]}),
        ({"type": "string", "minLength": 3}, {"type": "string", "minLength": 1}),
        ({"type": "object", "required": ["a"]}, {"type": "object", "required": ["a"]}),
    ],
)
def test_schema_fit_accepts_what_always_fits(up: Any, expected: Any) -> None:
    assert compile_orchestration(fit_spec(["risk"]), fit_agents(up, expected)).warnings == []


@pytest.mark.parametrize(
    ("up", "expected", "problem"),
    [
        ({"anyOf": [{"type": "string"}]}, {"type": "number"}, "is string upstream"),
        ({"type": "string"}, {"oneOf": [{"type": "number"}]}, "fits none of the forms"),
        ({"type": "number"}, {"type": "integer"}, "may be a fractional number"),
        ({"type": "object"}, {"type": "object", "required": ["a"]}, "may lack 'a'"),
        ({"type": "string"}, {"enum": ["a"]}, "may be any string"),
        ({"type": ["string", "null"]}, {"type": "string"}, "may be null upstream"),
        ({"type": "string"}, {"type": "string", "minLength": 1}, "fewer than 1 characters"),
    ],
)
def test_schema_fit_refuses_what_may_not_fit(up: Any, expected: Any, problem: str) -> None:
    """Sound: a value the upstream schema allows and the agent refuses is an error."""
    assert any(problem in m for m in messages(fit_spec(["risk"]), fit_agents(up, expected)))


@pytest.mark.parametrize(
    ("up", "expected"),
    [
        (None, {"type": "number"}),
        ({"$ref": "#/$defs/x"}, {"type": "number"}),
        ({"type": "string"}, {"type": "string", "pattern": "^a"}),
        ({"type": "number"}, {"allOf": [{"type": "number"}]}),
    ],
)
def test_schema_fit_warns_where_it_cannot_decide(up: Any, expected: Any) -> None:
    result = compile_orchestration(fit_spec(["risk"]), fit_agents(up, expected))
    assert result.ok, result.errors
    assert result.warnings and all(w.path.startswith("/workflow/1") for w in result.warnings), (
        result.warnings
    )


def test_foreach_checks_the_item_schema_and_needs_a_list() -> None:
    agents = [
        AgentInfo(
            id="up", type="extractor", output_schema={"type": "array", "items": {"type": "string"}}
        ),
        AgentInfo(
            id="down", type="analyzer", input_schema={"properties": {"page": {"type": "integer"}}}
        ),
    ]
    found = messages(
        spec(
            {"step": 1, "agent_id": "up", "outputs": [{"name": "page"}]},
            {
                "step": 2,
                "agent_id": "down",
                "foreach": {"source": "1", "field": "page"},
                "inputs": [{"source": "1", "field": "page"}],
            },
        ),
        agents,
    )
    assert any("input 'page' is string upstream, but the agent takes integer" in m for m in found)
    scalar_up = [AgentInfo(id="up", type="extractor", output_schema={"type": "string"}), agents[1]]
    found = messages(
        spec(
            {"step": 1, "agent_id": "up", "outputs": [{"name": "page"}]},
            {"step": 2, "agent_id": "ana", "foreach": {"source": "1", "field": "page"}},
        ),
        [*scalar_up, AgentInfo(id="ana", type="analyzer")],
    )
    assert any("foreach needs a list" in m for m in found)


def test_missing_required_agent_input_is_an_error_at_the_steps_inputs() -> None:
    agents = [AgentInfo(id="ext", type="extractor", input_schema={"required": ["document"]})]
    result = compile_orchestration(spec({"step": 1, "agent_id": "ext"}), agents)
    assert not result.ok
    error = next(e for e in result.errors if "requires input 'document'" in e.message)
    assert error.path == "/workflow/0/inputs"


def test_spec_agent_unknown_to_the_app_is_a_warning() -> None:
    result = compile_orchestration(
        spec({"step": 1, "agent_id": "ext"}, agents=[{"id": "agent-x", "type": "extractor"}]),
        AGENTS,
    )
    assert result.ok and result.warnings[0].path == "/agents/0/id"


# --------------------------------------------------------------------------- sources and export


def test_json_text_and_mapping_give_the_same_plan() -> None:
    data = yaml.safe_load((CORPUS / "valid" / "platform-doc.yaml").read_text())
    from_yaml = compiled((CORPUS / "valid" / "platform-doc.yaml").read_text(), DOC_AGENTS)
    assert compiled(json.dumps(data), DOC_AGENTS) == from_yaml
    assert compiled(json.dumps(data, indent="\t"), DOC_AGENTS) == from_yaml
    assert compiled(data, DOC_AGENTS) == from_yaml
    spec_obj = parse_orchestration(data).spec
    assert spec_obj is not None and compiled(spec_obj, DOC_AGENTS) == from_yaml


def test_parse_errors_have_paths_and_positions() -> None:
    result = parse_orchestration("app_id: a\nworkflow:\n  - step: 1\n    agent_id: [x]\n")
    assert result.spec is None
    assert [(e.path, e.line, e.column) for e in result.errors] == [("/workflow/0/agent_id", 4, 15)]


def test_round_trip_with_every_extension() -> None:
    original = parse_orchestration(
        spec(
            {
                "step": 1,
                "agent_id": "ext",
                "outputs": [{"name": "pages"}],
                "retry": {"max_attempts": 2},
                "timeout": "30s",
            },
            {
                "step": "2",
                "agent_id": "ana",
                "foreach": {"source": "1", "field": "pages"},
                "when": "inputs.go == true",
                "on_error": "continue",
                "timeout": 12.5,
            },
            {"step": "gate", "approval": {"input_schema": {"type": "object"}, "timeout": 60}},
            limits={"max_steps": 10},
            name="with extensions",
            version="1.1",
        )
    ).spec
    assert original is not None
    exported = spec_to_yaml(original)
    assert parse_orchestration(exported).spec == original
    assert "backoff_coefficient" not in exported  # only what was written comes back
    assert "step: '2'" in exported and "step: 1" in exported


def test_demo_orchestration_in_the_repository_compiles() -> None:
    demo = Path(__file__).parents[2] / "agents" / "demo" / "credit_memo_orchestration.yaml"
    ids = {
        "APP_ID": "app-demo",
        "EXTRACTOR_AGENT_ID": "agent-e",
        "MAPPER_AGENT_ID": "agent-m",
        "ANALYZER_AGENT_ID": "agent-a",
        "SUMMARIZER_AGENT_ID": "agent-s",
    }
    text = string.Template(demo.read_text()).substitute(ids)
    agents = [
        AgentInfo(id="agent-e", type="extractor"),
        AgentInfo(id="agent-m", type="mapper"),
        AgentInfo(id="agent-a", type="analyzer"),
        AgentInfo(id="agent-s", type="summarizer"),
    ]
    result = compile_orchestration(text, agents)
    assert result.ok, result.errors
    assert result.warnings == []
    plan = result.plan
    assert plan is not None
    assert [s.depends_on for s in plan.steps] == [[], ["1"], ["2"], ["3"]]


def test_constant_false_condition_is_a_warning() -> None:
    result = compile_orchestration(spec({"step": 1, "agent_id": "ext", "when": "1 > 2"}), AGENTS)
    assert result.ok
    assert [w.message for w in result.warnings] == ["condition is always false: step 1 never runs"]
    assert (
        compile_orchestration(spec({"step": 1, "agent_id": "ext", "when": "true"}), AGENTS).warnings
        == []
    )


# --------------------------------------------------------------------------- sensitive tools

SENSITIVE_AGENTS = [
    *AGENTS,
    AgentInfo(id="mailer", type="notifier", sensitive_tools=["email-sender"]),
]
SIGN_OFF = {"prompt": "Send the memo to the borrower?"}


def test_step_with_sensitive_tools_and_no_approval_upstream_is_an_error_at_the_step() -> None:
    text = yaml.safe_dump(
        spec(
            {
                "step": 1,
                "agent_id": "ext",
                "inputs": [{"source": "trigger", "field": "document"}],
                "outputs": [{"name": "data"}],
            },
            {"step": 2, "agent_id": "mailer", "inputs": [{"source": "1", "field": "data"}]},
        ),
        sort_keys=False,
    )
    result = compile_orchestration(text, SENSITIVE_AGENTS)
    assert result.plan is None
    [error] = result.errors
    assert error.path == "/workflow/1"
    assert error.line is not None
    assert error.message.startswith("step 2 uses sensitive tool(s) 'email-sender'")
    assert "add an approval step before it (approval: {" in error.message
    assert "so a person signs off" in error.message


def test_approval_anywhere_upstream_lets_a_sensitive_step_compile() -> None:
    plan = compiled(
        spec(
            {
                "step": "extract",
                "agent_id": "ext",
                "inputs": [{"source": "trigger", "field": "document"}],
                "outputs": [{"name": "data"}],
            },
            {
                "step": "review",
                "approval": SIGN_OFF,
                "inputs": [{"source": "extract", "field": "data"}],
                "outputs": [{"name": "decision"}],
            },
            {
                "step": "summary",
                "agent_id": "sum",
                "inputs": [{"source": "review", "field": "decision"}],
                "outputs": [{"name": "memo"}],
            },
            {
                "step": "send",
                "agent_id": "mailer",
                "inputs": [{"source": "summary", "field": "memo"}],
            },
        ),
        SENSITIVE_AGENTS,
    )
    assert by_id(plan)["send"].depends_on == ["summary"]  # the approval is two hops up


def test_approval_beside_a_sensitive_step_does_not_count() -> None:
    found = messages(
        spec(
            {"step": "review", "approval": SIGN_OFF, "outputs": [{"name": "decision"}]},
            {
                "step": "send",
                "agent_id": "mailer",
                "inputs": [{"source": "trigger", "field": "memo"}],
            },
        ),
        SENSITIVE_AGENTS,
    )
    assert len(found) == 1 and found[0].startswith("step send uses sensitive tool(s)")


def test_approval_that_approves_itself_on_timeout_is_no_sign_off() -> None:
    def workflow(approval: dict[str, Any]) -> dict[str, Any]:
        return spec(
            {"step": "review", "approval": approval, "outputs": [{"name": "decision"}]},
            {
                "step": "send",
                "agent_id": "mailer",
                "inputs": [{"source": "review", "field": "decision"}],
            },
        )

    [message] = messages(
        workflow({**SIGN_OFF, "timeout": "1h", "on_timeout": "approve"}), SENSITIVE_AGENTS
    )
    assert "review approve by themselves on timeout; use on_timeout: reject" in message
    compiled(workflow({**SIGN_OFF, "timeout": "1h", "on_timeout": "reject"}), SENSITIVE_AGENTS)
    compiled(workflow({**SIGN_OFF, "on_timeout": "approve"}), SENSITIVE_AGENTS)  # never times out


def test_every_unguarded_sensitive_step_is_reported_and_others_are_not() -> None:
    agents = [*SENSITIVE_AGENTS, AgentInfo(id="pay", type="payer", sensitive_tools=["a", "b"])]
    result = compile_orchestration(
        spec(
            {"step": 1, "agent_id": "mailer", "outputs": [{"name": "sent"}]},
            {"step": 2, "agent_id": "pay", "inputs": [{"source": "1", "field": "sent"}]},
            {"step": 3, "agent_id": "ext"},
        ),
        agents,
    )
    assert [(e.path, e.message.split(" of agent")[0]) for e in result.errors] == [
        ("/workflow/0", "step 1 uses sensitive tool(s) 'email-sender'"),
        ("/workflow/1", "step 2 uses sensitive tool(s) 'a', 'b'"),
    ]


def test_agents_without_sensitive_tools_need_no_approval() -> None:
    compiled(spec({"step": 1, "agent_id": "ext"}, {"step": 2, "agent_id": "sum"}))
