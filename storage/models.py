"""SQLAlchemy 2 models: the database tables of the hub.

The schema is created and changed only by Alembic (``storage/migrations``); these
classes describe it for queries and must match the latest revision.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    func,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from storage.histogram import bucket_of


def utc_now() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


def _bucket_default(column: str) -> Any:
    """A column default: the histogram bucket of ``column`` in the same insert."""

    def default(context: Any) -> int | None:
        return bucket_of(context.get_current_parameters().get(column))

    return default


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
        # Pages of GET /apps in each sort order, the id breaking ties (keyset paging).
        Index("ix_apps_created_id", "created_at", "id"),
        Index("ix_apps_updated_id", "updated_at", "id"),
        Index("ix_apps_lower_name_id", func.lower(text("name")), "id"),
        Index("ix_apps_team_created_id", "team_id", "created_at", "id"),
        # Names are unique per team; apps without a team share one namespace.
        Index("uq_apps_team_name", text("coalesce(team_id, '')"), "name", unique=True),
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


class OrchestrationDraft(Base):
    """The builder's work in progress: any text (it may not parse yet), versioned so a
    save made from a stale copy is refused instead of overwriting someone else's edits."""

    __tablename__ = "orchestration_drafts"

    app_id: Mapped[str] = mapped_column(
        String(40), ForeignKey("apps.id", ondelete="CASCADE"), primary_key=True
    )
    yaml: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_by: Mapped[str | None] = mapped_column(String(200), default=None)
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
    #: The principal that deployed it (``None`` for releases made before it was recorded).
    created_by: Mapped[str | None] = mapped_column(String(200), default=None)


class ModelPrice(Base):
    """A price set through ``PUT /settings/prices``; the price file is the default.

    When the table has rows they are the whole price table (the file is no longer read).
    """

    __tablename__ = "model_prices"

    provider: Mapped[str] = mapped_column(String(100), primary_key=True)
    model: Mapped[str] = mapped_column(String(200), primary_key=True)
    input_per_million: Mapped[float] = mapped_column(Float)
    output_per_million: Mapped[float] = mapped_column(Float)
    updated_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)


class Run(Base):
    """One run of an app: written when it starts (the API, a batch, an evaluation, or the
    workflow itself for runs started elsewhere) and when it ends (the workflow records its
    own end; visibility reconciles what no workflow code can record). The runs listing
    (``GET /observability/runs``) pages it newest first by ``(created_at, id)``
    (migration 0017)."""

    __tablename__ = "runs"
    __table_args__ = (
        UniqueConstraint("app_id", "idempotency_key", name="uq_runs_app_idempotency_key"),
        Index("ix_runs_created_id", "created_at", "id"),
        Index("ix_runs_app_created_id", "app_id", "created_at", "id"),
        Index("ix_runs_status_created_id", "status", "created_at", "id"),
        Index("ix_runs_trigger_created_id", "trigger_kind", "created_at", "id"),
    )

    id: Mapped[str] = mapped_column(String(200), primary_key=True, default=lambda: new_id("run"))
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
    #: What started the run: ``api``, ``cli``, ``schedule``, ``webhook`` or ``batch``.
    trigger_kind: Mapped[str] = mapped_column(String(20), default="api")
    #: The schedule, webhook or batch that started it (``None`` for api and cli).
    trigger_id: Mapped[str | None] = mapped_column(String(100), default=None)
    #: The release's version (``draft`` for a draft run; ``""`` until known).
    app_version: Mapped[str] = mapped_column(String(40), default="", server_default="")
    #: The plan's agent types, sorted (one ``run_agent_types`` row each, for the filter).
    agent_types: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    #: Started by an evaluation: left out of the runs listing unless asked for.
    evaluation: Mapped[bool] = mapped_column(default=False, server_default=false())


