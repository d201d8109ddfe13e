"""The extractor's tools and service on realistic and hostile documents."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import httpx
import pytest
from PIL import Image, ImageDraw, ImageFont
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from agents.base.app import create_agent_app
from agents.base.errors import ToolError
from agents.demo.samples import SampleFacts
from agents.extractor.agent import ExtractorAgent
from agents.extractor.tools.ocr_engine import OcrEngine
from agents.extractor.tools.pdf_parser import PdfParser
from schemas.library import EXTRACTOR_INPUT_SCHEMA, default_config
from schemas.media_types import IMAGE_MEDIA_TYPES, sniff_media_type
from tests.agents.conftest import invoke_body, pdf_document


def _encrypted(source: Path, target: Path, user_password: str) -> Path:
    writer = PdfWriter()
    writer.append(PdfReader(source))
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="AES-256")
    with target.open("wb") as handle:
        writer.write(handle)
    return target


def _blank_pdf(target: Path) -> Path:
    pdf = canvas.Canvas(str(target), pagesize=LETTER)
    pdf.showPage()
    pdf.save()
    return target


def _scanned_pdf(target: Path, lines: list[str]) -> Path:
    """A PDF whose only page is an image of text (no text layer), like a scan."""
    image = Image.new("RGB", (1700, 400), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=48)
    for number, line in enumerate(lines):
        draw.text((60, 60 + number * 90), line, fill="black", font=font)
    pdf = canvas.Canvas(str(target), pagesize=LETTER)
    pdf.drawImage(ImageReader(image), 30, 500, width=550, height=130)
    pdf.showPage()
    pdf.save()
    return target


async def _extract(client: httpx.AsyncClient, document: object, **kwargs: object) -> httpx.Response:
    return await client.post(
        "/extractor/invoke", json=invoke_body("extractor", {"document": document}, **kwargs)
    )


def test_parser_reads_text_and_tables(samples: list[SampleFacts], sample_dir: Path) -> None:
    table_sample = next(s for s in samples if "blue_harbor" in s.filename)
    parsed = PdfParser().parse((sample_dir / table_sample.filename).read_bytes())
    assert len(parsed.pages) == 2
    assert parsed.table_count == 2
    assert ["Net Income", "(350,000)"] in parsed.pages[0].tables[0]
    assert "Blue Harbor Logistics Inc." in parsed.pages[0].text


async def test_not_a_pdf_is_a_clear_422(agents_client: httpx.AsyncClient, tmp_path: Path) -> None:
    fake = tmp_path / "memo.pdf"
    fake.write_bytes(b"PK\x03\x04 this is a zip file, not a PDF")
    response = await _extract(agents_client, pdf_document(fake))
    assert response.status_code == 422
    assert "'memo.pdf' is not a PDF" in response.json()["detail"]


async def test_truncated_pdf_is_a_clear_422(
    agents_client: httpx.AsyncClient, samples: list[SampleFacts], sample_dir: Path, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes((sample_dir / samples[0].filename).read_bytes()[:400])
    response = await _extract(agents_client, pdf_document(broken))
    assert response.status_code == 422
    assert "damaged" in response.json()["detail"]


async def test_password_protected_pdf_says_to_remove_the_password(
    agents_client: httpx.AsyncClient, samples: list[SampleFacts], sample_dir: Path, tmp_path: Path
) -> None:
    locked = _encrypted(sample_dir / samples[0].filename, tmp_path / "locked.pdf", "secret")
    response = await _extract(agents_client, pdf_document(locked))
    assert response.status_code == 422
    assert "encrypted with a password" in response.json()["detail"]


async def test_owner_only_encryption_is_read(
    agents_client: httpx.AsyncClient, samples: list[SampleFacts], sample_dir: Path, tmp_path: Path
) -> None:
    facts = samples[0]
    opened = _encrypted(sample_dir / facts.filename, tmp_path / "restricted.pdf", "")
    response = await _extract(agents_client, pdf_document(opened))
    assert response.status_code == 200, response.text
    extracted = response.json()["outputs"]
    assert extracted["borrower_name"] == facts.borrower_name
    assert extracted["loan_amount"] == facts.written["loan_amount"]


async def test_empty_page_without_ocr_is_a_clear_422(
    agents_client: httpx.AsyncClient, tmp_path: Path
) -> None:
    config = default_config("extractor")
    config = config.model_copy(update={"tools": [t for t in config.tools if t.id == "pdf-parser"]})
    response = await _extract(
        agents_client, pdf_document(_blank_pdf(tmp_path / "blank.pdf")), config=config
    )
    assert response.status_code == 422
    assert "no text found" in response.json()["detail"]
    assert "ocr-engine" in response.json()["detail"]


async def test_bad_base64_points_at_the_field(agents_client: httpx.AsyncClient) -> None:
    response = await _extract(agents_client, {"filename": "x.pdf", "content_base64": "%%%"})
    assert response.status_code == 422
    assert "/inputs/document/content_base64" in response.json()["detail"]


async def test_plain_text_documents_are_extracted(agents_client: httpx.AsyncClient) -> None:
    text = "Borrower: Kestrel Bakeries Ltd\nLoan Amount: £750k\nEBITDA 1.1M\nSector: Retail"
    response = await _extract(agents_client, text)
    assert response.status_code == 200
    extracted = response.json()["outputs"]
    assert extracted["borrower_name"] == "Kestrel Bakeries Ltd"
    assert extracted["loan_amount"] == "£750k"
    assert extracted["ebitda"] == "1.1M"
    assert extracted["industry"] == "Retail"
    assert extracted["total_debt"] is None
    assert response.json()["tools_used"] == []


async def test_scanned_page_is_read_by_tesseract(tmp_path: Path) -> None:
    scanned = _scanned_pdf(
        tmp_path / "scan.pdf", ["Borrower: Granite Quarry Corp", "Loan Amount: $900,000"]
    )
    parser_only = PdfParser().parse(scanned.read_bytes())
    assert parser_only.pages[0].text.strip() == ""
    app = create_agent_app(ExtractorAgent())
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://x") as c:
        response = await c.post(
            "/invoke", json=invoke_body("extractor", {"document": pdf_document(scanned)})
        )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["outputs"]["source"]["ocr_used"] is True
    assert body["tools_used"] == ["pdf-parser", "ocr-engine"]
    assert "Granite Quarry" in body["outputs"]["borrower_name"]
    assert body["outputs"]["loan_amount"] == "$900,000"


async def test_missing_tesseract_names_the_package(tmp_path: Path) -> None:
    scanned = _scanned_pdf(tmp_path / "scan.pdf", ["Borrower: Nobody"])
    engine = OcrEngine(tesseract_cmd="tesseract-not-installed")
    with pytest.raises(ToolError, match="tesseract-ocr"):
        engine.read_pages(scanned.read_bytes(), [1])
    app = create_agent_app(ExtractorAgent(ocr=engine))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://x") as c:
        response = await c.post(
            "/invoke", json=invoke_body("extractor", {"document": pdf_document(scanned)})
        )
    assert response.status_code == 422
    assert "apt-get install tesseract-ocr" in response.json()["detail"]


# ------------------------------------------------------------------ page images


def _page_image(lines: list[str]) -> Image.Image:
    """A page photographed or scanned as an image: dark text on white, no text layer."""
    image = Image.new("RGB", (1700, 120 + 90 * len(lines)), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=48)
    for number, line in enumerate(lines):
        draw.text((60, 60 + number * 90), line, fill="black", font=font)
    return image


def _image_document(data: bytes, filename: str, media_type: str) -> dict[str, str]:
    return {
        "artifact_uri": f"artifact://test/{filename}",
        "filename": filename,
        "media_type": media_type,
        "content_base64": base64.b64encode(data).decode(),
    }


def test_the_input_schema_declares_the_media_types_it_reads() -> None:
    document = EXTRACTOR_INPUT_SCHEMA["properties"]["document"]
    assert document["x-media-types"] == [
        "application/pdf",
        "image/png",
        "image/jpeg",
        "image/tiff",
    ]
    for media_type in document["x-media-types"][1:]:
        assert media_type in IMAGE_MEDIA_TYPES


@pytest.mark.parametrize(("fmt", "media_type"), [("PNG", "image/png"), ("JPEG", "image/jpeg")])
async def test_png_and_jpeg_pages_are_read_by_tesseract(
    agents_client: httpx.AsyncClient, fmt: str, media_type: str
) -> None:
    buffer = io.BytesIO()
    page = _page_image(
        ["Borrower: Larkspur Mills Ltd", "Loan Amount: $640,000", "Industry: Textiles"]
    )
    page.save(buffer, format=fmt, **({"quality": 95} if fmt == "JPEG" else {}))
    # Declared as a PDF on purpose: the bytes decide how the document is read.
    document = _image_document(buffer.getvalue(), f"memo.{fmt.lower()}", "application/pdf")
    response = await _extract(agents_client, document)
    assert response.status_code == 200, response.text
    body = response.json()
    extracted = body["outputs"]
    assert "Larkspur Mills" in extracted["borrower_name"]
    assert extracted["loan_amount"] == "$640,000"
    assert extracted["industry"] == "Textiles"
    assert extracted["source"] == {
        "filename": f"memo.{fmt.lower()}",
        "pages": 1,
        "tables": 0,
        "ocr_used": True,
    }
    assert body["tools_used"] == ["ocr-engine"]
    assert sniff_media_type(buffer.getvalue()) == media_type


async def test_every_page_of_a_multi_page_tiff_is_read(agents_client: httpx.AsyncClient) -> None:
    first = _page_image(["Borrower: Osprey Ferries plc", "Loan Amount: $1,250,000"])
    second = _page_image(["EBITDA: $410,000", "Total Debt: $2,100,000"])
    buffer = io.BytesIO()
    first.save(buffer, format="TIFF", save_all=True, append_images=[second])
    assert sniff_media_type(buffer.getvalue()) == "image/tiff"
    response = await _extract(
        agents_client, _image_document(buffer.getvalue(), "memo.tif", "image/tiff")
    )
    assert response.status_code == 200, response.text
    extracted = response.json()["outputs"]
    assert "Osprey Ferries" in extracted["borrower_name"]
    assert extracted["loan_amount"] == "$1,250,000"
    assert extracted["ebitda"] == "$410,000"
    assert extracted["total_debt"] == "$2,100,000"
    assert extracted["source"]["pages"] == 2


async def test_an_image_without_the_ocr_tool_is_a_clear_422(
    agents_client: httpx.AsyncClient,
) -> None:
    buffer = io.BytesIO()
    _page_image(["Borrower: Nobody"]).save(buffer, format="PNG")
    config = default_config("extractor")
    config = config.model_copy(update={"tools": [t for t in config.tools if t.id == "pdf-parser"]})
    response = await _extract(
        agents_client, _image_document(buffer.getvalue(), "scan.png", "image/png"), config=config
    )
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "'scan.png' is an image (image/png)" in detail and "ocr-engine" in detail


async def test_a_damaged_image_is_a_clear_422(agents_client: httpx.AsyncClient) -> None:
    damaged = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    response = await _extract(agents_client, _image_document(damaged, "scan.png", "image/png"))
    assert response.status_code == 422
    assert "'scan.png' could not be read as an image" in response.json()["detail"]


async def test_a_blank_image_says_ocr_read_nothing(agents_client: httpx.AsyncClient) -> None:
    buffer = io.BytesIO()
    Image.new("L", (400, 300), 255).save(buffer, format="PNG")
    response = await _extract(
        agents_client, _image_document(buffer.getvalue(), "blank.png", "image/png")
    )
    assert response.status_code == 422
    assert "no text found in 'blank.png' (image/png, 1 page(s))" in response.json()["detail"]
