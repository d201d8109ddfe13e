"""The analyzer: mapped financials → ratios, sector comparison and a risk grade with reasons."""

from __future__ import annotations

from typing import Any

from agents.analyzer.tools.market_data import MarketData
from agents.analyzer.tools.risk_calculator import RiskAssessment, RiskCalculator, not_computable
from agents.base.agent import Agent
from agents.base.tools import ToolBox
from agents.mapper.mapping import NOT_FOUND, map_record
from schemas.library import (
    ANALYZER_INPUT_SCHEMA,
    ANALYZER_OUTPUT_SCHEMA,
    CREDIT_MEMO_FIELDS,
    MAPPED_DATA_SCHEMA,
    NORMALISATIONS_PROPERTY,
)

SYSTEM_PROMPT = (
    "You are a senior credit risk analyst. You explain risk grades with the ratios behind "
    "them and never change computed figures. Answer with JSON only."
)
TASK_PROMPT = """Assess the credit risk of this borrower.

Financials:
{{ context.proposed_output.financials | tojson }}

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
        financials = self.financials(inputs)
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
            "missing_fields": [name for name in CREDIT_MEMO_FIELDS if financials.get(name) is None],
            "not_computable": not_computable(financials, assessment.ratios),
        }
        return {"proposed_output": analysis}

    @staticmethod
    def financials(inputs: dict[str, Any]) -> dict[str, Any]:
        """The mapper's record, or the extractor's fields normalised with the mapper's code."""
        mapped = inputs.get("mapped_data")
        if isinstance(mapped, dict):
            # The mapper's normalisation log travels with the record; it is not a figure.
            return {k: v for k, v in mapped.items() if k != NORMALISATIONS_PROPERTY}
        record, _log = map_record(inputs["extracted_data"], MAPPED_DATA_SCHEMA)
        return record

    def output_warnings(
        self, inputs: dict[str, Any], output: dict[str, Any]
    ) -> list[tuple[str, str]]:
        """Each credit-memo figure the analysis went without."""
        missing = output.get("missing_fields")
        if not isinstance(missing, list):
            return []
        return [(f"/financials/{name}", NOT_FOUND) for name in missing if isinstance(name, str)]


def create_agent() -> AnalyzerAgent:
    """The analyzer with its default tools."""
    return AnalyzerAgent()
