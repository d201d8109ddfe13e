"""Observability: runs from Temporal visibility, traces from workflow history, metrics from
the step-results table, schema violations, and live run events.

Temporal stays the source of truth for what happened (so these views agree with the
Temporal Web UI); the ``step_results`` table the engine writes adds what history
does not keep: every intermediate attempt, tokens, cost and model.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import logging
import math
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from google.protobuf.timestamp_pb2 import Timestamp
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from temporalio.api.enums.v1 import EventType, TaskQueueKind, TaskQueueType
from temporalio.api.failure.v1 import Failure
from temporalio.api.history.v1 import HistoryEvent
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import (
    DescribeTaskQueueRequest,
)
from temporalio.client import Client, WorkflowExecution, WorkflowExecutionStatus
from temporalio.service import RPCError, RPCStatusCode

from api.errors import InvalidInputError, NotFoundError
from api.observability.history_payloads import decode_history_payloads
from api.observability.temporal_figures import TemporalFigures
from api.runs.service import STATUS_BY_TEMPORAL
from api.temporal import TemporalGateway
from schemas.common import utc_text
from schemas.names import AGENT_QUEUE_PREFIX, WORKFLOW_TYPE
from schemas.observability import (
    AgentTypeMetrics,
    DailyCost,
    MetricsPublic,
    ModelCost,
    RunTrace,
    Span,
    SpanStatus,
    ViolationPage,
    ViolationPublic,
)
from schemas.runs import RunStatus
from schemas.triggers import TRIGGER_KINDS, RunTrigger, TriggerKind
from schemas.workflow_contract import (
    AGENT_TYPES_KEY,
    APP_ID_KEY,
    APP_VERSION_KEY,
    EVALUATION_ID_KEY,
    HUB_TRIGGER_ID_KEY,
    HUB_TRIGGER_KEY,
    visibility_literal,
)
from storage.models import RunSummary, StepResult
from storage.observability import ObservabilityRepository
from storage.rollups import AsyncRollupReader, Window, WindowFigures, histogram_percentile
from storage.run_listing import AsyncRunReader, Keyset, RunListing, RunQuery, RunRow, VisibleRun

logger = logging.getLogger("hub.api.observability")

INVOKE_AGENT = "invoke_agent"

#: Runs no evaluation started (evaluations set ``HubEvaluationId`` on theirs).
PRODUCTION_RUNS = "HubEvaluationId IS NULL"

#: Visibility is eventually consistent: re-read closes this far before the newest seen.
SUMMARY_SYNC_OVERLAP = timedelta(minutes=5)
DEFAULT_METRICS_WINDOW = timedelta(hours=24)

VISIBILITY_STATUS: dict[RunStatus, str] = {
    "running": "Running",
    "completed": "Completed",
    "failed": "Failed",
    "canceled": "Canceled",
    "terminated": "Terminated",
    "timed_out": "TimedOut",
}


def _ts(value: Timestamp) -> datetime | None:
    if not value.seconds and not value.nanos:
        return None
    return value.ToDatetime(tzinfo=UTC)


def _quote(value: str) -> str:
    """A visibility-query string literal (single quotes doubled are not supported: refuse)."""
    try:
        return visibility_literal(value)
    except ValueError as exc:
        raise InvalidInputError.at(("query",), str(exc)) from exc


def _failure_text(failure: Failure) -> tuple[str | None, str | None]:
    """``(message, type)`` of the innermost meaningful failure."""
    message: str | None = failure.message or None
    kind: str | None = failure.application_failure_info.type or None
    cause = failure
    while cause.HasField("cause"):
        cause = cause.cause
        if cause.message:
            message = cause.message
        if cause.application_failure_info.type:
            kind = cause.application_failure_info.type
    if failure.HasField("timeout_failure_info") and not kind:
        kind = "Timeout"
    return message, kind


def encode_cursor(token: bytes) -> str | None:
    return base64.urlsafe_b64encode(token).decode("ascii") if token else None


def decode_cursor(cursor: str | None, field: str = "cursor") -> bytes:
    if not cursor:
        return b""
    try:
        return base64.urlsafe_b64decode(cursor.encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError) as exc:
        raise InvalidInputError.at(
            ("query", field), "not a cursor this API returned; start again without it"
        ) from exc


def _duration_ms(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return (end - start).total_seconds() * 1000


def _references(value: Any) -> list[str]:
    """Every ``artifact://`` URI inside ``value``."""
    found: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "$artifact" and isinstance(item, str):
                found.append(item)
            else:
                found += _references(item)
    elif isinstance(value, list):
        for item in value:
            found += _references(item)
    elif isinstance(value, str) and value.startswith("artifact://"):
        found.append(value)
    return found


