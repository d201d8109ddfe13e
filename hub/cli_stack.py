"""``hub up``, ``hub worker …`` and ``hub agent serve …``: running the platform's processes."""

from __future__ import annotations

import signal
import time
from typing import Annotated

import typer

from hub import event_loop
from hub.home_lock import HomeInUse, HomeLock
from hub.settings import Settings
from hub.stack import EmbeddedStack, StackError, StackPorts
from schemas.agents import BUILTIN_AGENT_TYPES

worker_app = typer.Typer(help="Run Temporal workers (orchestrator and agent task queues).")
agent_app = typer.Typer(help="Run agent services (the HTTP side of each agent type).")


def up(  # noqa: C901, PLR0915 - `hub up`'s options and start order; the CLI's output moves to rich (issue 19 part 5)
    api_port: Annotated[int, typer.Option(help="API port.")] = 8000,
    temporal_port: Annotated[int, typer.Option(help="Temporal frontend (gRPC) port.")] = 7233,
    ui_port: Annotated[int, typer.Option(help="Temporal Web UI port.")] = 8233,
    agents_port: Annotated[int, typer.Option(help="Agent services port (0: any free one).")] = 8080,
    host: Annotated[str, typer.Option(help="Address every part binds.")] = "127.0.0.1",
    headless: Annotated[bool, typer.Option(help="Do not start the Temporal Web UI.")] = False,
    demo: Annotated[
        bool, typer.Option(help="Create, deploy and run the credit-memo demo.")
    ] = False,
    observability: Annotated[
        bool,
        typer.Option(
            help="Also start Prometheus (Debian package) scraping the stack, with the alerts."
        ),
    ] = False,
    prometheus_port: Annotated[
        int, typer.Option(help="Prometheus port under --observability.")
    ] = 9090,
    console_port: Annotated[int, typer.Option(help="Web console port.")] = 3000,
    no_console: Annotated[
        bool, typer.Option("--no-console", help="Do not build or serve the web console.")
    ] = False,
) -> None:
    """Start the whole embedded stack in the foreground; Ctrl-C stops it cleanly."""
    settings = Settings()
    # One stack per HUB_HOME, checked before anything else (ports, database, Temporal).
    lock = HomeLock(settings.home.resolve())
    try:
        lock.acquire()
    except HomeInUse as exc:
        typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from exc
    ports = StackPorts(
        api=api_port, temporal=temporal_port, ui=0 if headless else ui_port, agents=agents_port
    )
    try:
        resolved = ports.resolve(host)
    except StackError as exc:
        typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from exc
    lock.record(
        {
            "ports": {
                "api": resolved.api,
                "temporal": resolved.temporal,
                "ui": 0 if headless else resolved.ui,
                "agents": resolved.agents,
            },
            "api_url": f"http://{host}:{resolved.api}",
        }
    )
    from hub.api_keys import AuthModeRefused, check_auth_mode, ensure_admin_key
    from storage.migrations import upgrade

    try:
        check_auth_mode(settings, host)
    except AuthModeRefused as exc:
        typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from exc
    prometheus = None
    if observability:
        from hub.prometheus import LocalPrometheus
        from hub.stack import free_port, port_is_free

        try:
            if not port_is_free(prometheus_port, host):
                raise StackError(
                    f"port {prometheus_port} (--prometheus-port) is in use; "
                    "pass another --prometheus-port"
                )
            prometheus = LocalPrometheus.prepare(
                settings.home.resolve(),
                host,
                prometheus_port,
                free_port(host),
                settings.metrics_token,
            )
        except StackError as exc:
            typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
            raise typer.Exit(2) from exc
    upgrade(settings.resolved_database_url)
    new_admin_key = ensure_admin_key(settings)
    stack = EmbeddedStack(
        settings=settings,
        ports=resolved,
        host=host,
        with_ui=not headless,
        extra_env=prometheus.env() if prometheus else {},
    )
    if prometheus is not None:
        stack.extra_parts.append(
            prometheus.part(api=f"{host}:{resolved.api}", agents=f"{host}:{resolved.agents}")
        )
    if not no_console:
        stack.console_port = _prepare_console(settings, console_port, host)
    stopping = False

    def request_stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    # A closed terminal: stop cleanly too (a SIGKILL leaves it to the parent-death signal).
    signal.signal(signal.SIGHUP, request_stop)
    try:
        stack.start(progress=lambda msg: typer.echo(f"  {msg}"))
    except StackError as exc:
        typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
        stack.stop()
        raise typer.Exit(1) from exc
    typer.secho("Agentic Hub is up:", fg=typer.colors.GREEN)
    typer.echo(f"  API           {stack.api_url}  (OpenAPI docs: {stack.api_url}/docs)")
    typer.echo(f"  Temporal      {stack.temporal_address}  namespace {settings.temporal_namespace}")
    if not headless:
        typer.echo(f"  Temporal UI   {stack.ui_url}")
    typer.echo(f"  Agents        {stack.agents_url}/<type>")
    if prometheus is not None:
        typer.echo(f"  Prometheus    {prometheus.url}  (alerts: {prometheus.url}/alerts)")
    if stack.console_port:
        typer.echo(f"  Console       {stack.console_url}")
    typer.echo(f"  Home          {stack.home}  (logs in {stack.home / 'logs'})")
    # Every start says where the admin key is (the key itself only on the first).
    key_file = settings.admin_key_file.resolve()
    typer.echo(
        f"  Admin key     {key_file}  (mode 0600; the hub CLI with this HUB_HOME uses it, "
        f"elsewhere: hub login --key-file {key_file})"
    )
    if new_admin_key is not None:
        # Printed this once; the CLI reads it from the file (readable only by this user).
        typer.secho("Admin API key (shown once):", fg=typer.colors.YELLOW)
        typer.echo(f"  {new_admin_key}")
    if settings.auth_mode == "disabled":
        typer.secho(
            "  WARNING: authentication is DISABLED (HUB_AUTH_MODE=disabled).",
            fg=typer.colors.RED,
            bold=True,
        )
    if demo and not stopping:
        from hub.demo import run_demo

        try:
            run_demo(stack.api_url, ui_url=stack.ui_url if not headless else None)
        except Exception as exc:  # the stack stays up so the user can look around
            typer.secho(f"demo failed: {exc}", fg=typer.colors.RED, err=True)
    typer.echo("Press Ctrl-C to stop.")
    try:
        while not stopping:
            dead = stack.first_dead_part()
            if dead is not None:
                typer.secho(
                    f"{dead.name} exited unexpectedly; see {dead.log_path}:\n{dead.log_tail()}",
                    fg=typer.colors.RED,
                    err=True,
                )
                break
            time.sleep(0.5)
    finally:
        typer.echo("stopping …")
        stack.stop()
        lock.release()
        typer.echo("stopped.")


