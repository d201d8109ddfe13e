"""Platform metrics for Prometheus: runs, steps, cost, task-queue backlog, Temporal's health.

The request metrics (``hub_http_*``) describe one API process; these describe the whole
platform, as the alert rules and dashboards in ``deploy/`` need them. They are read when
Prometheus scrapes ``GET /metrics`` (at most once per ``min_interval_seconds``; a slower
scraper or several replicas do not multiply the work) from the tables the engine writes
(``run_summaries``, ``step_results``, ``schema_violations``) and from Temporal
(visibility for running runs, ``DescribeTaskQueue`` for backlogs and pollers).

Counters are totals since the tables began, so ``rate()`` and ``increase()`` work on them
across API restarts. Every family is documented in docs/observability.md.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import anyio
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector, CollectorRegistry
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from temporalio.api.enums.v1 import TaskQueueKind, TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest, GetSystemInfoRequest
from temporalio.client import Client

from api.observability.service import ObservabilityService
from api.observability.temporal_figures import TemporalFigures
from api.temporal import TemporalGateway
from schemas.agents import BUILTIN_AGENT_TYPES
from schemas.names import WORKFLOW_TYPE, agent_queue
from schemas.orchestration import ExecutionPlan
from schemas.workflow_contract import APP_ID_KEY, APP_VERSION_KEY
from storage.models import Release
from storage.observability import (
    ATTEMPT_CANCELED,
    ATTEMPT_COMPLETED,
    ATTEMPT_FAILED,
    ATTEMPT_TIMED_OUT,
    LifetimeTotals,
    ObservabilityRepository,
)

logger = logging.getLogger("hub.api.platform_metrics")

#: A poller counts as present when it polled this recently. Temporal lists every poller
#: seen in the last minutes; a worker's long poll is renewed at least every ~70 s.
POLLER_FRESH_SECONDS = 75.0
#: Each Temporal call of a refresh gives up after this long (a scrape has ~10 s).
TEMPORAL_CALL_TIMEOUT_SECONDS = 3.0
#: Running runs looked at per refresh (their start times and plans decide "overdue").
MAX_RUNNING_LISTED = 10_000
#: The statuses a finished run and a step attempt can have (series start at 0 for them).
RUN_FINAL_STATUSES = ("completed", "failed", "canceled", "terminated", "timed_out")
ATTEMPT_STATUSES = (ATTEMPT_COMPLETED, ATTEMPT_FAILED, ATTEMPT_TIMED_OUT, ATTEMPT_CANCELED)
#: A ``foreach`` step's budget counts this many rounds of ``max_concurrency`` items: the
#: item count is known only at run time.
FOREACH_BUDGET_ROUNDS = 10


def plan_time_budget(plan: ExecutionPlan) -> float | None:
    """Seconds a run of ``plan`` may take before it counts as overdue (stuck).

    Every step as if it ran alone after the others, each attempt using its whole
    timeout and each retry its longest backoff; a ``foreach`` step counts
    :data:`FOREACH_BUDGET_ROUNDS` rounds. An approval step counts its timeout; one
    without a timeout can wait for ever, so such plans have no budget (``None``).
    """
    total = 0.0
    for step in plan.steps:
        if step.kind == "approval":
            if step.approval is None or step.approval.timeout_seconds is None:
                return None
            total += step.approval.timeout_seconds
            continue
        attempts = max(step.retry.max_attempts, 1)
        one = step.timeout_seconds * attempts + step.retry.max_interval_seconds * (attempts - 1)
        total += one * (FOREACH_BUDGET_ROUNDS if step.foreach is not None else 1)
    return total


def with_zero_series(
    totals: LifetimeTotals, releases: Iterable[tuple[str, set[str]]]
) -> LifetimeTotals:
    """``totals`` with a 0 for every series a released app can produce and has not yet.

    Prometheus's ``increase()`` ignores what a counter holds when its series first
    appears, so a new app's first runs would be missed; starting every series of a
    deployed app at 0 counts them all.
    """
    for app_id, agent_types in releases:
        for status in RUN_FINAL_STATUSES:
            totals.runs.setdefault((app_id, status), 0)
        for agent_type in agent_types:
            key = (app_id, agent_type)
            for status in ATTEMPT_STATUSES:
                totals.attempts.setdefault((app_id, agent_type, status), 0)
            totals.input_tokens.setdefault(key, 0)
            totals.output_tokens.setdefault(key, 0)
            totals.cost_usd.setdefault(key, 0.0)
            totals.violations.setdefault(key, 0)
    return totals


@dataclass
class QueueState:
    """What Temporal says about one agent type's activity task queue."""

    backlog: int
    backlog_age_seconds: float
    pollers: int


