"""LocalArtifactStore: round trip, metadata, path-traversal safety."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from storage.artifacts import ArtifactNotFound, LocalArtifactStore, artifact_store_from_uri


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
