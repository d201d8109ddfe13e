"""The built-in agent library: the four agent types every hub ships with.

Pure data. ``GET /agents/library`` serves :data:`BUILTIN_LIBRARY`; the agent
services use the same schemas as their defaults when a resolved config carries
no input or output schema (URIs ``builtin://schemas/<type>-<input|output>.json``).

Input schemas are keyed by the field names of an orchestration step's inputs
(extractor ``document``, mapper ``extracted_data``, analyzer ``mapped_data``,
summarizer ``risk_analysis``). Output schemas describe the agent's result itself,
flat: the engine hands a step that declares one output the whole result under
that output's name, so the extracted fields, the mapped record, the risk analysis
and the report are each the top-level object. Besides its fields, the extractor's
result declares a ``source`` object (provenance) and the mapper's a
``normalisations`` list (what was converted); both are declared properties, so the
record stays valid against its schema.

Schema properties may carry ``x-labels`` (the labels a document uses for a field;
the rule-based extraction reads them) and ``x-source`` (the extracted field a
mapped field comes from). Both are annotations JSON Schema 2020-12 ignores.
"""

from __future__ import annotations

from typing import Any

from schemas.agents import (
    AgentConfig,
    LibraryAgent,
    MemoryConfig,
    ModelConfig,
    PromptConfig,
    SchemaConfig,
    ToolConfig,
    ToolInfo,
)

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
BUILTIN_SCHEMA_PREFIX = "builtin://schemas/"
LOCAL_MODEL_NAME = "local-rules"

# --------------------------------------------------------------------------- fields

#: Credit-memo fields: name → (kind, description, labels found in documents).
#: ``money`` values are amounts in the document's currency, ``ratio`` plain numbers,
#: ``date`` ISO dates, ``text`` free text.
CREDIT_MEMO_FIELDS: dict[str, tuple[str, str, list[str]]] = {
    "borrower_name": ("text", "Legal name of the borrower", ["Borrower", "Borrower Name"]),
    "industry": ("text", "Borrower's industry or sector", ["Industry", "Sector"]),
    "as_of_date": (
        "date",
        "Date of the financial statements the memo relies on",
        ["As of Date", "As-of Date", "Statement Date", "As of"],
    ),
    "currency": ("text", "ISO 4217 currency of the amounts", ["Currency"]),
    "loan_amount": (
        "money",
        "Requested loan amount",
        ["Loan Amount", "Requested Amount", "Facility Amount"],
    ),
    "loan_term_years": ("ratio", "Loan term in years", ["Loan Term", "Term"]),
    "interest_rate": ("percent", "Interest rate of the facility", ["Interest Rate", "Rate"]),
    "annual_revenue": (
        "money",
        "Annual revenue (net sales)",
        ["Annual Revenue", "Revenue", "Total Revenue", "Net Sales"],
    ),
    "ebitda": ("money", "Earnings before interest, taxes, depreciation, amortisation", ["EBITDA"]),
    "net_income": ("money", "Net income (negative for a loss)", ["Net Income", "Net Profit"]),
    "total_debt": ("money", "Total funded debt", ["Total Debt", "Total Funded Debt"]),
    "interest_expense": ("money", "Annual interest expense", ["Interest Expense"]),
    "annual_debt_service": (
        "money",
        "Annual principal and interest payments",
        ["Annual Debt Service", "Debt Service"],
    ),
    "current_assets": ("money", "Current assets", ["Current Assets", "Total Current Assets"]),
    "current_liabilities": (
        "money",
        "Current liabilities",
        ["Current Liabilities", "Total Current Liabilities"],
    ),
    "collateral_value": (
        "money",
        "Appraised value of the collateral",
        ["Collateral Value", "Appraised Collateral Value", "Collateral"],
    ),
}

#: Fields every mapped record carries (``null`` when the document does not give them:
#: a missing figure flows on as missing, and the analyzer says what it could not compute).
REQUIRED_MAPPED_FIELDS: list[str] = [
    "borrower_name",
    "loan_amount",
    "annual_revenue",
    "ebitda",
    "total_debt",
    "interest_expense",
    "annual_debt_service",
]

_NUMBER_OR_NULL: dict[str, Any] = {"type": ["number", "null"]}
_STRING_OR_NULL: dict[str, Any] = {"type": ["string", "null"]}


def _extracted_property(name: str) -> dict[str, Any]:
    _kind, description, labels = CREDIT_MEMO_FIELDS[name]
    return {
        "type": ["string", "null"],
        "description": f"{description}, as written in the document",
        "x-labels": labels,
        # What kind of value it is (money, percent, ratio, date, text): a figure may also
        # be read from prose ("Net sales for 2024 were $12.5 million").
        "x-kind": _kind,
    }


