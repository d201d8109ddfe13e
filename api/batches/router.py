"""Batches: ``POST /apps/{id}/batches`` and ``/batches/{id}`` (status, results, cancel,
retry-failed)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response, status
from fastapi.responses import StreamingResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.artifacts.service import artifact_store
from api.audit.service import audit
from api.auth.dependencies import OperatorDep, ViewerDep
from api.batches.service import (
    MAX_BATCH_ITEMS,
    BatchService,
    insert_items,
    public,
    read_zip,
    require_batch,
    results_csv,
    results_jsonl,
    store_documents,
)
from api.dependencies import SessionDep, require_app
from api.errors import ConflictError, InvalidInputError, error_responses
from api.paging import limit_query, offset_query
from api.runs.service import artifact_lookup, check_run_limits
from schemas.artifacts import artifact_id_from_uri
from schemas.orchestration import ExecutionPlan
from schemas.triggers import BatchCreate, BatchItemStatus, BatchPublic, BatchStarted
from storage.models import Batch
from storage.repositories import ReleaseRepository
from storage.run_inputs import run_input_problems
from storage.security import ArtifactOwnerRepository

app_batches_router = APIRouter(prefix="/apps", tags=["batches"])
router = APIRouter(prefix="/batches", tags=["batches"])

BatchIdPath = Annotated[str, Path(max_length=100, description="Batch id, `batch-…`.")]


def _service(request: Request, session: Session) -> BatchService:
    return BatchService(session=session, gateway=request.app.state.temporal)


@app_batches_router.post(
    "/{app_id}/batches",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=BatchStarted,
    summary="Start a batch of runs",
    responses=error_responses(404, 409, 413, 422, 503),
)
async def create_batch(
    principal: OperatorDep,
    request: Request,
    app_id: Annotated[str, Path(max_length=100)],
    body: BatchCreate,
    session: SessionDep,
    response: Response,
) -> BatchStarted:
    """Runs the app's deployed release once per item — `items` (each with its `inputs`),
    or every document of a zip `archive` (an `artifact://` uploaded with POST /artifacts)
    passed as the run input `input_field` — at most `max_concurrency` at once, and starts
    no further item once the items' cost reaches `max_cost_usd`. An item whose inputs
    the release cannot take fails with the run-start message; the rest run. Follow it
    with GET /batches/{id}."""
    app = require_app(session, app_id, principal)
    if app.status == "archived":
        raise ConflictError(f"App {app_id!r} is archived; archived apps cannot start runs.")
    release = ReleaseRepository(session).latest(app_id) if app.status == "deployed" else None
    if release is None:
        raise ConflictError(
            f"App {app_id!r} is not deployed; deploy it with POST /apps/{app_id}/deploy."
        )
    if (body.items is None) == (body.archive is None):
        raise InvalidInputError.at(
            ("body", "items"), 'give exactly one of "items" and "archive" (a zip artifact)'
        )
    lookup = artifact_lookup(session, request.app.state.artifact_store, principal)
    if body.archive is not None:
        ref = lookup(body.archive) if artifact_id_from_uri(body.archive) else None
        if ref is None:
            raise InvalidInputError.at(
                ("body", "archive"),
                f"{body.archive!r} is not an artifact your team can read; upload the zip with "
                "POST /artifacts and pass the uri it returns",
            )
        store = artifact_store(request)
        data, _ = await asyncio.to_thread(store.get, ref.id)
        documents = await asyncio.to_thread(read_zip, data)
        stored = await asyncio.to_thread(store_documents, store, documents)
        owners = ArtifactOwnerRepository(session)
        for _, uri in stored:
            owners.record(
                artifact_id_from_uri(uri) or uri,
                team_id=app.team_id,
                created_by=principal.subject,
            )
        session.flush()
        all_inputs = [{**body.inputs, body.input_field: uri} for _, uri in stored]
    else:
        all_inputs = [{**body.inputs, **item.inputs} for item in body.items or []]
    if not all_inputs:
        raise InvalidInputError.at(("body", "items"), "a batch needs at least one item")
    if len(all_inputs) > MAX_BATCH_ITEMS:
        raise InvalidInputError.at(
            ("body", "items"), f"{len(all_inputs)} items; a batch holds at most {MAX_BATCH_ITEMS}"
        )
    plan = ExecutionPlan.model_validate(release.plan)
    config = request.app.state.config

    def refusal(inputs: dict[str, Any]) -> str | None:
        try:
            check_run_limits(plan, inputs, config.run_limits)
        except (InvalidInputError, ConflictError) as exc:
            return str(exc)
        problems = run_input_problems(plan, inputs, lookup)
        return "; ".join(dict.fromkeys(p.message for p in problems)) or None

    checked = await asyncio.to_thread(lambda: [(i, refusal(i)) for i in all_inputs])
    batch = Batch(
        app_id=app_id,
        status="running",
        max_concurrency=body.max_concurrency,
        max_cost_usd=body.max_cost_usd,
        total=len(checked),
        created_by=principal.subject,
    )
    session.add(batch)
    session.flush()
    insert_items(session, batch.id, checked)
    audit(
        session,
        principal,
        "batch.create",
        "batch",
        batch.id,
        team_id=app.team_id,
        after={
            "app_id": app_id,
            "items": len(checked),
            "max_concurrency": body.max_concurrency,
            "max_cost_usd": body.max_cost_usd,
        },
    )
    session.commit()
    await _service(request, session).start_workflow(batch)
    response.headers["Location"] = f"/batches/{batch.id}"
    return BatchStarted(batch_id=batch.id, status="running", app_id=app_id, total=len(checked))


@app_batches_router.get(
    "/{app_id}/batches",
    response_model=list[BatchPublic],
    summary="List an app's batches",
    responses=error_responses(404),
)
def list_batches(
    principal: ViewerDep,
    app_id: Annotated[str, Path(max_length=100)],
    session: SessionDep,
    limit: Annotated[int, limit_query(200, None)] = 50,
) -> list[BatchPublic]:
    """Newest first, with counts (items: GET /batches/{id})."""
    require_app(session, app_id, principal)
    rows = session.scalars(
        select(Batch)
        .where(Batch.app_id == app_id)
        .order_by(Batch.created_at.desc(), Batch.id)
        .limit(limit)
    )
    return [public(session, batch, with_items=False) for batch in rows]


@router.get(
    "/{batch_id}",
    response_model=BatchPublic,
    summary="Get a batch: status, counts and a page of its items",
    responses=error_responses(404, 503),
)
async def get_batch(
    principal: ViewerDep,
    request: Request,
    batch_id: BatchIdPath,
    session: SessionDep,
    limit: Annotated[int, limit_query(1000, "Items per page.")] = 100,
    offset: Annotated[int, offset_query(most=None)] = 0,
    item_status: Annotated[BatchItemStatus | None, Query(alias="status")] = None,
) -> BatchPublic:
    """`status` (running, completed, failed, canceled), `counts` (total, pending, running,
    completed, failed, canceled) and the items from `offset`, each with its run id,
    status, error and cost; `?status=failed` lists only those."""
    batch = require_batch(session, batch_id, principal.can_see_team)
    await _service(request, session).reconcile(batch)
    return public(session, batch, limit=limit, offset=offset, status=item_status)


def _stream(
    request: Request, batch_id: str, rows: Callable[[Session, str], Iterator[str]]
) -> Iterator[str]:
    # The request's session is closed once the route returns: the stream has its own.
    with request.app.state.session_factory() as session:
        yield from rows(session, batch_id)


@router.get(
    "/{batch_id}/results.csv",
    response_class=StreamingResponse,
    summary="The batch's results as CSV",
    responses={200: {"content": {"text/csv": {}}}, **error_responses(404)},
)
def batch_results_csv(
    principal: ViewerDep, request: Request, batch_id: BatchIdPath, session: SessionDep
) -> StreamingResponse:
    """One row per item: `position`, `run_id`, `status`, `error`, `cost_usd`, its inputs
    (`input.<name>`) and its outputs' fields flattened (`<step>.<output>.<field>`)."""
    require_batch(session, batch_id, principal.can_see_team)
    return StreamingResponse(
        _stream(request, batch_id, results_csv),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{batch_id}.csv"'},
    )


