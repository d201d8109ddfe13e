"""Building apps from the terminal: ``hub agents``, ``hub orchestration``, ``hub deploy``,
``hub prompts``, ``hub artifacts`` and the shared helpers (apps named by id or name,
``-o table|json|yaml`` output, ``file:line:col: message`` problems).

Every command goes through the REST API with :func:`hub.cli_runs.call`, like any client.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

import httpx
import typer
import yaml

from hub.cli_runs import (
    ApiUrlOption,
    CliApiError,
    OutputFormat,
    OutputOption,
    TokenOption,
    api_client,
    call,
    emit,
    exits_on_api_error,
    fail,
    upload_document,
)

agents_app = typer.Typer(help="An app's agents: add them, show and change their config.")
orchestration_app = typer.Typer(help="An app's orchestration: apply a YAML file, export it.")
prompts_app = typer.Typer(help="The prompt registry: list, show, register versions, aliases.")
artifacts_app = typer.Typer(help="The artifact store: upload documents for runs.")

APP_ID_PATTERN = re.compile(r"^app-[0-9a-f]{6,32}$")
YAML_HEADERS = {"Content-Type": "application/yaml"}


AppArgument = Annotated[str, typer.Argument(help="The app: its id (app-…) or its exact name.")]


def find_app(client: httpx.Client, name: str) -> dict[str, Any] | None:
    """The app named exactly ``name`` among those the caller sees, or ``None``."""
    apps = call(client, "GET", "/apps", params={"q": name, "limit": 200})
    exact = [app for app in apps if app.get("name") == name]
    if len(exact) > 1:
        listed = ", ".join(f"{a['id']} (team {a.get('team_id')})" for a in exact)
        raise fail(f"several apps you can see are named {name!r}: {listed}; pass the id", 2)
    return exact[0] if exact else None


def resolve_app(client: httpx.Client, app: str) -> dict[str, Any]:
    """The app ``app`` names: an id, else an exact name (a clear error when neither)."""
    if APP_ID_PATTERN.match(app):
        return dict(call(client, "GET", f"/apps/{quote(app, safe='')}"))
    found = find_app(client, app)
    if found is None:
        raise fail(f"no app named {app!r}; list apps with `hub apps list`", 1)
    return found


def problems(file: str, detail: Any) -> list[str]:
    """An API's validation ``detail`` (or report errors) as ``file:line:col: message``."""
    items = detail if isinstance(detail, list) else [{"msg": str(detail)}]
    lines = []
    for item in items:
        message = item.get("msg") or item.get("message") or str(item)
        where = item.get("path") or ""
        line, column = item.get("line"), item.get("column")
        place = f"{file}:{line}:{column}" if line else f"{file}"
        lines.append(f"{place}: {message}" + (f" (at {where})" if where else ""))
    return lines


def deep_merge(base: Any, overlay: Any) -> Any:
    """``overlay`` on top of ``base``: dicts merge key by key, anything else replaces."""
    if isinstance(base, dict) and isinstance(overlay, dict):
        merged = dict(base)
        for key, value in overlay.items():
            merged[key] = deep_merge(base.get(key), value) if key in base else value
        return merged
    return overlay


def set_dotted(data: dict[str, Any], assignment: str) -> None:
    """Apply ``model.provider=openai`` (the value read as YAML: numbers, booleans, lists)."""
    path, sep, raw = assignment.partition("=")
    if not sep or not path:
        raise fail(f"--set takes KEY=VALUE (e.g. model.temperature=0.2), not {assignment!r}", 2)
    keys = path.split(".")
    target = data
    for key in keys[:-1]:
        child = target.get(key)
        if not isinstance(child, dict):
            child = target[key] = {}
        target = child
    try:
        target[keys[-1]] = yaml.safe_load(raw) if raw else ""
    except yaml.YAMLError:
        target[keys[-1]] = raw


