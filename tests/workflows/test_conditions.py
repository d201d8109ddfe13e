"""The `when` condition language: parsing, evaluation, hostile input."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemas.orchestration import Condition
from workflows.conditions import (
    MAX_DEPTH,
    ConditionError,
    condition_refs,
    evaluate_condition,
    parse_condition,
)

INPUTS = {
    "amount": 1500,
    "kind": "loan",
    "tags": ["urgent", "sme"],
    "flag": False,
    "nested": {"a": {"b": 2}},
}
OUTPUTS = {
    "1": {"extracted_data": {"pages": 3, "title": "Memo", "items": [{"v": 7}]}},
    "risk": {"risk_analysis": {"level": "high", "score": 0.82}},
}


def check(text: str) -> bool:
    return evaluate_condition(parse_condition(text), INPUTS, OUTPUTS)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("inputs.amount > 1000", True),
        ("inputs.amount >= 1500 and inputs.amount <= 1500", True),
        ("inputs.amount < 1000", False),
        ("inputs.kind == 'loan'", True),
        ('inputs.kind != "loan"', False),
        ("'urgent' in inputs.tags", True),
        ("'retail' not in inputs.tags", True),
        ("inputs.kind in ['loan', 'lease']", True),
        ("'oa' in inputs.kind", True),
        ("'a' in inputs.nested", True),
        ("inputs.nested.a.b == 2", True),
        ("steps.1.extracted_data.pages == 3", True),
        ("steps.1.extracted_data.items.0.v == 7", True),
        ("steps.risk.risk_analysis.level == 'high' and inputs.amount > 100", True),
        ("steps.risk.risk_analysis.score > 0.8", True),
        ("not inputs.flag", True),
        ("inputs.flag", False),
        ("inputs.tags", True),
        ("not (inputs.amount > 1000 and inputs.kind == 'loan')", False),
        ("inputs.amount > 1000 and inputs.kind == 'lease' or true", True),
        ("inputs.amount == 1500.0", True),
        ("1e3 < inputs.amount", True),
        ("-5 < 0", True),
        ("null == inputs.missing", True),
        ("[1, [2, 'x']] == [1, [2, 'x']]", True),
        ("true == 1", False),
    ],
)
def test_evaluation(text: str, expected: bool) -> None:
    assert check(text) is expected


def test_missing_references_are_null() -> None:
    assert check("inputs.nope == null")
    assert check("steps.9.x.y == null")
    assert check("steps.1.extracted_data.items.5 == null")
    assert check("inputs.kind.deeper == null")
    assert not check("inputs.nope")


@pytest.mark.parametrize(
    "text",
    [
        "inputs.kind > 3",
        "inputs.tags < 'z'",
        "inputs.amount in inputs.amount",
        "inputs.amount not in inputs.amount",
        "1 in inputs.kind",
        "inputs.missing < 3",
        "inputs.flag < true",
        "inputs.nested >= inputs.nested",
    ],
)
def test_type_mismatches_are_false_never_errors(text: str) -> None:
    assert check(text) is False


def test_parse_keeps_source_and_refs() -> None:
    cond = parse_condition("steps.agent-1.out.0 >= -1.5 and inputs.x")
    assert cond.source == "steps.agent-1.out.0 >= -1.5 and inputs.x"
    assert condition_refs(cond) == [["steps", "agent-1", "out", "0"], ["inputs", "x"]]
    assert Condition.model_validate_json(cond.model_dump_json()) == cond


@pytest.mark.parametrize(
    ("text", "reason", "position"),
    [
        ("__import__('os')", "unknown name '__import__'", 0),
        ("inputs.a ==", "unexpected end of condition", 11),
        ("inputs.a = 1", "unexpected character '='", 9),
        ("inputs.a < 1 < 2", "comparisons do not chain", 13),
        ("'abc", "unterminated string", 0),
        ("inputs.", "expected a name after '.'", 7),
        ("inputs", "'inputs' needs a field", 0),
        ("steps.1", "steps.<step_id>.<output>", 0),
        ("(inputs.a", "expected ')'", 9),
        ("[inputs.a]", "list items must be literals", 1),
        ("inputs.a; 1", "unexpected character ';'", 8),
        ("", "empty condition", 0),
        ("1abc", "malformed number", 0),
        ("inputs.a.__class__ == 1 or open('x')", "unknown name 'open'", 27),
        ("lambda x", "unknown name 'lambda'", 0),
        ("inputs.a and", "unexpected end", 12),
    ],
)
def test_bad_conditions_report_reason_and_position(text: str, reason: str, position: int) -> None:
    with pytest.raises(ConditionError) as caught:
        parse_condition(text)
    assert reason in str(caught.value)
    assert caught.value.position == position
    assert f"(at character {position + 1})" in str(caught.value)


@pytest.mark.parametrize(
    "text",
    [
        "(" * 10_000 + "1" + ")" * 10_000,
        "not " * 10_000 + "true",
        "[" * 10_000 + "]" * 10_000,
    ],
)
def test_deep_nesting_fails_cleanly(text: str) -> None:
    with pytest.raises(ConditionError) as caught:
        parse_condition(text[:2000])
    assert "nested too deeply" in str(caught.value)


def test_nesting_within_the_limit_works() -> None:
    depth = MAX_DEPTH - 1
    assert check("(" * depth + "inputs.amount > 1" + ")" * depth)


def test_overlong_condition_is_rejected() -> None:
    with pytest.raises(ConditionError, match="longer than"):
        parse_condition("true or " * 400 + "true")


def test_long_flat_chains_do_not_recurse() -> None:
    text = " and ".join(["inputs.amount > 1"] * 80)
    assert check(text)


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=200))
def test_random_text_parses_or_fails_cleanly(text: str) -> None:
    try:
        cond = parse_condition(text)
    except ConditionError as exc:
        assert 0 <= exc.position <= len(text)
        return
    # whatever parsed must evaluate to a bool without raising, on any data
    assert evaluate_condition(cond, INPUTS, OUTPUTS) in (True, False)
    assert evaluate_condition(cond, {}, {}) in (True, False)


_atoms = st.sampled_from(
    [
        "inputs.amount",
        "inputs.kind",
        "inputs.tags",
        "steps.1.extracted_data.pages",
        "1",
        "'x'",
        "true",
        "null",
        "[1, 'a']",
        "inputs.nested",
    ]
)


@st.composite
def _expressions(draw: st.DrawFn, depth: int = 0) -> str:
    if depth > 3 or draw(st.booleans()):
        return draw(_atoms)
    op = draw(st.sampled_from(["==", "!=", "<", ">=", "in", "not in", "and", "or"]))
    left = draw(_expressions(depth + 1))
    right = draw(_expressions(depth + 1))
    if op in ("and", "or"):
        return f"({left}) {op} ({right})"
    return (
        f"({left}) {op} ({right})" if draw(st.booleans()) else f"{draw(_atoms)} {op} {draw(_atoms)}"
    )


@settings(max_examples=300, deadline=None)
@given(_expressions())
def test_generated_expressions_parse_and_evaluate_deterministically(text: str) -> None:
    cond = parse_condition(text)
    first = evaluate_condition(cond, INPUTS, OUTPUTS)
    assert first in (True, False)
    again = evaluate_condition(Condition.model_validate(cond.model_dump()), INPUTS, OUTPUTS)
    assert again == first
