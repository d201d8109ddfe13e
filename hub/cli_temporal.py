"""The production side of Temporal: ``hub payload-keys …`` (payload encryption keys),
``hub replay-corpus …`` (the determinism guard's saved histories) and ``hub workers …``
(builds, versions and their drain state)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from temporalio.api.workflowservice.v1 import SetWorkerDeploymentCurrentVersionRequest
from temporalio.client import Client
from temporalio.service import RPCError

from hub import event_loop
from hub.settings import Settings
from hub.worker_status import format_status, workers_status
from schemas.agents import BUILTIN_AGENT_TYPES
from schemas.names import ORCHESTRATOR_QUEUE, agent_queue
from workers.payload_codec import new_key_line
from workers.temporal_client import TemporalConnectionError, connect

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


T = TypeVar("T")

workers_app = typer.Typer(
    help="Worker builds and Worker Deployment Versioning (docs/deployment.md 'Safe rollouts').",
    no_args_is_help=True,
)


def _run_with_client(settings: Settings, work: Callable[[Client], Awaitable[T]]) -> T:
    """Connect (exiting 1 with the setting to fix when that fails) and run ``work``."""

    async def main() -> T:
        return await work(await connect(settings.temporal_connection()))

    try:
        return event_loop.run(main())
    except TemporalConnectionError as exc:
        typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from exc


@workers_app.command("status")
def workers_status_command(
    queue: Annotated[
        list[str] | None,
        typer.Option("--queue", help="Also show this task queue (custom agent types)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Builds polling each hub task queue, and the deployment's versions and drain state."""
    settings = Settings()
    queues = [ORCHESTRATOR_QUEUE, *(agent_queue(t) for t in BUILTIN_AGENT_TYPES), *(queue or [])]
    status = _run_with_client(
        settings, lambda client: workers_status(client, settings.worker_deployment_name, queues)
    )
    if as_json:
        typer.echo(json.dumps(status.to_json(), indent=2))
        return
    typer.echo(f"Temporal {settings.temporal_address}  namespace {settings.temporal_namespace}")
    for line in format_status(status):
        typer.echo(line)


@workers_app.command("set-current")
def workers_set_current(
    build_id: Annotated[str, typer.Argument(help="The build that new runs start on.")],
) -> None:
    """Make BUILD_ID the deployment's current version: new runs start on it; pinned runs
    stay on their build, whose version drains."""
    settings = Settings()

    async def set_current(client: Client) -> str:
        answer = await client.workflow_service.set_worker_deployment_current_version(
            SetWorkerDeploymentCurrentVersionRequest(
                namespace=client.namespace,
                deployment_name=settings.worker_deployment_name,
                build_id=build_id,
                identity="hub workers set-current",
            )
        )
        return answer.previous_deployment_version.build_id or "(unversioned)"

    try:
        previous = _run_with_client(settings, set_current)
    except RPCError as exc:
        typer.secho(
            f"error: cannot make {build_id} current in {settings.worker_deployment_name}: "
            f"{exc.message}; start its workers first (HUB_WORKER_BUILD_ID={build_id}, "
            "HUB_WORKER_VERSIONING=true) and check `hub workers status`",
            fg=typer.colors.RED,
            err=True,
        )
        raise typer.Exit(1) from exc
    typer.echo(f"{settings.worker_deployment_name}: current build {build_id} (was {previous})")