def _mapped_property(name: str) -> dict[str, Any]:
    kind, description, _labels = CREDIT_MEMO_FIELDS[name]
    prop: dict[str, Any]
    if kind == "money":
        prop = {**_NUMBER_OR_NULL, "description": f"{description} (in currency units)"}
    elif kind == "percent":
        prop = {**_NUMBER_OR_NULL, "description": f"{description} (a fraction: 5% is 0.05)"}
        prop["x-unit"] = "percent"
    elif kind == "ratio":
        prop = {**_NUMBER_OR_NULL, "description": description}
    elif kind == "date":
        prop = {**_STRING_OR_NULL, "format": "date", "description": f"{description} (ISO 8601)"}
    else:
        prop = {**_STRING_OR_NULL, "description": description}
    if name == "borrower_name":
        prop = {**_STRING_OR_NULL, "minLength": 1, "description": description}
    prop["x-source"] = name
    return prop


_DOCUMENT_OBJECT: dict[str, Any] = {
    "type": "object",
    "description": "A document handed over inline by the engine (bytes as base64).",
    "properties": {
        "artifact_uri": {"type": "string"},
        "filename": {"type": "string"},
        "media_type": {"type": "string"},
        "content_base64": {"type": "string"},
    },
    "required": ["content_base64"],
}

EXTRACTOR_INPUT_SCHEMA: dict[str, Any] = {
    "$schema": JSON_SCHEMA_DIALECT,
    "$id": f"{BUILTIN_SCHEMA_PREFIX}extractor-input.json",
    "title": "Extractor input",
    "type": "object",
    "properties": {
        "document": {
            "description": "A PDF or a page image (PNG, JPEG, TIFF) as an inline object, "
            "or the document's plain text.",
            "oneOf": [_DOCUMENT_OBJECT, {"type": "string", "minLength": 1}],
            # The media types the extractor reads (an uploaded document's detected type
            # is checked against them when a run starts); schemas.media_types.
            "x-media-types": ["application/pdf", "image/png", "image/jpeg", "image/tiff"],
        }
    },
    "required": ["document"],
}

#: The extractor's provenance property (filename, pages, tables, OCR). It is an object,
#: so rule-based extraction, which fills only text properties, never searches for it.
EXTRACTION_SOURCE_PROPERTY = "source"

EXTRACTOR_OUTPUT_SCHEMA: dict[str, Any] = {
    "$schema": JSON_SCHEMA_DIALECT,
    "$id": f"{BUILTIN_SCHEMA_PREFIX}extractor-output.json",
    "title": "Extractor output: the extracted fields, as written in the document",
    "type": "object",
    "properties": {
        **{name: _extracted_property(name) for name in CREDIT_MEMO_FIELDS},
        EXTRACTION_SOURCE_PROPERTY: {
            "type": "object",
            "description": "Where the data came from (not a document field).",
            "properties": {
                "filename": _STRING_OR_NULL,
                "pages": {"type": "integer", "minimum": 0},
                "tables": {"type": "integer", "minimum": 0},
                "ocr_used": {"type": "boolean"},
            },
        },
    },
    "required": ["borrower_name"],
    "additionalProperties": True,
}

MAPPED_DATA_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {name: _mapped_property(name) for name in CREDIT_MEMO_FIELDS},
    "required": list(REQUIRED_MAPPED_FIELDS),
    "additionalProperties": True,
}

MAPPER_INPUT_SCHEMA: dict[str, Any] = {
    "$schema": JSON_SCHEMA_DIALECT,
    "$id": f"{BUILTIN_SCHEMA_PREFIX}mapper-input.json",
    "title": "Mapper input",
    "type": "object",
    "properties": {
        "extracted_data": {"type": "object"},
        "target_schema": {
            "type": "object",
            "description": "Optional JSON Schema of the mapped record; default: the built-in one.",
        },
    },
    "required": ["extracted_data"],
}

#: The mapper's normalisation log property: declared by the mapper's output schema
#: next to the mapped fields, never part of :data:`MAPPED_DATA_SCHEMA` itself.
NORMALISATIONS_PROPERTY = "normalisations"

NORMALISATIONS_SCHEMA: dict[str, Any] = {
    "type": "array",
    "description": "What was converted: field, raw value, normalised value (not a record field).",
    "items": {
        "type": "object",
        "properties": {
            "field": {"type": "string"},
            "raw": {},
            "value": {},
            "error": {"type": "string"},
        },
        "required": ["field"],
    },
}