def read_yaml_file(path: Path) -> Any:
    """A YAML (or JSON) file; problems as ``file:line:col: message``, exit 1."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise fail(f"cannot read {path}: {exc.strerror}", 2) from exc
    try:
        return yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        typer.echo(f"{where}: {exc.problem or exc}", err=True)
        raise typer.Exit(1) from exc


def library_config(client: httpx.Client, agent_type: str) -> dict[str, Any] | None:
    for entry in call(client, "GET", "/agents/library"):
        if entry.get("type") == agent_type:
            return dict(entry.get("default_config") or {})
    return None


# ----------------------------------------------------------------- agents


@agents_app.command("add")
@exits_on_api_error
def agents_add(
    app: AppArgument,
    agent_type: Annotated[str, typer.Option("--type", help="Agent type, e.g. extractor.")],
    config_file: Annotated[
        Path | None,
        typer.Option("-f", "--file", help="YAML config: overrides of the type's default config."),
    ] = None,
    name: Annotated[str | None, typer.Option(help="The agent's name (default: the type's).")] = (
        None
    ),
    description: Annotated[str, typer.Option(help="What the agent does.")] = "",
    output: OutputOption = OutputFormat.table,
    api_url: ApiUrlOption = None,
    token: TokenOption = None,
) -> None:
    """Add an agent of a type to an app (config: the library default, plus -f overrides)."""
    with api_client(api_url, token) as client:
        target = resolve_app(client, app)
        body: dict[str, Any] = {
            "name": name or agent_type.replace("_", " ").title(),
            "type": agent_type,
            "description": description,
        }
        if config_file is not None:
            overrides = read_yaml_file(config_file) or {}
            base = library_config(client, agent_type) or {}
            body["config"] = deep_merge(base, overrides)
        agent = call(client, "POST", f"/apps/{target['id']}/agents", json=body)
    if not emit(agent, output):
        typer.echo(f"added agent {agent['id']} ({agent['type']}) to {target['id']}")


@agents_app.command("list")
@exits_on_api_error
def agents_list(
    app: AppArgument,
    output: OutputOption = OutputFormat.table,
    api_url: ApiUrlOption = None,
    token: TokenOption = None,
) -> None:
    """An app's agents."""
    with api_client(api_url, token) as client:
        target = resolve_app(client, app)
        agents = call(client, "GET", f"/apps/{target['id']}/agents")
    if not emit(agents, output):
        for agent in agents:
            typer.echo(f"{agent['id']}  {agent['type']:<12} {agent['name']}")


@agents_app.command("config")
@exits_on_api_error
def agents_config(
    agent_id: Annotated[str, typer.Argument(help="The agent's id (agent-…).")],
    config_file: Annotated[
        Path | None, typer.Option("-f", "--file", help="YAML with the settings to change.")
    ] = None,
    assignments: Annotated[
        list[str] | None,
        typer.Option("--set", help="KEY=VALUE on a dotted path, e.g. model.provider=openai."),
    ] = None,
    output: OutputOption = OutputFormat.yaml,
    api_url: ApiUrlOption = None,
    token: TokenOption = None,
) -> None:
    """Show an agent's config, or change it (-f overrides, then each --set) and show it."""
    path = f"/agents/{quote(agent_id, safe='')}/config"
    with api_client(api_url, token) as client:
        config = call(client, "GET", path)
        if config_file is not None or assignments:
            if config_file is not None:
                config = deep_merge(config, read_yaml_file(config_file) or {})
            for assignment in assignments or []:
                set_dotted(config, assignment)
            config = call(client, "PUT", path, json=config)
    if not emit(config, output):
        typer.echo(yaml.safe_dump(config, sort_keys=False).rstrip())


# ----------------------------------------------------------------- orchestration


def with_app_id(text: str, app_id: str) -> str:
    """The YAML with ``app_id`` set: appended when missing (line numbers stay right)."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return text  # the API reports the syntax error with its line and column
    if isinstance(data, dict) and "app_id" not in data:
        return text.rstrip("\n") + f'\napp_id: "{app_id}"\n'
    return text


@orchestration_app.command("apply")
@exits_on_api_error
def orchestration_apply(
    app: AppArgument,
    file: Annotated[Path, typer.Option("-f", "--file", help="The orchestration YAML.")],
    api_url: ApiUrlOption = None,
    token: TokenOption = None,
) -> None:
    """Validate an app's orchestration file and store it when valid; problems are printed
    as file:line:col: message (exit 1, nothing stored)."""
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise fail(f"cannot read {file}: {exc.strerror}", 2) from exc
    with api_client(api_url, token) as client:
        target = resolve_app(client, app)
        body = with_app_id(text, target["id"]).encode("utf-8")
        path = f"/orchestration/{target['id']}"
        try:
            # Checked first, stored only when valid: a broken file changes nothing.
            report = call(client, "POST", f"{path}/validate", content=body, headers=YAML_HEADERS)
            if not report.get("valid", True):
                for line in problems(str(file), report.get("errors") or []):
                    typer.echo(line, err=True)
                typer.echo(f"nothing stored ({target['id']})", err=True)
                raise typer.Exit(1)
            call(client, "PUT", path, content=body, headers=YAML_HEADERS)
        except CliApiError as exc:
            if exc.status_code in (400, 422):
                raise _report_problems(file, exc) from exc
            raise
    typer.echo(f"orchestration of {target['id']} applied from {file} (valid)")


def _report_problems(file: Path, error: CliApiError) -> typer.Exit:
    detail = error.raw_detail
    lines = problems(str(file), detail) if detail is not None else [f"{file}: {error.detail}"]
    for line in lines:
        typer.echo(line, err=True)
    return typer.Exit(1)


@orchestration_app.command("export")
@exits_on_api_error
def orchestration_export(
    app: AppArgument,
    api_url: ApiUrlOption = None,
    token: TokenOption = None,
) -> None:
    """Print an app's orchestration as YAML."""
    with api_client(api_url, token) as client:
        target = resolve_app(client, app)
        response = client.get(f"/orchestration/{target['id']}/export-yaml")
        if response.status_code >= 400:
            call(client, "GET", f"/orchestration/{target['id']}/export-yaml")
    typer.echo(response.text.rstrip("\n"))


