"""The artifact stores: round trip, metadata (the sniffed media type), path-traversal safety."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

import pytest

from storage.artifacts import (
    ArtifactNotFound,
    LocalArtifactStore,
    S3ArtifactStore,
    artifact_store_from_uri,
)


def test_round_trip_and_metadata(tmp_path: Path) -> None:
    store = LocalArtifactStore(tmp_path)
    ref = store.put(b"hello", "../../etc/memo.pdf", "application/pdf")
    assert ref.id.startswith("art-") and ref.uri == f"artifact://{ref.id}"
    assert ref.filename == "memo.pdf"
    assert ref.sha256 == hashlib.sha256(b"hello").hexdigest() and ref.size == 5
    data, meta = store.get(ref.id)
    assert data == b"hello" and meta == ref
    assert store.exists(ref.id)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tmp-")]


@pytest.mark.parametrize("bad_id", ["../secret", "art-../../x", "art-XYZ", "", "art-" + "0" * 32])
def test_unknown_or_malformed_ids_are_not_found(tmp_path: Path, bad_id: str) -> None:
    store = LocalArtifactStore(tmp_path)
    assert not store.exists(bad_id)
    with pytest.raises(ArtifactNotFound):
        store.get(bad_id)


def test_store_from_uri_picks_local_folder(tmp_path: Path) -> None:
    assert isinstance(artifact_store_from_uri(str(tmp_path / "a")), LocalArtifactStore)


class _S3Bucket:
    """The calls of boto3's S3 client the store makes, over a dict; object metadata goes
    through the same string-only, ASCII-only channel S3 gives it (``x-amz-meta-*``)."""

    def __init__(self) -> None:
        self.objects: dict[tuple[str, str], dict[str, Any]] = {}

    def put_object(
        self, *, Bucket: str, Key: str, Body: bytes, ContentType: str, Metadata: dict[str, str]
    ) -> None:  # noqa: N803, E501 (boto3's names)
        assert all(value.isascii() for value in Metadata.values())
        self.objects[(Bucket, Key)] = {
            "Body": Body,
            "ContentType": ContentType,
            "Metadata": dict(Metadata),
        }

    def get_object(self, *, Bucket: str, Key: str) -> dict[str, Any]:  # noqa: N803
        stored = self.objects[(Bucket, Key)]
        return {**stored, "Body": io.BytesIO(stored["Body"])}

    def head_object(self, *, Bucket: str, Key: str) -> dict[str, Any]:  # noqa: N803
        if (Bucket, Key) not in self.objects:
            raise _ClientError({"Error": {"Code": "404"}})
        stored = self.objects[(Bucket, Key)]
        return {"ContentType": stored["ContentType"], "Metadata": dict(stored["Metadata"])}


class _ClientError(Exception):
    """botocore's ClientError as the store sees it: a ``response`` with the error code."""

    def __init__(self, response: dict[str, Any]) -> None:
        super().__init__(response)
        self.response = response


@pytest.mark.parametrize("kind", ["local", "s3"])
def test_ref_reads_the_metadata_that_get_returns(tmp_path: Path, kind: str) -> None:
    store: LocalArtifactStore | S3ArtifactStore = (
        LocalArtifactStore(tmp_path)
        if kind == "local"
        else S3ArtifactStore("b", client=_S3Bucket())
    )
    ref = store.put(b"%PDF-1.4\nbody", "memo.pdf")
    assert store.ref(ref.id) == store.get(ref.id)[1] == ref
    assert store.exists(ref.id)
    missing = "art-" + "0" * 32
    assert not store.exists(missing)
    with pytest.raises(ArtifactNotFound):
        store.ref(missing)


@pytest.mark.parametrize("kind", ["local", "s3"])
def test_stored_ref_carries_the_sniffed_media_type(tmp_path: Path, kind: str) -> None:
    store: LocalArtifactStore | S3ArtifactStore = (
        LocalArtifactStore(tmp_path)
        if kind == "local"
        else S3ArtifactStore("b", client=_S3Bucket())
    )
    pdf = store.put(b"%PDF-1.4\nbody", "notes.txt", declared_media_type="text/plain")
    text = store.put(
        "Borrower: Ærø Ltd\n".encode(), "memo.pdf", declared_media_type="application/pdf"
    )
    for ref, expected, declared in [
        (pdf, "application/pdf", "text/plain"),
        (text, "text/plain", "application/pdf"),
    ]:
        assert ref.media_type == expected and ref.declared_media_type == declared
        _data, stored = store.get(ref.id)
        assert stored == ref
    explicit = store.put(b"{}", "out.json", "application/vnd.agentic-hub.output+json")
    assert store.get(explicit.id)[1].media_type == "application/vnd.agentic-hub.output+json"
    assert store.get(explicit.id)[1].declared_media_type is None
