"""The analyzer: mapped financials → ratios, sector comparison and a risk grade with reasons."""

from __future__ import annotations

from typing import Any

from agents.analyzer.tools.market_data import MarketData
from agents.analyzer.tools.risk_calculator import RiskAssessment, RiskCalculator
from agents.base.agent import Agent
from agents.base.tools import ToolBox
from schemas.library import ANALYZER_INPUT_SCHEMA, ANALYZER_OUTPUT_SCHEMA, NORMALISATIONS_PROPERTY

SYSTEM_PROMPT = (
    "You are a senior credit risk analyst. You explain risk grades with the ratios behind "
    "them and never change computed figures. Answer with JSON only."
)
TASK_PROMPT = """Assess the credit risk of this borrower.

Financials:
{{ inputs.mapped_data | tojson }}

Computed by the risk calculator and market data tools:
{{ context.proposed_output | tojson }}

Answer with the risk analysis as one flat JSON object, as the output schema describes.
"""


class AnalyzerAgent(Agent):
    """Uses ``market-data`` for sector benchmarks and ``risk-calculator`` for the grade."""

    type = "analyzer"
    input_schema = ANALYZER_INPUT_SCHEMA
    output_schema = ANALYZER_OUTPUT_SCHEMA
    default_system_prompt = SYSTEM_PROMPT
    default_task_prompt = TASK_PROMPT

    def __init__(self, market_data: MarketData | None = None) -> None:
        super().__init__([RiskCalculator(), market_data or MarketData()])

    async def prepare(self, inputs: dict[str, Any], toolbox: ToolBox) -> dict[str, Any]:
        # The mapper's normalisation log travels with the record; it is not a financial figure.
        financials: dict[str, Any] = {
            k: v for k, v in inputs["mapped_data"].items() if k != NORMALISATIONS_PROPERTY
        }
        benchmarks: dict[str, Any] = {}
        if toolbox.has("market-data"):
            benchmarks = toolbox.get("market-data").run(
                industry=financials.get("industry"), currency=financials.get("currency")
            )
        assessment: RiskAssessment = toolbox.get("risk-calculator").run(
            financials=financials, benchmarks=benchmarks
        )
        analysis = {
            "borrower_name": financials.get("borrower_name") or "Unknown borrower",
            "industry": financials.get("industry"),
            "as_of_date": financials.get("as_of_date"),
            "currency": financials.get("currency"),
            "financials": financials,
            "ratios": assessment.ratios,
            "benchmarks": benchmarks,
            "risk_grade": assessment.grade,
            "risk_score": assessment.score,
            "recommendation": assessment.recommendation,
            "reasons": assessment.reasons,
        }
        return {"proposed_output": analysis}


def create_agent() -> AnalyzerAgent:
    """The analyzer with its default tools."""
    return AnalyzerAgent()