# ----------------------------------------------------------------- deploy


@exits_on_api_error
def deploy(
    app: AppArgument,
    output: OutputOption = OutputFormat.table,
    api_url: ApiUrlOption = None,
    token: TokenOption = None,
) -> None:
    """Compile, validate and pin a release of an app (each deploy bumps its version)."""
    with api_client(api_url, token) as client:
        target = resolve_app(client, app)
        try:
            deployed = call(client, "POST", f"/apps/{target['id']}/deploy")
        except CliApiError as exc:
            if exc.status_code == 422:
                raise _report_problems(Path("orchestration"), exc) from exc
            raise
    if not emit(deployed, output):
        typer.echo(f"deployed {deployed['id']} ({deployed['name']}) version {deployed['version']}")


# ----------------------------------------------------------------- prompts


@prompts_app.command("list")
@exits_on_api_error
def prompts_list(
    search: Annotated[str | None, typer.Option("--search", "-q", help="Name contains.")] = None,
    output: OutputOption = OutputFormat.table,
    api_url: ApiUrlOption = None,
    token: TokenOption = None,
) -> None:
    """Prompts in the registry with their newest version."""
    params = {"q": search} if search else {}
    with api_client(api_url, token) as client:
        page = call(client, "GET", "/prompts", params=params)
    if not emit(page, output):
        for item in page.get("items") or []:
            typer.echo(f"{item['name']:<40} v{item.get('latest_version')}")


@prompts_app.command("show")
@exits_on_api_error
def prompts_show(
    name: Annotated[str, typer.Argument(help="The prompt's name.")],
    output: OutputOption = OutputFormat.table,
    api_url: ApiUrlOption = None,
    token: TokenOption = None,
) -> None:
    """A prompt's versions and aliases; the table shows the newest template."""
    with api_client(api_url, token) as client:
        detail = call(client, "GET", f"/prompts/{quote(name, safe='')}")
    if not emit(detail, output):
        aliases = ", ".join(f"{a}→v{v}" for a, v in (detail.get("aliases") or {}).items())
        typer.echo(f"{detail['name']}  latest v{detail.get('latest_version')}  {aliases}")
        versions = detail.get("versions") or []
        if versions:
            newest = max(versions, key=lambda v: v["version"])
            typer.echo(str(newest["template"]))


@prompts_app.command("create")
@exits_on_api_error
def prompts_create(
    name: Annotated[str, typer.Argument(help="The prompt's name, e.g. extractor-system.")],
    file: Annotated[Path, typer.Option("-f", "--file", help="The template (Jinja2 text).")],
    message: Annotated[str | None, typer.Option("--message", "-m", help="Commit message.")] = (
        None
    ),
    alias: Annotated[
        str | None, typer.Option(help="Point this alias (e.g. production) at the new version.")
    ] = None,
    output: OutputOption = OutputFormat.table,
    api_url: ApiUrlOption = None,
    token: TokenOption = None,
) -> None:
    """Register a new version of a prompt (creating the prompt if needed)."""
    try:
        template = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise fail(f"cannot read {file}: {exc.strerror}", 2) from exc
    with api_client(api_url, token) as client:
        body = {"name": name, "template": template, "commit_message": message}
        version = call(client, "POST", "/prompts", json=body)
        if alias:
            call(
                client,
                "PUT",
                f"/prompts/{quote(name, safe='')}/aliases",
                json={"alias": alias, "version": version["version"]},
            )
    if not emit(version, output):
        moved = f", alias {alias}" if alias else ""
        typer.echo(f"registered {name} version {version['version']}{moved}")


# ----------------------------------------------------------------- artifacts


@artifacts_app.command("upload")
@exits_on_api_error
def artifacts_upload(
    file: Annotated[Path, typer.Argument(help="The document to upload.")],
    output: OutputOption = OutputFormat.table,
    api_url: ApiUrlOption = None,
    token: TokenOption = None,
) -> None:
    """Upload a document; prints its artifact:// URI to pass as a run input."""
    if not file.is_file():
        raise fail(f"{file} is not a file", 2)
    with api_client(api_url, token) as client:
        uri = upload_document(client, file)
    if not emit({"uri": uri, "filename": file.name}, output):
        typer.echo(uri)
