"""The extractor: a document (PDF, page image or text) → the credit-memo fields its output
schema names."""

from __future__ import annotations

import base64
import binascii
from typing import Any

import anyio

from agents.base.agent import Agent
from agents.base.errors import AgentError, ToolError
from agents.base.tools import ToolBox
from agents.extractor.tools.ocr_engine import OcrEngine
from agents.extractor.tools.pdf_parser import ParsedPdf, PdfParser
from schemas.library import EXTRACTOR_INPUT_SCHEMA, EXTRACTOR_OUTPUT_SCHEMA
from schemas.media_types import IMAGE_MEDIA_TYPES, sniff_media_type

SYSTEM_PROMPT = (
    "You are a credit analyst's assistant. You extract facts from loan documents exactly as "
    "written, never inventing values. Answer with JSON only."
)
TASK_PROMPT = """Extract the fields the output schema names from this document.
Copy each value as written (keep currency signs, units and parentheses); use null when absent.
Answer with one flat JSON object of those fields.

Document text:
{{ context.document_text }}
"""


def tables_as_lines(parsed: ParsedPdf) -> str:
    """Table rows as ``label: value`` lines, so labelled figures in tables read like text."""
    lines = []
    for page in parsed.pages:
        for table in page.tables:
            for row in table:
                cells = [cell for cell in row if cell]
                if len(cells) >= 2:
                    lines.append(f"{cells[0]}: {' '.join(cells[1:])}")
    return "\n".join(lines)


class ExtractorAgent(Agent):
    """Reads PDFs with ``pdf-parser`` (and ``ocr-engine`` for pages without text), and
    PNG, JPEG and TIFF page images with ``ocr-engine``."""

    type = "extractor"
    input_schema = EXTRACTOR_INPUT_SCHEMA
    output_schema = EXTRACTOR_OUTPUT_SCHEMA
    default_system_prompt = SYSTEM_PROMPT
    default_task_prompt = TASK_PROMPT

    def __init__(self, ocr: OcrEngine | None = None) -> None:
        super().__init__([PdfParser(), ocr or OcrEngine()])

    async def prepare(self, inputs: dict[str, Any], toolbox: ToolBox) -> dict[str, Any]:
        document = inputs["document"]
        if isinstance(document, str):
            return {"document_text": document, "source": {"filename": None, "pages": 0}}
        filename = str(document.get("filename") or document.get("artifact_uri") or "document")
        try:
            content = base64.b64decode(document["content_base64"], validate=True)
        except (binascii.Error, ValueError) as exc:
            raise AgentError(
                f"/inputs/document/content_base64 of {filename!r} is not valid base64 ({exc})",
                status_code=422,
            ) from exc
        media_type = str(document.get("media_type") or "")
        # The bytes say what they are; a declared type is only trusted for text.
        detected = sniff_media_type(content)
        if detected in IMAGE_MEDIA_TYPES:
            return await self._read_image(content, filename, detected, toolbox)
        if media_type.startswith("text/"):
            return {
                "document_text": content.decode("utf-8", errors="replace"),
                "source": {"filename": filename, "pages": 0},
            }
        parser = toolbox.get("pdf-parser")
        parsed: ParsedPdf = await anyio.to_thread.run_sync(
            lambda: parser.run(content=content, filename=filename)
        )
        ocr_used, ocr_error = await self._ocr_blank_pages(parsed, content, toolbox)
        text = "\n".join(page.text for page in parsed.pages if page.text.strip())
        if not text.strip():
            hint = ocr_error or "enable the ocr-engine tool (it needs tesseract-ocr)"
            raise AgentError(
                f"no text found in {filename!r} ({len(parsed.pages)} page(s)): the pages are "
                f"empty or scanned images; {hint}",
                status_code=422,
            )
        tables = tables_as_lines(parsed)
        source: dict[str, Any] = {
            "filename": filename,
            "pages": len(parsed.pages),
            "tables": parsed.table_count,
            "ocr_used": ocr_used,
        }
        if ocr_error:
            source["ocr_error"] = ocr_error
        return {"document_text": f"{text}\n{tables}".strip(), "source": source}

    @staticmethod
    async def _read_image(
        content: bytes, filename: str, media_type: str, toolbox: ToolBox
    ) -> dict[str, Any]:
        if not toolbox.has("ocr-engine"):
            raise AgentError(
                f"{filename!r} is an image ({media_type}): reading it needs the ocr-engine "
                "tool, which this agent's config disables; enable it (it needs tesseract-ocr) "
                "or upload the document as a PDF with a text layer",
                status_code=422,
            )
        ocr = toolbox.get("ocr-engine")
        texts: dict[int, str] = await anyio.to_thread.run_sync(
            lambda: ocr.run(image=content, filename=filename)
        )
        text = "\n".join(texts[number] for number in sorted(texts) if texts[number].strip())
        if not text.strip():
            raise AgentError(
                f"no text found in {filename!r} ({media_type}, {len(texts)} page(s)): OCR "
                "read nothing; upload a sharper scan (300 dpi or more) or the original PDF",
                status_code=422,
            )
        return {
            "document_text": text.strip(),
            "source": {"filename": filename, "pages": len(texts), "tables": 0, "ocr_used": True},
        }

    @staticmethod
    async def _ocr_blank_pages(
        parsed: ParsedPdf, content: bytes, toolbox: ToolBox
    ) -> tuple[bool, str | None]:
        blank = [page.number for page in parsed.pages if not page.text.strip()]
        if not blank or not toolbox.has("ocr-engine"):
            return False, None
        ocr = toolbox.get("ocr-engine")
        try:
            texts: dict[int, str] = await anyio.to_thread.run_sync(
                lambda: ocr.run(content=content, pages=blank)
            )
        except ToolError as exc:
            return False, exc.detail
        for page in parsed.pages:
            page.text = texts.get(page.number, page.text) if not page.text.strip() else page.text
        return any(text.strip() for text in texts.values()), None


def create_agent() -> ExtractorAgent:
    """The extractor with its default tools."""
    return ExtractorAgent()
