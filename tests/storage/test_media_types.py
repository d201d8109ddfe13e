"""sniff_media_type: the content decides, never the name; any bytes give an answer."""

from __future__ import annotations

import gzip
import io
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from schemas.library import BUILTIN_LIBRARY
from schemas.media_types import (
    GZIP,
    JPEG,
    OCTET_STREAM,
    PDF,
    PNG,
    TEXT,
    TIFF,
    ZIP,
    readable_media_types,
    sniff_media_type,
)
from storage.artifacts import LocalArtifactStore

KNOWN = {PDF, PNG, JPEG, TIFF, ZIP, GZIP, TEXT, OCTET_STREAM}


def _image(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, format=fmt)
    return buffer.getvalue()


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("memo.txt", "Borrower: Acme")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", PDF),
        (b"\x00\x01garbage\xff\xfe%PDF-1.4\n", PDF),  # header after leading binary bytes
        (_image("PNG"), PNG),
        (_image("JPEG"), JPEG),
        (_image("TIFF"), TIFF),  # little-endian: II*\0
        (b"MM\x00*\x00\x00\x00\x08", TIFF),  # big-endian
        (_zip(), ZIP),
        (b"PK\x05\x06" + b"\x00" * 18, ZIP),
        (gzip.compress(b"hello", mtime=0), GZIP),
        (b"Borrower: Kestrel Bakeries Ltd\nLoan Amount: \xc2\xa3750k\n", TEXT),
        (b"\xef\xbb\xbfBorrower: with a byte-order mark", TEXT),
        (b"a,b,c\n1,2,3\n", TEXT),
        (b"Quoting the string %PDF- in prose is still text", TEXT),
        (b"text with a NUL\x00 inside", OCTET_STREAM),
        (b"\xff\xfe\xfd invalid UTF-8", OCTET_STREAM),
        (b"", OCTET_STREAM),
    ],
)
def test_known_contents(data: bytes, expected: str) -> None:
    assert sniff_media_type(data) == expected


@settings(max_examples=500)
@given(st.binary(max_size=4096))
def test_random_bytes_never_crash_and_give_a_known_type(data: bytes) -> None:
    assert sniff_media_type(data) in KNOWN


@settings(max_examples=200, deadline=None)
@given(rest=st.binary(max_size=512), name=st.sampled_from(["memo.txt", "memo.csv", "", "a"]))
def test_a_pdf_header_is_pdf_whatever_the_file_is_called(
    rest: bytes, name: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    store = LocalArtifactStore(tmp_path_factory.mktemp("pdf-named-txt"))
    ref = store.put(b"%PDF-1.4\n" + rest, name, declared_media_type="text/plain")
    assert ref.media_type == PDF
    assert ref.declared_media_type == "text/plain"
    assert store.get(ref.id)[1].media_type == PDF


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(
        alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
        min_size=1,
        max_size=300,
    ).filter(lambda t: not t.startswith("%PDF-"))
)
def test_text_named_pdf_is_plain_text(text: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    data = text.encode("utf-8")
    # "PK" + control characters is valid UTF-8 yet is, by definition, a ZIP signature.
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")):
        return
    store = LocalArtifactStore(tmp_path_factory.mktemp("text-named-pdf"))
    ref = store.put(data, "memo.pdf", declared_media_type="application/pdf")
    assert ref.media_type == TEXT
    assert store.get(ref.id)[1].media_type == TEXT


def test_the_media_types_an_agent_reads_come_from_its_input_schema() -> None:
    schemas = {agent.type: agent.input_schema for agent in BUILTIN_LIBRARY}
    assert readable_media_types(schemas["extractor"], "document") == [PDF, PNG, JPEG, TIFF]
    # Agents and fields that declare nothing accept anything.
    assert readable_media_types(schemas["summarizer"], "risk_analysis") is None
    assert readable_media_types(schemas["extractor"], "other") is None
    assert readable_media_types(None, "document") is None
