"""Deploy: compile an app's orchestration and pin the plan, with every agent's
resolved config, in a release. Also the app's version rule (semver)."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session, object_session

from api.config import PromptResolver
from api.errors import (
    ConflictError,
    InvalidInputError,
    ValidationErrorItem,
    item_at,
    item_from_issue,
    json_pointer,
)
from api.schemas.sources import ResolvedSchema, SchemaSourceError, schema_sources_of
from schemas.agents import AgentConfig, SchemaConfig, ValidationIssue
from schemas.library import BUILTIN_SCHEMA_PREFIX, BUILTIN_SCHEMAS, TOOLS
from schemas.orchestration import (
    AgentInfo,
    ExecutionPlan,
    PlanAgent,
    ResolvedAgentConfig,
)
from storage.models import Agent, App
from storage.repositories import (
    AgentRepository,
    AppRepository,
    OrchestrationRepository,
    ReleaseRepository,
)
from workflows.compiler import compile_orchestration


def bump_minor(version: str) -> str:
    """``1.0.0`` → ``1.1.0``; anything not ``X.Y.Z`` restarts at ``1.1.0``."""
    parts = version.split(".")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        return f"{parts[0]}.{int(parts[1]) + 1}.0"
    return "1.1.0"


def builtin_schema(uri: str | None) -> dict[str, object] | None:
    """The JSON Schema behind a ``builtin://schemas/...`` URI (``None`` for other forms)."""
    return BUILTIN_SCHEMAS.get(uri) if uri else None


SCHEMA_URI_KEYS: tuple[str, ...] = ("input_schema_uri", "output_schema_uri")

#: Each agent's resolved schemas by config key (``input_schema_uri``, ``output_schema_uri``);
#: a key is absent when the config names no schema.
AgentSchemas = dict[str, dict[str, ResolvedSchema]]


def resolve_agent_schemas(
    session: Session, agents: list[Agent], team_id: str | None
) -> tuple[AgentSchemas, list[ValidationErrorItem]]:
    """Every agent's schema URIs resolved (api/schemas/sources.py), with an error per failure.

    Errors point at the agent's config field (``/agents/<id>/config/schemas/<key>``).
    """
    resolver = schema_sources_of(session).resolver(session, team_id)
    resolved: AgentSchemas = {}
    errors: list[ValidationErrorItem] = []
    for agent in agents:
        config = AgentConfig.model_validate(agent.config)
        found: dict[str, ResolvedSchema] = {}
        for key in SCHEMA_URI_KEYS:
            uri = getattr(config.schemas, key)
            if not uri:
                continue
            try:
                found[key] = resolver.resolve(uri)
            except SchemaSourceError as exc:
                errors.append(
                    item_at(
                        ["agents", agent.id, "config", "schemas", key],
                        f"Schema {uri!r} of agent {agent.id!r} cannot be resolved: {exc.message}",
                        "schema_unresolvable",
                    )
                )
        resolved[agent.id] = found
    return resolved, errors


def schema_uri_issues(session: Session, agent: Agent, raw_config: Any) -> list[ValidationIssue]:
    """One error per schema URI of ``raw_config`` that cannot be resolved for ``agent``'s app.

    For ``POST /agents/{id}/validate`` next to :func:`api.agents.service.check_agent_config`,
    which already reports unknown ``builtin://`` URIs (so those are skipped here) and
    configs that do not parse (for which this returns nothing).
    """
    try:
        config = AgentConfig.model_validate(raw_config)
    except ValidationError:
        return []
    app = session.get(App, agent.app_id)
    resolver = schema_sources_of(session).resolver(session, app.team_id if app else None)
    issues: list[ValidationIssue] = []
    for key in SCHEMA_URI_KEYS:
        uri = getattr(config.schemas, key)
        if not uri or uri.startswith(BUILTIN_SCHEMA_PREFIX):
            continue
        try:
            resolver.resolve(uri)
        except SchemaSourceError as exc:
            issues.append(ValidationIssue(path=json_pointer(["schemas", key]), message=exc.message))
    return issues


