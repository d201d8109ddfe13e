"""``POST /artifacts`` records the media type its content shows, not the one it claims."""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from api.app import create_app
from api.config import ApiConfig
from storage.artifacts import LocalArtifactStore
from tests.auth_support import GENEROUS_AUTH, admin_headers, auth_headers


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


def test_artifact_list_newest_first_paged_and_per_team(uploads: TestClient) -> None:
    team = f"team-{uuid.uuid4().hex[:6]}"
    operator = auth_headers("operator", (team,))
    ids = []
    for name in ("a.txt", "b.txt", "c.txt"):
        answer = uploads.post(
            "/artifacts",
            files={"file": (name, b"text " + name.encode(), "text/plain")},
            headers=operator,
        )
        assert answer.status_code == 201, answer.text
        ids.append(answer.json()["id"])

    viewer = auth_headers("viewer", (team,))
    first = uploads.get("/artifacts", params={"limit": 2}, headers=viewer)
    assert first.status_code == 200, first.text
    page = first.json()
    assert [a["filename"] for a in page] == ["c.txt", "b.txt"]
    assert page[0]["id"] == ids[2] and page[0]["uri"] == f"artifact://{ids[2]}"
    assert page[0]["media_type"] == "text/plain" and page[0]["size"] == len(b"text c.txt")
    assert page[0]["created_by"]
    rest = uploads.get(
        "/artifacts", params={"limit": 2, "cursor": first.headers["X-Next-Cursor"]}, headers=viewer
    )
    assert [a["id"] for a in rest.json()] == [ids[0]]
    assert "X-Next-Cursor" not in rest.headers

    # Another team sees none of them; an all-teams admin sees them among the rest.
    other = uploads.get("/artifacts", headers=auth_headers("viewer", ("team-elsewhere",)))
    assert not {a["id"] for a in other.json()} & set(ids)
    assert set(ids) <= {a["id"] for a in uploads.get("/artifacts", params={"limit": 200}).json()}
    stranger = auth_headers("viewer", ("x",))
    bad = uploads.get("/artifacts", params={"cursor": ids[0]}, headers=stranger)
    assert bad.status_code == 422
