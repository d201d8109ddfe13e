"""``hub run`` and ``hub runs list|show|watch``: start runs and look at them from the terminal.

Every call goes through :func:`call`, which raises :class:`CliApiError` for an
unreachable API or an error answer. Commands are wrapped in
:func:`exits_on_api_error`, which prints ``error: …`` and exits 1; library callers
(``hub.demo``) catch it and keep the method, path, status and detail.
"""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, ParamSpec

import httpx
import typer
import yaml
from httpx_sse import connect_sse
from rich.text import Text
from rich.tree import Tree

from hub.cli_login import auth_headers, default_api_url
from hub.terminal import render, table
from schemas.artifacts import ARTIFACT_REF_KEY, artifact_id_from_uri

runs_app = typer.Typer(
    help="List runs, show a run's trace, watch a run live.", no_args_is_help=True
)

TERMINAL_STATUSES = {"completed", "failed", "canceled", "terminated", "timed_out"}
POLL_SECONDS = 0.5
P = ParamSpec("P")

ApiUrlOption = Annotated[
    str | None,
    typer.Option("--api-url", help="Base URL of a running API (default: HUB_API_URL)."),
]
TokenOption = Annotated[
    str | None,
    typer.Option(
        "--token",
        envvar="HUB_TOKEN",
        help="Bearer token (default: HUB_TOKEN, else the `hub login` token, else HUB_API_KEY "
        "or the local admin key).",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
#: The app a command acts on.
AppArgument = Annotated[str, typer.Argument(help="The app.")]


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    yaml = "yaml"


OutputOption = Annotated[
    OutputFormat,
    typer.Option("--output", "-o", help="How to print the result: table, json or yaml."),
]


def emit(data: Any, output: OutputFormat) -> bool:
    """Print ``data`` as JSON or YAML; ``False`` for ``table`` (the caller prints it)."""
    if output is OutputFormat.json:
        typer.echo(json.dumps(data, indent=2))
        return True
    if output is OutputFormat.yaml:
        typer.echo(yaml.safe_dump(data, sort_keys=False, allow_unicode=True).rstrip())
        return True
    return False


class CliApiError(RuntimeError):
    """An API call failed: the API was unreachable (``status_code`` is ``None``) or it
    answered an error (method, path, status and the API's ``detail`` as one line)."""

    def __init__(
        self,
        method: str,
        path: str,
        status_code: int | None,
        detail: str,
        raw_detail: Any = None,
    ) -> None:
        self.method, self.path, self.status_code, self.detail = method, path, status_code, detail
        #: The API's ``detail`` as sent (a list of items with line and column for a 422).
        self.raw_detail = raw_detail
        if status_code is None:
            message = detail
        else:
            message = f"{method} {path} answered {status_code}: {detail}"
        super().__init__(message)


def exits_on_api_error(command: Callable[P, None]) -> Callable[P, None]:
    """The command boundary: a :class:`CliApiError` becomes ``error: …`` on stderr, exit 1."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            command(*args, **kwargs)
        except CliApiError as exc:
            typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
            raise typer.Exit(1) from exc

    return wrapper


def format_detail(detail: Any) -> str:
    """The API's ``detail`` as one line (422 lists become ``path: message; …``)."""
    if isinstance(detail, list):
        parts = []
        for item in detail:
            if isinstance(item, dict):
                where = item.get("path") or "/".join(str(p) for p in item.get("loc", [])) or "/"
                parts.append(f"{where}: {item.get('msg') or item.get('message')}")
            else:
                parts.append(str(item))
        return "; ".join(parts)
    return str(detail)


def api_error(response: httpx.Response) -> CliApiError:
    """The :class:`CliApiError` of an error answer (its body read if it was streamed)."""
    response.read()
    try:
        body = response.json()
        detail = body.get("detail", body) if isinstance(body, dict) else body
    except ValueError:
        detail = response.text or response.reason_phrase
    request = response.request
    if response.status_code == 401:
        detail = (
            f"{format_detail(detail)} (log in with `hub login --key-file FILE`, or pass "
            "--token / HUB_TOKEN; `hub up` keeps its admin key in HUB_HOME/admin.key)"
        )
    return CliApiError(
        request.method, request.url.path, response.status_code, format_detail(detail), detail
    )


def unreachable(client: httpx.Client, method: str, path: str, exc: Exception) -> CliApiError:
    return CliApiError(
        method,
        path,
        None,
        f"cannot reach the API at {client.base_url} ({exc.__class__.__name__}: {exc}); "
        "start it with `hub up` (or `hub api`), or pass --api-url",
    )


def fail(message: str, code: int = 1) -> typer.Exit:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    return typer.Exit(code)


def api_client(api_url: str | None, token: str | None = None) -> httpx.Client:
    """A client of the API at ``api_url`` (default ``HUB_API_URL``), authenticated when it can."""
    base = (api_url or default_api_url()).rstrip("/")
    # --token, HUB_TOKEN, the stored `hub login`, else HUB_API_KEY or the key `hub up`
    # wrote under HUB_HOME, exchanged for a token (hub.cli_login.auth_headers).
    headers = auth_headers(base, token)
    # Runs the CLI starts say so (GET /runs/{id} → "trigger": {"kind": "cli"}).
    return httpx.Client(base_url=base, timeout=30.0, headers={**headers, "Hub-Trigger": "cli"})


RATE_LIMIT_RETRIES = 5
MAX_RATE_LIMIT_WAIT_SECONDS = 30.0


def retry_after_seconds(response: httpx.Response) -> float:
    try:
        return max(float(response.headers.get("Retry-After", "1")), 0.1)
    except ValueError:
        return 1.0


def call(client: httpx.Client, method: str, path: str, **kwargs: Any) -> Any:
    """One API call; an unreachable API or an error answer raises :class:`CliApiError`."""
    for _ in range(RATE_LIMIT_RETRIES):
        try:
            response = client.request(method, path, **kwargs)
        except httpx.TransportError as exc:
            raise unreachable(client, method, path, exc) from exc
        if response.status_code != 429 or "files" in kwargs:
            break
        # Several CLIs sharing one key may exceed its rate limit: wait as told, then retry.
        time.sleep(min(retry_after_seconds(response), MAX_RATE_LIMIT_WAIT_SECONDS))
    if response.status_code >= 400:
        raise api_error(response)
    return response.json() if response.content else None


def get_json(api_url: str | None, token: str | None, path: str, **kwargs: Any) -> Any:
    """One ``GET`` through the API: what a command that only reads needs."""
    with api_client(api_url, token) as client:
        return call(client, "GET", path, **kwargs)


def echo_result(data: Any, as_json: bool, text: str | list[str]) -> None:
    """``data`` as JSON with ``--json``, else ``text`` (a line or lines) for a person."""
    if as_json:
        typer.echo(json.dumps(data, indent=2))
        return
    for line in [text] if isinstance(text, str) else text:
        typer.echo(line)


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


def resolve_artifacts(client: httpx.Client, value: Any) -> Any:
    """``value`` with claim-check references (``{"$artifact": "artifact://…"}``: outputs
    too large for workflow history) replaced by the artifacts they point at."""
    if isinstance(value, dict):
        reference = value.get(ARTIFACT_REF_KEY)
        if set(value) == {ARTIFACT_REF_KEY} and isinstance(reference, str):
            artifact_id = artifact_id_from_uri(reference)
            if artifact_id is not None:
                return resolve_artifacts(client, call(client, "GET", f"/artifacts/{artifact_id}"))
        return {key: resolve_artifacts(client, item) for key, item in value.items()}
    if isinstance(value, list):
        return [resolve_artifacts(client, item) for item in value]
    return value


def outputs_text(outputs: dict[str, Any]) -> list[str]:
    """A run's outputs for people: the last step's in full (a report with Markdown, like the
    summarizer's memo, as its Markdown; anything else as YAML), the others by name only
    (``-o yaml`` prints them all)."""
    lines: list[str] = []
    steps = list(outputs.items())
    for index, (step_id, step_outputs) in enumerate(steps):
        named = step_outputs if isinstance(step_outputs, dict) else {"output": step_outputs}
        last = index == len(steps) - 1
        for name, value in named.items():
            if not last:
                lines.append(f"step {step_id} · {name}  (all outputs: -o yaml)")
                continue
            lines.append(f"── step {step_id} · {name}")
            if isinstance(value, dict) and isinstance(value.get("markdown"), str):
                lines.append(value["markdown"].rstrip())
            else:
                lines.append(yaml.safe_dump(value, sort_keys=False, allow_unicode=True).rstrip())
    return lines


@exits_on_api_error
def run(  # noqa: C901 - one branch per CLI option; the CLI's tables move to rich (issue 19 part 5)
    app_id: Annotated[str, typer.Argument(help="The app to run: its id (app-…) or exact name.")],
    input: Annotated[
        Path | None, typer.Option("--input", help="JSON file with the run's inputs.")
    ] = None,
    document: Annotated[
        Path | None, typer.Option(help="A document to upload and pass as inputs.document.")
    ] = None,
    wait: Annotated[
        bool, typer.Option(help="Follow progress until the run ends, then print its outputs.")
    ] = False,
    draft: Annotated[bool, typer.Option(help="Run the current config, not the release.")] = False,
    as_json: JsonOption = False,
    output: OutputOption = OutputFormat.table,
    api_url: ApiUrlOption = None,
    token: TokenOption = None,
) -> None:
    """Start a run of an app (its deployed release, or --draft), optionally following it.

    With --wait the run's outputs are printed when it ends: -o table (the memo's Markdown,
    other outputs as YAML), -o json or -o yaml (the whole run, outputs included).
    """
    from hub.cli_build import resolve_app

    if as_json:
        output = OutputFormat.json
    inputs: dict[str, Any] = {}
    if input is not None:
        try:
            loaded = json.loads(input.read_text())
        except (OSError, ValueError) as exc:
            raise fail(f"cannot read inputs from {input}: {exc}", 2) from exc
        if not isinstance(loaded, dict):
            raise fail(f"{input} must hold a JSON object of inputs", 2)
        inputs.update(loaded)
    people = output is OutputFormat.table
    with api_client(api_url, token) as client:
        if not app_id.startswith("app-"):
            app_id = str(resolve_app(client, app_id)["id"])
        if document is not None:
            if not document.is_file():
                raise fail(f"{document} is not a file", 2)
            inputs["document"] = upload_document(client, document)
        try:
            started = call(
                client, "POST", f"/apps/{app_id}/runs", json={"inputs": inputs, "draft": draft}
            )
        except CliApiError as exc:
            if exc.status_code == 409 and "not deployed" in exc.detail:
                exc.args = (f"{exc} From the CLI: `hub deploy {app_id}`, or `hub run --draft`.",)
            raise
        if people:
            typer.echo(f"run {started['run_id']} started")
            if started.get("temporal_ui_url"):
                typer.echo(f"  Temporal UI: {started['temporal_ui_url']}")
        if not wait:
            emit(started, output)
            return
        final = follow_run(client, started["run_id"], echo=people)
        if final.get("outputs"):
            final["outputs"] = resolve_artifacts(client, final["outputs"])
    if not emit(final, output):
        colour = typer.colors.GREEN if final["status"] == "completed" else typer.colors.RED
        typer.secho(f"run {final['run_id']} {final['status']}", fg=colour)
        if final.get("error"):
            typer.echo(f"  error: {final['error']}")
        if final.get("outputs"):
            typer.echo("")
            for line in outputs_text(final["outputs"]):
                typer.echo(line)
    if final["status"] != "completed":
        raise typer.Exit(1)


# ----------------------------------------------------------------- formatting


def format_ms(ms: float | None) -> str:
    """A duration for people: ``850 ms``, ``2.31 s``, ``4m05s``; ``-`` when unknown."""
    if ms is None:
        return "-"
    if ms < 1000:
        return f"{ms:.0f} ms"
    seconds = ms / 1000
    if seconds < 60:
        return f"{seconds:.2f} s"
    minutes, rest = divmod(int(round(seconds)), 60)
    return f"{minutes}m{rest:02d}s"


def format_cost(cost: float | None) -> str:
    return f"${cost or 0.0:.4f}"


def format_time(value: str | None) -> str:
    """An ISO timestamp as ``YYYY-MM-DD HH:MM:SS`` (UTC, as the API gives it)."""
    if not value:
        return "-"
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return value


RUN_HEADERS = ["RUN", "APP", "STATUS", "STARTED", "DURATION", "STEPS", "TOKENS", "COST"]


def run_row(item: dict[str, Any]) -> list[str]:
    steps = f"{item.get('steps_completed', 0)} ok"
    if item.get("steps_failed"):
        steps += f", {item['steps_failed']} failed"
    return [
        str(item["run_id"]),
        str(item.get("app_id") or "-"),
        str(item["status"]),
        format_time(item.get("started_at")),
        format_ms(item.get("duration_ms")),
        steps,
        str(item.get("tokens", 0)),
        format_cost(item.get("cost_usd")),
    ]


def _span_sort_key(span: dict[str, Any]) -> tuple[str, int, int]:
    return (
        span.get("scheduled_at") or span.get("started_at") or "~",
        span.get("item_index") or 0,
        span.get("attempt") or 0,
    )


def _span_line(span: dict[str, Any]) -> str:
    """One span: name, status, duration, then what is known of it."""
    parts = [str(span["name"]), str(span["status"]), format_ms(span.get("duration_ms"))]
    if span["kind"] == "run" and span.get("app_id"):
        parts.append(f"app {span['app_id']}")
    if span["kind"] == "attempt":
        if span.get("agent_type"):
            parts.append(f"agent {span['agent_type']}")
        if span.get("model"):
            parts.append(f"model {span['model']}")
    tokens_in, tokens_out = span.get("input_tokens", 0), span.get("output_tokens", 0)
    if tokens_in or tokens_out:
        parts.append(f"tokens {tokens_in} in / {tokens_out} out")
    if span.get("cost_usd"):
        parts.append(format_cost(span["cost_usd"]))
    if span.get("schema_violations"):
        parts.append(f"{span['schema_violations']} schema violation(s)")
    return "  ".join(parts)


def _span_label(span: dict[str, Any]) -> Text:
    """The span's line, then its retry reason and error on lines of their own."""
    lines = [_span_line(span)]
    if span.get("retry_reason"):
        lines.append(f"retry reason: {span['retry_reason']}")
    if span.get("error"):
        kind = f" ({span['error_type']})" if span.get("error_type") else ""
        lines.append(f"error{kind}: {span['error']}")
    return Text("\n".join(lines))


def trace_tree(trace: dict[str, Any]) -> list[str]:
    """The spans of a ``GET /observability/traces/{id}`` answer as a tree (rich).

    Run → steps → attempts, children in the order they were scheduled; each line
    with status and duration, attempts with agent, model, tokens and cost, and
    error and retry reason on their own lines under the span.
    """
    spans = list(trace.get("spans") or [])
    ids = {span["span_id"] for span in spans}
    children: dict[str | None, list[dict[str, Any]]] = {}
    for span in spans:
        parent = span.get("parent_id") if span.get("parent_id") in ids else None
        children.setdefault(parent, []).append(span)

    def grow(node: Tree, span: dict[str, Any]) -> Tree:
        for kid in sorted(children.get(span["span_id"], []), key=_span_sort_key):
            grow(node.add(_span_label(kid)), kid)
        return node

    lines: list[str] = []
    for root in sorted(children.get(None, []), key=_span_sort_key):
        if root["kind"] == "run":
            root = {**root, "app_id": trace.get("app_id")}
        lines += render(grow(Tree(_span_label(root)), root)).splitlines()
    return lines


# ----------------------------------------------------------------- events


def event_line(event: dict[str, Any]) -> str:
    """One step event as the terminal shows it."""
    line = f"{format_time(event.get('at'))}  step {event.get('step_id', ''):<16} {event['state']}"
    if event.get("attempts") and event["attempts"] > 1:
        line += f"  (attempt {event['attempts']})"
    if event.get("items_total"):
        line += f"  items {event.get('items_done') or 0}/{event['items_total']}"
    if event.get("error"):
        line += f"  error: {event['error']}"
    return line


# ----------------------------------------------------------------- commands


@runs_app.command("list")
@exits_on_api_error
def runs_list(
    app: Annotated[str | None, typer.Option("--app", help="Only runs of this app id.")] = None,
    status: Annotated[
        str | None,
        typer.Option(help="Only runs in this status (running|completed|failed|canceled|…)."),
    ] = None,
    agent_type: Annotated[
        str | None, typer.Option(help="Only runs that use this agent type.")
    ] = None,
    since: Annotated[str | None, typer.Option(help="Started at or after (ISO-8601).")] = None,
    trigger: Annotated[
        str | None,
        typer.Option(help="Only runs started by this trigger (schedule|webhook|batch|api|cli)."),
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=500, help="How many runs.")] = 20,
    cursor: Annotated[str | None, typer.Option(help="`next` cursor of a previous page.")] = None,
    as_json: JsonOption = False,
    api_url: ApiUrlOption = None,
    token: TokenOption = None,
) -> None:
    """List runs newest first (from Temporal visibility: CLI-started runs too)."""
    params: dict[str, Any] = {"limit": limit}
    for key, value in (
        ("app_id", app),
        ("status", status),
        ("agent_type", agent_type),
        ("since", since),
        ("trigger", trigger),
        ("cursor", cursor),
    ):
        if value:
            params[key] = value
    with api_client(api_url, token) as client:
        page = call(client, "GET", "/observability/runs", params=params)
    if as_json:
        typer.echo(json.dumps(page, indent=2))
        return
    items = page.get("items") or []
    if not items:
        typer.echo("no runs")
        return
    typer.echo(table([run_row(item) for item in items], RUN_HEADERS))
    if page.get("next_cursor"):
        typer.echo(f"\nmore: hub runs list --cursor '{page['next_cursor']}'")


@runs_app.command("show")
@exits_on_api_error
def runs_show(
    run_id: Annotated[str, typer.Argument(help="The run id.")],
    as_json: JsonOption = False,
    output: OutputOption = OutputFormat.table,
    api_url: ApiUrlOption = None,
    token: TokenOption = None,
) -> None:
    """A run's trace as a tree (steps and attempts with timings, errors, tokens and cost),
    then its outputs. --json: the trace; -o json|yaml: the run (outputs included) and trace."""
    with api_client(api_url, token) as client:
        trace = call(client, "GET", f"/observability/traces/{run_id}")
        if as_json:
            typer.echo(json.dumps(trace, indent=2))
            return
        try:
            run = call(client, "GET", f"/runs/{run_id}")
        except CliApiError as exc:
            if exc.status_code != 404:
                raise
            run = {}  # a run started outside the API (temporal CLI): its trace only
        if run.get("outputs"):
            run["outputs"] = resolve_artifacts(client, run["outputs"])
    if emit({"run": run, "trace": trace}, output):
        return
    for line in trace_tree(trace):
        typer.echo(line)
    if trace.get("temporal_ui_url"):
        typer.echo(f"Temporal UI: {trace['temporal_ui_url']}")
    if run.get("outputs"):
        typer.echo("")
        for line in outputs_text(run["outputs"]):
            typer.echo(line)


@runs_app.command("watch")
@exits_on_api_error
def runs_watch(
    run_id: Annotated[str, typer.Argument(help="The run id.")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print each event as one JSON line.")
    ] = False,
    api_url: ApiUrlOption = None,
    token: TokenOption = None,
) -> None:
    """Print a run's step events as they happen; exits when the run ends (non-zero
    unless it completed)."""
    path = f"/runs/{run_id}/events"
    final: dict[str, Any] | None = None
    with api_client(api_url, token) as client:
        try:
            # No read timeout: a step may run for minutes; the server sends pings.
            with connect_sse(client, "GET", path, timeout=httpx.Timeout(30.0, read=None)) as source:
                if source.response.status_code >= 400:
                    raise api_error(source.response)
                for sse in source.iter_sse():
                    event = sse.json()
                    if as_json:
                        typer.echo(json.dumps(event))
                    elif sse.event == "step":
                        typer.echo(event_line(event))
                    if sse.event == "run":
                        final = event
                        break
        except httpx.TransportError as exc:
            raise unreachable(client, "GET", path, exc) from exc
    if final is None:
        raise fail(
            f"the event stream of {run_id} ended before the run did; "
            f"run `hub runs watch {run_id}` again"
        )
    if not as_json:
        colour = typer.colors.GREEN if final["state"] == "completed" else typer.colors.RED
        typer.secho(f"run {run_id} {final['state']}", fg=colour)
        if final.get("error"):
            typer.echo(f"  error: {final['error']}")
    if final["state"] != "completed":
        raise typer.Exit(1)