def _trigger(execution: WorkflowExecution) -> RunTrigger:
    attributes = execution.typed_search_attributes
    kind = attributes.get(HUB_TRIGGER_KEY) or "cli"
    return RunTrigger(
        kind=kind if kind in TRIGGER_KINDS else "cli",  # type: ignore[arg-type]
        id=attributes.get(HUB_TRIGGER_ID_KEY),
    )


@dataclass
class RunFilter:
    app_id: str | None = None
    status: RunStatus | None = None
    since: datetime | None = None
    until: datetime | None = None
    agent_type: str | None = None
    #: Only runs started by this kind of trigger (``schedule``, ``webhook``, …).
    trigger: TriggerKind | None = None
    #: Only runs of these apps (a team's apps); ``None``: no restriction.
    app_ids: list[str] | None = None
    #: Runs started by evaluations are left out unless asked for.
    include_evaluations: bool = False

    def query(self) -> str:
        parts = [f"WorkflowType = {_quote(WORKFLOW_TYPE)}"]
        if self.app_id:
            parts.append(f"AppId = {_quote(self.app_id)}")
        if self.app_ids is not None:
            # An empty team still needs a valid query that matches nothing.
            listed = ", ".join(_quote(app_id) for app_id in self.app_ids) or _quote("")
            parts.append(f"AppId IN ({listed})")
        if self.status:
            parts.append(f"ExecutionStatus = {_quote(VISIBILITY_STATUS[self.status])}")
        if self.since:
            parts.append(f"StartTime >= {_quote(utc_text(self.since))}")
        if self.until:
            parts.append(f"StartTime < {_quote(utc_text(self.until))}")
        if self.agent_type:
            parts.append(f"AgentTypes = {_quote(self.agent_type)}")
        if self.trigger == "cli":
            # Runs started by the Temporal CLI carry no trigger attribute at all.
            parts.append("(HubTrigger = 'cli' OR HubTrigger IS NULL)")
        elif self.trigger:
            parts.append(f"HubTrigger = {_quote(self.trigger)}")
        if not self.include_evaluations:
            parts.append(PRODUCTION_RUNS)
        return " AND ".join(parts)

    def run_query(self) -> RunQuery:
        """The same filter on the ``runs`` table (``cli``: runs started with no trigger
        are recorded as ``cli``)."""
        return RunQuery(
            app_id=self.app_id,
            app_ids=self.app_ids,
            status=self.status,
            since=self.since,
            until=self.until,
            agent_type=self.agent_type,
            trigger_kind=self.trigger,
            include_evaluations=self.include_evaluations,
        )


@dataclass
class RunningCheck:
    """Where the reconcile's turn through the running rows has got to (one per process),
    and when it last took a step (``time.monotonic()``)."""

    after: Keyset | None = None
    checked_at: float = -math.inf

    def due(self) -> bool:
        """Whether a step is due (one every ``RUNNING_CHECK_INTERVAL_SECONDS``)."""
        now = time.monotonic()
        if now - self.checked_at < RUNNING_CHECK_INTERVAL_SECONDS:
            return False
        self.checked_at = now
        return True


#: Rows running for less than this are not checked against visibility (a run's row is
#: written just before Temporal is asked to start it).
RUNNING_CHECK_GRACE = timedelta(minutes=2)
#: Running rows checked per step, and the steps' interval: the turn costs one
#: visibility query every 10 s, not one per sync.
RUNNING_CHECK_BATCH = 100
RUNNING_CHECK_INTERVAL_SECONDS = 10.0


