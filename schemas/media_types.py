"""Media types told from a document's own bytes, never from its name or a client's word.

``POST /artifacts`` records what :func:`sniff_media_type` detects; agents declare the
media types they read on their input schema's document property under
:data:`MEDIA_TYPES_KEYWORD`, and the extractor picks its reader with the same function.
Pure and total: any bytes give an answer, and no input raises.
"""

from __future__ import annotations

import codecs
from typing import Any

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
TIFF = "image/tiff"
ZIP = "application/zip"
GZIP = "application/gzip"
TEXT = "text/plain"
OCTET_STREAM = "application/octet-stream"

#: Media types that are pictures of pages: read by OCR.
IMAGE_MEDIA_TYPES: frozenset[str] = frozenset({PNG, JPEG, TIFF})

#: JSON Schema annotation on a document property: the media types its agent reads.
MEDIA_TYPES_KEYWORD = "x-media-types"

#: How far into the bytes a PDF header may start (readers tolerate leading junk).
PDF_HEADER_WINDOW = 1024

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"II*\x00", TIFF),
    (b"MM\x00*", TIFF),
    (b"PK\x03\x04", ZIP),
    (b"PK\x05\x06", ZIP),  # an empty archive
    (b"PK\x07\x08", ZIP),  # a spanned archive
    (b"\x1f\x8b", GZIP),
)


def _is_text(data: bytes) -> bool:
    """Valid UTF-8 with no NUL, after an optional byte-order mark."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return "\x00" not in text


def sniff_media_type(data: bytes) -> str:
    """The media type of ``data`` by its content: PDF, PNG, JPEG, TIFF, ZIP, gzip, plain
    text (valid UTF-8 with no NUL, optionally after a byte-order mark), else
    ``application/octet-stream`` (empty input included). A PDF header may follow up to
    1 KiB of leading binary bytes, as PDF readers allow."""
    if not data:
        return OCTET_STREAM
    if data.startswith(b"%PDF-"):
        return PDF
    for signature, media_type in _SIGNATURES:
        if data.startswith(signature):
            return media_type
    if _is_text(data):
        return TEXT
    # PDF readers accept a header after some leading bytes; text that merely quotes
    # "%PDF-" was answered above.
    if b"%PDF-" in data[:PDF_HEADER_WINDOW]:
        return PDF
    return OCTET_STREAM


def readable_media_types(input_schema: dict[str, Any] | None, field: str) -> list[str] | None:
    """The media types an agent reads for input ``field``, as its input schema declares them
    (``properties.<field>.x-media-types``); ``None`` when it declares none (anything goes)."""
    if not isinstance(input_schema, dict):
        return None
    properties = input_schema.get("properties")
    prop = properties.get(field) if isinstance(properties, dict) else None
    declared = prop.get(MEDIA_TYPES_KEYWORD) if isinstance(prop, dict) else None
    if not isinstance(declared, list):
        return None
    return [media_type for media_type in declared if isinstance(media_type, str)]
