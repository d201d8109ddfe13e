"""Encrypted payloads: what the hub writes into Temporal history is AES-256-GCM ciphertext.

Every client and worker made by :func:`workers.temporal_client.connect` carries this codec
when keys are configured, so run inputs, agent requests and results, signals, queries and
updates reach Temporal's database (and its Web UI) encrypted. Each payload names the key
that sealed it in its metadata (``encryption-key-id``), so keys rotate without breaking old
histories: the first key of the ring encrypts, every key of the ring decrypts.

Payloads that were never encrypted (histories from before the codec was turned on) pass
through unchanged; a payload sealed with a key the ring does not hold fails with a message
naming the key id and the settings to fix.

Keys are written ``<key id>=<base64 of 32 random bytes>``: ``HUB_PAYLOAD_KEYS`` holds them
comma-separated, ``HUB_PAYLOAD_KEYS_FILE`` one per line (``#`` comments allowed).
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import secrets
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload
from temporalio.converter import PayloadCodec

#: ``encoding`` of an encrypted payload (what the Web UI shows without the codec server).
ENCRYPTED_ENCODING = b"binary/encrypted"
#: Metadata key naming the key that sealed the payload.
KEY_ID_METADATA = "encryption-key-id"
KEY_BYTES = 32
NONCE_BYTES = 12
_KEY_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class PayloadKeyError(ValueError):
    """The payload keys are missing, malformed or do not open a payload."""


class AesGcmPayloadCodec(PayloadCodec):
    """AES-256-GCM over each serialized payload; the key id is authenticated data too."""

    def __init__(self, keys: Mapping[str, bytes], encrypt_with: str | None = None) -> None:
        if not keys:
            raise PayloadKeyError("no payload keys: set HUB_PAYLOAD_KEYS or HUB_PAYLOAD_KEYS_FILE")
        self._ciphers = {key_id: AESGCM(key) for key_id, key in keys.items()}
        self.key_ids = list(keys)
        self.active_key_id = encrypt_with or self.key_ids[0]
        if self.active_key_id not in self._ciphers:
            raise PayloadKeyError(f"payload key {self.active_key_id!r} is not in the key ring")

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self.encrypt(p) for p in payloads]

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self.decrypt(p) for p in payloads]

    def encrypt(self, payload: Payload) -> Payload:
        key_id = self.active_key_id
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._ciphers[key_id].encrypt(nonce, payload.SerializeToString(), key_id.encode())
        return Payload(
            metadata={"encoding": ENCRYPTED_ENCODING, KEY_ID_METADATA: key_id.encode()},
            data=nonce + sealed,
        )

    def decrypt(self, payload: Payload) -> Payload:
        if payload.metadata.get("encoding") != ENCRYPTED_ENCODING:
            return payload
        key_id = payload.metadata.get(KEY_ID_METADATA, b"").decode(errors="replace")
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise PayloadKeyError(
                f"payload encrypted with key {key_id!r}, which is not in HUB_PAYLOAD_KEYS / "
                "HUB_PAYLOAD_KEYS_FILE; add it back (keys are only ever added, docs/deployment.md "
                '"Rotating payload keys")'
            )
        try:
            plain = cipher.decrypt(
                payload.data[:NONCE_BYTES], payload.data[NONCE_BYTES:], key_id.encode()
            )
        except InvalidTag as exc:
            raise PayloadKeyError(
                f"payload sealed with key {key_id!r} does not open with the key of that id: "
                "the key's value changed, or the payload was tampered with"
            ) from exc
        return Payload.FromString(plain)


def new_key_line(key_id: str | None = None) -> str:
    """A fresh ``<key id>=<base64 key>`` entry (the id defaults to ``k`` + a random suffix)."""
    key_id = key_id or f"k{secrets.token_hex(4)}"
    if not _KEY_ID.match(key_id):
        raise PayloadKeyError(f"key id {key_id!r}: use 1-64 letters, digits, '.', '_' or '-'")
    return f"{key_id}={base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()}"


def parse_keys(entries: Iterable[str], source: str) -> dict[str, bytes]:
    """``{key id: key}`` from ``<id>=<base64>`` entries, in order (the first encrypts)."""
    keys: dict[str, bytes] = {}
    for number, raw in enumerate(entries, start=1):
        entry = raw.strip()
        if not entry or entry.startswith("#"):
            continue
        key_id, sep, encoded = entry.partition("=")
        key_id = key_id.strip()
        where = f"{source}, entry {number}"
        if not sep or not _KEY_ID.match(key_id):
            raise PayloadKeyError(
                f"{where}: expected '<key id>=<base64 of 32 bytes>' with an id of letters, "
                "digits, '.', '_' or '-'"
            )
        try:
            key = base64.b64decode(encoded.strip(), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise PayloadKeyError(f"{where} ({key_id}): the key is not base64") from exc
        if len(key) != KEY_BYTES:
            raise PayloadKeyError(
                f"{where} ({key_id}): the key has {len(key)} bytes; AES-256 needs {KEY_BYTES} "
                "(generate one with `hub payload-keys new`)"
            )
        if key_id in keys:
            raise PayloadKeyError(f"{where}: key id {key_id!r} appears twice")
        keys[key_id] = key
    return keys


def load_codec(keys_value: str | None, keys_file: Path | None) -> AesGcmPayloadCodec | None:
    """The codec of ``HUB_PAYLOAD_KEYS`` (comma-separated) or else ``HUB_PAYLOAD_KEYS_FILE``;
    ``None`` when neither is set (payloads stay in clear, as before the codec)."""
    if keys_value:
        return AesGcmPayloadCodec(parse_keys(keys_value.split(","), "HUB_PAYLOAD_KEYS"))
    if keys_file is not None:
        try:
            text = Path(keys_file).read_text()
        except OSError as exc:
            raise PayloadKeyError(
                f"HUB_PAYLOAD_KEYS_FILE: cannot read {keys_file} ({exc.strerror or exc})"
            ) from exc
        return AesGcmPayloadCodec(
            parse_keys(text.splitlines(), f"HUB_PAYLOAD_KEYS_FILE {keys_file}")
        )
    return None


def ensure_key_file(path: Path) -> bool:
    """Create ``path`` with one fresh key, mode 0600, unless it exists; True if created."""
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(
            "# Payload encryption keys of this hub (docs/deployment.md). The first line\n"
            "# encrypts; every line decrypts. Never delete a key that old runs used.\n"
        )
        handle.write(new_key_line() + "\n")
    return True
