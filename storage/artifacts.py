"""The artifact store: documents and large results, kept out of Temporal history.

``LocalArtifactStore`` keeps each artifact as ``<root>/<id>`` with its metadata in
``<root>/<id>.json``; ``S3ArtifactStore`` does the same under a bucket prefix on any
S3-compatible service. ``artifact_store_from_uri`` picks one from configuration.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import tempfile
from pathlib import Path
from typing import Any, Protocol

from schemas.artifacts import ArtifactRef, artifact_uri
from schemas.media_types import sniff_media_type

#: ``art-`` and 32 hex digits: nothing else is ever turned into a path or key.
ARTIFACT_ID_PATTERN = re.compile(r"^art-[0-9a-f]{32}$")


class ArtifactNotFound(LookupError):
    """No artifact has this id (or the id is malformed)."""

    def __init__(self, artifact_id: str) -> None:
        super().__init__(
            f"artifact '{artifact_id}' does not exist; upload it with POST /artifacts "
            "and use the artifact:// URI it returns"
        )
        self.artifact_id = artifact_id


class ArtifactStore(Protocol):
    """Where artifacts live; implementations are synchronous (call from a thread in async code)."""

    def put(
        self,
        data: bytes,
        filename: str = "",
        media_type: str | None = None,
        *,
        declared_media_type: str | None = None,
    ) -> ArtifactRef:
        """Store ``data`` under a new id; without ``media_type`` it is sniffed from the bytes.

        ``declared_media_type`` (what an uploader's client claimed) is kept beside it.
        """
        ...

    def get(self, artifact_id: str) -> tuple[bytes, ArtifactRef]:
        """The bytes and metadata of ``artifact_id``; :class:`ArtifactNotFound` if absent."""
        ...

    def ref(self, artifact_id: str) -> ArtifactRef:
        """The metadata of ``artifact_id`` without its bytes; :class:`ArtifactNotFound` if
        absent (what a run start checks its inputs against)."""
        ...

    def exists(self, artifact_id: str) -> bool:
        """Whether ``artifact_id`` is stored."""
        ...


def new_artifact_id() -> str:
    """A fresh, unguessable artifact id."""
    return f"art-{secrets.token_hex(16)}"


def _checked_id(artifact_id: str) -> str:
    if not ARTIFACT_ID_PATTERN.match(artifact_id):
        raise ArtifactNotFound(artifact_id)
    return artifact_id


def _describe(
    artifact_id: str,
    data: bytes,
    filename: str,
    media_type: str | None,
    declared_media_type: str | None,
) -> ArtifactRef:
    # Only the base name is kept: a filename is metadata, never a path.
    safe_name = os.path.basename(filename.replace("\\", "/"))[:255]
    return ArtifactRef(
        id=artifact_id,
        uri=artifact_uri(artifact_id),
        filename=safe_name,
        # The content decides, never the name: a caller that knows better (the engine
        # storing its own JSON outputs) says so explicitly.
        media_type=media_type or sniff_media_type(data),
        declared_media_type=(declared_media_type or "")[:255] or None,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


class LocalArtifactStore:
    """Artifacts in a folder (the embedded default: ``$HUB_HOME/artifacts``)."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).resolve()
        self.root.mkdir(parents=True, exist_ok=True)

    def _write_atomically(self, path: Path, data: bytes) -> None:
        # Write to a temporary file in the same folder, then rename: readers never
        # see a half-written artifact, even if the process dies mid-write.
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def put(
        self,
        data: bytes,
        filename: str = "",
        media_type: str | None = None,
        *,
        declared_media_type: str | None = None,
    ) -> ArtifactRef:
        """Store ``data``; the blob is written before its metadata, so metadata means complete."""
        ref = _describe(new_artifact_id(), data, filename, media_type, declared_media_type)
        self._write_atomically(self.root / ref.id, data)
        self._write_atomically(self.root / f"{ref.id}.json", ref.model_dump_json().encode())
        return ref

    def get(self, artifact_id: str) -> tuple[bytes, ArtifactRef]:
        """The bytes and metadata of ``artifact_id``."""
        _checked_id(artifact_id)
        try:
            meta = ArtifactRef.model_validate_json((self.root / f"{artifact_id}.json").read_bytes())
            data = (self.root / artifact_id).read_bytes()
        except FileNotFoundError:
            raise ArtifactNotFound(artifact_id) from None
        return data, meta

    def ref(self, artifact_id: str) -> ArtifactRef:
        """The metadata of ``artifact_id`` (its ``.json``, written after the blob)."""
        _checked_id(artifact_id)
        try:
            return ArtifactRef.model_validate_json((self.root / f"{artifact_id}.json").read_bytes())
        except FileNotFoundError:
            raise ArtifactNotFound(artifact_id) from None

    def exists(self, artifact_id: str) -> bool:
        """Whether ``artifact_id`` is stored."""
        return (
            bool(ARTIFACT_ID_PATTERN.match(artifact_id))
            and (self.root / f"{artifact_id}.json").is_file()
        )


class S3ArtifactStore:
    """Artifacts in an S3 bucket (or any S3-compatible service via ``endpoint_url``)."""

    def __init__(
        self,
        bucket: str,
        prefix: str = "",
        *,
        endpoint_url: str | None = None,
        client: Any | None = None,
    ) -> None:
        if client is None:
            import boto3  # imported here: only S3 deployments need it loaded

            client = boto3.client("s3", endpoint_url=endpoint_url)
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""

    def _key(self, artifact_id: str) -> str:
        return f"{self.prefix}{_checked_id(artifact_id)}"

    def put(
        self,
        data: bytes,
        filename: str = "",
        media_type: str | None = None,
        *,
        declared_media_type: str | None = None,
    ) -> ArtifactRef:
        """Store ``data`` with its metadata as object metadata (one atomic PUT)."""
        ref = _describe(new_artifact_id(), data, filename, media_type, declared_media_type)
        self.client.put_object(
            Bucket=self.bucket,
            Key=self._key(ref.id),
            Body=data,
            ContentType=ref.media_type,
            Metadata={"hub-ref": json.dumps(ref.model_dump(mode="json"))},
        )
        return ref

    def get(self, artifact_id: str) -> tuple[bytes, ArtifactRef]:
        """The bytes and metadata of ``artifact_id``."""
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self._key(artifact_id))
        except self.client.exceptions.NoSuchKey:
            raise ArtifactNotFound(artifact_id) from None
        data: bytes = answer["Body"].read()
        meta = ArtifactRef.model_validate_json(answer["Metadata"]["hub-ref"])
        return data, meta

    def ref(self, artifact_id: str) -> ArtifactRef:
        """The metadata of ``artifact_id`` from a HEAD request (the object metadata)."""
        answer = self._head(artifact_id)
        if answer is None:
            raise ArtifactNotFound(artifact_id)
        return ArtifactRef.model_validate_json(answer["Metadata"]["hub-ref"])

    def exists(self, artifact_id: str) -> bool:
        """Whether ``artifact_id`` is stored."""
        return bool(ARTIFACT_ID_PATTERN.match(artifact_id)) and self._head(artifact_id) is not None

    def _head(self, artifact_id: str) -> dict[str, Any] | None:
        """The object's HEAD answer, or None when there is no such object."""
        try:
            answer: dict[str, Any] = self.client.head_object(
                Bucket=self.bucket, Key=self._key(artifact_id)
            )
        except Exception as err:  # botocore raises ClientError with a 404 code
            if getattr(err, "response", {}).get("Error", {}).get("Code") in {"404", "NoSuchKey"}:
                return None
            raise
        return answer


def artifact_store_from_uri(
    root_or_s3_uri: str, *, endpoint_url: str | None = None
) -> ArtifactStore:
    """``s3://bucket/prefix`` → :class:`S3ArtifactStore`; anything else is a local folder.

    ``endpoint_url`` (or ``AWS_ENDPOINT_URL``, read by boto3) selects an
    S3-compatible service such as MinIO.
    """
    if root_or_s3_uri.startswith("s3://"):
        bucket, _, prefix = root_or_s3_uri[len("s3://") :].partition("/")
        if not bucket:
            raise ValueError(f"'{root_or_s3_uri}' names no bucket; use s3://bucket/prefix")
        return S3ArtifactStore(bucket, prefix, endpoint_url=endpoint_url)
    return LocalArtifactStore(root_or_s3_uri)
