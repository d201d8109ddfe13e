"""``pdf-parser``: text and tables per page (pypdf for the envelope, pdfplumber for content)."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field
from typing import Any

import pdfplumber
from pypdf import PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

from agents.base.errors import ToolError

logger = logging.getLogger(__name__)

TOOL_ID = "pdf-parser"
MAX_PAGES = 500


@dataclass
class PdfPage:
    number: int
    text: str
    tables: list[list[list[str]]] = field(default_factory=list)


@dataclass
class ParsedPdf:
    pages: list[PdfPage]
    encrypted: bool = False

    @property
    def table_count(self) -> int:
        return sum(len(page.tables) for page in self.pages)


def looks_like_pdf(content: bytes) -> bool:
    """PDF files carry ``%PDF-`` within their first kilobyte."""
    return b"%PDF-" in content[:1024]


class PdfParser:
    """Reads text and tables of every page; clear errors for non-PDFs and locked PDFs."""

    id = TOOL_ID
    name = "PDF parser"
    description = "Text and tables per page from a PDF (pypdf and pdfplumber)."
    sensitive = False

    def run(self, **kwargs: Any) -> ParsedPdf:
        """``run(content=bytes, filename=str)``."""
        return self.parse(kwargs["content"], kwargs.get("filename") or "document")

    def parse(self, content: bytes, filename: str = "document") -> ParsedPdf:
        """Parse ``content``; raise :class:`ToolError` with what to do when it cannot be read."""
        if not content:
            raise ToolError(TOOL_ID, f"{filename!r} is empty (0 bytes); upload the PDF again")
        if not looks_like_pdf(content):
            start = content[:8].decode("latin-1", errors="replace")
            raise ToolError(
                TOOL_ID,
                f"{filename!r} is not a PDF (it starts with {start!r}, not '%PDF-'); "
                "send a PDF file or the document's text",
            )
        password = self._password(content, filename)
        try:
            with pdfplumber.open(io.BytesIO(content), password=password) as pdf:
                if len(pdf.pages) > MAX_PAGES:
                    raise ToolError(
                        TOOL_ID,
                        f"{filename!r} has {len(pdf.pages)} pages; the limit is {MAX_PAGES}",
                    )
                pages = [self._page(number, page) for number, page in enumerate(pdf.pages, 1)]
        except ToolError:
            raise
        except Exception as exc:  # noqa: BLE001 — parser libraries raise anything on damaged files
            raise ToolError(
                TOOL_ID,
                f"{filename!r} is damaged and cannot be read ({type(exc).__name__}: {exc}); "
                "re-export or re-scan the document",
            ) from exc
        return ParsedPdf(pages=pages, encrypted=password is not None)

    @staticmethod
    def _password(content: bytes, filename: str) -> str | None:
        """``""`` for PDFs encrypted without a user password, ``None`` for plain ones."""
        try:
            reader = PdfReader(io.BytesIO(content))
            if not reader.is_encrypted:
                return None
            if reader.decrypt(""):
                return ""
        except (FileNotDecryptedError, DependencyError, PdfReadError, ValueError) as exc:
            if isinstance(exc, PdfReadError) and "encrypt" not in str(exc).lower():
                raise ToolError(
                    TOOL_ID,
                    f"{filename!r} is damaged and cannot be read ({exc}); "
                    "re-export or re-scan the document",
                ) from exc
        raise ToolError(
            TOOL_ID,
            f"{filename!r} is encrypted with a password; remove the password (or send an "
            "unencrypted copy) and try again",
        )

    @staticmethod
    def _page(number: int, page: Any) -> PdfPage:
        text = page.extract_text() or ""
        tables = [
            [[(cell or "").strip() for cell in row] for row in table if row]
            for table in page.extract_tables()
        ]
        return PdfPage(number=number, text=text, tables=[t for t in tables if t])