@dataclass
class PlatformSnapshot:
    """One refresh's values; the collector turns them into metric families."""

    temporal_up: bool = False
    totals: LifetimeTotals = field(default_factory=LifetimeTotals)
    running: dict[str, int] = field(default_factory=dict)
    overdue: dict[str, int] = field(default_factory=dict)
    oldest_running_seconds: dict[str, float] = field(default_factory=dict)
    queues: dict[str, QueueState] = field(default_factory=dict)
    cost_budget_usd_per_hour: float | None = None
    refreshed_at: float = 0.0
    refresh_seconds: float = 0.0


class PlatformCollector(Collector):
    """Serves the latest :class:`PlatformSnapshot` (nothing before the first refresh)."""

    def __init__(self) -> None:
        self.snapshot: PlatformSnapshot | None = None

    def collect(self) -> Iterator[Metric]:
        snapshot = self.snapshot
        if snapshot is None:
            return
        yield from snapshot_families(snapshot)


def _counter(
    name: str, documentation: str, labels: Sequence[str], values: dict[tuple[str, ...], float]
) -> CounterMetricFamily:
    family = CounterMetricFamily(name, documentation, labels=list(labels))
    for key, value in sorted(values.items()):
        family.add_metric(list(key), value)
    return family


def _gauge(
    name: str, documentation: str, labels: Sequence[str], values: dict[tuple[str, ...], float]
) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, documentation, labels=list(labels))
    for key, value in sorted(values.items()):
        family.add_metric(list(key), value)
    return family


def snapshot_families(snapshot: PlatformSnapshot) -> Iterable[Metric]:
    """The metric families of one snapshot (names are a contract of deploy/ and the docs)."""
    totals = snapshot.totals
    yield _gauge(
        "hub_temporal_up",
        "1 when the API reached Temporal at the last refresh, else 0",
        [],
        {(): 1.0 if snapshot.temporal_up else 0.0},
    )
    yield _counter(
        "hub_runs_finished",
        "Finished runs by app and final status (from Temporal visibility)",
        ["app_id", "status"],
        {k: float(v) for k, v in totals.runs.items()},
    )
    yield _gauge(
        "hub_runs_running",
        "Runs in flight by app",
        ["app_id"],
        {(app,): float(n) for app, n in snapshot.running.items()},
    )
    yield _gauge(
        "hub_runs_overdue",
        "Runs still running past their plan's time budget (stuck), by app",
        ["app_id"],
        {(app,): float(n) for app, n in snapshot.overdue.items()},
    )
    yield _gauge(
        "hub_runs_oldest_running_seconds",
        "Age of the oldest run in flight, by app",
        ["app_id"],
        {(app,): age for app, age in snapshot.oldest_running_seconds.items()},
    )
    yield _counter(
        "hub_step_attempts",
        "Step attempts by app, agent type and outcome (completed, failed, timed_out, canceled)",
        ["app_id", "agent_type", "status"],
        {k: float(v) for k, v in totals.attempts.items()},
    )
    tokens: dict[tuple[str, ...], float] = {}
    for (app, agent_type), n in totals.input_tokens.items():
        tokens[(app, agent_type, "input")] = float(n)
    for (app, agent_type), n in totals.output_tokens.items():
        tokens[(app, agent_type, "output")] = float(n)
    yield _counter(
        "hub_step_tokens",
        "Model tokens of step attempts",
        ["app_id", "agent_type", "direction"],
        tokens,
    )
    yield _counter(
        "hub_step_cost_usd",
        "Cost of step attempts in US dollars (the price table's, or the agent's own)",
        ["app_id", "agent_type"],
        dict(totals.cost_usd.items()),
    )
    yield _counter(
        "hub_schema_violations",
        "Output-schema violations recorded, by app and agent type",
        ["app_id", "agent_type"],
        {k: float(v) for k, v in totals.violations.items()},
    )
    for name, documentation, read in (
        ("hub_task_queue_backlog", "Tasks waiting in the agent type's queue", lambda q: q.backlog),
        (
            "hub_task_queue_backlog_age_seconds",
            "How long the oldest waiting task has waited",
            lambda q: q.backlog_age_seconds,
        ),
        (
            "hub_task_queue_pollers",
            f"Workers that polled the queue in the last {POLLER_FRESH_SECONDS:.0f} s",
            lambda q: q.pollers,
        ),
    ):
        yield _gauge(
            name,
            documentation,
            ["agent_type", "task_queue"],
            {(t, agent_queue(t)): float(read(q)) for t, q in snapshot.queues.items()},
        )
    if snapshot.cost_budget_usd_per_hour is not None:
        yield _gauge(
            "hub_cost_budget_usd_per_hour",
            "The cost budget per hour (HUB_COST_BUDGET_USD_PER_HOUR)",
            [],
            {(): snapshot.cost_budget_usd_per_hour},
        )
    yield _gauge(
        "hub_platform_metrics_refresh_seconds",
        "How long the last refresh of these metrics took",
        [],
        {(): snapshot.refresh_seconds},
    )