class RunAgentType(Base):
    """One agent type of a run's plan, with the run's ``created_at``: the runs listing's
    ``agent_type`` filter walks ``(agent_type, created_at, run_id)`` newest first."""

    __tablename__ = "run_agent_types"
    __table_args__ = (
        Index("ix_run_agent_types_type_created", "agent_type", "created_at", "run_id"),
    )

    run_id: Mapped[str] = mapped_column(
        String(200), ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True
    )
    agent_type: Mapped[str] = mapped_column(String(100), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class StepResult(Base):
    """One finished attempt of one step (or ``foreach`` item) of a run, written by the engine.

    Keyed by run, activity id (``step`` or ``step[item]``) and attempt, so a retried
    write of the same attempt updates the row instead of adding one.
    """

    __tablename__ = "step_results"
    __table_args__ = (
        UniqueConstraint("run_id", "activity_id", "attempt", name="uq_step_results_attempt"),
        Index("ix_step_results_ended", "ended_at"),
        Index("ix_step_results_app_ended", "app_id", "ended_at"),
        Index("ix_step_results_agent_type_ended", "agent_type", "ended_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(String(200), index=True)
    app_id: Mapped[str] = mapped_column(String(100))
    app_version: Mapped[str] = mapped_column(String(40), default="")
    step_id: Mapped[str] = mapped_column(String(200))
    item_index: Mapped[int | None] = mapped_column(default=None)
    activity_id: Mapped[str] = mapped_column(String(220))
    agent_id: Mapped[str] = mapped_column(String(100), default="")
    agent_type: Mapped[str] = mapped_column(String(100), default="")
    task_queue: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20))
    attempt: Mapped[int] = mapped_column(default=1)
    retries: Mapped[int] = mapped_column(default=0)
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    ended_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)
    latency_ms: Mapped[float] = mapped_column(Float, default=0.0)
    input_tokens: Mapped[int] = mapped_column(default=0)
    output_tokens: Mapped[int] = mapped_column(default=0)
    cost_usd: Mapped[float] = mapped_column(Float, default=0.0)
    model: Mapped[str] = mapped_column(String(200), default="")
    provider: Mapped[str] = mapped_column(String(100), default="")
    prompt_versions: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    error_type: Mapped[str | None] = mapped_column(String(100), default=None)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    #: ``storage.histogram.bucket_of(latency_ms)``: what the latency rollup counts.
    latency_bucket: Mapped[int | None] = mapped_column(default=_bucket_default("latency_ms"))


