"""``hub payload-keys …``: the production side of Temporal (payload encryption keys)."""

from __future__ import annotations

from typing import Annotated

import typer

from workers.payload_codec import new_key_line

payload_keys_app = typer.Typer(
    help="Payload encryption keys (HUB_PAYLOAD_KEYS / HUB_PAYLOAD_KEYS_FILE).",
    no_args_is_help=True,
)


@payload_keys_app.command("new")
def payload_keys_new(
    key_id: Annotated[
        str | None, typer.Option("--id", help="Key id (letters, digits, . _ -); default: random.")
    ] = None,
) -> None:
    """Print a fresh `<id>=<base64 key>` entry; put it FIRST in the key ring to rotate."""
    try:
        typer.echo(new_key_line(key_id))
    except ValueError as exc:
        typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from exc
