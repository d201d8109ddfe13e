"""The production side of Temporal: ``hub payload-keys …`` (payload encryption keys) and
``hub replay-corpus …`` (the determinism guard's saved histories)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
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


replay_corpus_app = typer.Typer(
    help="The determinism guard's corpus of saved histories (tests/workflows/histories).",
    no_args_is_help=True,
)

#: The source checkout this hub runs from (the corpus and its recorder live in tests/).
SOURCE_ROOT = Path(__file__).resolve().parents[1]
RECORDER = SOURCE_ROOT / "tests" / "workflows" / "make_histories.py"


@replay_corpus_app.command("refresh")
def replay_corpus_refresh(
    only: Annotated[
        list[str] | None,
        typer.Option("--only", help="Re-record just this scenario (repeatable)."),
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Folder to write to (default: the committed corpus).")
    ] = None,
) -> None:
    """Record the corpus again from the current workflow code (dev server started for it).

    Only after an intentional change made safe with workflow.patched: the replay tests
    exist to catch unpatched changes, and re-recording hides them.
    """
    if not RECORDER.is_file():
        typer.secho(
            f"error: {RECORDER} is missing; run this from a source checkout of the hub",
            fg=typer.colors.RED,
            err=True,
        )
        raise typer.Exit(2)
    argv = [sys.executable, "-m", "tests.workflows.make_histories"]
    for name in only or []:
        argv += ["--only", name]
    if out is not None:
        argv += ["--out", str(out.resolve())]
    done = subprocess.run(argv, cwd=SOURCE_ROOT, check=False)  # noqa: S603 - our own argv
    if done.returncode != 0:
        raise typer.Exit(done.returncode)
    typer.echo("replay corpus refreshed; review `git diff tests/workflows/histories` and commit")