def _lenient_schemas(agents: list[Agent]) -> AgentSchemas:
    """Schemas for checks that report rather than refuse: unresolvable ones are left out."""
    if not agents:
        return {}
    session = object_session(agents[0])
    if session is None:
        return {
            agent.id: builtin_schemas_of(AgentConfig.model_validate(agent.config))
            for agent in agents
        }
    app = session.get(App, agents[0].app_id)
    resolved, _ = resolve_agent_schemas(session, agents, app.team_id if app else None)
    return resolved


def builtin_schemas_of(config: AgentConfig) -> dict[str, ResolvedSchema]:
    """The config's schemas that are built-in (what resolves without any source)."""
    found: dict[str, ResolvedSchema] = {}
    for key in SCHEMA_URI_KEYS:
        uri = getattr(config.schemas, key)
        schema = BUILTIN_SCHEMAS.get(uri) if uri else None
        if schema is not None:
            found[key] = ResolvedSchema(dict(schema), uri)
    return found


def _schema_of(schemas: dict[str, ResolvedSchema], key: str) -> dict[str, Any] | None:
    found = schemas.get(key)
    return found.schema if found is not None else None


def pinned_schema_config(config: SchemaConfig, schemas: dict[str, ResolvedSchema]) -> SchemaConfig:
    """``config`` with each URI replaced by the one naming exactly the resolved schema."""
    update = {key: found.pinned_uri for key, found in schemas.items()}
    return config.model_copy(update=update)


def sensitive_tools(config: AgentConfig) -> list[str]:
    """Enabled tools that are sensitive: by the library's mark or the config's own.

    A config can add the mark (custom agent types) but never remove the library's.
    """
    # A tool listed twice is enabled if any entry enables it (as the agent runtime reads
    # it) and sensitive if any entry marks it.
    enabled = {tool.id for tool in config.tools if tool.enabled}
    marked = {tool.id for tool in config.tools if tool.sensitive}
    marked |= {tool_id for tool_id, info in TOOLS.items() if info.sensitive}
    return sorted(enabled & marked)


def agent_infos(agents: list[Agent], schemas: AgentSchemas | None = None) -> list[AgentInfo]:
    """What the compiler needs to know about each agent of the app.

    ``schemas`` are the agents' resolved schemas; without them they are resolved here,
    and one that cannot be is left out (the compiler then skips its schema-fit checks).
    """
    if schemas is None:
        schemas = _lenient_schemas(agents)
    infos = []
    for agent in agents:
        config = AgentConfig.model_validate(agent.config)
        found = schemas.get(agent.id, {})
        infos.append(
            AgentInfo(
                id=agent.id,
                type=agent.type,
                name=agent.name,
                input_schema=_schema_of(found, "input_schema_uri"),
                output_schema=_schema_of(found, "output_schema_uri"),
                dispatch=config.dispatch,
                sensitive_tools=sensitive_tools(config),
            )
        )
    return infos


def resolve_agent_config(
    agent: Agent,
    prompt_resolver: PromptResolver | None,
    schemas: dict[str, ResolvedSchema] | None = None,
) -> tuple[ResolvedAgentConfig | None, list[ValidationErrorItem]]:
    """The config an agent receives at run time, with prompt texts when a resolver exists.

    ``schemas`` are the agent's resolved schemas (:func:`resolve_agent_schemas`); without
    them only built-in schema URIs are filled in.
    """
    config = AgentConfig.model_validate(agent.config)
    if schemas is None:
        schemas = builtin_schemas_of(config)
    texts: dict[str, str] = {}
    versions: dict[str, str] = {}
    errors: list[ValidationErrorItem] = []
    if prompt_resolver is not None:
        for key in ("system_prompt_uri", "task_prompt_uri"):
            uri = getattr(config.prompts, key)
            try:
                text, version = prompt_resolver(uri)
            except LookupError as exc:
                errors.append(
                    item_at(
                        ["agents", agent.id, "config", "prompts", key],
                        f"Prompt {uri!r} of agent {agent.id!r} cannot be resolved ({exc}); "
                        "register it or point the agent at an existing prompt.",
                        "prompt_not_found",
                    )
                )
                continue
            texts[key] = text
            versions[key.removesuffix("_uri")] = version
    if errors:
        return None, errors
    # Registry URIs are pinned to the version resolved, so the release names what it holds.
    pinned = config.model_copy(update={"schemas": pinned_schema_config(config.schemas, schemas)})
    resolved = ResolvedAgentConfig(
        config=pinned,
        system_prompt=texts.get("system_prompt_uri", ""),
        task_prompt=texts.get("task_prompt_uri", ""),
        prompt_versions=versions,
        input_schema=_schema_of(schemas, "input_schema_uri"),
        output_schema=_schema_of(schemas, "output_schema_uri"),
    )
    return resolved, []


