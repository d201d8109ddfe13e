"""The ``local`` provider's rule-based extraction: labelled lines, and figures in prose."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agents.base.providers.local import extract_fields, find_figure_in_prose
from agents.mapper.mapping import map_record
from schemas.library import EXTRACTOR_OUTPUT_SCHEMA, MAPPED_DATA_SCHEMA

PROSE = """Credit note for the committee.
Net sales for 2024 were $12.4 million, while EBITDA reached USD 3.1 million.
Total funded debt stands at 7,500,000 USD; interest expense amounted to $410,000 in the year.
Annual debt service of $1.9M is expected. The requested amount is $2.5M.
The growth rate of 5% is not an interest rate figure, and the term sheet says 2029.
"""


def test_figures_written_in_prose_are_read_and_normalise() -> None:
    found = extract_fields(PROSE, EXTRACTOR_OUTPUT_SCHEMA)
    record, _log = map_record(found, MAPPED_DATA_SCHEMA)
    assert record["annual_revenue"] == 12_400_000  # not the year before it
    assert record["ebitda"] == 3_100_000
    assert record["total_debt"] == 7_500_000
    assert record["interest_expense"] == 410_000
    assert record["annual_debt_service"] == 1_900_000
    assert record["loan_amount"] == 2_500_000
    # Short labels ("Rate", "Term") are not trusted in running text.
    assert found["interest_rate"] is None and found["loan_term_years"] is None


def test_a_labelled_line_wins_over_prose() -> None:
    text = "EBITDA reached $9M last year.\nEBITDA: $3,000,000\n"
    assert extract_fields(text, EXTRACTOR_OUTPUT_SCHEMA)["ebitda"] == "$3,000,000"


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Revenue in 2023 came to EUR 4.5 million.", "EUR 4.5 million"),
        ("Collateral Value appraised at $800,000 by the bank", "$800,000"),
        ("EBITDA was (350) in the quarter", "(350)"),
        ("EBITDA is not disclosed. Revenue: $5M", None),
    ],
)
def test_find_figure_in_prose(sentence: str, expected: str | None) -> None:
    labels = ["EBITDA"] if sentence.startswith("EBITDA") else ["Collateral Value", "Revenue"]
    assert find_figure_in_prose(sentence, labels) == expected


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=400))
def test_extraction_never_fails_on_any_text(text: str) -> None:
    found = extract_fields(text, EXTRACTOR_OUTPUT_SCHEMA)
    assert all(v is None or isinstance(v, str) for v in found.values())
