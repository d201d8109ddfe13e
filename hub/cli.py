"""The ``hub`` command line.

Each command group is its own ``typer.Typer`` added to :data:`app` with
``app.add_typer(...)``, so new groups plug in without touching the others.
"""

from __future__ import annotations

import gc
import json
from pathlib import Path
from typing import Annotated, Any, NoReturn
from urllib.parse import quote

import httpx
import typer

from hub import (
    cli_build,
    cli_eval,
    cli_keys,
    cli_login,
    cli_runs,
    cli_stack,
    cli_temporal,
    cli_triggers,
)
from hub.cli_login import auth_headers, default_api_url
from hub.settings import Settings
from hub.terminal import table

app = typer.Typer(
    name="hub",
    help="Agentic Hub: declarative AI-agent pipelines on Temporal.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database schema (Alembic migrations).", no_args_is_help=True)
apps_app = typer.Typer(help="Apps, through a running API.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(apps_app, name="apps")
app.command("up")(cli_stack.up)
app.command("run")(cli_runs.run)
app.add_typer(cli_stack.worker_app, name="worker")
app.add_typer(cli_stack.agent_app, name="agent")
app.add_typer(cli_runs.runs_app, name="runs")
app.add_typer(cli_keys.keys_app, name="keys")
cli_triggers.register(app)
app.add_typer(cli_temporal.payload_keys_app, name="payload-keys")
app.add_typer(cli_temporal.replay_corpus_app, name="replay-corpus")
app.add_typer(cli_temporal.workers_app, name="workers")
app.command("login")(cli_login.login)
app.command("logout")(cli_login.logout)
app.add_typer(cli_build.agents_app, name="agents", no_args_is_help=True)
app.add_typer(cli_build.orchestration_app, name="orchestration", no_args_is_help=True)
app.command("deploy")(cli_build.deploy)
app.add_typer(cli_build.prompts_app, name="prompts", no_args_is_help=True)
app.add_typer(cli_build.artifacts_app, name="artifacts", no_args_is_help=True)
app.add_typer(cli_eval.eval_app, name="eval")

ApiUrlOption = Annotated[
    str | None,
    typer.Option("--api-url", help="Base URL of a running API (default: HUB_API_URL)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]


def fail(message: str, code: int = 1) -> NoReturn:
    """Print ``message`` on stderr and exit with ``code``."""
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(code)


# ----------------------------------------------------------------- serving and schema


@app.command("api")
def serve_api(
    host: Annotated[str, typer.Option(help="Address to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="API processes sharing the port (default: HUB_API_WORKERS, 1). "
            "Rate limits are per process.",
        ),
    ] = None,
    access_log: Annotated[
        bool,
        typer.Option(
            "--access-log/--no-access-log",
            help="Log one line per request (off by default: it costs CPU on every request; "
            "request counts and latencies are in GET /metrics).",
        ),
    ] = False,
) -> None:
    """Serve the REST API (migrating the database first). OpenAPI docs at /docs."""
    import uvicorn

    from hub.api_keys import AuthModeRefused, check_auth_mode
    from hub.wiring import build_api, prepare_shared_state
    from storage.migrations import upgrade

    settings = Settings()
    try:
        check_auth_mode(settings, host)
    except AuthModeRefused as exc:
        fail(str(exc), code=2)
    upgrade(settings.resolved_database_url)
    processes = workers or settings.api_workers
    log_level = settings.log_level.lower()
    if processes == 1:
        api = build_api(settings)
        settle_heap()
        uvicorn.run(
            api,
            host=host,
            port=port,
            log_level=log_level,
            access_log=access_log,
        )
        return
    # Several processes need an import string: each worker builds its own app, after
    # the one-time set-up they would race on is done here.
    prepare_shared_state(settings)
    uvicorn.run(
        "hub.cli:api_worker_app",
        factory=True,
        workers=processes,
        host=host,
        port=port,
        log_level=log_level,
        access_log=access_log,
    )


def api_worker_app() -> Any:
    """The app factory of ``hub api --workers N``: each worker builds its app, then settles."""
    from hub.wiring import api_from_environment

    api = api_from_environment()
    settle_heap()
    return api


#: Young objects allocated (net) before the collector runs; CPython's default is 700.
GC_YOUNG_THRESHOLD = 10_000


def settle_heap() -> None:
    """Keep the garbage collector off the request path of a long-running API process.

    Start-up leaves ~360,000 tracked objects (FastAPI, SQLAlchemy, MLflow, pydantic
    schemas) that live as long as the process. A full collection walks them all, ~250 ms
    on two cores, stalling every request in flight (issue 8: it set the p99). Frozen, they
    are never walked again. A request allocates hundreds of short-lived containers, freed
    by reference counting; a higher young threshold stops the collector from running
    every few requests to find nothing.
    """
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(GC_YOUNG_THRESHOLD, middle, old)


@db_app.command("upgrade")
def db_upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
) -> None:
    """Create or migrate the database at HUB_DATABASE_URL to the latest schema."""
    from storage.migrations import current_revision, upgrade

    url = Settings().resolved_database_url
    try:
        upgrade(url, revision)
    except Exception as exc:  # the CLI boundary: say what failed and exit non-zero
        fail(f"migration failed: {exc}")
    typer.echo(f"database at revision {current_revision(url)}")


# ----------------------------------------------------------------- apps over HTTP


def _request(
    api_url: str | None, method: str, path: str, token: str | None = None, **kwargs: Any
) -> httpx.Response:
    base = (api_url or default_api_url()).rstrip("/")
    try:
        headers = auth_headers(base, token)
        with httpx.Client(base_url=base, timeout=30.0, headers=headers) as client:
            response = client.request(method, path, **kwargs)
    except httpx.TransportError as exc:
        fail(
            f"cannot reach the API at {base} ({exc.__class__.__name__}); "
            "start it with `hub api` (or `hub up`), or pass --api-url.",
            code=2,
        )
    if response.is_error:
        try:
            detail: Any = response.json().get("detail", response.text)
        except ValueError:
            detail = response.text
        if isinstance(detail, list):
            detail = "; ".join(f"{item.get('path') or '/'}: {item.get('msg')}" for item in detail)
        fail(f"{response.status_code}: {detail}")
    return response


def _table(rows: list[dict[str, Any]], columns: list[tuple[str, str]]) -> str:
    """A text table; ``columns`` are (key, header) pairs."""
    cells = [[str(row.get(key, "")) for key, _ in columns] for row in rows]
    return table(cells, [header for _, header in columns])


APP_COLUMNS = [
    ("id", "ID"),
    ("name", "NAME"),
    ("status", "STATUS"),
    ("version", "VERSION"),
    ("agent_count", "AGENTS"),
    ("updated_at", "UPDATED"),
]


def _show_app(data: dict[str, Any]) -> None:
    for key in (
        "id",
        "name",
        "description",
        "status",
        "version",
        "agent_count",
        "created_at",
        "updated_at",
    ):
        typer.echo(f"{key + ':':<13} {data.get(key, '')}")


@apps_app.command("list")
def apps_list(
    api_url: ApiUrlOption = None,
    as_json: JsonOption = False,
    token: cli_runs.TokenOption = None,
    limit: Annotated[int, typer.Option(min=1, max=200, help="Page size.")] = 50,
    offset: Annotated[int, typer.Option(min=0, help="Apps to skip.")] = 0,
    status: Annotated[
        str | None, typer.Option(help="Only apps in this status (draft|deployed|archived).")
    ] = None,
    search: Annotated[str | None, typer.Option("--search", "-q", help="Name contains.")] = None,
    sort: Annotated[str, typer.Option(help="name|created_at|updated_at, `-` prefix: desc.")] = (
        "-created_at"
    ),
) -> None:
    """List apps."""
    params: dict[str, Any] = {"limit": limit, "offset": offset, "sort": sort}
    if status:
        params["status"] = status
    if search:
        params["q"] = search
    response = _request(api_url, "GET", "/apps", token, params=params)
    apps = response.json()
    if as_json:
        typer.echo(json.dumps(apps, indent=2))
        return
    if not apps:
        typer.echo("no apps (create one with `hub apps create NAME`)")
        return
    typer.echo(_table(apps, APP_COLUMNS))
    total = response.headers.get("X-Total-Count")
    if total is not None:
        typer.echo(f"\n{len(apps)} of {total} apps")


@apps_app.command("create")
def apps_create(
    name: Annotated[str, typer.Argument(help="The app's name.")],
    description: Annotated[str, typer.Option(help="What the app does.")] = "",
    api_url: ApiUrlOption = None,
    as_json: JsonOption = False,
    token: cli_runs.TokenOption = None,
) -> None:
    """Create a draft app (names are unique per team: 409 names the existing app)."""
    data = _request(
        api_url, "POST", "/apps", token, json={"name": name, "description": description}
    ).json()
    if as_json:
        typer.echo(json.dumps(data, indent=2))
    else:
        typer.echo(f"created {data['id']}")
        _show_app(data)


@apps_app.command("show")
def apps_show(
    app_id: Annotated[str, typer.Argument(help="The app's id.")],
    api_url: ApiUrlOption = None,
    as_json: JsonOption = False,
    token: cli_runs.TokenOption = None,
) -> None:
    """Show one app."""
    data = _request(api_url, "GET", f"/apps/{quote(app_id, safe='')}", token).json()
    if as_json:
        typer.echo(json.dumps(data, indent=2))
    else:
        _show_app(data)


# ----------------------------------------------------------------- apps as files


@app.command("init")
def init(
    name: Annotated[str, typer.Argument(help="The app's name.")],
    directory: Annotated[
        Path | None,
        typer.Option("--dir", help="Folder to create (default: the name, lower-case, dashed)."),
    ] = None,
    force: Annotated[bool, typer.Option(help="Overwrite an existing app.yaml.")] = False,
) -> None:
    """Scaffold an app as files: app.yaml (app, agents, orchestration) and sample.pdf."""
    from hub.app_files import scaffold, slug

    folder = directory or Path(slug(name))
    if (folder / "app.yaml").exists() and not force:
        fail(f"{folder / 'app.yaml'} exists; pass --force to overwrite it", code=2)
    for path in scaffold(name, folder):
        typer.echo(f"wrote {path}")
    typer.echo(
        f"next: hub apply -f {folder / 'app.yaml'} && hub deploy {json.dumps(name)} && "
        f"hub run {json.dumps(name)} --document {folder / 'sample.pdf'} --wait"
    )


@app.command("apply")
@cli_runs.exits_on_api_error
def apply(
    file: Annotated[Path, typer.Option("-f", "--file", help="The app.yaml to apply.")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the diff; change nothing.")
    ] = False,
    api_url: ApiUrlOption = None,
    token: cli_runs.TokenOption = None,
) -> None:
    """Create or update the app of an app.yaml so the hub matches it (idempotent)."""
    from hub.app_files import AppFileError, execute, load_app_file, plan_apply

    try:
        app_file = load_app_file(file)
        with cli_runs.api_client(api_url, token) as client:
            plan = plan_apply(client, app_file)
            for line in plan.lines:
                # The full diff on a dry run; applying, one line per change.
                if dry_run or not line.startswith(" "):
                    typer.echo(line)
            for note in plan.notes:
                typer.echo(f"note: {note}")
            if not plan.changes:
                typer.echo(f"app {app_file.name!r} ({plan.app_id}) unchanged")
                return
            if dry_run:
                typer.echo("dry run: nothing changed")
                return
            app_id = execute(plan)
    except AppFileError as exc:
        for line in exc.lines:
            typer.echo(line, err=True)
        raise typer.Exit(1) from exc
    except cli_runs.CliApiError as exc:
        if exc.status_code in (400, 422) and exc.raw_detail is not None:
            for line in cli_build.problems(str(file), exc.raw_detail):
                typer.echo(line, err=True)
            raise typer.Exit(1) from exc
        raise
    typer.echo(f"app {app_file.name!r} ({app_id}) applied")


# ----------------------------------------------------------------- shell completion


@app.command("completion")
def completion(
    shell: Annotated[str, typer.Argument(help="bash, zsh, fish or powershell.")],
) -> None:
    """Print the shell completion script, e.g. `eval "$(hub completion bash)"`."""
    from typer._completion_shared import get_completion_script

    shells = ("bash", "zsh", "fish", "powershell", "pwsh")
    if shell not in shells:
        fail(f"unknown shell {shell!r}; one of {', '.join(shells)}", code=2)
    typer.echo(get_completion_script(prog_name="hub", complete_var="_HUB_COMPLETE", shell=shell))


if __name__ == "__main__":
    app()