def _prepare_console(settings: Settings, port: int, host: str) -> int:
    """Build the console when missing or stale; its port, or 0 (saying why) without it."""
    from hub.console import ConsoleUnavailable, check_console_port, ensure_console_build

    try:
        check_console_port(port, host)
        ensure_console_build(settings.home.resolve() / "logs", lambda m: typer.echo(f"  {m}"))
    except (StackError, ConsoleUnavailable) as exc:
        # The rest of the stack is useful without the console: say why and go on.
        typer.secho(f"  no console: {exc}", fg=typer.colors.YELLOW, err=True)
        return 0
    return port


@worker_app.command("orchestrator")
def worker_orchestrator() -> None:
    """Poll the hub-orchestrator queue (the OrchestrationWorkflow and bookkeeping)."""
    _run_workers(orchestrator=True, agent_types=[])


@worker_app.command("agent")
def worker_agent(
    type: Annotated[list[str], typer.Option("--type", help="Agent type(s) to serve.")],
) -> None:
    """Poll the agent-<type> queue(s): the invoke_agent activity of those types."""
    _run_workers(orchestrator=False, agent_types=type)


@worker_app.command("all")
def worker_all(
    type: Annotated[list[str] | None, typer.Option("--type", help="Agent types.")] = None,
) -> None:
    """Orchestrator and agent workers in one process (the embedded stack's choice)."""
    _run_workers(orchestrator=True, agent_types=type or list(BUILTIN_AGENT_TYPES))


def _run_workers(*, orchestrator: bool, agent_types: list[str]) -> None:
    """Run workers until signalled; a Temporal connection that cannot work exits 1 at
    once with the setting to fix (never a retry loop that hides it)."""
    from hub.worker_processes import run_worker_processes
    from workers.temporal_client import TemporalConnectionError

    try:
        event_loop.run(
            run_worker_processes(Settings(), orchestrator=orchestrator, agent_types=agent_types)
        )
    except TemporalConnectionError as exc:
        typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from exc


@agent_app.command("serve")
def agent_serve(
    agent_type: Annotated[str | None, typer.Argument(help="Agent type to serve.")] = None,
    all_types: Annotated[bool, typer.Option("--all", help="Serve every built-in type.")] = False,
    host: Annotated[str, typer.Option(help="Bind address.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8080,
) -> None:
    """Serve one agent type (or all built-in types under /<type>) over HTTP."""
    from agents.base.server import serve, serve_many
    from hub.log_scrubbing import install_secret_scrubbing

    # Agents hold provider keys in their environment: keep them out of every log line.
    install_secret_scrubbing()

    if all_types:
        serve_many(list(BUILTIN_AGENT_TYPES), host=host, port=port)
    elif agent_type:
        serve(agent_type, host=host, port=port)
    else:
        typer.secho("error: name an agent type or pass --all", fg=typer.colors.RED, err=True)
        raise typer.Exit(2)
