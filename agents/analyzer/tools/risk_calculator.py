"""``risk-calculator``: credit ratios and a risk grade with the reasons behind it.

Grading adds points per ratio against policy thresholds (DSCR, leverage,
interest coverage, current ratio, LTV, losses); the total maps to A (lowest
risk) … E. Every point comes with a sentence saying why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

GRADES: list[tuple[float, str, str]] = [
    (1, "A", "Approve"),
    (3, "B", "Approve"),
    (5, "C", "Approve with conditions"),
    (8, "D", "Refer to credit committee"),
    (float("inf"), "E", "Decline"),
]


@dataclass
class RiskAssessment:
    ratios: dict[str, float | None]
    grade: str
    score: float
    recommendation: str
    reasons: list[str] = field(default_factory=list)


def _div(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or denominator is None or denominator == 0:
        return None
    return round(numerator / denominator, 4)


def compute_ratios(f: dict[str, Any]) -> dict[str, float | None]:
    """DSCR, leverage (debt/EBITDA), interest coverage, current ratio, LTV, EBITDA margin."""

    def num(key: str) -> float | None:
        value = f.get(key)
        return (
            float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
        )

    ebitda = num("ebitda")
    return {
        "dscr": _div(ebitda, num("annual_debt_service")),
        "leverage": _div(num("total_debt"), ebitda) if (ebitda or 0) > 0 else None,
        "interest_coverage": _div(ebitda, num("interest_expense")),
        "current_ratio": _div(num("current_assets"), num("current_liabilities")),
        "ltv": _div(num("loan_amount"), num("collateral_value")),
        "ebitda_margin": _div(ebitda, num("annual_revenue")),
    }


#: The figures each ratio is computed from.
RATIO_INPUTS: dict[str, tuple[str, str]] = {
    "dscr": ("ebitda", "annual_debt_service"),
    "leverage": ("total_debt", "ebitda"),
    "interest_coverage": ("ebitda", "interest_expense"),
    "current_ratio": ("current_assets", "current_liabilities"),
    "ltv": ("loan_amount", "collateral_value"),
    "ebitda_margin": ("ebitda", "annual_revenue"),
}


def not_computable(f: dict[str, Any], ratios: dict[str, float | None]) -> dict[str, str]:
    """Ratio → why it is null: which of its figures the document lacks, or a zero divisor."""
    reasons: dict[str, str] = {}
    for ratio, value in ratios.items():
        if value is not None:
            continue
        absent = [
            name
            for name in RATIO_INPUTS[ratio]
            if not isinstance(f.get(name), int | float) or isinstance(f.get(name), bool)
        ]
        if absent:
            reasons[ratio] = f"{' and '.join(absent)} not found in the document"
        elif ratio == "leverage":
            reasons[ratio] = "EBITDA is zero or negative"
        else:
            reasons[ratio] = f"{RATIO_INPUTS[ratio][1]} is zero"
    return reasons


def _dscr(dscr: float | None) -> tuple[float, str]:
    if dscr is None:
        return 3, "DSCR cannot be computed (EBITDA or annual debt service missing)"
    if dscr < 1.0:
        return 4, f"DSCR {dscr:.2f}x is below 1.00x: cash flow does not cover debt service"
    if dscr < 1.25:
        return 2, f"DSCR {dscr:.2f}x is below the 1.25x policy minimum"
    if dscr < 1.5:
        return 1, f"DSCR {dscr:.2f}x meets the 1.25x minimum with a thin cushion"
    return 0, f"DSCR {dscr:.2f}x comfortably covers debt service (policy minimum 1.25x)"


def _leverage(leverage: float | None) -> tuple[float, str]:
    if leverage is None:
        return 4, "Leverage cannot be computed: EBITDA is zero, negative or missing"
    if leverage > 5.0:
        return 4, f"Leverage {leverage:.2f}x debt/EBITDA exceeds the 5.00x limit"
    if leverage > 3.5:
        return 2, f"Leverage {leverage:.2f}x debt/EBITDA is elevated (above 3.50x)"
    if leverage > 2.5:
        return 1, f"Leverage {leverage:.2f}x debt/EBITDA is moderate"
    return 0, f"Leverage {leverage:.2f}x debt/EBITDA is conservative"


def _coverage(coverage: float | None) -> tuple[float, str]:
    if coverage is None:
        return 1, "Interest coverage cannot be computed (interest expense missing)"
    if coverage < 1.5:
        return 3, f"Interest coverage {coverage:.2f}x is weak (below 1.50x)"
    if coverage < 2.0:
        return 2, f"Interest coverage {coverage:.2f}x is below 2.00x"
    if coverage < 4.0:
        return 1, f"Interest coverage {coverage:.2f}x is adequate"
    return 0, f"Interest coverage {coverage:.2f}x is strong"


def _current_ratio(current: float | None) -> tuple[float, str]:
    if current is None:
        return 0.5, "Current ratio cannot be computed (current assets or liabilities missing)"
    if current < 1.0:
        return 2, f"Current ratio {current:.2f}x: current liabilities exceed current assets"
    if current < 1.2:
        return 1, f"Current ratio {current:.2f}x leaves limited liquidity"
    return 0, f"Current ratio {current:.2f}x shows adequate liquidity"


def _ltv(ltv: float | None, max_ltv: float) -> tuple[float, str]:
    if ltv is None:
        return 1, "No collateral value given: the loan is treated as unsecured"
    if ltv > max(max_ltv, 0.8):
        return 2, f"Loan-to-value {ltv:.1%} exceeds the {max(max_ltv, 0.8):.0%} limit"
    if ltv > max_ltv:
        return 1, f"Loan-to-value {ltv:.1%} is above the sector maximum of {max_ltv:.0%}"
    return 0, f"Loan-to-value {ltv:.1%} is within the sector maximum of {max_ltv:.0%}"


def assess(f: dict[str, Any], benchmarks: dict[str, Any] | None = None) -> RiskAssessment:
    """Ratios, grade, score and reasons for mapped financials (benchmarks optional)."""
    ratios = compute_ratios(f)
    bench = benchmarks or {}
    leverage = ratios["leverage"]
    scored = [
        _dscr(ratios["dscr"]),
        _leverage(leverage),
        _coverage(ratios["interest_coverage"]),
        _current_ratio(ratios["current_ratio"]),
        _ltv(ratios["ltv"], float(bench.get("max_ltv", 0.75))),
    ]
    net_income = f.get("net_income")
    if isinstance(net_income, int | float) and net_income < 0:
        scored.append((1, f"The borrower reported a net loss of {abs(net_income):,.0f}"))
    score = float(sum(points for points, _ in scored))
    reasons = [reason for _, reason in scored]

    median_leverage = bench.get("median_leverage")
    if leverage is not None and isinstance(median_leverage, int | float):
        side = "above" if leverage > median_leverage else "at or below"
        reasons.append(
            f"Leverage is {side} the {bench.get('sector', 'sector')} median of "
            f"{median_leverage:.2f}x"
        )

    grade, recommendation = next((g, r) for limit, g, r in GRADES if score <= limit)
    return RiskAssessment(ratios, grade, score, recommendation, reasons)


class RiskCalculator:
    """The tool face of :func:`assess`."""

    id = "risk-calculator"
    name = "Risk calculator"
    description = "DSCR, leverage, interest coverage, current ratio, LTV and a risk grade."
    sensitive = False

    def run(self, **kwargs: Any) -> RiskAssessment:
        """``run(financials=dict, benchmarks=dict|None)``."""
        return assess(kwargs["financials"], kwargs.get("benchmarks"))
