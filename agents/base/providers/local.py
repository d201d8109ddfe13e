"""The ``local`` provider: deterministic rules, no model, no network, no key.

It exists so the whole platform runs offline (``hub up``, tests, the demo). It
does not call any language model. It answers a completion from
``request.context`` (the tool results an agent passes along) with these rules:

* ``context["document_text"]`` present (the extractor): for every text property
  of the output schema (its top-level properties; the result is the extracted
  fields object itself), find a line ``<label>: <value>`` (or ``<label>
  <number>``) in the text, the labels being the property's ``x-labels`` or its
  name in words (``annual_revenue`` → "Annual Revenue"); the first match wins,
  missing fields are ``null``. A figure (``x-kind`` money, percent or ratio) not found
  that way is looked for in running text after a label of six or more characters
  ("EBITDA reached $3.1 million", years skipped). Properties typed as objects or arrays are not
  document fields and are skipped; ``context["source"]`` fills the ``source``
  property when the schema declares one.
* ``context["proposed_output"]`` present (mapper, analyzer, summarizer: their
  tools already computed the answer): return it as it stands.
* otherwise: an empty object (which the output schema then judges).

Token counts are estimates (characters / 4) so usage and budgets behave like a
real provider's; the model is reported as ``local-rules``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from agents.base.llm import CompletionRequest, CompletionResult
from schemas.library import EXTRACTION_SOURCE_PROPERTY

LOCAL_MODEL = "local-rules"
_VALUE_START = r"[\$€£¥(\-−+\d]"


def estimate_tokens(text: str) -> int:
    """A deterministic token estimate: one token per four characters (at least one)."""
    return max(1, len(text) // 4)


def field_labels(name: str, prop: dict[str, Any]) -> list[str]:
    """The labels a document may use for a schema property, longest first."""
    labels = [str(label) for label in prop.get("x-labels", []) if str(label).strip()]
    words = name.replace("_", " ").strip()
    if words and words.lower() not in {label.lower() for label in labels}:
        labels.append(words)
    return sorted(labels, key=len, reverse=True)


def find_labelled_value(text: str, labels: list[str]) -> str | None:
    """The value after the first line starting with one of ``labels`` (case-insensitive)."""
    for label in labels:
        pattern = re.compile(
            rf"^[ \t]*{re.escape(label)}[ \t]*"
            rf"(?::[ \t]*(?P<a>\S.*?)|[ \t]+(?P<b>{_VALUE_START}.*?))[ \t]*$",
            re.IGNORECASE | re.MULTILINE,
        )
        match = pattern.search(text)
        if match:
            return (match.group("a") or match.group("b")).strip()
    return None


#: Property kinds (``x-kind``) whose values are figures: also looked for in prose.
FIGURE_KINDS = frozenset({"money", "percent", "ratio"})
_FIGURE = re.compile(
    r"(?:(?:USD|EUR|GBP|JPY|CHF|CAD|AUD)\s?)?[\$€£¥]?\s?[(\-−]?\d[\d,.']*\)?"
    r"(?:\s?(?:%|(?:percent|per cent|million|mn|mm|bn|billion|thousand|k|m|years?)\b))?"
    r"(?:\s?(?:USD|EUR|GBP|JPY|CHF|CAD|AUD)\b)?",
    re.IGNORECASE,
)
_YEAR = re.compile(r"^(?:19|20)\d\d$")
#: How far after its label a figure in prose may be (within the same sentence).
_PROSE_REACH = 80
#: Shorter labels ("Term", "Rate") say too little on their own in running text.
_PROSE_MIN_LABEL = 6


def find_figure_in_prose(text: str, labels: list[str]) -> str | None:
    """A figure written after one of ``labels`` in running text, e.g. "EBITDA reached
    $3.1 million" or "net sales for 2024 were 12,400,000 EUR" (years are skipped)."""
    for label in labels:
        if len(label) < _PROSE_MIN_LABEL:
            continue
        for found in re.finditer(rf"\b{re.escape(label)}\b", text, re.IGNORECASE):
            tail = text[found.end() : found.end() + _PROSE_REACH]
            tail = re.split(r"\n|;|\.\s", tail, maxsplit=1)[0]
            for figure in _FIGURE.finditer(tail):
                value = figure.group(0).strip().rstrip(".,")
                if any(ch.isdigit() for ch in value) and not _YEAR.match(value):
                    return value
    return None


def is_text_property(prop: Any) -> bool:
    """Whether a schema property can hold a value as written (a string, or untyped)."""
    if not isinstance(prop, dict):
        return True
    declared = prop.get("type")
    if declared is None:
        return True
    types = {declared} if isinstance(declared, str) else set(declared)
    return "string" in types


def extract_fields(text: str, output_schema: dict[str, Any] | None) -> dict[str, Any]:
    """Rule-based extraction of the text properties ``output_schema`` names at its top level."""
    properties: dict[str, Any] = (output_schema or {}).get("properties") or {}
    found: dict[str, Any] = {}
    for name, prop in properties.items():
        if not is_text_property(prop):
            continue
        prop = prop if isinstance(prop, dict) else {}
        labels = field_labels(name, prop)
        value = find_labelled_value(text, labels)
        if value is None and prop.get("x-kind") in FIGURE_KINDS:
            value = find_figure_in_prose(text, labels)
        found[name] = value
    return found


class LocalProvider:
    """Deterministic rule-based stand-in for a model (see the module docstring)."""

    name = "local"

    async def complete(self, request: CompletionRequest) -> CompletionResult:
        """Answer from the context by the rules above; never fails, never calls out."""
        context = request.context
        data: dict[str, Any]
        if isinstance(context.get("document_text"), str):
            data = extract_fields(context["document_text"], request.output_schema)
            declared = (request.output_schema or {}).get("properties") or {}
            if isinstance(context.get("source"), dict) and EXTRACTION_SOURCE_PROPERTY in declared:
                data[EXTRACTION_SOURCE_PROPERTY] = context["source"]
        elif isinstance(context.get("proposed_output"), dict):
            data = context["proposed_output"]
        else:
            data = {}
        text = json.dumps(data, default=str, sort_keys=True)
        prompt = request.system + "".join(m.content for m in request.messages)
        return CompletionResult(
            text=text,
            data=data,
            input_tokens=estimate_tokens(prompt),
            output_tokens=estimate_tokens(text),
            model=LOCAL_MODEL,
            provider=self.name,
        )
