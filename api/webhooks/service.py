"""Signed webhooks: a POST to ``/hooks/{id}`` carries no platform token; the signature is
the credential.

The sender signs ``"<Hub-Timestamp>.<raw body>"`` with HMAC-SHA256 and the webhook's
secret and sends ``Hub-Signature: v1=<hex>`` (several ``v1=`` values, comma-separated,
are accepted: a sender may sign with both secrets while rotating). A timestamp more than
:data:`TIMESTAMP_TOLERANCE_SECONDS` away from the server's clock is refused, so a
captured request cannot be replayed later. Secrets are stored sealed (Fernet, keyed
from ``HUB_SECRET_KEY``) and shown once, when created or rotated.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.fernet import Fernet, InvalidToken

from api.auth.rate_limits import RateLimiter, rate_limit_item
from api.errors import ApiError, InvalidInputError, ValidationErrorItem, item_at
from storage.models import Webhook

TIMESTAMP_TOLERANCE_SECONDS = 300
SIGNATURE_VERSION = "v1"
SECRET_PREFIX = "whsec_"
#: Idempotency keys longer than this are hashed (the runs table keeps 200 characters).
MAX_KEY_LENGTH = 120


class BadSignature(ApiError):
    """401: the request is not signed with this webhook's secret (or is too old)."""

    status_code = 401


class SecretBox:
    """Seals webhook secrets for the database with a key derived from ``HUB_SECRET_KEY``."""

    def __init__(self, secret_key: str) -> None:
        digest = hashlib.sha256(b"hub-webhook-secrets:" + secret_key.encode()).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(digest))

    def seal(self, secret: str) -> str:
        return self._fernet.encrypt(secret.encode()).decode("ascii")

    def open(self, sealed: str) -> str | None:
        try:
            return self._fernet.decrypt(sealed.encode("ascii")).decode()
        except (InvalidToken, ValueError):
            return None  # sealed under another HUB_SECRET_KEY


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The ``Hub-Signature`` header value of ``body`` sent at ``timestamp``."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"{SIGNATURE_VERSION}={mac.hexdigest()}"


def verify(
    hook: Webhook,
    box: SecretBox,
    *,
    timestamp: str | None,
    signature: str | None,
    body: bytes,
    now: float | None = None,
) -> None:
    """Raise :class:`BadSignature` unless ``signature`` signs ``timestamp.body`` with the
    webhook's secret (or its previous one, during the rotation overlap) and ``timestamp``
    is recent."""
    if not timestamp or not signature:
        raise BadSignature(
            "Missing Hub-Timestamp or Hub-Signature header; sign '<timestamp>.<raw body>' "
            "with HMAC-SHA256 and the webhook's secret and send 'Hub-Signature: v1=<hex>'."
        )
    try:
        sent_at = int(timestamp.strip())
    except ValueError as exc:
        raise BadSignature("Hub-Timestamp must be unix seconds.") from exc
    current = time.time() if now is None else now
    if abs(current - sent_at) > TIMESTAMP_TOLERANCE_SECONDS:
        raise BadSignature(
            f"Hub-Timestamp is more than {TIMESTAMP_TOLERANCE_SECONDS} s away from the "
            "server's clock; sign the request when you send it (and check the clock)."
        )
    candidates = [box.open(hook.secret_sealed)]
    expires = hook.previous_secret_expires_at
    if hook.previous_secret_sealed and expires is not None and expires.timestamp() > current:
        candidates.append(box.open(hook.previous_secret_sealed))
    given = [part.strip() for part in signature.split(",") if part.strip()]
    for secret in candidates:
        if secret is None:
            continue
        wanted = sign(secret, timestamp.strip(), body)
        if any(hmac.compare_digest(wanted, part) for part in given):
            return
    raise BadSignature(
        "Hub-Signature does not match: sign '<Hub-Timestamp>.<raw body>' with HMAC-SHA256 "
        "and the webhook's current secret, hex-encoded, as 'v1=<hex>'."
    )


_MISSING = object()


def resolve_pointer(document: Any, pointer: str) -> Any:
    """The value at RFC 6901 ``pointer`` in ``document``, or ``_MISSING``."""
    if pointer == "":
        return document
    if not pointer.startswith("/"):
        return _MISSING
    current = document
    for raw in pointer[1:].split("/"):
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(current, Mapping):
            if part not in current:
                return _MISSING
            current = current[part]
        elif isinstance(current, list):
            if not part.isdigit() or int(part) >= len(current):
                return _MISSING
            current = current[int(part)]
        else:
            return _MISSING
    return current


def check_pointers(mapping: Mapping[str, str], idempotency_pointer: str | None) -> None:
    """422 for pointers that are not RFC 6901 pointers (they must start with ``/``)."""
    items: list[ValidationErrorItem] = []
    for name, pointer in mapping.items():
        if pointer != "" and not pointer.startswith("/"):
            items.append(
                item_at(
                    ("body", "input_mapping", name),
                    f"{pointer!r} is not a JSON pointer; write it like '/data/file_uri'",
                )
            )
    if idempotency_pointer is not None and not idempotency_pointer.startswith("/"):
        items.append(
            item_at(
                ("body", "idempotency_pointer"),
                f"{idempotency_pointer!r} is not a JSON pointer; write it like '/event_id'",
            )
        )
    if not mapping:
        items.append(item_at(("body", "input_mapping"), "map at least one run input"))
    if items:
        raise InvalidInputError(items)


def map_inputs(hook: Webhook, payload: Any) -> dict[str, Any]:
    """The run inputs the event's body maps to; 422 naming every pointer that matches
    nothing."""
    inputs: dict[str, Any] = {}
    items: list[ValidationErrorItem] = []
    for name, pointer in hook.input_mapping.items():
        value = resolve_pointer(payload, pointer)
        if value is _MISSING:
            items.append(
                item_at(
                    ("body", *[p for p in pointer.split("/")[1:]]),
                    f"the pointer {pointer!r} (run input '{name}') matches nothing in the "
                    "posted body",
                    "pointer_unmatched",
                )
            )
            items[-1].path = pointer
        else:
            inputs[name] = value
    if items:
        raise InvalidInputError(items)
    return inputs


def event_key(hook: Webhook, header: str | None, payload: Any) -> str | None:
    """The idempotency key of an event: the ``Idempotency-Key`` header, else the mapped
    body field; namespaced by webhook so that two webhooks never share runs."""
    value: Any = header
    if not value and hook.idempotency_pointer:
        found = resolve_pointer(payload, hook.idempotency_pointer)
        value = None if found is _MISSING or found is None else str(found)
    if not value:
        return None
    key = str(value)
    if len(key) > MAX_KEY_LENGTH:
        key = hashlib.sha256(key.encode()).hexdigest()
    return f"webhook:{hook.id}:{key}"


async def acquire_webhook_limit(limiter: RateLimiter, hook: Webhook) -> float | None:
    """One event of ``hook`` against its own rate (a sixth of it at once): ``None``
    when allowed, else seconds to wait. Shared by API processes when the limiter is."""
    rate = hook.rate_limit_per_minute
    return await limiter.acquire(f"webhook:{hook.id}", rate_limit_item(rate, max(1, rate // 6)))


def overlap_end(seconds: int) -> datetime:
    return datetime.now(UTC) + timedelta(seconds=seconds)
