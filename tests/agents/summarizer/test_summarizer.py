"""The credit memo template engine: figures formatted, HTML escaped, sandbox enforced."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.base.errors import ToolError
from agents.summarizer.tools.template_engine import TemplateEngine, money

ANALYSIS = {
    "borrower_name": "<script>alert(1)</script> & Sons",
    "currency": "EUR",
    "financials": {"loan_amount": 2_500_000, "net_income": -350_000},
    "ratios": {"dscr": 1.7209, "ltv": 0.625},
    "risk_grade": "B",
    "recommendation": "Approve",
    "reasons": ["DSCR 1.72x comfortably covers debt service"],
}


def test_money_formats() -> None:
    assert money(1_200_000, "USD") == "$1,200,000"
    assert money(-350_000, "USD") == "-$350,000"
    assert money(5, "CHF") == "5 CHF"
    assert money(None, "USD") == "not found in the document"


def test_memo_in_markdown_and_escaped_html() -> None:
    rendered = TemplateEngine().render(ANALYSIS)
    assert "€2,500,000" in rendered["markdown"] and "-€350,000" in rendered["markdown"]
    assert "1.72x" in rendered["markdown"] and "62.5%" in rendered["markdown"]
    assert "<script>" not in rendered["html"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Sons" in rendered["html"]
    assert "n/a" in rendered["html"]  # missing figures are shown as such


def test_sandbox_blocks_unsafe_templates(tmp_path: Path) -> None:
    (tmp_path / "credit_memo.md.j2").write_text("[{{ a.__class__ }}{{ ''.__class__.__mro__ }}]")
    (tmp_path / "credit_memo.html.j2").write_text("ok")
    assert TemplateEngine(tmp_path).render(ANALYSIS)["markdown"] == "[]"
    (tmp_path / "credit_memo.md.j2").write_text("{{ a.clear() }}")
    with pytest.raises(ToolError, match="cannot be rendered"):
        TemplateEngine(tmp_path).render(ANALYSIS)