MAPPER_OUTPUT_SCHEMA: dict[str, Any] = {
    "$schema": JSON_SCHEMA_DIALECT,
    "$id": f"{BUILTIN_SCHEMA_PREFIX}mapper-output.json",
    "title": "Mapper output: the mapped record",
    **MAPPED_DATA_SCHEMA,
    "properties": {
        **MAPPED_DATA_SCHEMA["properties"],
        NORMALISATIONS_PROPERTY: NORMALISATIONS_SCHEMA,
    },
}

_RATIOS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "dscr": _NUMBER_OR_NULL,
        "leverage": _NUMBER_OR_NULL,
        "interest_coverage": _NUMBER_OR_NULL,
        "current_ratio": _NUMBER_OR_NULL,
        "ltv": _NUMBER_OR_NULL,
        "ebitda_margin": _NUMBER_OR_NULL,
    },
    "required": ["dscr", "leverage", "interest_coverage", "current_ratio", "ltv"],
}

#: The analyzer reads either the mapper's record or the extractor's fields (which it then
#: normalises with the mapper's own code), so the platform document's extractor →
#: analyzer → summarizer pipeline runs without a mapper.
ANALYZER_INPUT_SCHEMA: dict[str, Any] = {
    "$schema": JSON_SCHEMA_DIALECT,
    "$id": f"{BUILTIN_SCHEMA_PREFIX}analyzer-input.json",
    "title": "Analyzer input",
    "type": "object",
    "properties": {
        "mapped_data": {"type": "object", "description": "The mapper's record."},
        "extracted_data": {
            "type": "object",
            "description": "The extractor's fields, as written in the document.",
        },
    },
    "anyOf": [{"required": ["mapped_data"]}, {"required": ["extracted_data"]}],
}

ANALYZER_OUTPUT_SCHEMA: dict[str, Any] = {
    "$schema": JSON_SCHEMA_DIALECT,
    "$id": f"{BUILTIN_SCHEMA_PREFIX}analyzer-output.json",
    "title": "Analyzer output: the risk analysis",
    "type": "object",
    "properties": {
        "borrower_name": {"type": "string", "minLength": 1},
        "industry": _STRING_OR_NULL,
        "as_of_date": _STRING_OR_NULL,
        "currency": _STRING_OR_NULL,
        "financials": {"type": "object"},
        "ratios": _RATIOS_SCHEMA,
        "benchmarks": {"type": "object"},
        "risk_grade": {"type": "string", "enum": ["A", "B", "C", "D", "E"]},
        "risk_score": {"type": "number"},
        "recommendation": {"type": "string"},
        "reasons": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "missing_fields": {
            "type": "array",
            "items": {"type": "string"},
            "description": "Credit-memo fields not found in the document (null in financials).",
        },
        "not_computable": {
            "type": "object",
            "additionalProperties": {"type": "string"},
            "description": "Ratio → why it could not be computed.",
        },
    },
    "required": [
        "borrower_name",
        "financials",
        "ratios",
        "risk_grade",
        "reasons",
        "recommendation",
    ],
}

SUMMARIZER_INPUT_SCHEMA: dict[str, Any] = {
    "$schema": JSON_SCHEMA_DIALECT,
    "$id": f"{BUILTIN_SCHEMA_PREFIX}summarizer-input.json",
    "title": "Summarizer input",
    "type": "object",
    "properties": {"risk_analysis": {"type": "object"}},
    "required": ["risk_analysis"],
}

SUMMARIZER_OUTPUT_SCHEMA: dict[str, Any] = {
    "$schema": JSON_SCHEMA_DIALECT,
    "$id": f"{BUILTIN_SCHEMA_PREFIX}summarizer-output.json",
    "title": "Summarizer output: the credit memo",
    "type": "object",
    "properties": {
        "title": {"type": "string", "minLength": 1},
        "markdown": {"type": "string", "minLength": 1},
        "html": {"type": "string", "minLength": 1},
        "risk_grade": {"type": "string"},
    },
    "required": ["title", "markdown", "html"],
}

# --------------------------------------------------------------------------- tools

