"""Evaluations and release gates: datasets, evaluations, comparisons and an app's gate.

``/apps/{id}/datasets``, ``/datasets/{id}``, ``/apps/{id}/evaluations``,
``/evaluations/{id}``, ``/evaluations/{id}/compare/{other_id}`` and ``/apps/{id}/gate``.
The gate itself acts in ``POST /apps/{id}/deploy`` (``api/releases/gates.py``).
"""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Path, Request, Response, status

from api.audit.service import audit
from api.auth.dependencies import AdminDep, EditorDep, ForbiddenError, OperatorDep, ViewerDep
from api.auth.principals import Principal
from api.dependencies import PromptResolverDep, SessionDep, require_app
from api.errors import ConflictError, InvalidInputError, NotFoundError, error_responses, item_at
from api.evaluations.service import (
    EvaluationRunner,
    baseline_and_candidate,
    compare,
    dataset_public,
    evaluation_public,
    evaluation_summary,
    gate_public,
    require_dataset,
    resolve_release,
)
from schemas.evaluation_scoring import check_expected
from schemas.evaluations import (
    DatasetCreate,
    DatasetItem,
    DatasetPublic,
    DatasetUpdate,
    EvaluationComparison,
    EvaluationCreate,
    EvaluationPublic,
    EvaluationSummary,
    GateConfig,
    GatePublic,
)
from storage.evaluations import DatasetRepository, EvaluationRepository, GateRepository
from storage.mlflow_evaluations import mirror_dataset
from storage.models import EvalDataset, Evaluation

logger = logging.getLogger(__name__)

app_router = APIRouter(prefix="/apps", tags=["evaluations"])
datasets_router = APIRouter(prefix="/datasets", tags=["evaluations"])
router = APIRouter(prefix="/evaluations", tags=["evaluations"])

AppIdPath = Annotated[str, Path(max_length=100, description="App id, `app-…`.")]
DatasetIdPath = Annotated[str, Path(max_length=100, description="Dataset version id, `ds-…`.")]
EvaluationIdPath = Annotated[str, Path(max_length=100, description="Evaluation id, `eval-…`.")]


def _check_items(items: list[DatasetItem]) -> None:
    """422 at every expectation that cannot be scored."""
    problems = [
        item_at(("body", "items", index, "expected", key), message)
        for index, item in enumerate(items)
        for key, message in check_expected(item.expected)
    ]
    if problems:
        raise InvalidInputError(problems)


def _runner(request: Request) -> EvaluationRunner:
    runner: EvaluationRunner = request.app.state.evaluations
    return runner


def _require_evaluation(
    session: SessionDep, evaluation_id: str, principal: Principal
) -> Evaluation:
    row = EvaluationRepository(session).get(evaluation_id) if len(evaluation_id) <= 100 else None
    if row is None:
        raise NotFoundError(
            f"Evaluation {evaluation_id!r} not found; list an app's with "
            "GET /apps/{app_id}/evaluations."
        )
    try:
        require_app(session, row.app_id, principal)
    except NotFoundError as exc:  # another team's: the same words as a missing one
        raise NotFoundError(f"Evaluation {evaluation_id!r} not found.") from exc
    return row


def _public(session: SessionDep, row: Evaluation) -> EvaluationPublic:
    return evaluation_public(row, DatasetRepository(session).get(row.dataset_id))


# ------------------------------------------------------------------ datasets


def _mirror(request: Request, row: EvalDataset, replaces: str | None = None) -> None:
    """Mirror the version as an MLflow evaluation dataset where MLflow supports them; the
    database keeps the dataset either way."""
    uri = _runner(request).mlflow_tracking_uri
    if not uri:
        return
    try:
        row.mlflow_dataset_id = mirror_dataset(
            uri, row.app_id, row.name, row.version, list(row.items), replaces=replaces
        )
    except Exception:  # MLflow is a mirror: never fail the request for it
        logger.warning("dataset %s not mirrored to MLflow", row.id, exc_info=True)
        row.mlflow_dataset_id = None