@router.get(
    "/{batch_id}/results.jsonl",
    response_class=StreamingResponse,
    summary="The batch's results as JSON lines",
    responses={200: {"content": {"application/x-ndjson": {}}}, **error_responses(404)},
)
def batch_results_jsonl(
    principal: ViewerDep, request: Request, batch_id: BatchIdPath, session: SessionDep
) -> StreamingResponse:
    """One JSON object per line and item: position, run id, status, error, cost, inputs
    and flattened outputs."""
    require_batch(session, batch_id, principal.can_see_team)
    return StreamingResponse(
        _stream(request, batch_id, results_jsonl), media_type="application/x-ndjson"
    )


@router.post(
    "/{batch_id}/cancel",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=BatchPublic,
    summary="Cancel a batch",
    responses=error_responses(404, 409, 503),
)
async def cancel_batch(
    principal: OperatorDep, request: Request, batch_id: BatchIdPath, session: SessionDep
) -> BatchPublic:
    """No further item starts; running items are cancelled."""
    batch = require_batch(session, batch_id, principal.can_see_team)
    await _service(request, session).cancel(batch)
    audit(session, principal, "batch.cancel", "batch", batch_id)
    session.commit()
    return public(session, batch)


@router.post(
    "/{batch_id}/retry-failed",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=BatchPublic,
    summary="Run a finished batch's failed items again",
    responses=error_responses(404, 409, 503),
)
async def retry_failed(
    principal: OperatorDep, request: Request, batch_id: BatchIdPath, session: SessionDep
) -> BatchPublic:
    """Each failed item runs again as a new run (409 while the batch runs, or when
    nothing failed)."""
    batch = require_batch(session, batch_id, principal.can_see_team)
    retried = await _service(request, session).retry_failed(batch)
    audit(session, principal, "batch.retry_failed", "batch", batch_id, after={"items": retried})
    session.commit()
    return public(session, batch)