TOOLS: dict[str, ToolInfo] = {
    "pdf-parser": ToolInfo(
        id="pdf-parser",
        name="PDF parser",
        description="Text and tables per page from a PDF (pypdf and pdfplumber).",
    ),
    "ocr-engine": ToolInfo(
        id="ocr-engine",
        name="OCR engine",
        description="Text from scanned pages through Tesseract (needs the tesseract-ocr package).",
    ),
    "schema-validator": ToolInfo(
        id="schema-validator",
        name="Schema validator",
        description="Validates a record against a JSON Schema 2020-12; errors as JSON pointers.",
    ),
    "risk-calculator": ToolInfo(
        id="risk-calculator",
        name="Risk calculator",
        description="DSCR, leverage, interest coverage, current ratio, LTV and a risk grade.",
    ),
    "market-data": ToolInfo(
        id="market-data",
        name="Market data",
        description="Sector benchmarks and reference rates from a bundled data file.",
    ),
    "template-engine": ToolInfo(
        id="template-engine",
        name="Template engine",
        description="Renders the credit memo in Markdown and HTML (sandboxed Jinja2).",
    ),
}

AGENT_TOOLS: dict[str, list[str]] = {
    "extractor": ["pdf-parser", "ocr-engine"],
    "mapper": ["schema-validator"],
    "analyzer": ["risk-calculator", "market-data"],
    "summarizer": ["template-engine"],
}

INPUT_SCHEMAS: dict[str, dict[str, Any]] = {
    "extractor": EXTRACTOR_INPUT_SCHEMA,
    "mapper": MAPPER_INPUT_SCHEMA,
    "analyzer": ANALYZER_INPUT_SCHEMA,
    "summarizer": SUMMARIZER_INPUT_SCHEMA,
}

OUTPUT_SCHEMAS: dict[str, dict[str, Any]] = {
    "extractor": EXTRACTOR_OUTPUT_SCHEMA,
    "mapper": MAPPER_OUTPUT_SCHEMA,
    "analyzer": ANALYZER_OUTPUT_SCHEMA,
    "summarizer": SUMMARIZER_OUTPUT_SCHEMA,
}

#: Schemas by their ``builtin://schemas/...`` URI.
BUILTIN_SCHEMAS: dict[str, dict[str, Any]] = {
    schema["$id"]: schema for schema in [*INPUT_SCHEMAS.values(), *OUTPUT_SCHEMAS.values()]
}

_DESCRIPTIONS: dict[str, tuple[str, str]] = {
    "extractor": (
        "Document Extractor",
        "Extracts the credit-memo fields named by its output schema from PDF documents "
        "(text, tables, OCR for scanned pages).",
    ),
    "mapper": (
        "Field Mapper",
        "Maps extracted fields onto a target schema, normalising amounts ($1.2M, 1,200,000, "
        "(350) negatives, 3.4bn), percentages and dates.",
    ),
    "analyzer": (
        "Risk Analyzer",
        "Computes DSCR, leverage, interest coverage, current ratio and LTV, compares them to "
        "sector benchmarks and assigns a risk grade with the reasons behind it.",
    ),
    "summarizer": (
        "Report Generator",
        "Writes the credit memo in Markdown and HTML from the risk analysis.",
    ),
}


def default_config(agent_type: str) -> AgentConfig:
    """The config a built-in agent runs with when none is given: offline, no key needed."""
    return AgentConfig(
        model=ModelConfig(
            provider="local", model_name=LOCAL_MODEL_NAME, temperature=0.0, max_tokens=4096
        ),
        prompts=PromptConfig(
            system_prompt_uri=f"mlflow:/prompts/{agent_type}-system-v1",
            task_prompt_uri=f"mlflow:/prompts/{agent_type}-task-v1",
        ),
        schemas=SchemaConfig(
            input_schema_uri=f"{BUILTIN_SCHEMA_PREFIX}{agent_type}-input.json",
            output_schema_uri=f"{BUILTIN_SCHEMA_PREFIX}{agent_type}-output.json",
            on_violation="fail",
            max_repairs=2,
        ),
        tools=[ToolConfig(id=tool_id, enabled=True) for tool_id in AGENT_TOOLS[agent_type]],
        memory=MemoryConfig(enabled=False, type="buffer", max_messages=10),
    )


BUILTIN_LIBRARY: list[LibraryAgent] = [
    LibraryAgent(
        type=agent_type,
        name=_DESCRIPTIONS[agent_type][0],
        description=_DESCRIPTIONS[agent_type][1],
        default_config=default_config(agent_type),
        input_schema=INPUT_SCHEMAS[agent_type],
        output_schema=OUTPUT_SCHEMAS[agent_type],
        tools=[TOOLS[tool_id] for tool_id in AGENT_TOOLS[agent_type]],
    )
    for agent_type in ("extractor", "mapper", "analyzer", "summarizer")
]
