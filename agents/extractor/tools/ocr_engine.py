"""``ocr-engine``: text of scanned PDF pages and of page images through Tesseract."""

from __future__ import annotations

import io
import shutil
import subprocess
from typing import Any

import pypdfium2
from PIL import Image, ImageSequence, UnidentifiedImageError

from agents.base.errors import ToolError

TOOL_ID = "ocr-engine"
RENDER_DPI = 200
PAGE_TIMEOUT_SECONDS = 120
#: A multi-page TIFF is read up to this many pages (as the PDF parser caps a PDF).
MAX_IMAGE_PAGES = 500


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
        """``run(content=pdf_bytes, pages=[1, 2, ...])`` or ``run(image=image_bytes,
        filename=...)`` → text by page number (1-based; an image has one page per frame)."""
        if "image" in kwargs:
            return self.read_image(kwargs["image"], kwargs.get("filename") or "document")
        return self.read_pages(kwargs["content"], list(kwargs.get("pages") or []))

    def _binary(self) -> str:
        binary = shutil.which(self.tesseract_cmd)
        if binary is None:
            raise ToolError(
                TOOL_ID,
                f"Tesseract is not installed ({self.tesseract_cmd!r} not found on PATH): install "
                "the Debian/Ubuntu package tesseract-ocr (apt-get install tesseract-ocr) or "
                "disable the ocr-engine tool",
                status_code=400,
            )
        return binary

    def read_image(self, content: bytes, filename: str = "document") -> dict[int, str]:
        """OCR a PNG, JPEG or TIFF (every frame of a multi-page TIFF)."""
        binary = self._binary()
        pages: list[bytes] = []
        try:
            image = Image.open(io.BytesIO(content))
            for frame in ImageSequence.Iterator(image):
                if len(pages) >= MAX_IMAGE_PAGES:
                    break
                # Tesseract reads 8-bit grey or RGB reliably; CMYK JPEGs, 16-bit PNGs and
                # palette TIFFs are normalised first.
                page = io.BytesIO()
                frame.convert("RGB").save(page, format="PNG")
                pages.append(page.getvalue())
        except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError) as exc:
            raise ToolError(
                TOOL_ID,
                f"{filename!r} could not be read as an image ({exc}); upload it again as a "
                "PNG, JPEG or TIFF, or as a PDF",
            ) from exc
        return {number: self._tesseract(binary, png) for number, png in enumerate(pages, 1)}

    def read_pages(self, content: bytes, pages: list[int]) -> dict[int, str]:
        """OCR the given 1-based pages of a PDF."""
        binary = self._binary()
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
