"""``ocr-engine``: text of scanned PDF pages through the Tesseract binary."""

from __future__ import annotations

import io
import shutil
import subprocess
from typing import Any

import pypdfium2

from agents.base.errors import ToolError

TOOL_ID = "ocr-engine"
RENDER_DPI = 200
PAGE_TIMEOUT_SECONDS = 120


class OcrEngine:
    """Renders pages (pypdfium2) and reads them with ``tesseract``; clear error when absent."""

    id = TOOL_ID
    name = "OCR engine"
    description = "Text from scanned pages through Tesseract (needs the tesseract-ocr package)."
    sensitive = False

    def __init__(self, tesseract_cmd: str = "tesseract", language: str = "eng") -> None:
        self.tesseract_cmd = tesseract_cmd
        self.language = language

    def available(self) -> bool:
        """Whether the Tesseract binary can be found."""
        return shutil.which(self.tesseract_cmd) is not None

    def run(self, **kwargs: Any) -> dict[int, str]:
        """``run(content=pdf_bytes, pages=[1, 2, ...])`` → text by page number."""
        return self.read_pages(kwargs["content"], list(kwargs.get("pages") or []))

    def read_pages(self, content: bytes, pages: list[int]) -> dict[int, str]:
        """OCR the given 1-based pages of a PDF."""
        binary = shutil.which(self.tesseract_cmd)
        if binary is None:
            raise ToolError(
                TOOL_ID,
                f"Tesseract is not installed ({self.tesseract_cmd!r} not found on PATH): install "
                "the Debian/Ubuntu package tesseract-ocr (apt-get install tesseract-ocr) or "
                "disable the ocr-engine tool",
                status_code=400,
            )
        document = pypdfium2.PdfDocument(content)
        try:
            texts: dict[int, str] = {}
            for number in pages:
                if not 1 <= number <= len(document):
                    continue
                bitmap = document[number - 1].render(scale=RENDER_DPI / 72)
                image = io.BytesIO()
                bitmap.to_pil().save(image, format="PNG")
                texts[number] = self._tesseract(binary, image.getvalue())
            return texts
        finally:
            document.close()

    def _tesseract(self, binary: str, png: bytes) -> str:
        try:
            done = subprocess.run(
                [binary, "stdin", "stdout", "-l", self.language],
                input=png,
                capture_output=True,
                timeout=PAGE_TIMEOUT_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise ToolError(
                TOOL_ID, f"Tesseract took longer than {PAGE_TIMEOUT_SECONDS}s on one page"
            ) from exc
        if done.returncode != 0:
            message = done.stderr.decode(errors="replace").strip()[-500:]
            raise ToolError(
                TOOL_ID,
                f"Tesseract failed ({message}); check that the language pack "
                f"tesseract-ocr-{self.language} is installed",
                status_code=400,
            )
        return done.stdout.decode(errors="replace")
