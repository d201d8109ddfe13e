"""Deploy: compile an app's orchestration and pin the plan, with every agent's
resolved config, in a release. Also the app's version rule (semver)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from api.config import PromptResolver
from api.errors import (
    ConflictError,
    InvalidInputError,
    ValidationErrorItem,
    item_at,
    item_from_issue,
)
from schemas.agents import AgentConfig
from schemas.library import BUILTIN_SCHEMAS, TOOLS
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
    """The JSON Schema behind a ``builtin://schemas/...`` URI (others resolve at run time)."""
    return BUILTIN_SCHEMAS.get(uri) if uri else None


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


def agent_infos(agents: list[Agent]) -> list[AgentInfo]:
    """What the compiler needs to know about each agent of the app."""
    infos = []
    for agent in agents:
        config = AgentConfig.model_validate(agent.config)
        infos.append(
            AgentInfo(
                id=agent.id,
                type=agent.type,
                name=agent.name,
                input_schema=builtin_schema(config.schemas.input_schema_uri),
                output_schema=builtin_schema(config.schemas.output_schema_uri),
                dispatch=config.dispatch,
                sensitive_tools=sensitive_tools(config),
            )
        )
    return infos


def resolve_agent_config(
    agent: Agent, prompt_resolver: PromptResolver | None
) -> tuple[ResolvedAgentConfig | None, list[ValidationErrorItem]]:
    """The config an agent receives at run time, with prompt texts when a resolver exists."""
    config = AgentConfig.model_validate(agent.config)
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
    resolved = ResolvedAgentConfig(
        config=config,
        system_prompt=texts.get("system_prompt_uri", ""),
        task_prompt=texts.get("task_prompt_uri", ""),
        prompt_versions=versions,
        input_schema=builtin_schema(config.schemas.input_schema_uri),
        output_schema=builtin_schema(config.schemas.output_schema_uri),
    )
    return resolved, []


def pin_configs(
    plan: ExecutionPlan, agents: list[Agent], prompt_resolver: PromptResolver | None
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
        resolved, problems = resolve_agent_config(agent, prompt_resolver)
        errors.extend(problems)
        pinned[key] = plan_agent.model_copy(update={"config": resolved})
    if errors:
        raise InvalidInputError(errors)
    return plan.model_copy(update={"agents": pinned})


def deploy_app(session: Session, app: App, prompt_resolver: PromptResolver | None) -> None:
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
    releases.create(app.id, version, orchestration.spec, plan)
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
    # The stored YAML (not the spec) so that errors carry line and column.
    result = compile_orchestration(orchestration.yaml, agent_infos(agents), app_version=version)
    if result.errors or result.plan is None:
        raise InvalidInputError(
            [item_from_issue(issue, prefix=("orchestration",)) for issue in result.errors]
            or [item_at(["orchestration"], "The orchestration did not compile.", "compile_error")]
        )
    return pin_configs(result.plan, agents, prompt_resolver)
