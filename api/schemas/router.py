"""``/schemas``: the schema registry (register versions, list names, show one with versions).

A shared, platform-wide catalogue like prompts (docs/security.md): every viewer reads
it, editors register versions, every registration is audited. Agent configs name a
registered schema as ``schema:<name>`` or ``schema:<name>/<version>``; deploy pins the
version, so registering a new one never changes a deployed release.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response, status

from api.audit.service import audit
from api.auth.dependencies import EditorDep, ViewerDep
from api.dependencies import SessionDep
from api.errors import ConflictError, InvalidInputError, NotFoundError, error_responses
from api.paging import limit_query, offset_query
from api.schemas.sources import json_schema_problem
from schemas.schema_registry import (
    SCHEMA_NAME_MAX_LENGTH,
    SCHEMA_NAME_PATTERN,
    SchemaCreate,
    SchemaDetail,
    SchemaPage,
    SchemaSummary,
    SchemaVersionPublic,
    registry_schema_uri,
)
from storage.models import RegisteredSchema
from storage.schema_registry import SchemaRegistryRepository, SchemaVersionConflict

router = APIRouter(prefix="/schemas", tags=["schemas"])

SchemaNamePath = Annotated[
    str,
    Path(
        min_length=1,
        max_length=SCHEMA_NAME_MAX_LENGTH,
        pattern=SCHEMA_NAME_PATTERN,
        description="Schema name, e.g. `credit-memo-input`.",
    ),
]

#: A JSON body that cannot be decoded at all: 400 with line and column.
_UNDECODABLE_BODY: dict[int | str, dict[str, Any]] = error_responses(400)


def _public(row: RegisteredSchema) -> SchemaVersionPublic:
    return SchemaVersionPublic(
        name=row.name,
        version=row.version,
        uri=registry_schema_uri(row.name, row.version),
        json_schema=row.schema,
        description=row.description,
        created_by=row.created_by,
        created_at=row.created_at,
    )


def _not_registered(name: str) -> NotFoundError:
    return NotFoundError(
        f"Schema {name!r} is not registered; list schemas with GET /schemas or register it "
        "with POST /schemas."
    )


@router.get(
    "",
    response_model=SchemaPage,
    summary="List registered schemas",
    responses=error_responses(422),
)
def list_schemas(
    _: ViewerDep,
    session: SessionDep,
    q: Annotated[
        str | None,
        Query(max_length=SCHEMA_NAME_MAX_LENGTH, description="Part of the name, any case."),
    ] = None,
    limit: Annotated[int, limit_query(200)] = 50,
    offset: Annotated[int, offset_query("Names to skip.")] = 0,
) -> SchemaPage:
    """Names ordered alphabetically, each with its newest version; ``total`` over all pages."""
    rows, total = SchemaRegistryRepository(session).list_latest(
        search=q.replace("\x00", "") if q else None, limit=limit, offset=offset
    )
    return SchemaPage(
        items=[
            SchemaSummary(
                name=row.name,
                latest_version=row.version,
                description=row.description,
                updated_at=row.created_at,
            )
            for row in rows
        ],
        total=total,
    )


@router.post(
    "",
    response_model=SchemaVersionPublic,
    status_code=status.HTTP_201_CREATED,
    summary="Register a schema version",
    responses={**_UNDECODABLE_BODY, **error_responses(409, 413, 422)},
)
def register_schema(
    principal: EditorDep, body: SchemaCreate, session: SessionDep, response: Response
) -> SchemaVersionPublic:
    """Register ``schema`` as the next version of ``name`` (version 1 creates the name).

    The schema must be a valid JSON Schema 2020-12 (422 at ``/schema`` otherwise).
    """
    problem = json_schema_problem(body.json_schema)
    if problem is not None:
        raise InvalidInputError.at(
            ("body", "schema"), f"Not a valid JSON Schema 2020-12: {problem}", "invalid_schema"
        )
    try:
        row = SchemaRegistryRepository(session).register(
            body.name,
            body.json_schema,
            description=body.description,
            created_by=principal.subject,
        )
    except SchemaVersionConflict as exc:
        raise ConflictError(str(exc)) from exc
    created = _public(row)
    response.headers["Location"] = f"/schemas/{row.name}/versions/{row.version}"
    audit(
        session,
        principal,
        "schema.register",
        "schema",
        f"{row.name}/{row.version}",
        after={"name": row.name, "version": row.version, "description": row.description},
    )
    return created


@router.get(
    "/{name}",
    response_model=SchemaDetail,
    summary="Show a schema with its versions",
    responses=error_responses(404, 422),
)
def get_schema(_: ViewerDep, name: SchemaNamePath, session: SessionDep) -> SchemaDetail:
    """Every version, newest first, with its schema, description and author."""
    versions = SchemaRegistryRepository(session).versions(name)
    if not versions:
        raise _not_registered(name)
    return SchemaDetail(
        name=name,
        latest_version=versions[0].version,
        versions=[_public(row) for row in versions],
    )


@router.get(
    "/{name}/versions/{version}",
    response_model=SchemaVersionPublic,
    summary="Show one schema version",
    responses=error_responses(404, 422),
)
def get_schema_version(
    _: ViewerDep,
    name: SchemaNamePath,
    version: Annotated[int, Path(ge=1, le=999_999_999)],
    session: SessionDep,
) -> SchemaVersionPublic:
    repository = SchemaRegistryRepository(session)
    row = repository.get(name, version)
    if row is None:
        latest = repository.latest_version(name)
        if latest is None:
            raise _not_registered(name)
        raise NotFoundError(f"Schema {name!r} has no version {version}; the newest is {latest}.")
    return _public(row)
