"""The embedded admin key, the auth-mode guard and the bearer token the CLI sends."""

from __future__ import annotations

import ipaddress
import logging
import os
from pathlib import Path

import httpx

from hub.settings import Settings
from storage.database import create_db_engine, create_session_factory
from storage.security import ServiceAccountRepository

logger = logging.getLogger("hub.security")

ADMIN_ACCOUNT_NAME = "embedded-admin"


class AuthModeRefused(RuntimeError):
    """``HUB_AUTH_MODE=disabled`` on an address other machines can reach."""


def is_loopback(host: str) -> bool:
    """Whether binding ``host`` keeps the API reachable from this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_auth_mode(settings: Settings, host: str) -> None:
    """Refuse disabled auth on a non-loopback bind; warn loudly when it is disabled at all."""
    if settings.auth_mode != "disabled":
        return
    if not is_loopback(host) or settings.env != "development":
        raise AuthModeRefused(
            f"HUB_AUTH_MODE=disabled is allowed only in development with the API bound to a "
            f"loopback address, not {host!r}; unset HUB_AUTH_MODE or bind 127.0.0.1"
        )
    logger.warning(
        "!!! AUTHENTICATION IS DISABLED (HUB_AUTH_MODE=disabled): every request to the API on "
        "%s acts as an admin of every team. Never do this on a shared machine. !!!",
        host,
    )


def ensure_admin_key(settings: Settings) -> str | None:
    """On first start, create an admin service account and keep its key in a 0600 file.

    Returns the new key (for printing once), or ``None`` when the file already exists.
    The database schema must be migrated.
    """
    path: Path = settings.admin_key_file
    if path.exists():
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_db_engine(settings.resolved_database_url)
    try:
        with create_session_factory(engine)() as session:
            _, key = ServiceAccountRepository(session).create(
                name=ADMIN_ACCOUNT_NAME, role="admin", teams=["*"], created_by="hub up"
            )
            # O_EXCL with 0600 from the start: the key is never readable by others, not even
            # for an instant between creating the file and changing its mode.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(key + "\n")
            session.commit()
    finally:
        engine.dispose()
    return key


def read_api_key(settings: Settings) -> str | None:
    """``HUB_API_KEY``, else the key file under ``HUB_HOME``, else ``None``."""
    if settings.api_key:
        return settings.api_key
    try:
        return settings.admin_key_file.read_text().strip() or None
    except OSError:
        return None


def bearer_headers(api_url: str, settings: Settings | None = None) -> dict[str, str]:
    """``Authorization`` for the CLI: the API key exchanged for a short-lived access token.

    Empty when no key is configured (an API with auth disabled needs none; one with
    auth enabled answers 401 saying how to get a token).
    """
    settings = settings or Settings()
    key = read_api_key(settings)
    if key is None:
        return {}
    try:
        answer = httpx.post(
            f"{api_url.rstrip('/')}/auth/token", json={"api_key": key}, timeout=30.0
        )
    except httpx.TransportError:
        return {}  # the caller's own request reports the unreachable API
    if answer.status_code != 200:
        return {}
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}
