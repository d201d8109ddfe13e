"""Request dependencies as ``Annotated`` aliases (``SessionDep``, ``AppConfigDep``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from api.auth.dependencies import PrincipalDep
from api.auth.principals import Principal, require_principal
from api.config import ApiConfig, PromptResolver
from api.errors import NotFoundError
from api.runs.service import RunService
from storage.models import Agent, App
from storage.repositories import AgentRepository, AppRepository, AsyncAppReader


def get_session(request: Request) -> Iterator[Session]:
    """One session per request, committed when the route succeeds."""
    session = request.app.state.session_factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


async def get_app_reader(request: Request) -> AsyncAppReader:
    # async: a plain ``def`` dependency would cost the request a worker-thread hop.
    reader: AsyncAppReader = request.app.state.app_reader
    return reader


def get_config(request: Request) -> ApiConfig:
    config: ApiConfig = request.app.state.config
    return config


def get_prompt_resolver(request: Request) -> PromptResolver | None:
    resolver: PromptResolver | None = getattr(request.app.state, "prompt_resolver", None)
    return resolver


# scope="function": commit before the response is sent, so a client that gets a 2xx
# always reads its own write on the next request.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
ConfigDep = Annotated[ApiConfig, Depends(get_config)]
PromptResolverDep = Annotated[PromptResolver | None, Depends(get_prompt_resolver)]
AppReaderDep = Annotated[AsyncAppReader, Depends(get_app_reader)]


def usable_id(value: str) -> bool:
    """Whether ``value`` can be an id at all (otherwise it is a 404 without a query)."""
    return _usable_id(value)


def app_not_found(app_id: str) -> NotFoundError:
    """The 404 of an unknown app (or one of another team: the same words)."""
    return NotFoundError(f"App {app_id!r} not found; list apps with GET /apps.")


def _usable_id(value: str) -> bool:
    # PostgreSQL refuses NUL in text; such an id cannot exist anyway.
    return "\x00" not in value and len(value) <= 100


def require_app(session: Session, app_id: str, principal: Principal) -> App:
    """The app ``app_id`` as ``principal`` sees it, or a 404 saying how to find valid ids.

    An app of a team the caller is not in is a 404 too, word for word, so ids of other
    teams' apps cannot be probed. There is no default caller: who acts is named.
    """
    require_principal(principal)
    app = AppRepository(session).get(app_id) if _usable_id(app_id) else None
    if app is None or not principal.can_see_team(app.team_id):
        raise app_not_found(app_id)
    return app


def require_agent(session: Session, agent_id: str, principal: Principal) -> Agent:
    """The agent ``agent_id`` as ``principal`` sees it, or a 404 (also when its app
    belongs to another team)."""
    require_principal(principal)
    agent = AgentRepository(session).get(agent_id) if _usable_id(agent_id) else None
    app = AppRepository(session).get(agent.app_id) if agent is not None else None
    if agent is None or app is None or not principal.can_see_team(app.team_id):
        raise NotFoundError(
            f"Agent {agent_id!r} not found; list an app's agents with GET /apps/{{app_id}}/agents."
        )
    return agent


def run_service_for(request: Request, session: Session, principal: Principal) -> RunService:
    """The run service of this process acting as ``principal``."""
    config: ApiConfig = request.app.state.config
    return RunService(
        session=session,
        gateway=request.app.state.temporal,
        principal=principal,
        run_limits=config.run_limits,
        artifact_store=request.app.state.artifact_store,
    )


def run_service(request: Request, session: SessionDep, principal: PrincipalDep) -> RunService:
    """The run service acting as the request's principal."""
    return run_service_for(request, session, principal)


RunServiceDep = Annotated[RunService, Depends(run_service)]