def encode_keyset(key: Keyset) -> str:
    """The listing's cursor: ``(created_at, id)`` of the page's last run, opaque."""
    text = json.dumps([key[0].isoformat(), key[1]], separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode("ascii")


def decode_keyset(cursor: str | None) -> Keyset | None:
    if not cursor:
        return None
    try:
        created, run_id = json.loads(base64.urlsafe_b64decode(cursor.encode("ascii")))
        when = datetime.fromisoformat(created)
        if when.tzinfo is None or not isinstance(run_id, str):
            raise ValueError("not a keyset")
    except (ValueError, TypeError, UnicodeError, binascii.Error) as exc:
        raise InvalidInputError.at(
            ("query", "cursor"), "not a cursor this API returned; start again without it"
        ) from exc
    return when, run_id


@dataclass
class ObservabilityService:
    """The observability endpoints' logic; one per request."""

    session: Session
    gateway: TemporalGateway
    #: The process's turn through running rows (the reconcile); ``None``: a fresh one.
    running_check: RunningCheck | None = None

    # ------------------------------------------------------------------ runs

    @staticmethod
    def _summary_row(execution: WorkflowExecution) -> RunSummary:
        attributes = execution.typed_search_attributes
        status = STATUS_BY_TEMPORAL.get(
            execution.status or WorkflowExecutionStatus.RUNNING, "running"
        )
        return RunSummary(
            run_id=execution.id,
            app_id=attributes.get(APP_ID_KEY) or "",
            app_version=attributes.get(APP_VERSION_KEY) or "",
            agent_types=list(attributes.get(AGENT_TYPES_KEY) or []),
            status=status,
            started_at=execution.start_time,
            ended_at=execution.close_time,
            duration_ms=_duration_ms(execution.start_time, execution.close_time),
        )

    async def sync_run_summaries(self) -> int:
        """Copy runs closed since the last sync from visibility into ``run_summaries``,
        and reconcile the ``runs`` table with visibility (see :meth:`_reconcile_runs`)."""
        client = await self.gateway.client()
        repository = ObservabilityRepository(self.session)
        newest = repository.latest_summary_end()
        query = f"WorkflowType = {_quote(WORKFLOW_TYPE)} AND ExecutionStatus != 'Running'"
        if newest is not None:
            query += f" AND CloseTime >= {_quote(utc_text(newest - SUMMARY_SYNC_OVERLAP))}"
        executions = [e async for e in client.list_workflows(query, page_size=1000)]
        rows = [
            self._summary_row(e)
            for e in executions
            if e.typed_search_attributes.get(EVALUATION_ID_KEY) is None
        ]
        written = repository.upsert_run_summaries(rows)
        self.session.commit()
        try:
            await self._reconcile_runs(client, executions)
        except IntegrityError as exc:  # a row written meanwhile: the next sync sees it
            self.session.rollback()
            logger.warning("reconciling runs with visibility: %r", exc)
        return written

    async def _reconcile_runs(self, client: Client, closed: list[WorkflowExecution]) -> None:
        """What no workflow code records, from visibility, into ``runs``:

        - the closed runs just read (terminated and timed out runs; runs started
          outside the API that closed before they could record themselves);
        - every ``RUNNING_CHECK_INTERVAL_SECONDS``, the next ``RUNNING_CHECK_BATCH``
          rows still running since before ``RUNNING_CHECK_GRACE`` (in turn, oldest
          first, wrapping around): those that
          closed take visibility's status, those Temporal does not have at all (a reset
          store) become ``terminated``.
        """
        listing = RunListing(self.session)
        listing.reconcile(_visible(e) for e in _latest_executions(closed))
        self.session.commit()
        check = self.running_check or RunningCheck()
        if not check.due():
            return
        keys = listing.running_after(
            check.after, before=datetime.now(UTC) - RUNNING_CHECK_GRACE, limit=RUNNING_CHECK_BATCH
        )
        check.after = keys[-1] if len(keys) == RUNNING_CHECK_BATCH else None
        ids = [run_id for _created, run_id in keys]
        if not ids:
            return
        listed = ", ".join(_quote(run_id) for run_id in ids)
        query = f"WorkflowType = {_quote(WORKFLOW_TYPE)} AND WorkflowId IN ({listed})"
        found = [e async for e in client.list_workflows(query, page_size=1000)]
        seen = {e.id for e in found}
        latest = _latest_executions(found)
        listing.reconcile(
            _visible(e) for e in latest if e.status != WorkflowExecutionStatus.RUNNING
        )
        listing.mark_gone(
            [run_id for run_id in ids if run_id not in seen],
            "Temporal has no workflow of this run (was its store reset?)",
        )
        self.session.commit()

    # ---------------------------------------------------------------- traces

    async def trace(self, run_id: str) -> RunTrace:
        """Run → step → attempt spans from the history, enriched by ``step_results``."""
        client = await self.gateway.client()
        handle = client.get_workflow_handle(run_id)
        try:
            description = await handle.describe()
            history = await handle.fetch_history()
        except RPCError as exc:
            if exc.status == RPCStatusCode.NOT_FOUND:
                raise NotFoundError(
                    f"run {run_id} not found in Temporal; list runs with GET /observability/runs"
                ) from exc
            raise
        repository = ObservabilityRepository(self.session)
        rows = repository.attempts_of(run_id)
        violations = repository.violations_of_run(run_id)
        status = STATUS_BY_TEMPORAL.get(
            description.status or WorkflowExecutionStatus.RUNNING, "running"
        )
        await decode_history_payloads(history.events, client.data_converter.payload_codec)
        builder = _TraceBuilder(client, run_id, rows, violations)
        builder.read(history.events)
        pending = {p.activity_id: p for p in description.raw_description.pending_activities}
        attributes = description.typed_search_attributes
        run_span = Span(
            span_id=run_id,
            kind="run",
            name=f"run {run_id}",
            status=status,
            started_at=description.start_time,
            ended_at=description.close_time,
            duration_ms=_duration_ms(description.start_time, description.close_time),
            error=builder.run_error,
        )
        spans = [run_span, *builder.spans(run_id, pending)]
        run_span.input_tokens = sum(s.input_tokens for s in spans if s.kind == "attempt")
        run_span.output_tokens = sum(s.output_tokens for s in spans if s.kind == "attempt")
        run_span.cost_usd = sum(s.cost_usd for s in spans if s.kind == "attempt")
        run_span.schema_violations = sum(1 for v in violations if v.severity != "warning")
        return RunTrace(
            run_id=run_id,
            app_id=attributes.get(APP_ID_KEY) or builder.app_id,
            status=status,
            temporal_ui_url=self.gateway.workflow_url(run_id),
            spans=spans,
        )

    @staticmethod
    async def _backlog(client: Client, agent_type: str) -> int | None:
        """Approximate backlog of ``agent-<type>`` (what worker autoscaling keys on)."""
        try:
            answer = await client.workflow_service.describe_task_queue(
                DescribeTaskQueueRequest(
                    namespace=client.namespace,
                    task_queue=TaskQueue(
                        name=f"{AGENT_QUEUE_PREFIX}{agent_type}",
                        kind=TaskQueueKind.TASK_QUEUE_KIND_NORMAL,
                    ),
                    task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
                    report_stats=True,
                )
            )
        except RPCError:
            return None
        return int(answer.stats.approximate_backlog_count)


async def read_metrics(
    rollups: AsyncRollupReader,
    runs: AsyncRunReader,
    figures: TemporalFigures,
    gateway: TemporalGateway,
    *,
    since: datetime | None,
    until: datetime | None,
    app_id: str | None,
    agent_type: str | None,
) -> MetricsPublic:
    """``GET /observability/metrics``: aggregates over the window from the rollups
    (``storage/rollups.py``) and the Temporal figures. Counts and sums equal a scan of
    ``run_summaries`` and ``step_results``; latency and duration percentiles are within
    2 % of the scan's. No session: the API's rollup reader is one round trip on the
    event loop on PostgreSQL (:class:`~storage.rollups.AsyncRollupReader`).

    The running runs are those ``GET /observability/runs?status=running`` lists under
    the same filters (the ``runs`` table, reconciled with visibility by the sync that
    precedes the count), counted on the table's index: no visibility count per filter
    (issue 22)."""
    now = datetime.now(UTC)
    explicit_since, open_ended = since is not None, until is None or until >= now
    until = until or now
    since = since or until - DEFAULT_METRICS_WINDOW
    if since >= until:
        raise InvalidInputError.at(("query", "since"), "since must be before until")
    client = await gateway.client()
    # The running runs started in the window; with the window reaching now, no bound
    # above (nothing has started after now). A defaulted start moves with every
    # request: rounded down to 10 s, the count is shared by the requests of 10 s.
    running_since = since if explicit_since else since - timedelta(seconds=since.timestamp() % 10)
    running_where = RunFilter(
        app_id=app_id,
        status="running",
        since=running_since,
        until=None if open_ended else until,
        agent_type=agent_type,
    )
    # The sync of closed runs from visibility (into ``run_summaries``, and the ``runs``
    # rows it reconciles), then the running rows as the runs listing shows them.
    synced_at = await figures.synced()
    (running, counted_at), _at = await figures.get(
        f"running {running_where.query()}",
        lambda: _running_count(runs, figures, running_where.run_query()),
    )
    window = Window.of(since, until, now=now)
    read = await rollups.figures(window, app_id=app_id, agent_type=agent_type)
    by_status = {**read.runs.by_status, "running": running} if running else read.runs.by_status
    stats = read.agent_types
    queues = sorted({s.agent_type for s in stats} | ({agent_type} if agent_type else set()))
    found = await asyncio.gather(
        *(figures.get(f"backlog {name}", _backlog_reader(client, name)) for name in queues)
    )
    backlogs = {name: value for name, (value, _at) in zip(queues, found, strict=True)}
    read_at = min([synced_at, counted_at, *(at for _value, at in found)])
    return metrics_public(
        read,
        since=since,
        until=until,
        app_id=app_id,
        agent_type=agent_type,
        by_status=by_status,
        backlogs=backlogs,
        read_at=datetime.fromtimestamp(read_at, UTC),
    )


def violation_after(cursor: str | None) -> int | None:
    """The id a violations cursor continues after (``None``: the first page)."""
    if not cursor:
        return None
    raw = decode_cursor(cursor)
    if not raw.isdigit():
        raise InvalidInputError.at(
            ("query", "cursor"), "not a cursor this API returned; start again without it"
        )
    return int(raw)


def violation_page(rows: list[dict[str, Any]], limit: int) -> ViolationPage:
    """The page of the first ``limit`` of ``rows`` (read ``limit + 1``: one more tells
    there is a next page), each a row of ``VIOLATION_COLUMNS``."""
    more = len(rows) > limit
    rows = rows[:limit]
    return ViolationPage(
        items=[
            ViolationPublic(
                **{**row, "severity": "warning" if row["severity"] == "warning" else "error"}
            )
            for row in rows
        ],
        next_cursor=encode_cursor(str(rows[-1]["id"]).encode()) if more and rows else None,
    )


async def runs_page(
    reader: AsyncRunReader,
    figures: TemporalFigures,
    gateway: TemporalGateway,
    where: RunFilter,
    *,
    cursor: str | None,
    limit: int,
) -> dict[str, Any]:
    """A page of runs, newest first, from the hub's ``runs`` table, as the JSON form of
    :class:`RunSummaryPage` (rows read from the database are valid already: no model per
    row, no second validation pass).

    One keyset-paged statement on the filter's index (``storage/run_listing.py``), each
    run's step totals joined by primary key (``run_step_totals``, kept by triggers as
    step results are written: no aggregate per request); on PostgreSQL one autocommit
    round trip on the event loop, with no session. Rows are written when a run starts
    and ends (the workflow records its own end); what no workflow code records
    (terminations, timeouts, a reset store) the summary sync reconciles from
    visibility, which this read keeps at most ``HUB_METRICS_TEMPORAL_MAX_AGE_SECONDS``
    old.
    """
    after = decode_keyset(cursor)
    try:
        await figures.synced()
    except Exception as exc:  # Temporal away: the table still answers
        logger.warning("runs listing without a fresh visibility reconcile (%r)", exc)
    rows = await reader.page(where.run_query(), after=after, limit=limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    last = rows[-1] if more and rows else None
    return {
        "items": [run_summary_json(row, gateway.workflow_url(row.id)) for row in rows],
        "next_cursor": encode_keyset((last.created_at, last.id)) if last else None,
    }


def run_summary_json(row: RunRow, url: str | None) -> dict[str, Any]:
    """:class:`RunSummaryPublic`'s JSON form of a row: the same keys, in the same order."""
    duration = _duration_ms(row.created_at, row.ended_at)
    return {
        "run_id": row.id,
        "app_id": row.app_id,
        "app_version": row.app_version,
        "status": row.status,
        "started_at": utc_text(row.created_at),
        "ended_at": utc_text(row.ended_at) if row.ended_at else None,
        "duration_ms": duration,
        "steps_completed": row.steps_completed,
        "steps_failed": row.steps_failed,
        "attempts": row.attempts,
        "input_tokens": row.input_tokens,
        "output_tokens": row.output_tokens,
        "tokens": row.input_tokens + row.output_tokens,
        "cost_usd": row.cost_usd,
        "agent_types": row.agent_types,
        "temporal_ui_url": url,
        "trigger": {
            "kind": row.trigger_kind if row.trigger_kind in TRIGGER_KINDS else "cli",
            "id": row.trigger_id,
        },
    }


def _latest_executions(executions: list[WorkflowExecution]) -> list[WorkflowExecution]:
    """The newest execution of each workflow id (a re-run resets into a new one)."""
    latest: dict[str, WorkflowExecution] = {}
    for execution in executions:
        known = latest.get(execution.id)
        if known is None or (execution.start_time or _EPOCH) > (known.start_time or _EPOCH):
            latest[execution.id] = execution
    return list(latest.values())


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _visible(execution: WorkflowExecution) -> VisibleRun:
    """A closed run as visibility shows it, for :meth:`RunListing.reconcile`."""
    attributes = execution.typed_search_attributes
    trigger = _trigger(execution)
    return VisibleRun(
        run_id=execution.id,
        temporal_run_id=execution.run_id,
        app_id=attributes.get(APP_ID_KEY) or "",
        app_version=attributes.get(APP_VERSION_KEY) or "",
        agent_types=sorted(set(attributes.get(AGENT_TYPES_KEY) or [])),
        status=STATUS_BY_TEMPORAL.get(
            execution.status or WorkflowExecutionStatus.RUNNING, "running"
        ),
        started_at=execution.start_time,
        ended_at=execution.close_time,
        trigger_kind=trigger.kind,
        trigger_id=trigger.id,
        evaluation=attributes.get(EVALUATION_ID_KEY) is not None,
    )


def metrics_public(
    read: WindowFigures,
    *,
    since: datetime,
    until: datetime,
    app_id: str | None,
    agent_type: str | None,
    by_status: dict[str, int],
    backlogs: dict[str, int | None],
    read_at: datetime | None,
) -> MetricsPublic:
    """The response of ``GET /observability/metrics`` from the window's figures, the runs
    by status (running ones included) and the queues' backlogs."""
    runs = read.runs
    stats = read.agent_types
    finished = sum(n for status, n in by_status.items() if status != "running")
    agent_metrics = [
        AgentTypeMetrics(
            agent_type=s.agent_type,
            task_queue=f"{AGENT_QUEUE_PREFIX}{s.agent_type}",
            calls=s.calls,
            failures=s.failures,
            retries=s.retries,
            latency_p50_ms=histogram_percentile(s.latencies, 0.50),
            latency_p95_ms=histogram_percentile(s.latencies, 0.95),
            input_tokens=s.input_tokens,
            output_tokens=s.output_tokens,
            cost_usd=s.cost_usd,
            schema_violations=s.schema_violations,
            backlog=backlogs.get(s.agent_type),
        )
        for s in stats
    ]
    if agent_type and not any(m.agent_type == agent_type for m in agent_metrics):
        agent_metrics.append(
            AgentTypeMetrics(
                agent_type=agent_type,
                task_queue=f"{AGENT_QUEUE_PREFIX}{agent_type}",
                backlog=backlogs.get(agent_type),
            )
        )
    return MetricsPublic(
        scope="agent_type" if agent_type else "app" if app_id else "platform",
        app_id=app_id,
        agent_type=agent_type,
        since=since,
        until=until,
        runs_by_status=by_status,
        runs_total=sum(by_status.values()),
        success_rate=(by_status.get("completed", 0) / finished) if finished else None,
        run_duration_p50_ms=histogram_percentile(runs.durations, 0.50),
        run_duration_p95_ms=histogram_percentile(runs.durations, 0.95),
        run_duration_p99_ms=histogram_percentile(runs.durations, 0.99),
        input_tokens=sum(m.input_tokens for m in agent_metrics),
        output_tokens=sum(m.output_tokens for m in agent_metrics),
        cost_usd=sum(m.cost_usd for m in agent_metrics),
        schema_violations=sum(m.schema_violations for m in agent_metrics),
        agent_types=agent_metrics,
        cost_by_day=[
            DailyCost(day=day, app_id=app, cost_usd=cost, tokens=tokens)
            for day, app, cost, tokens in read.cost_by_day
        ],
        by_model=[
            ModelCost(
                model=m.model,
                calls=m.calls,
                input_tokens=m.input_tokens,
                output_tokens=m.output_tokens,
                cost_usd=m.cost_usd,
            )
            for m in read.models
        ],
        temporal_read_at=read_at,
    )


async def _running_count(
    runs: AsyncRunReader, figures: TemporalFigures, query: RunQuery
) -> tuple[int, float]:
    """The rows ``query`` lists (running ones), and the wall time of the visibility read
    the table was last reconciled with (a sync under way is waited for first)."""
    synced_at = await figures.settled("sync")
    return await runs.count(query), synced_at


def _backlog_reader(client: Client, agent_type: str) -> Callable[[], Awaitable[int | None]]:
    return lambda: ObservabilityService._backlog(client, agent_type)


@dataclass
class _Activity:
    """What history says about one ``invoke_agent`` activity (all its attempts)."""

    activity_id: str
    scheduled_event_id: int
    scheduled_at: datetime | None
    task_queue: str
    request: dict[str, Any]
    last_attempt: int = 0
    last_started_at: datetime | None = None
    last_failure: tuple[str | None, str | None] = (None, None)
    status: SpanStatus = "scheduled"
    ended_at: datetime | None = None
    error: tuple[str | None, str | None] = (None, None)
    result: dict[str, Any] | None = None
    closed_event_id: int | None = None


class _TraceBuilder:
    def __init__(
        self, client: Client, run_id: str, rows: list[StepResult], violations: list[Any]
    ) -> None:
        self._converter = client.data_converter.payload_converter
        self._run_id = run_id
        self._rows: dict[str, dict[int, StepResult]] = {}
        for row in rows:
            self._rows.setdefault(row.activity_id, {})[row.attempt] = row
        self._violations: dict[tuple[str, int], int] = {}
        self._warnings: dict[tuple[str, int], list[str]] = {}
        for violation in violations:
            key = (violation.activity_id, violation.attempt)
            if violation.severity == "warning":
                self._warnings.setdefault(key, []).append(
                    f"{violation.pointer}: {violation.message}"
                )
            else:
                self._violations[key] = self._violations.get(key, 0) + 1
        self._activities: dict[int, _Activity] = {}
        self.app_id = ""
        self.run_error: str | None = None

    def _decode(self, payloads: Any) -> Any:
        if not payloads.payloads:
            return None
        try:
            return self._converter.from_payloads(payloads.payloads, None)[0]
        except Exception:  # a payload this version cannot read is shown without contents
            return None

    def read(self, events: Sequence[HistoryEvent]) -> None:
        for event in events:
            kind = event.event_type
            if kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
                started = self._decode(event.workflow_execution_started_event_attributes.input)
                if isinstance(started, dict):
                    self.app_id = str(started.get("app_id", ""))
            elif kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED:
                message, _ = _failure_text(event.workflow_execution_failed_event_attributes.failure)
                self.run_error = message
            elif kind == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
                attributes = event.activity_task_scheduled_event_attributes
                if attributes.activity_type.name != INVOKE_AGENT:
                    continue
                request = self._decode(attributes.input)
                self._activities[event.event_id] = _Activity(
                    activity_id=attributes.activity_id,
                    scheduled_event_id=event.event_id,
                    scheduled_at=_ts(event.event_time),
                    task_queue=attributes.task_queue.name,
                    request=request if isinstance(request, dict) else {},
                )
            elif kind == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED:
                started = event.activity_task_started_event_attributes
                activity = self._activities.get(started.scheduled_event_id)
                if activity is not None:
                    activity.last_attempt = started.attempt
                    activity.last_started_at = _ts(event.event_time)
                    activity.status = "running"
                    if started.HasField("last_failure"):
                        activity.last_failure = _failure_text(started.last_failure)
            else:
                self._close(event)

    def _close(self, event: HistoryEvent) -> None:
        kind = event.event_type
        closing: dict[int, tuple[SpanStatus, Any]] = {
            EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED: (
                "completed",
                event.activity_task_completed_event_attributes,
            ),
            EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED: (
                "failed",
                event.activity_task_failed_event_attributes,
            ),
            EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT: (
                "timed_out",
                event.activity_task_timed_out_event_attributes,
            ),
            EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED: (
                "canceled",
                event.activity_task_canceled_event_attributes,
            ),
        }
        if kind not in closing:
            return
        status, attributes = closing[kind]
        activity = self._activities.get(attributes.scheduled_event_id)  # type: ignore[attr-defined]
        if activity is None:
            return
        activity.status = status
        activity.ended_at = _ts(event.event_time)
        activity.closed_event_id = event.event_id
        if status == "completed":
            result = self._decode(attributes.result)
            activity.result = result if isinstance(result, dict) else None
        elif status in ("failed", "timed_out"):
            activity.error = _failure_text(attributes.failure)

    def spans(self, run_id: str, pending: dict[str, Any]) -> list[Span]:
        spans: list[Span] = []
        seen: set[str] = set()
        for activity in self._activities.values():
            seen.add(activity.activity_id)
            spans += self._activity_spans(run_id, activity, pending.get(activity.activity_id))
        # Attempts recorded without a scheduled activity (local dispatch) still show.
        for activity_id, attempts in self._rows.items():
            if activity_id in seen:
                continue
            first = attempts[min(attempts)]
            synthetic = _Activity(
                activity_id=activity_id,
                scheduled_event_id=0,
                scheduled_at=first.started_at,
                task_queue=first.task_queue,
                request={"step_id": first.step_id, "item_index": first.item_index},
            )
            last = attempts[max(attempts)]
            synthetic.status = last.status  # type: ignore[assignment]
            synthetic.ended_at = last.ended_at
            spans += self._activity_spans(run_id, synthetic, None)
        return spans

    def _activity_spans(self, run_id: str, activity: _Activity, pending: Any) -> list[Span]:
        request = activity.request
        config = request.get("config") or {}
        step_id = str(request.get("step_id") or activity.activity_id.split("[", 1)[0])
        item_index = request.get("item_index")
        rows = self._rows.get(activity.activity_id, {})
        step_span_id = f"{run_id}/{activity.activity_id}"
        common = {
            "step_id": step_id,
            "item_index": item_index,
            "agent_id": request.get("agent_id"),
            "agent_type": request.get("agent_type"),
            "task_queue": activity.task_queue,
            "prompt_versions": dict(config.get("prompt_versions") or {}),
        }
        inputs = request.get("inputs") or {}
        inputs_ref = {
            "history_event_id": activity.scheduled_event_id or None,
            "fields": sorted(inputs),
            "artifacts": _references(inputs),
        }
        outputs = (activity.result or {}).get("outputs") or {}
        outputs_ref = (
            {
                "history_event_id": activity.closed_event_id,
                "fields": sorted(outputs),
                "artifacts": _references(outputs),
            }
            if activity.result is not None
            else None
        )
        last_attempt = max([activity.last_attempt, *rows.keys(), pending.attempt if pending else 0])
        attempts: list[Span] = []
        previous_error: str | None = None
        for number in range(1, last_attempt + 1):
            row = rows.get(number)
            is_last = number == last_attempt
            span = Span(
                span_id=f"{step_span_id}#{number}",
                parent_id=step_span_id,
                kind="attempt",
                name=f"{activity.activity_id} attempt {number}",
                status="failed",
                attempt=number,
                scheduled_at=activity.scheduled_at if number == 1 else None,
                retry_reason=previous_error if number > 1 else None,
                **common,
            )
            if row is not None:
                span.status = row.status  # type: ignore[assignment]
                span.started_at = row.started_at
                span.ended_at = row.ended_at
                span.duration_ms = row.latency_ms
                span.error, span.error_type = row.error, row.error_type
                span.model, span.provider = row.model or None, row.provider or None
                span.input_tokens, span.output_tokens = row.input_tokens, row.output_tokens
                span.cost_usd = row.cost_usd
                span.prompt_versions = dict(row.prompt_versions or {}) or span.prompt_versions
            if is_last:
                self._apply_history(span, activity, pending, row)
                if span.status == "completed":
                    span.outputs_ref = outputs_ref
            elif row is None:
                span.status = "failed"
                span.error = "attempt not recorded (no step result); see the Temporal history"
            if number == 1:
                span.inputs_ref = inputs_ref
            if span.retry_reason is None and number > 1 and is_last:
                span.retry_reason = activity.last_failure[0]
            span.schema_violations = self._violations.get((activity.activity_id, number), 0)
            span.warnings = self._warnings.get((activity.activity_id, number), [])
            previous_error = span.error
            attempts.append(span)
        step_status: SpanStatus = attempts[-1].status if attempts else "scheduled"
        step_span = Span(
            span_id=step_span_id,
            parent_id=run_id,
            kind="step",
            name=activity.activity_id,
            status=step_status,
            attempt=len(attempts) or None,
            scheduled_at=activity.scheduled_at,
            started_at=attempts[0].started_at if attempts else None,
            ended_at=activity.ended_at,
            duration_ms=_duration_ms(activity.scheduled_at, activity.ended_at),
            error=attempts[-1].error if attempts and step_status != "completed" else None,
            error_type=attempts[-1].error_type if attempts and step_status != "completed" else None,
            model=next((a.model for a in reversed(attempts) if a.model), None),
            provider=next((a.provider for a in reversed(attempts) if a.provider), None),
            input_tokens=sum(a.input_tokens for a in attempts),
            output_tokens=sum(a.output_tokens for a in attempts),
            cost_usd=sum(a.cost_usd for a in attempts),
            schema_violations=sum(a.schema_violations for a in attempts),
            inputs_ref=inputs_ref,
            outputs_ref=outputs_ref,
            **common,
        )
        return [step_span, *attempts]

    @staticmethod
    def _apply_history(
        span: Span, activity: _Activity, pending: Any, row: StepResult | None
    ) -> None:
        """The last attempt's outcome as Temporal saw it (wins over the table's)."""
        if pending is not None:
            if pending.state == 2:  # PENDING_ACTIVITY_STATE_STARTED
                span.status = "running"
                span.started_at = _ts(pending.last_started_time) or span.started_at
            else:  # waiting to be picked up, or for its retry's backoff
                span.status = "retrying" if span.attempt and span.attempt > 1 else "scheduled"
            if pending.HasField("last_failure") and span.retry_reason is None:
                span.retry_reason = _failure_text(pending.last_failure)[0]
            return
        if activity.status in ("scheduled", "running") and row is None:
            span.status = activity.status
            span.started_at = activity.last_started_at
            return
        if activity.ended_at is not None:
            span.status = activity.status
            span.ended_at = span.ended_at or activity.ended_at
            if span.started_at is None:
                span.started_at = activity.last_started_at
                span.duration_ms = _duration_ms(activity.last_started_at, activity.ended_at)
            if activity.status != "completed" and activity.error[0]:
                span.error, span.error_type = activity.error
