"""The per-field scorers and how scores add up, against scores worked out by hand."""

from __future__ import annotations

import pytest

from schemas.evaluation_scoring import (
    MISSING,
    aggregate,
    check_expected,
    field_value,
    parse_expectation,
    score_item,
    score_value,
)
from schemas.evaluations import ItemResult

#: Two runs' outputs (step id → output name → value) of a small pipeline.
OUTPUTS_A = {
    "1": {"extracted_data": {"borrower_name": "Acme Precision LLC", "revenue": "$18.5 million"}},
    "2": {
        "mapped_data": {"annual_revenue": 18_500_000.0, "ebitda": 3_249_000, "currency": "USD"},
    },
    "3": {"risk_analysis": {"risk_grade": "B", "reasons": ["leverage", "coverage"]}},
}
OUTPUTS_B = {
    "1": {"extracted_data": {"borrower_name": "Blue Harbor", "revenue": None}},
    "2": {"mapped_data": {"annual_revenue": 40_000_000, "ebitda": None, "currency": "usd"}},
    "3": {"risk_analysis": {"risk_grade": "D", "reasons": ["liquidity"]}},
}


def test_field_paths_read_outputs_of_any_step_lists_and_step_prefixed_keys() -> None:
    assert field_value(OUTPUTS_A, "mapped_data.annual_revenue") == 18_500_000.0
    assert field_value(OUTPUTS_A, "risk_analysis.reasons.1") == "coverage"
    assert field_value(OUTPUTS_A, "risk_analysis.reasons.-1") == "coverage"
    assert field_value(OUTPUTS_A, "3.risk_analysis.risk_grade") == "B"
    assert field_value(OUTPUTS_A, "risk_analysis") == OUTPUTS_A["3"]["risk_analysis"]
    assert field_value(OUTPUTS_A, "mapped_data.nope") is MISSING
    assert field_value(OUTPUTS_A, "risk_analysis.reasons.7") is MISSING
    assert field_value(OUTPUTS_A, "nothing.at_all") is MISSING


def test_claim_check_references_are_resolved_on_the_way_down() -> None:
    stored = {"artifact://art-1": {"markdown": "# memo", "risk_grade": "C"}}

    def resolve(value: object) -> object:
        if isinstance(value, dict) and set(value) == {"$artifact"}:
            return stored[value["$artifact"]]
        return value

    outputs = {"4": {"final_report": {"$artifact": "artifact://art-1"}}}
    assert field_value(outputs, "final_report.risk_grade", resolve) == "C"


@pytest.mark.parametrize(
    ("expected", "actual", "score"),
    [
        # exact (plain values): equal, type-strict except int/float
        ("B", "B", 1.0),
        ("B", "b", 0.0),
        (True, True, 1.0),
        (True, 1, 0.0),
        ({"a": 1}, {"a": 1}, 1.0),
        # plain numbers compare numerically, numeric strings too
        (3, 3.0, 1.0),
        (1_200_000, "1,200,000", 1.0),
        (3, 3.01, 0.0),
        (3, "three", 0.0),
        # numeric with an absolute tolerance, or a relative one
        ({"value": 3_250_000, "tolerance": 1_000}, 3_249_000, 1.0),
        ({"value": 3_250_000, "tolerance": 999}, 3_249_000, 0.0),
        ({"value": 200, "tolerance": "5%"}, 209.9, 1.0),
        ({"value": 200, "tolerance": "5%"}, 211, 0.0),
        ({"value": 0.3, "tolerance": 0}, 0.1 + 0.2, 1.0),
        # normalised text: case, punctuation and spacing do not count
        ({"text": "Acme Precision, LLC"}, "  acme precision LLC ", 1.0),
        ({"text": "Acme"}, "Acme Corp", 0.0),
        ({"value": "x", "scorer": "text"}, "X.", 1.0),
        # set: Jaccard index of the two sets, in any order
        ({"set": ["leverage", "coverage"]}, ["Coverage", "leverage"], 1.0),
        ({"set": ["leverage", "coverage"]}, ["leverage", "liquidity"], 1 / 3),
        ({"set": ["a"]}, "a", 0.0),
        # present / absent
        ({"present": True}, "anything", 1.0),
        ({"present": True}, None, 0.0),
        ({"present": True}, MISSING, 0.0),
        ({"present": False}, MISSING, 1.0),
        # one_of
        ({"one_of": ["A", "B"]}, "b", 1.0),
        ({"one_of": ["A", "B"]}, "C", 0.0),
        ({"one_of": [1, 2]}, 2.0, 1.0),
        # anything but `present` scores 0 on a missing field
        ("B", MISSING, 0.0),
        ({"value": 1, "tolerance": 5}, MISSING, 0.0),
    ],
)
def test_each_scorer(expected: object, actual: object, score: float) -> None:
    assert score_value(parse_expectation(expected), actual) == pytest.approx(score)


def test_scores_equal_hand_computed_ones_for_a_small_fixture() -> None:
    expected = {
        "mapped_data.annual_revenue": {"value": 18_500_000, "tolerance": 1},  # A 1, B 0
        "mapped_data.ebitda": {"value": 3_250_000, "tolerance": 1_000},  # A 1, B 0 (None)
        "mapped_data.currency": {"text": "USD"},  # A 1, B 1
        "risk_analysis.risk_grade": {"one_of": ["A", "B"]},  # A 1, B 0
        "risk_analysis.reasons": {"set": ["leverage", "coverage"]},  # A 1, B 0
        "extracted_data.borrower_name": {"present": True},  # A 1, B 1
    }
    item_a = ItemResult(index=0, fields=score_item(expected, OUTPUTS_A))
    item_b = ItemResult(index=1, fields=score_item(expected, OUTPUTS_B))
    # A third item whose run failed: every expectation scores 0.
    item_c = ItemResult(index=2, fields=score_item({"mapped_data.currency": "USD"}, None))
    assert [f.score for f in item_a.fields] == [1, 1, 1, 1, 1, 1]
    assert [f.score for f in item_b.fields] == [0, 0, 1, 0, 0, 1]
    assert [f.scorer for f in item_a.fields] == [
        "numeric",
        "numeric",
        "text",
        "one_of",
        "set",
        "present",
    ]
    assert item_b.fields[1].actual is None
    total = aggregate([item_a, item_b, item_c])
    # 13 expectations: 6 + 2 + 0 met → 8/13.
    assert total.score == pytest.approx(8 / 13)
    assert total.field_scores == {
        "extracted_data.borrower_name": 1.0,
        "mapped_data.annual_revenue": 0.5,
        "mapped_data.currency": pytest.approx(2 / 3),  # A, B met; C failed
        "mapped_data.ebitda": 0.5,
        "risk_analysis.reasons": 0.5,
        "risk_analysis.risk_grade": 0.5,
    }


def test_expectations_that_cannot_be_scored_are_reported() -> None:
    problems = dict(
        check_expected(
            {
                "a.b": {"value": "x", "tolerance": 1},
                "a.c": {"present": "yes"},
                "a.d": {"one_of": []},
                "a.e": {"value": 1, "tolerance": -1},
                "a.f": {"value": 1, "scorer": "judge"},
                "a.ok": {"value": 1, "tolerance": 0.5},
            }
        )
    )
    assert set(problems) == {"a.b", "a.c", "a.d", "a.e", "a.f"}
    assert "tolerance" in problems["a.b"]
