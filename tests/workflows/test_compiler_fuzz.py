"""parse_orchestration and compile_orchestration never raise, whatever they are fed."""

from __future__ import annotations

import json
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemas.orchestration import AgentInfo
from workflows.compiler import compile_orchestration, parse_orchestration, spec_to_yaml

AGENTS = [
    AgentInfo(
        id="a1",
        type="extractor",
        output_schema={"type": "object", "properties": {"x": {"type": "string"}}},
    ),
    AgentInfo(
        id="a2",
        type="analyzer",
        input_schema={"properties": {"x": {"type": "number"}}, "required": ["x"]},
    ),
]
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=25,
)
names = st.sampled_from(["1", "2", "3", "a1", "a2", "trigger", "x", "y", "ghost", ""])
durations = st.one_of(
    st.integers(-5, 10_000),
    st.floats(allow_nan=True),
    st.sampled_from(["30s", "5m", "0s", "1h", "bogus", "500ms", "", "1d2h"]),
)


@st.composite
def plausible_steps(draw: st.DrawFn) -> dict[str, Any]:
    step: dict[str, Any] = {"step": draw(st.one_of(st.integers(1, 3), names))}
    if draw(st.booleans()):
        step["agent_id"] = draw(names)
    if draw(st.booleans()):
        step["inputs"] = draw(
            st.lists(st.fixed_dictionaries({"source": names, "field": names}), max_size=3)
        )
    if draw(st.booleans()):
        step["outputs"] = draw(st.lists(st.fixed_dictionaries({"name": names}), max_size=3))
    optional = {
        "retry": st.fixed_dictionaries(
            {},
            optional={
                "max_attempts": st.integers(-1, 5),
                "initial_interval": durations,
                "max_interval": durations,
            },
        ),
        "timeout": durations,
        "when": st.one_of(
            st.text(max_size=30),
            st.sampled_from(
                ["steps.1.x == 1", "inputs.a > 2", "steps.2.y in [1]", "(((", "steps.ghost.x"]
            ),
        ),
        "foreach": st.fixed_dictionaries({"source": names, "field": names}),
        "on_error": st.sampled_from(["fail", "continue", "explode"]),
        "approval": st.fixed_dictionaries(
            {}, optional={"input_schema": json_values, "timeout": durations}
        ),
        "surprise": json_values,
    }
    for key, strategy in optional.items():
        if draw(st.integers(0, 4)) == 0:
            step[key] = draw(strategy)
    return step


plausible_specs = st.fixed_dictionaries(
    {
        "app_id": st.sampled_from(["app-1", "", "x"]),
        "workflow": st.lists(plausible_steps(), max_size=5),
    },
    optional={
        "agents": st.lists(st.fixed_dictionaries({"id": names, "type": names}), max_size=3),
        "limits": st.dictionaries(
            st.sampled_from(["max_steps", "max_tokens", "nope"]), st.integers(-2, 5), max_size=2
        ),
    },
)


def _never_raises(source: Any) -> None:
    parsed = parse_orchestration(source)
    assert (parsed.spec is None) == bool(parsed.errors)
    result = compile_orchestration(source, AGENTS)
    assert result.ok == (result.plan is not None)
    assert result.ok or result.errors
    for issue in result.errors:
        assert issue.path == "" or issue.path.startswith("/")
    if parsed.spec is not None:
        again = parse_orchestration(spec_to_yaml(parsed.spec)).spec
        # a NaN duration (refused by the compiler, not by the shape) is unequal to itself
        assert again is not None
        assert again.model_dump_json() == parsed.spec.model_dump_json()


@FUZZ
@given(st.text(max_size=300))
def test_random_text(text: str) -> None:
    _never_raises(text)


@FUZZ
@given(st.binary(max_size=200))
def test_random_bytes(data: bytes) -> None:
    _never_raises(data)


@FUZZ
@given(json_values)
def test_random_json_values_as_text_and_data(value: Any) -> None:
    _never_raises(json.dumps(value))
    if isinstance(value, dict):
        _never_raises(value)


@FUZZ
@given(plausible_specs)
def test_plausible_specs_as_mapping_yaml_and_json(data: dict[str, Any]) -> None:
    _never_raises(data)
    _never_raises(yaml.safe_dump(data))
    _never_raises(json.dumps(data))


@FUZZ
@given(
    st.lists(
        st.sampled_from(
            [
                "app_id: a\n",
                "workflow:\n",
                "  - step: 1\n",
                "    agent_id: a1\n",
                "  - ",
                "    inputs: [",
                "{source: trigger, field: x}",
                "]\n",
                "&a ",
                "*a\n",
                "!!python/name:os.system ",
                ": :\n",
                "\t",
                "- [[[[",
                "{",
                '"',
                "'",
                "%YAML 1.1\n",
                "---\n",
                "<<: *a\n",
                "? [x]\n",
                "step: 1\n",
            ]
        ),
        max_size=20,
    )
)
def test_yaml_shaped_garbage(parts: list[str]) -> None:
    _never_raises("".join(parts))


def test_pathological_documents() -> None:
    for text in [
        "[" * 5000 + "]" * 5000,
        "a:\n" + "  " * 2000 + "b: 1",
        "&a [*a]",
        "- &a\n  - *a\n",
        "{" * 3000,
        "a: " + "[" * 200 + "]" * 200,
    ]:
        _never_raises(text)
    nested: Any = "leaf"
    for _ in range(2000):
        nested = {"k": nested}
    _never_raises({"app_id": "a", "workflow": [], "extra": nested})


# Found by the fuzzer: YAML reads "\ud800\udc00" as two lone surrogates, JSON as U+10000.
SURROGATE_SPEC = (
    '{"app_id": "app-1", "workflow": [{"step": 1, "approval": '
    '{"timeout": 0, "input_schema": {"%s": null}}}]}'
)


def test_a_surrogate_pair_escape_reads_as_json_reads_it_and_round_trips() -> None:
    parsed = parse_orchestration(SURROGATE_SPEC % "\\ud800\\udc00")
    assert parsed.errors == []
    assert parsed.spec is not None
    approval = parsed.spec.workflow[0].approval
    assert approval is not None and list(approval.input_schema or {}) == ["\U00010000"]
    assert parse_orchestration(spec_to_yaml(parsed.spec)).spec == parsed.spec
    _never_raises(SURROGATE_SPEC % "\\ud800\\udc00")


def test_a_lone_surrogate_escape_is_refused_with_its_position() -> None:
    parsed = parse_orchestration(SURROGATE_SPEC % "\\udc00")
    assert parsed.spec is None
    (issue,) = parsed.errors
    assert "lone UTF-16 surrogate" in issue.message
    assert (issue.line, issue.column) == (1, 90)


def test_line_separator_characters_survive_the_yaml_export() -> None:
    # Found by the fuzzer: PyYAML wrote NEL raw in single quotes and read it back as a break.
    for text in ("\x85", "a\x85b", "\u2028", "x\u2029 y"):
        source = {"app_id": "app-1", "name": text, "workflow": [{"step": 1}]}
        parsed = parse_orchestration(source)
        assert parsed.spec is not None and parsed.spec.name == text
        again = parse_orchestration(spec_to_yaml(parsed.spec)).spec
        # a NaN duration (refused by the compiler, not by the shape) is unequal to itself
        assert again is not None
        assert again.model_dump_json() == parsed.spec.model_dump_json()
