"""Risk ratios, grades with reasons, and the bundled market data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agents.analyzer.tools.market_data import MarketData
from agents.analyzer.tools.risk_calculator import assess, compute_ratios
from agents.base.errors import ToolError

STRONG = {
    "loan_amount": 1_000_000,
    "annual_revenue": 20_000_000,
    "ebitda": 4_000_000,
    "net_income": 1_500_000,
    "total_debt": 6_000_000,
    "interest_expense": 500_000,
    "annual_debt_service": 2_000_000,
    "current_assets": 5_000_000,
    "current_liabilities": 2_500_000,
    "collateral_value": 2_000_000,
}


def test_ratios() -> None:
    ratios = compute_ratios(STRONG)
    assert ratios == {
        "dscr": 2.0,
        "leverage": 1.5,
        "interest_coverage": 8.0,
        "current_ratio": 2.0,
        "ltv": 0.5,
        "ebitda_margin": 0.2,
    }


def test_strong_borrower_is_grade_a_with_reasons() -> None:
    result = assess(STRONG, MarketData().lookup("Manufacturing"))
    assert result.grade == "A"
    assert result.recommendation == "Approve"
    assert any("DSCR 2.00x" in r for r in result.reasons)
    assert any("manufacturing median" in r for r in result.reasons)


def test_weak_borrower_is_declined_and_told_why() -> None:
    weak = {
        **STRONG,
        "ebitda": -200_000,
        "net_income": -900_000,
        "current_assets": 1_000_000,
        "collateral_value": 900_000,
    }
    result = assess(weak)
    assert result.grade == "E"
    assert result.ratios["leverage"] is None
    assert any("EBITDA is zero, negative or missing" in r for r in result.reasons)
    assert any("net loss of 900,000" in r for r in result.reasons)
    assert any("Loan-to-value 111.1%" in r for r in result.reasons)


def test_missing_and_zero_inputs_do_not_crash() -> None:
    result = assess({"ebitda": 0, "annual_debt_service": 0, "total_debt": "lots"})
    assert result.ratios["dscr"] is None and result.ratios["leverage"] is None
    assert result.grade in {"D", "E"}


@pytest.mark.parametrize(
    ("industry", "sector"),
    [
        ("Transportation & Logistics", "logistics"),
        ("Renewable Energy", "energy"),
        (None, "default"),
    ],
)
def test_market_data_sectors(industry: str | None, sector: str) -> None:
    benchmarks = MarketData().lookup(industry, "EUR")
    assert benchmarks["sector"] == sector
    assert benchmarks["reference_rate"]["name"] == "EURIBOR 3M"


def test_broken_market_data_file_is_a_tool_error(tmp_path: Path) -> None:
    path = tmp_path / "market.json"
    path.write_text(json.dumps({"sectors": {}}))
    with pytest.raises(ToolError, match="no 'default' sector"):
        MarketData(path).lookup("x")
    path.write_text("{not json")
    with pytest.raises(ToolError, match="cannot be read"):
        MarketData(path).lookup("x")
