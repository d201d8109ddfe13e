"""Agents: ``/apps/{app_id}/agents``, ``/agents/{id}``, its config, validation and the library."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Response, status

from api.agents.service import check_agent_config
from api.audit.service import audit
from api.auth.dependencies import EditorDep, ViewerDep
from api.dependencies import SessionDep, require_agent, require_app
from api.errors import ConflictError, InvalidInputError, error_responses
from api.releases.service import schema_uri_issues
from schemas.agents import (
    BUILTIN_AGENT_TYPES,
    AgentConfig,
    AgentCreate,
    AgentPublic,
    LibraryAgent,
    ValidationReport,
)
from schemas.library import BUILTIN_LIBRARY, default_config
from storage.models import App
from storage.repositories import AgentRepository, AppRepository

#: Routes under /apps/{app_id}/agents.
app_agents_router = APIRouter(prefix="/apps", tags=["agents"])
#: Routes under /agents; /agents/library is declared before /agents/{agent_id}.
router = APIRouter(prefix="/agents", tags=["agents"])

AppIdPath = Annotated[str, Path(description="App id, e.g. `app-3f2c9a1b7d4e`.")]
AgentIdPath = Annotated[str, Path(description="Agent id, e.g. `agent-9c1d2e3f4a5b`.")]


def _refuse_if_archived(app: App) -> None:
    if app.status == "archived":
        raise ConflictError(
            f"App {app.id!r} is archived and read-only; its agents cannot change. "
            "Create a new app to make changes."
        )


@app_agents_router.get(
    "/{app_id}/agents",
    response_model=list[AgentPublic],
    summary="List an app's agents",
    responses=error_responses(404),
)
def list_agents(principal: ViewerDep, app_id: AppIdPath, session: SessionDep) -> list[AgentPublic]:
    require_app(session, app_id, principal)
    return [AgentPublic.model_validate(a) for a in AgentRepository(session).list_for_app(app_id)]


@app_agents_router.post(
    "/{app_id}/agents",
    response_model=AgentPublic,
    status_code=status.HTTP_201_CREATED,
    summary="Add an agent to an app",
    responses=error_responses(404, 409, 413, 422),
)
def create_agent(
    principal: EditorDep,
    app_id: AppIdPath,
    body: AgentCreate,
    session: SessionDep,
    response: Response,
) -> AgentPublic:
    """``config`` may be omitted for built-in types: the library's default is used."""
    app = require_app(session, app_id, principal)
    _refuse_if_archived(app)
    config = body.config
    if config is None:
        if body.type not in BUILTIN_AGENT_TYPES:
            raise InvalidInputError.at(
                ["body", "config"],
                f"Agent type {body.type!r} is not built in, so it has no default config; "
                f"send a config (built-in types: {', '.join(BUILTIN_AGENT_TYPES)}).",
                "missing",
            )
        config = default_config(body.type)
    agent = AgentRepository(session).create(
        app_id,
        name=body.name,
        type=body.type,
        type_category=body.type_category,
        category=body.category,
        description=body.description,
        config=config.model_dump(mode="json"),
    )
    # A new agent changes the app (agent_count), so its updated_at moves too.
    AppRepository(session).update(app)
    response.headers["Location"] = f"/agents/{agent.id}"
    created = AgentPublic.model_validate(agent)
    audit(session, principal, "agent.create", "agent", agent.id, team_id=app.team_id, after=created)
    return created


@router.get("/library", response_model=list[LibraryAgent], summary="The built-in agent types")
def library(_: ViewerDep) -> list[LibraryAgent]:
    """Each type with a default config that works as is, its schemas and its tools."""
    return BUILTIN_LIBRARY


@router.get(
    "/{agent_id}",
    response_model=AgentPublic,
    summary="Get an agent",
    responses=error_responses(404),
)
def get_agent(principal: ViewerDep, agent_id: AgentIdPath, session: SessionDep) -> AgentPublic:
    return AgentPublic.model_validate(require_agent(session, agent_id, principal))


@router.get(
    "/{agent_id}/config",
    response_model=AgentConfig,
    summary="Get an agent's config",
    responses=error_responses(404),
)
def get_agent_config(
    principal: ViewerDep, agent_id: AgentIdPath, session: SessionDep
) -> AgentConfig:
    return AgentConfig.model_validate(require_agent(session, agent_id, principal).config)


@router.put(
    "/{agent_id}/config",
    response_model=AgentConfig,
    summary="Replace an agent's config",
    responses=error_responses(404, 409, 413, 422),
)
def put_agent_config(
    principal: EditorDep, agent_id: AgentIdPath, body: AgentConfig, session: SessionDep
) -> AgentConfig:
    """The whole config is replaced; unknown fields are rejected (422)."""
    agent = require_agent(session, agent_id, principal)
    app = require_app(session, agent.app_id, principal)
    _refuse_if_archived(app)
    before = dict(agent.config)
    AgentRepository(session).update_config(agent, body.model_dump(mode="json"))
    AppRepository(session).update(app)
    audit(
        session,
        principal,
        "agent.config.update",
        "agent",
        agent.id,
        team_id=app.team_id,
        before=before,
        after=dict(agent.config),
    )
    return AgentConfig.model_validate(agent.config)


@router.post(
    "/{agent_id}/validate",
    response_model=ValidationReport,
    summary="Validate an agent's config",
    responses=error_responses(404, 413, 422),
)
def validate_agent_config(
    principal: ViewerDep,
    agent_id: AgentIdPath,
    session: SessionDep,
    config: Annotated[
        dict[str, Any] | None,
        Body(description="A config to check instead of the stored one (not saved)."),
    ] = None,
) -> ValidationReport:
    """``{valid, errors[], warnings[]}``; each issue's ``path`` is a JSON pointer."""
    agent = require_agent(session, agent_id, principal)
    raw = agent.config if config is None else config
    report = check_agent_config(agent.type, raw)
    unresolvable = schema_uri_issues(session, agent, raw)
    return report.model_copy(
        update={"errors": report.errors + unresolvable, "valid": report.valid and not unresolvable}
    )
