"""``/observability``: runs, traces, metrics and schema violations."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Literal

import anyio.to_thread
from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import AfterValidator
from sqlalchemy.orm import Session

from api.auth.dependencies import ViewerDep
from api.auth.principals import Principal
from api.auth.scoping import (
    require_scope_for_aggregates,
    require_visible_app_id,
    require_visible_run,
    visible_app_ids,
)
from api.dependencies import SessionDep
from api.errors import error_responses
from api.observability.service import (
    ObservabilityService,
    RunFilter,
    read_metrics,
    runs_page,
    violation_after,
    violation_page,
)
from api.paging import cursor_query, limit_query
from api.temporal import TemporalGateway
from schemas.observability import MetricsPublic, RunSummaryPage, RunTrace, ViolationPage
from schemas.runs import RunStatus
from schemas.triggers import TriggerKind
from storage.observability import AsyncViolationReader, ViolationFilter

router = APIRouter(prefix="/observability", tags=["observability"])


async def observability_service(request: Request, session: SessionDep) -> ObservabilityService:
    # async: a plain ``def`` dependency would cost the request a worker-thread hop.
    gateway: TemporalGateway = request.app.state.temporal
    return ObservabilityService(session=session, gateway=gateway)


ServiceDep = Annotated[ObservabilityService, Depends(observability_service)]
Name = Annotated[str | None, Query(max_length=100, pattern=r"^[A-Za-z0-9._:@/-]+$")]
#: Window bounds the databases and Temporal's visibility store can all compare.
EARLIEST = datetime(1970, 1, 2, tzinfo=UTC)
LATEST = datetime(9999, 1, 1, tzinfo=UTC)


def within_window_range(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    if not EARLIEST <= aware <= LATEST:
        raise ValueError("must be between 1970-01-02 and 9999-01-01")
    return aware


Since = Annotated[
    datetime | None,
    AfterValidator(within_window_range),
    Query(
        description="Window start (ISO-8601, inclusive); must be before `until` (else 422).",
        json_schema_extra={"x-hub-before": "until"},
    ),
]
Until = Annotated[
    datetime | None,
    AfterValidator(within_window_range),
    Query(
        description="Window end (ISO-8601, exclusive); must be after `since` (else 422).",
        json_schema_extra={"x-hub-after": "since"},
    ),
]
Cursor = Annotated[
    str | None,
    cursor_query(4000, "`next_cursor` of a page (opaque base64url; others are refused with 422)."),
]
Limit = Annotated[int, limit_query(500, None)]


@router.get(
    "/runs",
    response_model=RunSummaryPage,
    summary="List execution runs",
    responses=error_responses(422, 503),
)
async def list_runs(
    principal: ViewerDep,
    request: Request,
    app_id: Name = None,
    status: RunStatus | None = None,
    since: Since = None,
    until: Until = None,
    agent_type: Name = None,
    cursor: Cursor = None,
    limit: Limit = 50,
    include_evaluations: Annotated[
        bool, Query(description="Also list the runs evaluations started (left out by default).")
    ] = False,
    trigger: Annotated[
        TriggerKind | None,
        Query(
            description="Only runs started by this trigger (schedule, webhook, batch, api, cli)."
        ),
    ] = None,
) -> Response:
    """Runs newest first (runs started by schedules and the Temporal CLI too), each with
    status, timings, step counts, tokens, cost, the Web UI link and what started it,
    from the hub's runs table kept in step with Temporal (a run's end is recorded by
    its workflow; terminations within ``HUB_METRICS_TEMPORAL_MAX_AGE_SECONDS``). The
    cursor is a keyset: runs that start while you page do not shift your pages. Runs of
    evaluations are production-free: listed only with ``include_evaluations``."""
    where = RunFilter(
        app_id=app_id,
        status=status,
        since=since,
        until=until,
        agent_type=agent_type,
        trigger=trigger,
        include_evaluations=include_evaluations,
    )
    state = request.app.state
    if not principal.all_teams:  # the principal's apps (all teams: every app, no query)
        where.app_ids = await anyio.to_thread.run_sync(
            _visible_app_ids, state.session_factory, principal, app_id
        )
    # On the event loop, no session (one autocommit SELECT on PostgreSQL): issue 22.
    page = await runs_page(
        state.run_reader,
        state.temporal_figures,
        state.temporal,
        where,
        cursor=cursor,
        limit=limit,
    )
    return Response(json.dumps(page, separators=(",", ":")), media_type="application/json")


def _visible_app_ids(
    sessions: Callable[[], Session], principal: Principal, app_id: str | None
) -> list[str] | None:
    """A team principal's apps for the listing (``None``: no restriction beyond
    ``app_id``, which must then be one of them, else 404)."""
    with sessions() as session:
        if app_id:
            require_visible_app_id(session, principal, app_id)
            return None
        return visible_app_ids(session, principal)


@router.get(
    "/traces/{run_id}",
    response_model=RunTrace,
    summary="Get run traces",
    responses=error_responses(404, 503),
)
async def get_trace(
    principal: ViewerDep,
    session: SessionDep,
    run_id: Annotated[str, Path(max_length=200)],
    service: ServiceDep,
) -> RunTrace:
    """The run as spans: the run, each step (activity), and each attempt of it, read
    from the workflow history (running runs included) plus the recorded step results."""
    require_visible_run(session, principal, run_id)
    return await service.trace(run_id)


@router.get(
    "/metrics",
    response_model=MetricsPublic,
    summary="Get platform metrics",
    responses=error_responses(422, 503),
)
async def get_metrics(
    request: Request,
    principal: ViewerDep,
    app_id: Name = None,
    agent_type: Name = None,
    since: Since = None,
    until: Until = None,
) -> Response:
    """Runs by status, success rate, duration percentiles, per agent type calls,
    failures, retries, latency, tokens, cost, violations and task-queue backlog, for
    the platform, an app or an agent type (default window: the last 24 hours)."""
    require_scope_for_aggregates(principal, app_id, "app_id")
    if app_id and not principal.all_teams:  # a team's principal: is the app theirs?
        await anyio.to_thread.run_sync(_require_visible, request, principal, None, app_id)
    state = request.app.state
    # No session: on PostgreSQL the rollups are one round trip on the event loop.
    metrics = await read_metrics(
        state.rollup_reader,
        state.run_reader,
        state.temporal_figures,
        state.temporal,
        since=since,
        until=until,
        app_id=app_id,
        agent_type=agent_type,
    )
    # Validated once, when the service built it: out as JSON without a second pass.
    return Response(content=metrics.model_dump_json(), media_type="application/json")


@router.get(
    "/violations",
    response_model=ViolationPage,
    summary="List schema violations",
    responses=error_responses(422, 503),
)
async def list_violations(
    request: Request,
    principal: ViewerDep,
    app_id: Name = None,
    agent: Annotated[
        str | None, Query(max_length=100, description="Agent id or agent type.")
    ] = None,
    run_id: Name = None,
    since: Since = None,
    until: Until = None,
    cursor: Cursor = None,
    limit: Limit = 100,
    severity: Annotated[
        Literal["error", "warning"] | None,
        Query(description="Only errors (schema broken) or only warnings (a field missing)."),
    ] = None,
) -> Response:
    """Output-schema violations agents reported, newest first.

    Warnings (``severity: warning``) say a step completed with a field missing, e.g. a
    figure not found in the document.
    """
    if not run_id:
        require_scope_for_aggregates(principal, app_id, "app_id")
    if (run_id or app_id) and not principal.all_teams:  # a team's principal: is it theirs?
        await anyio.to_thread.run_sync(_require_visible, request, principal, run_id, app_id)
    where = ViolationFilter(
        app_id=app_id, agent=agent, run_id=run_id, since=since, until=until, severity=severity
    )
    # On PostgreSQL one SELECT on the event loop (no session, no worker thread): the
    # console's dashboard reads this next to the metrics.
    reader: AsyncViolationReader = request.app.state.violation_reader
    rows = await reader.page(where, after_id=violation_after(cursor), limit=limit + 1)
    # Validated once, when it was built: out as JSON without a second pass.
    page = violation_page(rows, limit)
    return Response(content=page.model_dump_json(), media_type="application/json")


def _require_visible(
    request: Request, principal: Principal, run_id: str | None, app_id: str | None
) -> None:
    """404 unless the run and the app asked for are the principal's teams'."""
    with request.app.state.session_factory() as session:
        if run_id:
            require_visible_run(session, principal, run_id)
        if app_id:
            require_visible_app_id(session, principal, app_id)
