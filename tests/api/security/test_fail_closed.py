"""Fail closed: code that acts for someone refuses to run when no one is named.

Services and the helpers every route uses (``require_app``, ``require_agent``, ``audit``)
take the principal as a required argument: there is no default caller and no ambient
"current principal" to fall back on. The system principal acts only where code names it.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from api.audit.service import audit
from api.auth import principals
from api.auth.principals import SYSTEM_PRINCIPAL, NoPrincipalError, Principal
from api.dependencies import require_agent, require_app, run_service_for
from api.evaluations.service import EvaluationRunner
from api.releases.gates import evaluate_gate, record_forced
from api.runs.service import RunService
from api.temporal import TemporalGateway
from storage.database import create_db_engine, create_session_factory
from storage.migrations import upgrade
from storage.repositories import AgentRepository, AppRepository
from storage.security import AuditRepository


@pytest.fixture
def session(tmp_path: Path) -> Session:
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    upgrade(url)
    return create_session_factory(create_db_engine(url))()


def _refuse() -> TemporalGateway:
    async def connect() -> None:
        raise AssertionError("no Temporal in this test")

    return TemporalGateway(connect, address="(none)", namespace="default")  # type: ignore[arg-type]


#: Everything that acts for someone; each takes ``principal`` with no default.
ACTS_FOR_SOMEONE: list[Callable[..., Any]] = [
    require_app,
    require_agent,
    audit,
    RunService,
    run_service_for,
    EvaluationRunner.create,
    evaluate_gate,
    record_forced,
]


@pytest.mark.parametrize("acts", ACTS_FOR_SOMEONE, ids=lambda f: f.__qualname__)
def test_the_principal_is_a_required_argument(acts: Callable[..., Any]) -> None:
    parameter = inspect.signature(acts).parameters["principal"]
    assert parameter.default is inspect.Parameter.empty, f"{acts.__qualname__} has a default"


def test_there_is_no_ambient_principal_to_fall_back_on() -> None:
    # No context variable, no "acting principal" reader: a forgotten argument cannot be
    # filled in from the request (or from no request, as an all-teams admin).
    assert not hasattr(principals, "current_principal")
    assert not hasattr(principals, "acting_principal")


def test_helpers_called_without_a_principal_are_refused(session: Session) -> None:
    app = AppRepository(session).create(name="closed", description="", team_id="team-a")
    agent = AgentRepository(session).create(app.id, name="reader", type="extractor", config={})
    session.commit()
    with pytest.raises(TypeError, match="principal"):
        require_app(session, app.id)  # type: ignore[call-arg]
    with pytest.raises(NoPrincipalError, match="no principal is acting"):
        require_app(session, app.id, None)  # type: ignore[arg-type]
    with pytest.raises(NoPrincipalError):
        require_agent(session, agent.id, None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        audit(session, "app.touch", "app", app.id)  # type: ignore[call-arg, arg-type]
    with pytest.raises(NoPrincipalError):
        audit(session, None, "app.touch", "app", app.id)  # type: ignore[arg-type]
    # Refused before anything is written.
    assert AuditRepository(session).list(limit=10).items == []


def test_a_run_service_needs_a_principal(session: Session) -> None:
    with pytest.raises(TypeError):
        RunService(session=session, gateway=_refuse())  # type: ignore[call-arg]
    with pytest.raises(NoPrincipalError, match="principal"):
        RunService(session=session, gateway=_refuse(), principal=None)  # type: ignore[arg-type]


def test_a_named_principal_is_used_and_sees_only_its_teams(session: Session) -> None:
    app = AppRepository(session).create(name="team b's", description="", team_id="team-b")
    agent = AgentRepository(session).create(app.id, name="reader", type="extractor", config={})
    session.commit()
    outsider = Principal(subject="alice", role="admin", teams=("team-a",))
    with pytest.raises(Exception, match="not found"):
        require_app(session, app.id, outsider)
    with pytest.raises(Exception, match="not found"):
        require_agent(session, agent.id, outsider)
    member = Principal(subject="bob", role="editor", teams=("team-b",))
    assert require_app(session, app.id, member).id == app.id
    audit(session, member, "app.touch", "app", app.id, team_id="team-b")
    # The system principal acts only where code names it, and then sees every team.
    assert require_app(session, app.id, SYSTEM_PRINCIPAL).id == app.id
    assert require_agent(session, agent.id, SYSTEM_PRINCIPAL).id == agent.id
    audit(session, SYSTEM_PRINCIPAL, "app.touch", "app", app.id, team_id="team-b")
    session.commit()
    actors = sorted(entry.actor for entry in AuditRepository(session).list(limit=10).items)
    assert actors == ["bob", "system"]


def test_an_evaluation_is_not_recorded_without_a_principal(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    upgrade(url)
    factory = create_session_factory(create_db_engine(url))
    runner = EvaluationRunner(session_factory=factory, gateway=_refuse(), artifact_store=None)
    with pytest.raises(NoPrincipalError):
        runner.create(None, None, None, None)  # type: ignore[arg-type]
