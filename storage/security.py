"""Repositories of the security tables: service accounts, revoked tokens, audit, artifact owners.

API keys are never stored: only their SHA-256 hash (keys are 256-bit random, so a
plain hash is enough; there is nothing to brute-force as with passwords).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from storage.models import ArtifactOwner, AuditEvent, RevokedToken, ServiceAccount, utc_now

#: Every API key starts with this, so log scrubbing and secret scanners can spot one.
API_KEY_PREFIX = "hubk_"


def hash_api_key(key: str) -> str:
    """The stored form of an API key."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def new_api_key() -> str:
    """A fresh random API key (shown once, never stored)."""
    return API_KEY_PREFIX + secrets.token_urlsafe(32)


class ServiceAccountRepository:
    """Service accounts and their hashed keys."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def create(
        self, *, name: str, role: str, teams: list[str], created_by: str | None
    ) -> tuple[ServiceAccount, str]:
        """A new account and its key in clear text (the only time it exists)."""
        key = new_api_key()
        account = ServiceAccount(
            name=name,
            role=role,
            teams=list(teams),
            key_hash=hash_api_key(key),
            key_prefix=key[: len(API_KEY_PREFIX) + 6],
            created_by=created_by,
            created_at=utc_now(),
        )
        self.session.add(account)
        self.session.flush()
        return account, key

    def get(self, account_id: str) -> ServiceAccount | None:
        return self.session.get(ServiceAccount, account_id)

    def by_key(self, key: str) -> ServiceAccount | None:
        """The active account whose key this is, or ``None``."""
        return self.session.scalar(
            select(ServiceAccount).where(
                ServiceAccount.key_hash == hash_api_key(key),
                ServiceAccount.revoked_at.is_(None),
            )
        )

    def list(self) -> Sequence[ServiceAccount]:
        return self.session.scalars(
            select(ServiceAccount).order_by(ServiceAccount.created_at)
        ).all()

    def revoke(self, account: ServiceAccount) -> None:
        if account.revoked_at is None:
            account.revoked_at = utc_now()
            self.session.flush()


class RevokedTokenRepository:
    """Token ids that are refused until they would have expired anyway."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def revoke(self, jti: str, expires_at: datetime) -> None:
        if self.session.get(RevokedToken, jti) is None:
            self.session.add(RevokedToken(jti=jti, expires_at=expires_at, revoked_at=utc_now()))
            self.session.flush()

    def is_revoked(self, jti: str) -> bool:
        return self.session.get(RevokedToken, jti) is not None


@dataclass(frozen=True)
class AuditPage:
    items: list[AuditEvent]
    total: int


class AuditRepository:
    """The append-only audit trail: ``record`` inserts, nothing updates or deletes."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def record(
        self,
        *,
        actor: str,
        action: str,
        object_type: str,
        object_id: str | None,
        team_id: str | None = None,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> AuditEvent:
        event = AuditEvent(
            at=utc_now(),
            actor=actor,
            action=action,
            object_type=object_type,
            object_id=object_id,
            team_id=team_id,
            before=before,
            after=after,
        )
        self.session.add(event)
        self.session.flush()
        return event

    def list(
        self,
        *,
        limit: int = 50,
        offset: int = 0,
        actor: str | None = None,
        action: str | None = None,
        object_type: str | None = None,
        object_id: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        team_ids: Sequence[str] | None = None,
    ) -> AuditPage:
        """Newest first, filtered and paged in SQL."""
        filters: list[ColumnElement[bool]] = []
        if actor:
            filters.append(AuditEvent.actor == actor)
        if action:
            filters.append(AuditEvent.action == action)
        if object_type:
            filters.append(AuditEvent.object_type == object_type)
        if object_id:
            filters.append(AuditEvent.object_id == object_id)
        if since is not None:
            filters.append(AuditEvent.at >= since)
        if until is not None:
            filters.append(AuditEvent.at < until)
        if team_ids is not None:
            filters.append(AuditEvent.team_id.in_(list(team_ids)))
        total = self.session.scalar(select(func.count(AuditEvent.id)).where(*filters)) or 0
        items = self.session.scalars(
            select(AuditEvent)
            .where(*filters)
            .order_by(AuditEvent.id.desc())
            .limit(limit)
            .offset(offset)
        ).all()
        return AuditPage(items=list(items), total=int(total))


class ArtifactOwnerRepository:
    """The team that owns each uploaded artifact."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def record(
        self,
        artifact_id: str,
        *,
        team_id: str | None,
        created_by: str,
        filename: str | None = None,
        media_type: str | None = None,
        size: int | None = None,
    ) -> None:
        self.session.add(
            ArtifactOwner(
                artifact_id=artifact_id,
                team_id=team_id,
                created_by=created_by,
                created_at=utc_now(),
                filename=filename,
                media_type=media_type,
                size=size,
            )
        )
        self.session.flush()

    def page(
        self, teams: tuple[str, ...] | None, limit: int, after: ArtifactOwner | None = None
    ) -> list[ArtifactOwner]:
        """Uploaded artifacts newest first (``teams`` ``None``: all), keyset after ``after``."""
        query = select(ArtifactOwner)
        if teams is not None:
            query = query.where(ArtifactOwner.team_id.in_(teams))
        if after is not None:
            query = query.where(
                or_(
                    ArtifactOwner.created_at < after.created_at,
                    and_(
                        ArtifactOwner.created_at == after.created_at,
                        ArtifactOwner.artifact_id < after.artifact_id,
                    ),
                )
            )
        order = (ArtifactOwner.created_at.desc(), ArtifactOwner.artifact_id.desc())
        return list(self.session.scalars(query.order_by(*order).limit(limit)))

    def get(self, artifact_id: str) -> ArtifactOwner | None:
        return self.session.get(ArtifactOwner, artifact_id)
