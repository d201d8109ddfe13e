"""Apps as files: ``hub init NAME`` scaffolds one, ``hub apply -f app.yaml`` makes the hub
match it, idempotently (applied twice, the second changes nothing; ``--dry-run`` prints
the diff and changes nothing), so teams keep apps in git and apply them from CI.

An ``app.yaml`` holds the app, its agents and its orchestration::

    name: Credit Memo Processor          # the app's name: unique in its team, how apply finds it
    description: Reads a credit memo …
    agents:
      - key: extractor                   # how the orchestration below names this agent
        name: Document Extractor         # an agent is matched by name within the app
        type: extractor
        config: {model: {temperature: 0.1}}   # optional: overrides of the type's default
    orchestration:                       # the orchestration YAML, with agent keys for ids
      version: "1.0"
      name: Credit Memo Pipeline
      workflow:
        - step: 1
          agent_id: extractor
          inputs: [{source: trigger, field: document}]
          outputs: [{name: extracted_data}]

``apply`` fills in what the hub assigns: the app's id as ``app_id``, each agent key in
``agent_id`` and ``source`` as the agent's id, and the ``agents`` list of the
orchestration from the file's agents. It never deletes: an agent on the hub that the
file no longer lists is reported and left alone.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from hub.cli_build import deep_merge, find_app, library_config
from hub.cli_runs import call

YAML_HEADERS = {"Content-Type": "application/yaml"}
KEY_PATTERN = r"^[A-Za-z0-9_.-]+$"


class AppFileError(ValueError):
    """An ``app.yaml`` that cannot be applied; ``lines`` are ``file:line:col: message``."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


class AgentEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: str = Field(default="", pattern=r"^$|" + KEY_PATTERN)
    name: str = Field(min_length=1, max_length=200)
    type: str = Field(min_length=1, max_length=40)
    description: str = ""
    config: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _key_defaults_to_type(self) -> AgentEntry:
        if not self.key:
            self.key = self.type
        return self


class AppFile(BaseModel):
    """An ``app.yaml``."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    team_id: str | None = None
    agents: list[AgentEntry] = Field(default_factory=list)
    orchestration: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _unique(self) -> AppFile:
        for label, values in (
            ("key", [a.key for a in self.agents]),
            ("name", [a.name for a in self.agents]),
        ):
            twice = sorted({v for v in values if values.count(v) > 1})
            if twice:
                raise ValueError(f"agent {label}s must be unique in the file: {', '.join(twice)}")
        return self


def _node_mark(root: yaml.Node, loc: tuple[Any, ...]) -> tuple[int, int] | None:
    """1-based line and column of the node at ``loc`` in a composed YAML document."""
    node: yaml.Node | None = root
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            node = node.value[part] if part < len(node.value) else None
        else:
            break
        if node is None:
            break
    if node is None:
        return None
    return node.start_mark.line + 1, node.start_mark.column + 1


def load_app_file(path: Path) -> AppFile:
    """Read and check an ``app.yaml``; every problem as ``file:line:col: message``."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise AppFileError([f"{path}: cannot read it: {exc.strerror}"]) from exc
    try:
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise AppFileError([f"{where}: {exc.problem or exc}"]) from exc
    if not isinstance(data, dict):
        raise AppFileError([f"{path}:1:1: an app file is a mapping with name, agents, …"])
    try:
        return AppFile.model_validate(data)
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            loc = tuple(error["loc"])
            at = _node_mark(root, loc) if root is not None else None
            place = f"{path}:{at[0]}:{at[1]}" if at else str(path)
            where = ".".join(str(p) for p in loc)
            lines.append(f"{place}: {where}: {error['msg']}")
        raise AppFileError(lines) from exc