#: One collector per process: every API app built in it (tests build many) feeds it. Its
#: own registry: ``GET /metrics`` shows these families (app ids of every team) only to
#: principals of all teams, such as the metrics token.
COLLECTOR = PlatformCollector()
PLATFORM_REGISTRY = CollectorRegistry(auto_describe=True)
PLATFORM_REGISTRY.register(COLLECTOR)


class PlatformMetrics:
    """Refreshes :data:`COLLECTOR` from the database and Temporal, at most once per interval."""

    def __init__(
        self,
        session_factory: Callable[[], Session],
        gateway: TemporalGateway,
        *,
        min_interval_seconds: float = 5.0,
        cost_budget_usd_per_hour: float | None = None,
        collector: PlatformCollector = COLLECTOR,
        figures: TemporalFigures | None = None,
    ) -> None:
        self.session_factory = session_factory
        self.gateway = gateway
        #: Shared with ``GET /observability/metrics``: one summary sync for both.
        self.figures = figures
        self.min_interval_seconds = min_interval_seconds
        self.cost_budget_usd_per_hour = cost_budget_usd_per_hour
        self.collector = collector
        self.registry = PLATFORM_REGISTRY if collector is COLLECTOR else CollectorRegistry()
        if collector is not COLLECTOR:
            self.registry.register(collector)
        self._lock = asyncio.Lock()
        self._budgets: dict[tuple[str, str], float | None] = {}
        #: Release id → (app, agent types of its plan), read once per release.
        self._release_agent_types: dict[str, tuple[str, set[str]]] = {}
        self._refreshed_at = -math.inf

    async def refresh_if_due(self) -> None:
        """Refresh unless one finished less than ``min_interval_seconds`` ago."""
        async with self._lock:
            if time.monotonic() - self._refreshed_at < self.min_interval_seconds:
                return
            started = time.monotonic()
            snapshot = await self.read()
            snapshot.refresh_seconds = time.monotonic() - started
            snapshot.refreshed_at = time.time()
            self.collector.snapshot = snapshot
            self._refreshed_at = time.monotonic()

    async def read(self) -> PlatformSnapshot:
        """A fresh snapshot; Temporal being down shows as ``hub_temporal_up 0``, not an error."""
        snapshot = PlatformSnapshot(cost_budget_usd_per_hour=self.cost_budget_usd_per_hour)
        client: Client | None = None
        try:
            client = await self.gateway.client()
            await client.workflow_service.get_system_info(
                GetSystemInfoRequest(), retry=False, timeout=_timeout()
            )
            snapshot.temporal_up = True
        except Exception as exc:  # any failure to reach Temporal is what this gauge reports
            logger.warning("platform metrics: Temporal unreachable (%s)", type(exc).__name__)
        if client is not None and snapshot.temporal_up:
            try:
                if self.figures is not None:
                    await self.figures.synced(keep_fresh=False)
                else:
                    with self.session_factory() as session:
                        await ObservabilityService(session, self.gateway).sync_run_summaries()
                await self._read_running(client, snapshot)
                snapshot.queues = await self._read_queues(client, self._agent_types())
            except Exception as exc:  # keep what was read; the rest shows as missing series
                logger.warning("platform metrics: reading Temporal failed (%r)", exc)
        try:
            snapshot.totals = await anyio.to_thread.run_sync(self._read_totals)
        except SQLAlchemyError as exc:
            # The counters only grow: the last totals read stay right until the database is
            # back, and the request metrics of this scrape still get through.
            logger.warning("platform metrics: the database is unreachable (%s)", type(exc).__name__)
            if self.collector.snapshot is not None:
                snapshot.totals = self.collector.snapshot.totals
        return snapshot

    def _read_totals(self) -> LifetimeTotals:
        with self.session_factory() as session:
            totals = ObservabilityRepository(session).lifetime_totals()
            released = session.execute(select(Release.id, Release.app_id)).all()
            for release_id, app_id in released:
                if release_id not in self._release_agent_types:
                    plan = session.scalar(select(Release.plan).where(Release.id == release_id))
                    try:
                        agents = ExecutionPlan.model_validate(plan).agents.values()
                        types = {agent.type for agent in agents}
                    except ValidationError:  # a plan this version cannot read: runs only
                        types = set()
                    self._release_agent_types[release_id] = (app_id, types)
        return with_zero_series(totals, self._release_agent_types.values())

    def _agent_types(self) -> list[str]:
        recorded = self.collector.snapshot.totals.attempts if self.collector.snapshot else {}
        return sorted(set(BUILTIN_AGENT_TYPES) | {agent_type for _, agent_type, _ in recorded})

    async def _read_running(self, client: Client, snapshot: PlatformSnapshot) -> None:
        now = datetime.now(UTC)
        # Runs of evaluations are not production: they carry HubEvaluationId.
        query = (
            f"WorkflowType = '{WORKFLOW_TYPE}' AND ExecutionStatus = 'Running' "
            "AND HubEvaluationId IS NULL"
        )
        async for execution in client.list_workflows(
            query, limit=MAX_RUNNING_LISTED, page_size=1000, rpc_timeout=_timeout()
        ):
            attributes = execution.typed_search_attributes
            app = attributes.get(APP_ID_KEY) or ""
            age = (now - execution.start_time).total_seconds()
            snapshot.running[app] = snapshot.running.get(app, 0) + 1
            snapshot.oldest_running_seconds[app] = max(
                snapshot.oldest_running_seconds.get(app, 0.0), age
            )
            budget = await self._budget(app, attributes.get(APP_VERSION_KEY) or "")
            if budget is not None and age > budget:
                snapshot.overdue[app] = snapshot.overdue.get(app, 0) + 1
        for app in snapshot.running:
            snapshot.overdue.setdefault(app, 0)

    async def _budget(self, app_id: str, version: str) -> float | None:
        key = (app_id, version)
        if key not in self._budgets:
            self._budgets[key] = await anyio.to_thread.run_sync(self._load_budget, app_id, version)
        return self._budgets[key]

    def _load_budget(self, app_id: str, version: str) -> float | None:
        with self.session_factory() as session:
            plan = session.scalar(
                select(Release.plan)
                .where(Release.app_id == app_id, Release.version == version)
                .limit(1)
            )
        if plan is None:  # a draft run or a run started outside the hub: no pinned plan
            return None
        return plan_time_budget(ExecutionPlan.model_validate(plan))

    @staticmethod
    async def _read_queues(client: Client, agent_types: Sequence[str]) -> dict[str, QueueState]:
        queues: dict[str, QueueState] = {}
        now = datetime.now(UTC)
        for agent_type in agent_types:
            answer = await client.workflow_service.describe_task_queue(
                DescribeTaskQueueRequest(
                    namespace=client.namespace,
                    task_queue=TaskQueue(
                        name=agent_queue(agent_type), kind=TaskQueueKind.TASK_QUEUE_KIND_NORMAL
                    ),
                    task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
                    report_stats=True,
                ),
                timeout=_timeout(),
            )
            fresh = sum(
                1
                for poller in answer.pollers
                if poller.HasField("last_access_time")
                and (now - poller.last_access_time.ToDatetime(tzinfo=UTC)).total_seconds()
                <= POLLER_FRESH_SECONDS
            )
            age = answer.stats.approximate_backlog_age
            queues[agent_type] = QueueState(
                backlog=int(answer.stats.approximate_backlog_count),
                backlog_age_seconds=age.seconds + age.nanos / 1e9,
                pollers=fresh,
            )
        return queues


def _timeout() -> timedelta:
    return timedelta(seconds=TEMPORAL_CALL_TIMEOUT_SECONDS)
