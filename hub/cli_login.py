"""``hub login`` / ``hub logout`` and the token every API command sends.

``hub login`` exchanges an API key (``--key-file``, standard input, or a prompt) for
a token pair at ``POST /auth/token`` and keeps it, mode 0600, in the user's config
folder (``$HUB_CONFIG_DIR``, else ``$XDG_CONFIG_HOME/agentic-hub``, else
``~/.config/agentic-hub``), per API URL. Commands refresh the access token with the
refresh token when it is about to expire. ``--token`` and ``HUB_TOKEN`` override the
stored login; without any, the CLI exchanges ``HUB_API_KEY`` or the admin key ``hub
up`` wrote under ``HUB_HOME``, so the embedded stack works with no login at all.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer

from hub.api_keys import bearer_headers
from hub.settings import Settings

CREDENTIALS_FILE = "credentials.json"
#: Refresh an access token this many seconds before it expires.
REFRESH_MARGIN_SECONDS = 60
DEFAULT_API_URL = "http://127.0.0.1:8000"


def config_dir() -> Path:
    """Where the CLI keeps its login (never inside a project folder)."""
    explicit = os.environ.get("HUB_CONFIG_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "agentic-hub"


def credentials_path() -> Path:
    return config_dir() / CREDENTIALS_FILE


def load_credentials() -> dict[str, Any]:
    try:
        data = json.loads(credentials_path().read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save_credentials(data: dict[str, Any]) -> None:
    """Write the file with mode 0600 from the start (a token is a secret)."""
    path = credentials_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_suffix(".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(data, handle, indent=2)
    os.chmod(temporary, 0o600)
    temporary.replace(path)


def default_api_url() -> str:
    """``HUB_API_URL``, else the API of the last ``hub login``, else the local default."""
    if os.environ.get("HUB_API_URL"):
        return os.environ["HUB_API_URL"].rstrip("/")
    current = load_credentials().get("current")
    if isinstance(current, str) and current:
        return current
    return Settings().api_url.rstrip("/") or DEFAULT_API_URL


def _stored(pair: dict[str, Any], api_url: str) -> dict[str, Any]:
    now = time.time()
    return {
        "api_url": api_url,
        "access_token": pair["access_token"],
        "refresh_token": pair["refresh_token"],
        "expires_at": now + int(pair.get("expires_in", 0)),
        "refresh_expires_at": now + int(pair.get("refresh_expires_in", 0)),
    }


def stored_token(api_url: str) -> str | None:
    """The logged-in access token for ``api_url``, refreshed when it is about to expire;
    ``None`` without a usable login."""
    data = load_credentials()
    entry = (data.get("logins") or {}).get(api_url)
    if not isinstance(entry, dict):
        return None
    if float(entry.get("expires_at", 0)) - REFRESH_MARGIN_SECONDS > time.time():
        return str(entry["access_token"])
    if float(entry.get("refresh_expires_at", 0)) <= time.time():
        return None
    try:
        answer = httpx.post(
            f"{api_url}/auth/refresh", json={"refresh_token": entry["refresh_token"]}, timeout=30
        )
    except httpx.TransportError:
        return str(entry["access_token"])  # the command's own request reports it
    if answer.status_code != 200:
        return None
    data.setdefault("logins", {})[api_url] = _stored(answer.json(), api_url)
    save_credentials(data)
    return str(answer.json()["access_token"])


def auth_headers(api_url: str, token: str | None = None) -> dict[str, str]:
    """The ``Authorization`` header of a CLI request to ``api_url``.

    In order: ``token`` (``--token``), ``HUB_TOKEN`` (or the older ``HUB_API_TOKEN``),
    the stored ``hub login``, then ``HUB_API_KEY`` or the local admin key exchanged for
    a token; none of them: no header (the API says how to authenticate).
    """
    token = token or os.environ.get("HUB_TOKEN") or os.environ.get("HUB_API_TOKEN")
    if not token:
        token = stored_token(api_url.rstrip("/"))
    if token:
        return {"Authorization": f"Bearer {token}"}
    return bearer_headers(api_url)


def read_key(key_file: Path | None) -> str:
    if key_file is not None:
        try:
            return key_file.read_text().strip()
        except OSError as exc:
            raise _fail(f"cannot read the key file {key_file}: {exc.strerror}", 2) from exc
    if not sys.stdin.isatty():
        return sys.stdin.read().strip()
    return str(typer.prompt("API key", hide_input=True)).strip()


def _fail(message: str, code: int = 1) -> typer.Exit:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    return typer.Exit(code)


def login(
    key_file: Annotated[
        Path | None,
        typer.Option(
            "--key-file", help="File holding the API key (default: standard input, or a prompt)."
        ),
    ] = None,
    api_url: Annotated[
        str | None,
        typer.Option("--api-url", help="The API to log in to (default: HUB_API_URL)."),
    ] = None,
) -> None:
    """Exchange an API key for a token and keep it (mode 0600) for later commands."""
    base = (api_url or default_api_url()).rstrip("/")
    key = read_key(key_file)
    if not key:
        raise _fail("no API key given (pass --key-file, pipe it on standard input, or type it)")
    try:
        answer = httpx.post(f"{base}/auth/token", json={"api_key": key}, timeout=30)
    except httpx.TransportError as exc:
        raise _fail(
            f"cannot reach the API at {base} ({exc.__class__.__name__}); start it with "
            "`hub up`, or pass --api-url"
        ) from exc
    if answer.status_code != 200:
        try:
            detail = answer.json().get("detail", answer.text)
        except ValueError:
            detail = answer.text
        raise _fail(f"login refused ({answer.status_code}): {detail}")
    data = load_credentials()
    data.setdefault("logins", {})[base] = _stored(answer.json(), base)
    data["current"] = base
    save_credentials(data)
    me = httpx.get(
        f"{base}/auth/me",
        headers={"Authorization": f"Bearer {answer.json()['access_token']}"},
        timeout=30,
    )
    who = ""
    if me.status_code == 200:
        body = me.json()
        who = f" as {body.get('subject')} ({body.get('role')})"
    typer.echo(f"logged in to {base}{who}; token kept in {credentials_path()}")


def logout(
    api_url: Annotated[
        str | None,
        typer.Option("--api-url", help="The API to log out of (default: the current one)."),
    ] = None,
) -> None:
    """Revoke the stored token and forget it."""
    base = (api_url or default_api_url()).rstrip("/")
    data = load_credentials()
    entry = (data.get("logins") or {}).pop(base, None)
    if entry is None:
        typer.echo(f"not logged in to {base}")
        return
    try:
        for kind in ("refresh_token", "access_token"):
            httpx.post(
                f"{base}/auth/revoke",
                json={"token": entry[kind]},
                headers={"Authorization": f"Bearer {entry['access_token']}"},
                timeout=10,
            )
    except httpx.TransportError:
        pass  # forgetting it locally is what matters; it expires on its own
    if data.get("current") == base:
        data.pop("current", None)
    save_credentials(data)
    typer.echo(f"logged out of {base}")