@app_router.post(
    "/{app_id}/datasets",
    status_code=status.HTTP_201_CREATED,
    response_model=DatasetPublic,
    summary="Create a dataset (or the next version of one with the same name)",
    responses=error_responses(404, 413, 422),
)
def create_dataset(
    principal: EditorDep,
    request: Request,
    app_id: AppIdPath,
    body: DatasetCreate,
    session: SessionDep,
    response: Response,
) -> DatasetPublic:
    """Items of run ``inputs`` with ``expected`` values by ``<output>.<field path>``.

    A name the app already has gets its next version (a new id); versions are immutable
    once an evaluation used them.
    """
    app = require_app(session, app_id, principal)
    _check_items(body.items)
    row = DatasetRepository(session).create(
        app.id,
        body.name,
        [item.model_dump(mode="json") for item in body.items],
        description=body.description,
        created_by=principal.subject,
    )
    _mirror(request, row)
    session.flush()
    response.headers["Location"] = f"/datasets/{row.id}"
    public = dataset_public(row)
    audit(
        session,
        principal,
        "dataset.create",
        "dataset",
        row.id,
        team_id=app.team_id,
        after={"name": row.name, "version": row.version, "items": len(row.items)},
    )
    return public


@app_router.get(
    "/{app_id}/datasets",
    response_model=list[DatasetPublic],
    summary="List an app's datasets (every version, items left out)",
    responses=error_responses(404),
)
def list_datasets(
    principal: ViewerDep, app_id: AppIdPath, session: SessionDep
) -> list[DatasetPublic]:
    require_app(session, app_id, principal)
    return [
        dataset_public(row, with_items=False)
        for row in DatasetRepository(session).list_for_app(app_id)
    ]


@datasets_router.get(
    "/{dataset_id}",
    response_model=DatasetPublic,
    summary="Get a dataset version with its items",
    responses=error_responses(404),
)
def get_dataset(
    principal: ViewerDep, dataset_id: DatasetIdPath, session: SessionDep
) -> DatasetPublic:
    row = require_dataset(session, dataset_id)
    require_app(session, row.app_id, principal)
    return dataset_public(row)


@datasets_router.put(
    "/{dataset_id}",
    response_model=DatasetPublic,
    summary="Replace the items of a dataset version no evaluation used yet",
    responses=error_responses(404, 409, 413, 422),
)
def update_dataset(
    principal: EditorDep,
    request: Request,
    dataset_id: DatasetIdPath,
    body: DatasetUpdate,
    session: SessionDep,
) -> DatasetPublic:
    """409 once an evaluation used the version: POST a new version with the same name."""
    row = require_dataset(session, dataset_id)
    app = require_app(session, row.app_id, principal)
    if row.locked_at is not None:
        raise ConflictError(
            f"Dataset {dataset_id!r} (version {row.version} of {row.name!r}) was used by an "
            f"evaluation and is immutable; POST /apps/{row.app_id}/datasets with the same "
            "name to make the next version."
        )
    _check_items(body.items)
    row.items = [item.model_dump(mode="json") for item in body.items]
    if body.description is not None:
        row.description = body.description
    _mirror(request, row, replaces=row.mlflow_dataset_id)
    session.flush()
    audit(
        session,
        principal,
        "dataset.update",
        "dataset",
        row.id,
        team_id=app.team_id,
        after={"items": len(row.items)},
    )
    return dataset_public(row)


# --------------------------------------------------------------- evaluations


@app_router.post(
    "/{app_id}/evaluations",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=EvaluationPublic,
    summary="Evaluate a release on a dataset",
    responses=error_responses(404, 409, 422, 503),
)
async def start_evaluation(
    principal: OperatorDep,
    request: Request,
    app_id: AppIdPath,
    body: EvaluationCreate,
    session: SessionDep,
    prompt_resolver: PromptResolverDep,
    response: Response,
) -> EvaluationPublic:
    """Runs every item of the dataset through the release (``deployed``, ``draft`` or a
    version) as ordinary runs tagged with the evaluation (left out of production metrics),
    a few at a time, and scores each field (code scorers; an LLM judge for the fields
    ``judge`` names, when given). A durable workflow drives it: it goes on when the API
    stops. Answers at once; follow it with ``GET /evaluations/{id}``."""
    app = require_app(session, app_id, principal)
    if body.release == "draft" and not principal.has_role("editor"):
        raise ForbiddenError("Evaluating the draft needs the 'editor' role.")
    dataset = require_dataset(session, body.dataset_id, app)
    candidate = resolve_release(session, app, body.release, prompt_resolver)
    # No write of this request's session may hold the database while the runner writes.
    session.commit()
    runner = _runner(request)
    await runner.gateway.client()  # 503 now, not later, when Temporal is down
    evaluation_id = runner.create(app, dataset, candidate, principal, judge=body.judge)
    await runner.start(
        evaluation_id, candidate, body.concurrency, body.item_timeout_seconds, body.judge
    )
    audit(
        session,
        principal,
        "evaluation.start",
        "evaluation",
        evaluation_id,
        team_id=app.team_id,
        after={
            "dataset_id": dataset.id,
            "release": body.release,
            "judge": body.judge.model_dump(mode="json") if body.judge else None,
        },
    )
    session.commit()
    response.headers["Location"] = f"/evaluations/{evaluation_id}"
    row = EvaluationRepository(session).get(evaluation_id)
    assert row is not None
    return _public(session, row)


