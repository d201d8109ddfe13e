"""``template-engine``: the credit memo in Markdown and HTML (sandboxed Jinja2, HTML escaped)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import ChainableUndefined, FileSystemLoader, TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from agents.base.errors import ToolError

BUNDLED_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
CURRENCY_SIGNS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}


#: What the memo shows for a figure the document does not give.
NOT_FOUND = "not found in the document"
NOT_COMPUTABLE = "not computable"


def money(value: Any, currency: str | None = None) -> str:
    """``1200000, "USD"`` → ``$1,200,000``; negatives as ``-$350,000``; missing → not found."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return NOT_FOUND
    sign = "-" if value < 0 else ""
    code = (currency or "").upper()
    symbol = CURRENCY_SIGNS.get(code)
    amount = f"{abs(value):,.0f}"
    if symbol:
        return f"{sign}{symbol}{amount}"
    return f"{sign}{amount} {code}".rstrip()


def times(value: Any, missing: str = "n/a") -> str:
    """A ratio as ``1.82x``."""
    return f"{value:.2f}x" if isinstance(value, int | float) else missing


def percent(value: Any, missing: str = "n/a") -> str:
    """A fraction as ``65.0%``."""
    return f"{value * 100:.1f}%" if isinstance(value, int | float) else missing


def _environment(autoescape: bool, directory: Path) -> ImmutableSandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(
        loader=FileSystemLoader(str(directory)),
        autoescape=autoescape,
        undefined=ChainableUndefined,  # a partial analysis still renders, gaps as n/a
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(money=money, times=times, percent=percent)
    env.globals.update(NOT_COMPUTABLE=NOT_COMPUTABLE, NOT_FOUND=NOT_FOUND)
    return env


class TemplateEngine:
    """Renders ``credit_memo.md.j2`` and ``credit_memo.html.j2`` from a template folder."""

    id = "template-engine"
    name = "Template engine"
    description = "Renders the credit memo in Markdown and HTML (sandboxed Jinja2)."
    sensitive = False

    def __init__(self, directory: Path = BUNDLED_TEMPLATES) -> None:
        self.markdown_env = _environment(False, directory)
        self.html_env = _environment(True, directory)

    def run(self, **kwargs: Any) -> dict[str, str]:
        """``run(analysis=dict)`` → ``{"markdown", "html"}``."""
        return self.render(kwargs["analysis"])

    def render(self, analysis: dict[str, Any]) -> dict[str, str]:
        variables = {"a": analysis, "f": analysis.get("financials") or {}}
        try:
            return {
                "markdown": self.markdown_env.get_template("credit_memo.md.j2").render(variables),
                "html": self.html_env.get_template("credit_memo.html.j2").render(variables),
            }
        except TemplateError as exc:
            raise ToolError(
                self.id, f"the credit memo template cannot be rendered: {exc}", status_code=400
            ) from exc