def orchestration_text(app: AppFile, app_id: str, agent_ids: dict[str, str]) -> str:
    """The orchestration YAML the hub stores for ``app``: keys replaced by ids, the app's
    id and the agents list filled in. Deterministic, so equal text means no change."""
    spec = json.loads(json.dumps(app.orchestration or {}))
    # Agents not created yet (a dry run) show as placeholders.
    known = {a.key: agent_ids.get(a.key, f"<id of {a.key}>") for a in app.agents}

    def agent_id(value: Any) -> Any:
        return known.get(value, value) if isinstance(value, str) else value

    spec["app_id"] = app_id
    spec.setdefault("version", "1.0")
    spec.setdefault("name", app.name)
    spec["agents"] = [{"id": known[a.key], "name": a.name, "type": a.type} for a in app.agents]
    for step in spec.get("workflow") or []:
        if not isinstance(step, dict):
            continue
        if "agent_id" in step:
            step["agent_id"] = agent_id(step["agent_id"])
        for key in ("inputs",):
            for item in step.get(key) or []:
                if isinstance(item, dict) and "source" in item:
                    item["source"] = agent_id(item["source"])
        foreach = step.get("foreach")
        if isinstance(foreach, dict) and "source" in foreach:
            foreach["source"] = agent_id(foreach["source"])
    ordered = {k: spec[k] for k in ("version", "app_id", "name", "agents") if k in spec}
    ordered.update({k: v for k, v in spec.items() if k not in ordered})
    header = "# Applied from an app file by `hub apply`; edit the file, not this.\n"
    return header + yaml.safe_dump(ordered, sort_keys=False, allow_unicode=True)


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """``{"model": {"temperature": 0.1}}`` → ``{"model.temperature": 0.1}``."""
    if isinstance(value, dict) and value:
        flat: dict[str, Any] = {}
        for key, item in value.items():
            flat.update(flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    # An unset value and a null are the same setting.
    return {} if value is None else {prefix: value}


def config_changes(current: dict[str, Any], desired: dict[str, Any]) -> list[str]:
    before, after = flatten(current), flatten(desired)
    lines = []
    for key in sorted(set(before) | set(after)):
        if before.get(key, "<unset>") != after.get(key, "<unset>"):
            was, now = json.dumps(before.get(key)), json.dumps(after.get(key))
            lines.append(f"      {key}: {was} → {now}")
    return lines


@dataclass
class Plan:
    """What ``apply`` will do, step by step, and how to say it."""

    app: AppFile
    app_id: str | None
    lines: list[str] = field(default_factory=list)
    actions: list[Callable[[dict[str, str]], None]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: Filled while the actions run: the app's id once it exists.
    state: dict[str, str] = field(default_factory=dict)

    @property
    def changes(self) -> bool:
        return bool(self.actions)


def plan_apply(client: httpx.Client, app: AppFile) -> Plan:  # noqa: C901, PLR0915 - one block per difference between file and hub, in apply order
    """Compare the hub with the file; the returned plan's actions make them match."""
    existing = find_app(client, app.name)
    if existing is not None and app.team_id and existing.get("team_id") != app.team_id:
        existing = None
    plan = Plan(app=app, app_id=existing["id"] if existing else None)
    ids: dict[str, str] = {}  # agent key → id, filled as actions run
    state = plan.state
    state["app_id"] = plan.app_id or ""

    if existing is None:
        plan.lines.append(f"+ app {app.name!r}")

        def create_app(_: dict[str, str]) -> None:
            body: dict[str, Any] = {"name": app.name, "description": app.description}
            if app.team_id:
                body["team_id"] = app.team_id
            state["app_id"] = call(client, "POST", "/apps", json=body)["id"]

        plan.actions.append(create_app)
        current_agents: list[dict[str, Any]] = []
        current_yaml = ""
    else:
        if existing.get("status") == "archived":
            raise AppFileError(
                [f"app {app.name!r} ({existing['id']}) is archived and read-only; rename the app"]
            )
        if existing.get("description", "") != app.description:
            plan.lines.append(f"~ app {app.name!r} ({existing['id']}): description")

            def patch_app(_: dict[str, str]) -> None:
                call(
                    client,
                    "PATCH",
                    f"/apps/{state['app_id']}",
                    json={"description": app.description},
                )

            plan.actions.append(patch_app)
        current_agents = call(client, "GET", f"/apps/{existing['id']}/agents")
        response = client.get(f"/orchestration/{existing['id']}")
        current_yaml = str(response.json().get("yaml", "")) if response.status_code == 200 else ""

    by_name = {agent["name"]: agent for agent in current_agents}
    defaults: dict[str, dict[str, Any]] = {}
    for entry in app.agents:
        if entry.type not in defaults:
            defaults[entry.type] = library_config(client, entry.type) or {}
        desired = (
            deep_merge(defaults[entry.type], entry.config) if entry.config else defaults[entry.type]
        )
        have = by_name.get(entry.name)
        if have is None:
            plan.lines.append(f"+ agent {entry.name!r} ({entry.type})")

            def add_agent(
                _: dict[str, str], entry: AgentEntry = entry, desired: Any = desired
            ) -> None:
                body: dict[str, Any] = {
                    "name": entry.name,
                    "type": entry.type,
                    "description": entry.description,
                }
                if entry.config:
                    body["config"] = desired  # else the API gives the library default
                created = call(client, "POST", f"/apps/{state['app_id']}/agents", json=body)
                ids[entry.key] = created["id"]

            plan.actions.append(add_agent)
            continue
        if have["type"] != entry.type:
            raise AppFileError(
                [
                    f"agent {entry.name!r} is a {have['type']} on the hub ({have['id']}) and a "
                    f"{entry.type} in the file; an agent's type cannot change: give it another name"
                ]
            )
        ids[entry.key] = have["id"]
        if entry.config is not None or defaults[entry.type]:
            changed = config_changes(have.get("config") or {}, desired) if desired else []
            if changed:
                plan.lines.append(f"~ agent {entry.name!r} ({have['id']}): config")
                plan.lines.extend(changed)

                def put_config(
                    _: dict[str, str], agent_id: str = have["id"], body: Any = desired
                ) -> None:
                    call(client, "PUT", f"/agents/{agent_id}/config", json=body)

                plan.actions.append(put_config)
        if have.get("description", "") != entry.description:
            plan.notes.append(
                f"agent {entry.name!r}: its description differs from the file; the API "
                "cannot change an agent's description, so it stays"
            )
    for name, agent in by_name.items():
        if name not in {entry.name for entry in app.agents}:
            plan.notes.append(
                f"agent {name!r} ({agent['id']}) is on the hub but not in the file; left as is"
            )

    if app.orchestration is not None:
        # Known ids now; agents still to be created show as <id of key> in the diff.
        preview = orchestration_text(app, plan.app_id or "<new app id>", ids)
        if preview != current_yaml:
            plan.lines.append("~ orchestration" if current_yaml else "+ orchestration")
            diff = difflib.unified_diff(
                current_yaml.splitlines(),
                preview.splitlines(),
                "hub",
                "app.yaml",
                lineterm="",
            )
            plan.lines.extend(f"    {line}" for line in diff)

            def put_orchestration(_: dict[str, str]) -> None:
                text = orchestration_text(app, state["app_id"], ids)
                call(
                    client,
                    "PUT",
                    f"/orchestration/{state['app_id']}",
                    content=text.encode("utf-8"),
                    headers=YAML_HEADERS,
                )

            plan.actions.append(put_orchestration)
    return plan


def execute(plan: Plan) -> str:
    """Run the plan's actions in order; returns the app's id."""
    for action in plan.actions:
        action({})
    return plan.state["app_id"]


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "app"


APP_TEMPLATE = """\
# {name}: an Agentic Hub app as a file. `hub apply -f app.yaml` creates the app or
# updates it to match (twice in a row: nothing changes; --dry-run prints the diff).
# Then: `hub deploy "{name}"` and `hub run "{name}" --document sample.pdf --wait`.
name: "{name}"
description: "Reads a credit memo PDF, normalises its figures, grades the risk and writes the memo."
agents:
  # key: how the orchestration names the agent; name: how the app names it.
  # Optional config: overrides of the type's library default, e.g.
  #   config: {{model: {{provider: openai, model_name: gpt-4o-mini}}}}
  - key: extractor
    name: Document Extractor
    type: extractor
  - key: mapper
    name: Field Mapper
    type: mapper
  - key: analyzer
    name: Risk Analyzer
    type: analyzer
  - key: summarizer
    name: Report Generator
    type: summarizer
orchestration:
  version: "1.0"
  name: "{name} pipeline"
  workflow:
    - step: extract
      agent_id: extractor
      inputs:
        - {{source: trigger, field: document}}
      outputs:
        - {{name: extracted_data}}
    - step: map
      agent_id: mapper
      inputs:
        - {{source: extract, field: extracted_data}}
      outputs:
        - {{name: mapped_data}}
    - step: analyze
      agent_id: analyzer
      inputs:
        - {{source: map, field: mapped_data}}
      outputs:
        - {{name: risk_analysis}}
    - step: report
      agent_id: summarizer
      inputs:
        - {{source: analyze, field: risk_analysis}}
      outputs:
        - {{name: final_report}}
"""


def scaffold(name: str, folder: Path) -> list[Path]:
    """Write ``app.yaml`` and a sample document into ``folder``; returns what it wrote."""
    import shutil
    import tempfile

    from agents.demo.samples import generate_samples

    folder.mkdir(parents=True, exist_ok=True)
    app_file = folder / "app.yaml"
    app_file.write_text(APP_TEMPLATE.format(name=name.replace('"', "'")), encoding="utf-8")
    with tempfile.TemporaryDirectory() as scratch:
        facts = generate_samples(scratch)[0]
        shutil.copy(Path(scratch) / facts.filename, folder / "sample.pdf")
    return [app_file, folder / "sample.pdf"]
