"""Fail closed: code that acts for someone refuses to run when no one is acting.

Services take the principal as an argument; the helpers that read the request's
principal (``require_app``, ``audit``) raise outside a request instead of acting as an
all-teams admin. The system principal acts only where code names it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from api.audit.service import audit
from api.auth.principals import (
    SYSTEM_PRINCIPAL,
    NoPrincipalError,
    Principal,
    acting_as,
    acting_principal,
)
from api.dependencies import require_app
from api.runs.service import RunService
from api.temporal import TemporalGateway
from storage.database import create_db_engine, create_session_factory
from storage.migrations import upgrade
from storage.repositories import AppRepository
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


def test_no_principal_outside_a_request_is_refused() -> None:
    with pytest.raises(NoPrincipalError, match="no principal is acting"):
        acting_principal()


def test_helpers_called_without_a_principal_are_refused(session: Session) -> None:
    app = AppRepository(session).create(name="closed", description="", team_id="team-a")
    session.commit()
    with pytest.raises(NoPrincipalError):
        require_app(session, app.id)
    with pytest.raises(NoPrincipalError):
        audit(session, "app.touch", "app", app.id)
    assert AuditRepository(session).list(limit=10).items == []


def test_a_run_service_needs_a_principal(session: Session) -> None:
    with pytest.raises(TypeError):
        RunService(session=session, gateway=_refuse())  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="principal"):
        RunService(session=session, gateway=_refuse(), principal=None)  # type: ignore[arg-type]


def test_a_named_principal_is_used_and_sees_only_its_teams(session: Session) -> None:
    app = AppRepository(session).create(name="team b's", description="", team_id="team-b")
    session.commit()
    outsider = Principal(subject="alice", role="admin", teams=("team-a",))
    with acting_as(outsider), pytest.raises(Exception, match="not found"):
        require_app(session, app.id)
    # The system principal acts only where code names it, and then sees every team.
    with acting_as(SYSTEM_PRINCIPAL):
        assert require_app(session, app.id).id == app.id
        audit(session, "app.touch", "app", app.id, team_id="team-b")
    session.commit()
    [entry] = AuditRepository(session).list(limit=10).items
    assert entry.actor == "system"
    # Outside the block no one acts again.
    with pytest.raises(NoPrincipalError):
        acting_principal()