@app_router.get(
    "/{app_id}/evaluations",
    response_model=list[EvaluationSummary],
    summary="List an app's evaluations, newest first",
    responses=error_responses(404),
)
def list_evaluations(
    principal: ViewerDep, app_id: AppIdPath, session: SessionDep
) -> list[EvaluationSummary]:
    require_app(session, app_id, principal)
    return [evaluation_summary(row) for row in EvaluationRepository(session).list_for_app(app_id)]


@router.get(
    "/{evaluation_id}",
    response_model=EvaluationPublic,
    summary="Get an evaluation: status, score, per-field scores, per-item results",
    responses=error_responses(404),
)
def get_evaluation(
    principal: ViewerDep, evaluation_id: EvaluationIdPath, session: SessionDep
) -> EvaluationPublic:
    return _public(session, _require_evaluation(session, evaluation_id, principal))


@router.get(
    "/{evaluation_id}/compare/{other_id}",
    response_model=EvaluationComparison,
    summary="Compare two evaluations field by field, regressions first",
    responses=error_responses(404, 409),
)
def compare_evaluations(
    principal: ViewerDep,
    evaluation_id: EvaluationIdPath,
    other_id: EvaluationIdPath,
    session: SessionDep,
) -> EvaluationComparison:
    """In either order: the evaluation of the older release is the baseline (by version;
    a draft comes after the release it starts from; the same release: the older
    evaluation), the other the candidate. Deltas are candidate − baseline; fields that
    dropped come first, worst first, then item-level drops."""
    first = _require_evaluation(session, evaluation_id, principal)
    second = _require_evaluation(session, other_id, principal)
    for row in (first, second):
        if row.status != "completed":
            raise ConflictError(
                f"Evaluation {row.id!r} is {row.status}; compare completed evaluations "
                f"(GET /evaluations/{row.id} shows its progress)."
            )
    return compare(*baseline_and_candidate(_public(session, first), _public(session, second)))


# --------------------------------------------------------------------- gates


@app_router.put(
    "/{app_id}/gate",
    response_model=GatePublic,
    summary="Set the app's release gate",
    responses=error_responses(404, 422),
)
def put_gate(
    principal: AdminDep, app_id: AppIdPath, body: GateConfig, session: SessionDep
) -> GatePublic:
    """From now on ``POST /apps/{id}/deploy`` evaluates the candidate on the dataset first
    and refuses (409, with the report) a score under ``min_score`` or a field dropping by
    more than ``max_field_drop`` against the deployed release."""
    app = require_app(session, app_id, principal)
    try:
        require_dataset(session, body.dataset_id, app)
    except NotFoundError as exc:
        raise InvalidInputError.at(("body", "dataset_id"), exc.detail) from exc
    gates = GateRepository(session)
    previous = gates.get(app_id)
    before = gate_public(previous) if previous is not None else None
    row = gates.put(
        app_id,
        body.dataset_id,
        body.min_score,
        body.max_field_drop,
        principal.subject,
        judge=body.judge.model_dump(mode="json") if body.judge else None,
    )
    after = gate_public(row)
    audit(
        session,
        principal,
        "gate.put",
        "app",
        app_id,
        team_id=app.team_id,
        before=before,
        after=after,
    )
    return after


@app_router.get(
    "/{app_id}/gate",
    response_model=GatePublic,
    summary="Get the app's release gate",
    responses=error_responses(404),
)
def get_gate(principal: ViewerDep, app_id: AppIdPath, session: SessionDep) -> GatePublic:
    require_app(session, app_id, principal)
    row = GateRepository(session).get(app_id)
    if row is None:
        raise NotFoundError(f"App {app_id!r} has no gate; set one with PUT /apps/{app_id}/gate.")
    return gate_public(row)


@app_router.delete(
    "/{app_id}/gate",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Remove the app's release gate",
    responses=error_responses(404),
)
def delete_gate(principal: AdminDep, app_id: AppIdPath, session: SessionDep) -> Response:
    app = require_app(session, app_id, principal)
    gates = GateRepository(session)
    row = gates.get(app_id)
    if row is None:
        raise NotFoundError(f"App {app_id!r} has no gate.")
    before = gate_public(row)
    gates.delete(row)
    audit(session, principal, "gate.delete", "app", app_id, team_id=app.team_id, before=before)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
