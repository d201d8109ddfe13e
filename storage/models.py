"""SQLAlchemy 2 models: the database tables of the hub.

The schema is created and changed only by Alembic (``storage/migrations``); these
classes describe it for queries and must match the latest revision.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utc_now() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


def new_id(prefix: str) -> str:
    """A prefixed random id such as ``app-3f2c9a1b7d4e``."""
    return f"{prefix}-{secrets.token_hex(6)}"


class UtcDateTime(TypeDecorator[datetime]):
    """Stores UTC and always gives back timezone-aware UTC datetimes.

    SQLite drops the offset, PostgreSQL keeps it; this makes both behave alike.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use timezone-aware UTC")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base of every hub table."""


class App(Base):
    __tablename__ = "apps"
    __table_args__ = (
        Index("ix_apps_status", "status"),
        Index("ix_apps_name", "name"),
        Index("ix_apps_created_at", "created_at"),
        Index("ix_apps_updated_at", "updated_at"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("app"))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[str] = mapped_column(String(40), default="1.0.0")
    status: Mapped[str] = mapped_column(String(20), default="draft")
    #: Owner team, filled by the security issue; ``None`` means visible to everyone.
    team_id: Mapped[str | None] = mapped_column(String(100), default=None)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)


class Agent(Base):
    __tablename__ = "agents"

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("agent"))
    app_id: Mapped[str] = mapped_column(
        String(40), ForeignKey("apps.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(40))
    type_category: Mapped[str] = mapped_column(String(100), default="function")
    category: Mapped[str] = mapped_column(String(100), default="general")
    description: Mapped[str] = mapped_column(Text, default="")
    config: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)


class Orchestration(Base):
    __tablename__ = "orchestrations"

    app_id: Mapped[str] = mapped_column(
        String(40), ForeignKey("apps.id", ondelete="CASCADE"), primary_key=True
    )
    spec: Mapped[dict[str, Any]] = mapped_column(JSON)
    yaml: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)


class Release(Base):
    __tablename__ = "releases"

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("rel"))
    app_id: Mapped[str] = mapped_column(
        String(40), ForeignKey("apps.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[str] = mapped_column(String(40))
    spec: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: An ``ExecutionPlan`` dump with every agent's resolved config pinned.
    plan: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)


class Run(Base):
    __tablename__ = "runs"
    __table_args__ = (
        UniqueConstraint("app_id", "idempotency_key", name="uq_runs_app_idempotency_key"),
        Index("ix_runs_app_created", "app_id", "created_at"),
        Index("ix_runs_status", "status"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("run"))
    app_id: Mapped[str] = mapped_column(String(40), ForeignKey("apps.id", ondelete="CASCADE"))
    release_id: Mapped[str | None] = mapped_column(
        String(40), ForeignKey("releases.id", ondelete="SET NULL"), default=None
    )
    workflow_id: Mapped[str] = mapped_column(String(200))
    temporal_run_id: Mapped[str | None] = mapped_column(String(200), default=None)
    status: Mapped[str] = mapped_column(String(20), default="running")
    idempotency_key: Mapped[str | None] = mapped_column(String(200), default=None)
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
