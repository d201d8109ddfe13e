"""``POST /artifacts`` records the media type its content shows, not the one it claims."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from api.app import create_app
from api.config import ApiConfig
from storage.artifacts import LocalArtifactStore
from tests.auth_support import GENEROUS_AUTH, admin_headers


@pytest.fixture(scope="module")
def uploads(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    root: Path = tmp_path_factory.mktemp("uploads")
    app = create_app(
        ApiConfig(database_url=database_url, auth=GENEROUS_AUTH),
        artifact_store=LocalArtifactStore(root),
    )
    with TestClient(app, headers=admin_headers()) as client:
        yield client
    app.state.engine.dispose()


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "declared", "detected"),
    [
        ("memo.txt", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "text/plain", "application/pdf"),
        ("memo.pdf", b"Borrower: Kestrel Bakeries Ltd\n", "application/pdf", "text/plain"),
        ("scan.pdf", _png(), "application/pdf", "image/png"),
        ("blob", b"\x00\x01\x02\xff", "application/pdf", "application/octet-stream"),
    ],
)
def test_upload_records_the_detected_media_type(
    uploads: TestClient, name: str, content: bytes, declared: str, detected: str
) -> None:
    answer = uploads.post("/artifacts", files={"file": (name, content, declared)})
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["media_type"] == detected
    assert body["declared_media_type"] == declared
    assert body["filename"] == name
    fetched = uploads.get(f"/artifacts/{body['id']}")
    assert fetched.status_code == 200
    assert fetched.content == content
    assert fetched.headers["content-type"].split(";")[0] == detected
