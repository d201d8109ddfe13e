"""Team scoping for reads that are not about one app row: runs from Temporal, traces,
metrics, violations and event streams."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth.principals import Principal
from api.errors import InvalidInputError, NotFoundError
from storage.models import App, Run


def visible_app_ids(session: Session, principal: Principal) -> list[str] | None:
    """Ids of the apps the principal's teams own; ``None`` for all-teams principals."""
    if principal.all_teams:
        return None
    teams = [t for t in principal.teams]
    if not teams:
        return []
    return list(session.scalars(select(App.id).where(App.team_id.in_(teams))).all())


def require_visible_app_id(session: Session, principal: Principal, app_id: str) -> None:
    """404 unless ``app_id`` is an app of the principal's teams (all-teams: any id)."""
    if principal.all_teams:
        return
    app = session.get(App, app_id) if len(app_id) <= 100 else None
    if app is None or not principal.can_see_team(app.team_id):
        raise NotFoundError(f"App {app_id!r} not found; list apps with GET /apps.")


def require_visible_run(session: Session, principal: Principal, run_id: str) -> None:
    """404 unless the run belongs to an app of the principal's teams.

    Runs the hub did not start (Temporal CLI) have no row here; only all-teams
    principals see those, since their owner cannot be established.
    """
    if principal.all_teams:
        return
    run = session.get(Run, run_id) if len(run_id) <= 100 else None
    app = session.get(App, run.app_id) if run is not None else None
    if app is None or not principal.can_see_team(app.team_id):
        raise NotFoundError(f"run {run_id} not found")


def require_scope_for_aggregates(principal: Principal, app_id: str | None, field: str) -> None:
    """Team principals must name one of their apps: platform-wide aggregates span teams."""
    if principal.all_teams or app_id:
        return
    raise InvalidInputError.at(
        ("query", field),
        "Name one of your team's apps (app_id): platform-wide figures include other teams.",
        "missing",
    )
