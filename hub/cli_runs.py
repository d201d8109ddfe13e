"""``hub run`` and ``hub runs …``: start runs and follow them from the terminal."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer

from hub.settings import Settings

runs_app = typer.Typer(help="Inspect runs.")

TERMINAL_STATUSES = {"completed", "failed", "canceled", "terminated", "timed_out"}
POLL_SECONDS = 0.5


def api_client(api_url: str | None) -> httpx.Client:
    return httpx.Client(base_url=api_url or Settings().api_url, timeout=30.0)


def fail(message: str, code: int = 1) -> typer.Exit:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    return typer.Exit(code)


def call(client: httpx.Client, method: str, path: str, **kwargs: Any) -> Any:
    """One API call; connection problems and error answers become clear CLI errors."""
    try:
        response = client.request(method, path, **kwargs)
    except httpx.HTTPError as exc:
        raise fail(
            f"cannot reach the API at {client.base_url} ({exc}); is `hub up` running?"
        ) from exc
    if response.status_code >= 400:
        try:
            detail = response.json().get("detail")
        except ValueError:
            detail = response.text
        raise fail(f"{method} {path} answered {response.status_code}: {detail}")
    return response.json() if response.content else None


def upload_document(client: httpx.Client, path: Path) -> str:
    """Upload a file to the artifact store; returns its ``artifact://`` URI."""
    with path.open("rb") as handle:
        answer = call(client, "POST", "/artifacts", files={"file": (path.name, handle)})
    return str(answer["uri"])


def follow_run(client: httpx.Client, run_id: str, *, echo: bool = True) -> dict[str, Any]:
    """Poll a run until it ends, printing each step's transitions; returns the final run."""
    seen: dict[str, str] = {}
    while True:
        run = call(client, "GET", f"/runs/{run_id}")
        for step in run.get("steps", []):
            state = step.get("state")
            if echo and seen.get(step["step_id"]) != state:
                seen[step["step_id"]] = state
                extra = f" ({step['error']})" if step.get("error") else ""
                typer.echo(f"  step {step['step_id']:<12} {state}{extra}")
        if run["status"] in TERMINAL_STATUSES:
            return dict(run)
        time.sleep(POLL_SECONDS)


def run(
    app_id: Annotated[str, typer.Argument(help="The app to run.")],
    input: Annotated[
        Path | None, typer.Option("--input", help="JSON file with the run's inputs.")
    ] = None,
    document: Annotated[
        Path | None, typer.Option(help="A document to upload and pass as inputs.document.")
    ] = None,
    wait: Annotated[bool, typer.Option(help="Follow progress until the run ends.")] = False,
    draft: Annotated[bool, typer.Option(help="Run the current config, not the release.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
    api_url: Annotated[str | None, typer.Option(help="API base URL.")] = None,
) -> None:
    """Start a run of an app (its deployed release, or --draft), optionally following it."""
    inputs: dict[str, Any] = {}
    if input is not None:
        try:
            loaded = json.loads(input.read_text())
        except (OSError, ValueError) as exc:
            raise fail(f"cannot read inputs from {input}: {exc}", 2) from exc
        if not isinstance(loaded, dict):
            raise fail(f"{input} must hold a JSON object of inputs", 2)
        inputs.update(loaded)
    with api_client(api_url) as client:
        if document is not None:
            if not document.is_file():
                raise fail(f"{document} is not a file", 2)
            inputs["document"] = upload_document(client, document)
        started = call(
            client, "POST", f"/apps/{app_id}/runs", json={"inputs": inputs, "draft": draft}
        )
        if not as_json:
            typer.echo(f"run {started['run_id']} started")
            if started.get("temporal_ui_url"):
                typer.echo(f"  Temporal UI: {started['temporal_ui_url']}")
        if not wait:
            if as_json:
                typer.echo(json.dumps(started, indent=2))
            return
        final = follow_run(client, started["run_id"], echo=not as_json)
    if as_json:
        typer.echo(json.dumps(final, indent=2))
    else:
        colour = typer.colors.GREEN if final["status"] == "completed" else typer.colors.RED
        typer.secho(f"run {final['run_id']} {final['status']}", fg=colour)
        if final.get("error"):
            typer.echo(f"  error: {final['error']}")
    if final["status"] != "completed":
        raise typer.Exit(1)


@runs_app.command("show")
def runs_show(
    run_id: str,
    api_url: Annotated[str | None, typer.Option(help="API base URL.")] = None,
) -> None:
    """Print a run as JSON."""
    with api_client(api_url) as client:
        typer.echo(json.dumps(call(client, "GET", f"/runs/{run_id}"), indent=2))


@runs_app.command("watch")
def runs_watch(
    run_id: str,
    api_url: Annotated[str | None, typer.Option(help="API base URL.")] = None,
) -> None:
    """Follow a run's steps until it ends."""
    with api_client(api_url) as client:
        final = follow_run(client, run_id)
    typer.echo(f"run {run_id} {final['status']}")
