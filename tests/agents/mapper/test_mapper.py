"""Unit normalisation and mapping onto a target schema."""

from __future__ import annotations

import httpx
import pytest

from agents.mapper.agent import map_record
from agents.mapper.normalise import (
    NormalisationError,
    parse_amount,
    parse_date,
    parse_percent,
    parse_years,
)
from agents.mapper.tools.schema_validator import SchemaValidator
from schemas.library import MAPPED_DATA_SCHEMA
from tests.agents.conftest import invoke_body


@pytest.mark.parametrize(
    ("raw", "value", "currency"),
    [
        ("$1.2M", 1_200_000, "USD"),
        ("1,200,000", 1_200_000, None),
        ("(350)", -350, None),
        ("(350,000)", -350_000, None),
        ("-$350,000", -350_000, "USD"),
        ("$(350,000)", -350_000, "USD"),
        ("3.4bn", 3_400_000_000, None),
        ("€2.5 million", 2_500_000, "EUR"),
        ("€ 31.2M", 31_200_000, "EUR"),
        ("EUR 1.200.000,50", 1_200_000.5, "EUR"),
        ("1 200 000", 1_200_000, None),
        ("£750k", 750_000, "GBP"),
        ("USD 4,000", 4_000, "USD"),
        ("12,5", 12.5, None),
        (1500, 1500, None),
    ],
)
def test_amounts(raw: object, value: float, currency: str | None) -> None:
    amount = parse_amount(raw)
    assert amount.value == pytest.approx(value)
    assert amount.currency == currency


@pytest.mark.parametrize("raw", ["", "N/A", "twelve", "$12 apples", "1.2.3x", True])
def test_unreadable_amounts_raise(raw: object) -> None:
    with pytest.raises(NormalisationError):
        parse_amount(raw)


@pytest.mark.parametrize(
    ("raw", "value"), [("12.5%", 0.125), ("5.9 %", 0.059), ("7.25", 0.0725), (0.05, 0.05)]
)
def test_percentages(raw: object, value: float) -> None:
    assert parse_percent(raw) == pytest.approx(value)


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("March 31, 2024", "2024-03-31"),
        ("31 December 2023", "2023-12-31"),
        ("12/31/2023", "2023-12-31"),
        ("31/12/2023", "2023-12-31"),
        ("31.12.2023", "2023-12-31"),
        ("2024-06-30", "2024-06-30"),
        ("Jun 30th, 2024", "2024-06-30"),
    ],
)
def test_dates(raw: str, iso: str) -> None:
    assert parse_date(raw) == iso


def test_durations_and_bad_dates() -> None:
    assert parse_years("84 months") == 7
    assert parse_years("5 years") == 5
    with pytest.raises(NormalisationError):
        parse_date("the thirty-first")


def test_map_record_normalises_and_logs() -> None:
    record, log = map_record(
        {
            "Borrower Name": "Kite LLC",
            "loan_amount": "$1.2M",
            "ebitda": "N/A",
            "as_of_date": "31.12.2023",
        },
        MAPPED_DATA_SCHEMA,
    )
    assert record["borrower_name"] == "Kite LLC"
    assert record["loan_amount"] == 1_200_000
    assert record["ebitda"] is None
    assert record["as_of_date"] == "2023-12-31"
    assert record["currency"] == "USD"
    assert {
        k: v for k, v in next(e for e in log if e["field"] == "ebitda").items() if k != "error"
    } == {"field": "ebitda", "raw": "N/A", "value": None}
    # A figure the document lacks (or writes unreadably) stays null: the record is valid.
    assert SchemaValidator().run(instance=record, schema=MAPPED_DATA_SCHEMA) == []


async def test_custom_target_schema_over_http(agents_client: httpx.AsyncClient) -> None:
    target = {
        "type": "object",
        "properties": {
            "name": {"type": "string", "x-source": "borrower_name"},
            "loan_usd": {"type": "integer", "x-source": "loan_amount"},
            "rate": {"type": "number", "x-unit": "percent", "x-source": "interest_rate"},
        },
        "required": ["name", "loan_usd", "rate"],
    }
    extracted = {"borrower_name": "Kite LLC", "loan_amount": "$1.25M", "interest_rate": "6.5%"}
    response = await agents_client.post(
        "/mapper/invoke",
        json=invoke_body("mapper", {"extracted_data": extracted, "target_schema": target}),
    )
    assert response.status_code == 200, response.text
    assert response.json()["outputs"] == {
        "name": "Kite LLC",
        "loan_usd": 1_250_000,
        "rate": pytest.approx(0.065),
    }


async def test_unreadable_and_missing_figures_flow_on_as_warnings(
    agents_client: httpx.AsyncClient,
) -> None:
    extracted = {"borrower_name": "Kite LLC", "loan_amount": "a lot"}
    response = await agents_client.post(
        "/mapper/invoke", json=invoke_body("mapper", {"extracted_data": extracted})
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["outputs"]["loan_amount"] is None
    assert body["outputs"]["ebitda"] is None
    assert all(v["severity"] == "warning" for v in body["violations"])
    messages = {v["pointer"]: v["message"] for v in body["violations"]}
    assert messages["/loan_amount"].startswith("could not be read (")
    assert messages["/ebitda"] == "not found in the document"
    assert "/borrower_name" not in messages