def pin_configs(
    plan: ExecutionPlan,
    agents: list[Agent],
    prompt_resolver: PromptResolver | None,
    schemas: AgentSchemas | None = None,
) -> ExecutionPlan:
    """The plan with every agent's resolved config filled in (422 if a prompt is missing)."""
    by_id = {agent.id: agent for agent in agents}
    pinned: dict[str, PlanAgent] = {}
    errors: list[ValidationErrorItem] = []
    for key, plan_agent in plan.agents.items():
        agent = by_id.get(plan_agent.id)
        if agent is None:
            pinned[key] = plan_agent
            continue
        resolved, problems = resolve_agent_config(
            agent, prompt_resolver, None if schemas is None else schemas.get(agent.id, {})
        )
        errors.extend(problems)
        pinned[key] = plan_agent.model_copy(update={"config": resolved})
    if errors:
        raise InvalidInputError(errors)
    return plan.model_copy(update={"agents": pinned})


def deploy_app(
    session: Session,
    app: App,
    prompt_resolver: PromptResolver | None,
    deployed_by: str | None = None,
) -> None:
    """Compile, pin and release ``app``; moves it to ``deployed`` with its new version."""
    if app.status == "archived":
        raise ConflictError(
            f"App {app.id!r} is archived and cannot be deployed; archived apps are read-only. "
            "Create a new app (and copy its orchestration) to deploy again."
        )
    orchestration = OrchestrationRepository(session).get(app.id)
    if orchestration is None:
        raise ConflictError(
            f"App {app.id!r} has no orchestration to deploy; "
            f"PUT /orchestration/{app.id} first, then deploy."
        )
    releases = ReleaseRepository(session)
    first_release = releases.latest(app.id) is None
    version = app.version if first_release else bump_minor(app.version)
    plan = build_plan(session, app, prompt_resolver, version)
    releases.create(app.id, version, orchestration.spec, plan, created_by=deployed_by)
    AppRepository(session).update(app, status="deployed", version=version)


def build_plan(
    session: Session, app: App, prompt_resolver: PromptResolver | None, version: str
) -> ExecutionPlan:
    """Compile the app's current orchestration and pin its agents' configs (422 if invalid).

    Deploy stores the result as a release; a draft run uses it directly.
    """
    orchestration = OrchestrationRepository(session).get(app.id)
    if orchestration is None:
        raise ConflictError(
            f"App {app.id!r} has no orchestration; PUT /orchestration/{app.id} first."
        )
    agents = list(AgentRepository(session).list_for_app(app.id))
    # Schemas first: the compiler's schema-fit checks need them, and a release must never
    # hold an agent whose schema could not be had.
    schemas, schema_errors = resolve_agent_schemas(session, agents, app.team_id)
    if schema_errors:
        raise InvalidInputError(schema_errors)
    # The stored YAML (not the spec) so that errors carry line and column.
    result = compile_orchestration(
        orchestration.yaml, agent_infos(agents, schemas), app_version=version
    )
    if result.errors or result.plan is None:
        raise InvalidInputError(
            [item_from_issue(issue, prefix=("orchestration",)) for issue in result.errors]
            or [item_at(["orchestration"], "The orchestration did not compile.", "compile_error")]
        )
    return pin_configs(result.plan, agents, prompt_resolver, schemas)
