"""The summarizer: a risk analysis → the credit memo in Markdown and HTML."""

from __future__ import annotations

from typing import Any

from agents.base.agent import Agent
from agents.base.tools import ToolBox
from agents.summarizer.tools.template_engine import TemplateEngine
from schemas.library import SUMMARIZER_INPUT_SCHEMA, SUMMARIZER_OUTPUT_SCHEMA

SYSTEM_PROMPT = (
    "You write concise credit memos for a credit committee. Keep every figure exactly as "
    "given. Answer with JSON only."
)
TASK_PROMPT = """Write the credit memo for this risk analysis.

{{ inputs.risk_analysis | tojson }}

The template engine rendered this draft (improve the wording, keep the figures; answer with
one flat JSON object: title, markdown, html, risk_grade):
{{ context.proposed_output | tojson }}
"""


class SummarizerAgent(Agent):
    """Renders the memo with ``template-engine``."""

    type = "summarizer"
    input_schema = SUMMARIZER_INPUT_SCHEMA
    output_schema = SUMMARIZER_OUTPUT_SCHEMA
    default_system_prompt = SYSTEM_PROMPT
    default_task_prompt = TASK_PROMPT

    def __init__(self, templates: TemplateEngine | None = None) -> None:
        super().__init__([templates or TemplateEngine()])

    async def prepare(self, inputs: dict[str, Any], toolbox: ToolBox) -> dict[str, Any]:
        analysis: dict[str, Any] = dict(inputs["risk_analysis"])
        analysis.setdefault("borrower_name", "Unknown borrower")
        analysis.setdefault("ratios", {})
        analysis.setdefault("reasons", [])
        analysis.setdefault("risk_grade", "n/a")
        analysis.setdefault("recommendation", "n/a")
        rendered = toolbox.get("template-engine").run(analysis=analysis)
        report = {
            "title": f"Credit Memo: {analysis['borrower_name']}",
            "markdown": rendered["markdown"],
            "html": rendered["html"],
            "risk_grade": str(analysis.get("risk_grade")),
        }
        return {"proposed_output": report}


def create_agent() -> SummarizerAgent:
    """The summarizer with its default tools."""
    return SummarizerAgent()