class SchemaViolation(Base):
    """One output-schema violation an agent reported for one attempt of a step."""

    __tablename__ = "schema_violations"
    __table_args__ = (
        UniqueConstraint(
            "run_id", "activity_id", "attempt", "seq", name="uq_schema_violations_attempt"
        ),
        Index("ix_schema_violations_created", "created_at"),
        Index("ix_schema_violations_app_created", "app_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(String(200), index=True)
    app_id: Mapped[str] = mapped_column(String(100))
    step_id: Mapped[str] = mapped_column(String(200))
    activity_id: Mapped[str] = mapped_column(String(220))
    agent_id: Mapped[str] = mapped_column(String(100), default="")
    agent_type: Mapped[str] = mapped_column(String(100), default="")
    #: Step attempt (Temporal's) the violation belongs to.
    attempt: Mapped[int] = mapped_column(default=1)
    #: Position of the violation within that attempt's list (keeps rewrites idempotent).
    seq: Mapped[int] = mapped_column(default=0)
    #: The agent's own repair round in which the output was invalid.
    repair_attempt: Mapped[int] = mapped_column(default=1)
    pointer: Mapped[str] = mapped_column(Text, default="")
    message: Mapped[str] = mapped_column(Text, default="")
    #: ``error`` (the output broke its schema) or ``warning`` (valid, but a figure is missing).
    severity: Mapped[str] = mapped_column(String(20), default="error", server_default="error")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)


class RunSummary(Base):
    """A finished (or running) run as Temporal visibility last showed it.

    Filled from visibility (so runs started outside the API count too); run-level
    metrics aggregate this table instead of listing every workflow again.
    """

    __tablename__ = "run_summaries"
    __table_args__ = (
        Index("ix_run_summaries_start", "started_at"),
        Index("ix_run_summaries_app_start", "app_id", "started_at"),
        Index("ix_run_summaries_ended", "ended_at"),
    )

    run_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    app_id: Mapped[str] = mapped_column(String(100), default="")
    app_version: Mapped[str] = mapped_column(String(40), default="")
    agent_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    duration_ms: Mapped[float | None] = mapped_column(Float, default=None)
    #: ``storage.histogram.bucket_of(duration_ms)``: what the duration rollup counts.
    duration_bucket: Mapped[int | None] = mapped_column(default=_bucket_default("duration_ms"))


class StepRollup(Base):
    """Step attempts per app (``*``: every app), hour (of ``ended_at``), agent type and
    model; schema violations per hour (of ``created_at``) under model ``""``. Kept by
    triggers (``storage/rollups.py``)."""

    __tablename__ = "step_rollups"
    __table_args__ = (Index("ix_step_rollups_hour", "hour"),)

    app_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    hour: Mapped[datetime] = mapped_column(UtcDateTime(), primary_key=True)
    agent_type: Mapped[str] = mapped_column(String(100), primary_key=True)
    model: Mapped[str] = mapped_column(String(200), primary_key=True)
    calls: Mapped[int] = mapped_column(default=0, server_default="0")
    failures: Mapped[int] = mapped_column(default=0, server_default="0")
    retries: Mapped[int] = mapped_column(default=0, server_default="0")
    input_tokens: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    output_tokens: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    cost_usd: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    schema_violations: Mapped[int] = mapped_column(default=0, server_default="0")


class StepLatencyBucket(Base):
    """Completed attempts' latencies as a histogram per app (``*``), hour and agent type."""

    __tablename__ = "step_latency_buckets"

    app_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    hour: Mapped[datetime] = mapped_column(UtcDateTime(), primary_key=True)
    agent_type: Mapped[str] = mapped_column(String(100), primary_key=True)
    bucket: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    n: Mapped[int] = mapped_column(default=0, server_default="0")


class RunRollup(Base):
    """Runs per app (``*``), agent type (``*``: every run), hour (of ``started_at``) and
    status."""

    __tablename__ = "run_rollups"

    app_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    agent_type: Mapped[str] = mapped_column(String(100), primary_key=True)
    hour: Mapped[datetime] = mapped_column(UtcDateTime(), primary_key=True)
    status: Mapped[str] = mapped_column(String(20), primary_key=True)
    runs: Mapped[int] = mapped_column(default=0, server_default="0")


class RunDurationBucket(Base):
    """Finished runs' durations as a histogram per app (``*``), agent type (``*``) and hour."""

    __tablename__ = "run_duration_buckets"

    app_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    agent_type: Mapped[str] = mapped_column(String(100), primary_key=True)
    hour: Mapped[datetime] = mapped_column(UtcDateTime(), primary_key=True)
    bucket: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    n: Mapped[int] = mapped_column(default=0, server_default="0")


class RollupVersion(Base):
    """A version per hour of the hourly rollups (migration ``0019_s5_metrics_rollup_versions``).

    On PostgreSQL, every statement that writes ``step_results``, ``schema_violations`` or
    ``run_summaries`` (whose triggers keep the rollups) sets the ``version`` of each hour
    it touches to the next value of the sequence ``rollup_version_seq``, in its own
    transaction. A range of hours whose ``(count, sum)`` of versions is unchanged has the
    same rollup rows (``storage/rollups.py``: the API keeps a window's rollup figures
    while it is). SQLite: not kept (the reader does not keep figures there).
    """

    __tablename__ = "rollup_versions"

    hour: Mapped[datetime] = mapped_column(UtcDateTime(), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


#: The coarser rollup levels (migration ``0018_s4_daily_rollups``): each hourly rollup
#: table has a copy per span, ``<table>_<span>``, with the same columns, whose ``hour`` is
#: the first hour of a period of that span (UTC, aligned to midnight). Kept from the
#: hourly rows by triggers, so a period's row is the sum of its hours' rows.
ROLLUP_SPANS: dict[str, timedelta] = {"6h": timedelta(hours=6), "1d": timedelta(days=1)}


def _level_table(hourly: Table, span: str) -> Table:
    indexes = (
        [Index(f"ix_{hourly.name}_{span}_hour", "hour")] if hourly.name == "step_rollups" else []
    )
    return Table(
        f"{hourly.name}_{span}",
        Base.metadata,
        *(column._copy() for column in hourly.columns),
        *indexes,
    )


#: Span → hourly table name → the level's table.
ROLLUP_LEVELS: dict[str, dict[str, Table]] = {
    span: {
        hourly.name: _level_table(hourly, span)
        for hourly in (
            Base.metadata.tables[name]
            for name in (
                "step_rollups",
                "step_latency_buckets",
                "run_rollups",
                "run_duration_buckets",
            )
        )
    }
    for span in ROLLUP_SPANS
}


class StepTotal(Base):
    """Step attempts, tokens and cost per app, agent type and status since the tables
    began (``GET /metrics``'s counters). Kept by triggers (migration 0015)."""

    __tablename__ = "step_totals"

    app_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    agent_type: Mapped[str] = mapped_column(String(100), primary_key=True)
    status: Mapped[str] = mapped_column(String(20), primary_key=True)
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    input_tokens: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    output_tokens: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    cost_usd: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")


class ViolationTotal(Base):
    """Schema violations (severity ``error``) per app and agent type since the tables
    began. Kept by triggers (migration 0015)."""

    __tablename__ = "violation_totals"

    app_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    agent_type: Mapped[str] = mapped_column(String(100), primary_key=True)
    violations: Mapped[int] = mapped_column(default=0, server_default="0")


class RunTotal(Base):
    """Runs per app and status since the tables began. Kept by triggers (migration 0015)."""

    __tablename__ = "run_totals"

    app_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    status: Mapped[str] = mapped_column(String(20), primary_key=True)
    runs: Mapped[int] = mapped_column(default=0, server_default="0")


class RunStepTotals(Base):
    """One run's step totals, as the runs listing shows them: finished attempts, completed
    attempts, steps whose last attempt failed, tokens and cost. Kept by triggers on
    ``step_results`` (migration 0020), which recompute the run's row on every write."""

    __tablename__ = "run_step_totals"

    run_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    steps_completed: Mapped[int] = mapped_column(default=0, server_default="0")
    steps_failed: Mapped[int] = mapped_column(default=0, server_default="0")
    input_tokens: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    output_tokens: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    cost_usd: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")


class AppCount(Base):
    """Apps per team (``*``: every team; ``''``: no team) and status, over 16 shards
    (the last hex digit of the app id). Kept by triggers (migration 0016); what
    ``GET /apps``'s ``X-Total-Count`` sums when no name search is given."""

    __tablename__ = "app_counts"

    team_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    status: Mapped[str] = mapped_column(String(20), primary_key=True)
    shard: Mapped[str] = mapped_column(String(1), primary_key=True)
    apps: Mapped[int] = mapped_column(default=0, server_default="0")


class ServiceAccount(Base):
    """A machine identity whose API key is stored only as a SHA-256 hash."""

    __tablename__ = "service_accounts"
    __table_args__ = (UniqueConstraint("key_hash", name="uq_service_accounts_key_hash"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("sa"))
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    #: Team ids this account acts for; ``["*"]`` means every team.
    teams: Mapped[list[str]] = mapped_column(JSON, default=list)
    key_hash: Mapped[str] = mapped_column(String(64))
    #: The first characters of the key, shown so people can tell keys apart.
    key_prefix: Mapped[str] = mapped_column(String(20))
    created_by: Mapped[str | None] = mapped_column(String(200), default=None)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)


class RevokedToken(Base):
    """A token id (``jti``) that must no longer be accepted, kept until it expires."""

    __tablename__ = "revoked_tokens"

    jti: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    revoked_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)


class AuditEvent(Base):
    """One change or run action; rows are only ever inserted (append-only)."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_at", "at"),
        Index("ix_audit_events_object", "object_type", "object_id"),
        Index("ix_audit_events_actor", "actor"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(100))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(200), default=None)
    team_id: Mapped[str | None] = mapped_column(String(100), default=None)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)


class ArtifactOwner(Base):
    """Which team uploaded an artifact, so other teams get 404 for it."""

    __tablename__ = "artifact_owners"
    __table_args__ = (Index("ix_artifact_owners_created", "created_at"),)

    artifact_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    team_id: Mapped[str | None] = mapped_column(String(100), default=None)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)
    #: What the upload was (for ``GET /artifacts``); ``None`` for uploads before 0010.
    filename: Mapped[str | None] = mapped_column(String(255), default=None)
    media_type: Mapped[str | None] = mapped_column(String(255), default=None)
    size: Mapped[int | None] = mapped_column(BigInteger, default=None)


class RegisteredSchema(Base):
    """One version of a JSON Schema registered by name (``POST /schemas``); never changed.

    A shared, platform-wide catalogue like prompts: releases pin the version they use.
    """

    __tablename__ = "registered_schemas"

    name: Mapped[str] = mapped_column(String(128), primary_key=True)
    version: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    schema: Mapped[dict[str, Any]] = mapped_column(JSON)
    description: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)


class EvalDataset(Base):
    """One version of an app's evaluation dataset: items of run inputs and expected values.

    A name's versions are separate rows (each its own id); a version is locked
    (``locked_at``) once an evaluation used it and never changes after that.
    """

    __tablename__ = "eval_datasets"
    __table_args__ = (
        UniqueConstraint("app_id", "name", "version", name="uq_eval_datasets_name_version"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("ds"))
    app_id: Mapped[str] = mapped_column(
        String(40), ForeignKey("apps.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(default=1)
    description: Mapped[str] = mapped_column(Text, default="")
    #: ``[{"inputs": {...}, "expected": {...}}, ...]`` (``schemas.evaluations.DatasetItem``).
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    locked_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    #: The MLflow evaluation dataset mirroring this version, when MLflow could hold it.
    mlflow_dataset_id: Mapped[str | None] = mapped_column(String(200), default=None)
    created_by: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)


class Evaluation(Base):
    """One evaluation: a dataset version run through one release, scored per field."""

    __tablename__ = "evaluations"
    __table_args__ = (
        Index("ix_evaluations_app_created", "app_id", "created_at"),
        Index("ix_evaluations_dataset", "dataset_id"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("eval"))
    app_id: Mapped[str] = mapped_column(String(40), ForeignKey("apps.id", ondelete="CASCADE"))
    dataset_id: Mapped[str] = mapped_column(String(40))
    #: What was asked for: ``deployed``, ``draft``, a version, or ``candidate`` (a gate's).
    release: Mapped[str] = mapped_column(String(60))
    release_id: Mapped[str | None] = mapped_column(String(40), default=None)
    app_version: Mapped[str] = mapped_column(String(60), default="")
    status: Mapped[str] = mapped_column(String(20), default="running")
    #: ``manual`` (POST /apps/{id}/evaluations) or ``gate`` (started by a deploy).
    purpose: Mapped[str] = mapped_column(String(20), default="manual")
    score: Mapped[float | None] = mapped_column(Float, default=None)
    field_scores: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: ``schemas.evaluations.ItemResult`` dumps, in dataset order.
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    items_total: Mapped[int] = mapped_column(default=0)
    items_done: Mapped[int] = mapped_column(default=0)
    cost_usd: Mapped[float] = mapped_column(Float, default=0.0)
    latency_p50_ms: Mapped[float | None] = mapped_column(Float, default=None)
    latency_max_ms: Mapped[float | None] = mapped_column(Float, default=None)
    judge: Mapped[bool] = mapped_column(default=False)
    #: ``schemas.evaluations.JudgeConfig`` dump when an LLM judge scores (no secrets).
    judge_config: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    #: The ``EvaluationWorkflow`` driving it (``None``: evaluations from before the workflow).
    workflow_id: Mapped[str | None] = mapped_column(String(200), default=None)
    mlflow_run_id: Mapped[str | None] = mapped_column(String(100), default=None)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    created_by: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)


class EvaluationRun(Base):
    """A run started by an evaluation: production metrics leave these out."""

    __tablename__ = "evaluation_runs"

    run_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    evaluation_id: Mapped[str] = mapped_column(String(40), index=True)
    item_index: Mapped[int] = mapped_column(default=0)


class AppGate(Base):
    """An app's release gate: deploys are evaluated on ``dataset_id`` first."""

    __tablename__ = "app_gates"

    app_id: Mapped[str] = mapped_column(
        String(40), ForeignKey("apps.id", ondelete="CASCADE"), primary_key=True
    )
    dataset_id: Mapped[str] = mapped_column(String(40))
    min_score: Mapped[float] = mapped_column(Float, default=0.0)
    max_field_drop: Mapped[float] = mapped_column(Float, default=1.0)
    #: ``schemas.evaluations.JudgeConfig`` dump: the gate's evaluations use an LLM judge.
    judge: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    updated_by: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)


