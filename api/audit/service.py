"""Writes the audit trail: who did what to which object, with its state before and after."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from sqlalchemy.orm import Session

from api.auth.principals import Principal, require_principal
from storage.security import AuditRepository


def snapshot(value: BaseModel | dict[str, Any] | None) -> dict[str, Any] | None:
    """A JSON-ready copy of an object's public state (never a secret: public models only)."""
    if value is None:
        return None
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    return dict(value)


def audit(
    session: Session,
    principal: Principal,
    action: str,
    object_type: str,
    object_id: str | None,
    *,
    team_id: str | None = None,
    before: BaseModel | dict[str, Any] | None = None,
    after: BaseModel | dict[str, Any] | None = None,
) -> None:
    """Record that ``principal`` did ``action``, in the request's transaction (it commits or
    rolls back with it). There is no default actor: who acts is named."""
    who = require_principal(principal)
    AuditRepository(session).record(
        actor=who.subject,
        action=action,
        object_type=object_type,
        object_id=object_id,
        team_id=team_id,
        before=snapshot(before),
        after=snapshot(after),
    )