class Schedule(Base):
    """A schedule of an app's runs; Temporal's schedule of the same id does the firing."""

    __tablename__ = "schedules"

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("sch"))
    app_id: Mapped[str] = mapped_column(
        String(40), ForeignKey("apps.id", ondelete="CASCADE"), index=True
    )
    #: The schedule as last written (cron or interval, timezone, inputs, overlap, …).
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)


class Webhook(Base):
    """A signed webhook that starts runs of an app; its secrets are stored sealed."""

    __tablename__ = "webhooks"

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("hook"))
    app_id: Mapped[str] = mapped_column(
        String(40), ForeignKey("apps.id", ondelete="CASCADE"), index=True
    )
    input_mapping: Mapped[dict[str, Any]] = mapped_column(JSON)
    idempotency_pointer: Mapped[str | None] = mapped_column(String(500), default=None)
    rate_limit_per_minute: Mapped[int] = mapped_column(default=600)
    note: Mapped[str] = mapped_column(Text, default="")
    secret_sealed: Mapped[str] = mapped_column(Text)
    previous_secret_sealed: Mapped[str | None] = mapped_column(Text, default=None)
    previous_secret_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    created_by: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)


class Batch(Base):
    """A batch of runs of one app, driven by one ``BatchWorkflow``."""

    __tablename__ = "batches"

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("batch"))
    app_id: Mapped[str] = mapped_column(
        String(40), ForeignKey("apps.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(20), default="running")
    max_concurrency: Mapped[int] = mapped_column(default=8)
    max_cost_usd: Mapped[float | None] = mapped_column(Float, default=None)
    cost_usd: Mapped[float] = mapped_column(Float, default=0.0)
    total: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    created_by: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)


class BatchItem(Base):
    """One item of a batch: its inputs, then its run, status, outputs, error and cost."""

    __tablename__ = "batch_items"
    __table_args__ = (
        UniqueConstraint("batch_id", "position", name="uq_batch_items_position"),
        Index("ix_batch_items_batch_status", "batch_id", "status", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    batch_id: Mapped[str] = mapped_column(String(40), ForeignKey("batches.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column()
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: pending, running, completed, failed or canceled.
    status: Mapped[str] = mapped_column(String(20), default="pending")
    run_id: Mapped[str | None] = mapped_column(String(200), default=None)
    outputs: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    cost_usd: Mapped[float] = mapped_column(Float, default=0.0)
    attempt: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)
