"""``/orchestration/{app_id}``: an app's orchestration as JSON or YAML, validation, export."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request, Response

from api.audit.service import audit
from api.auth.dependencies import EditorDep, ViewerDep
from api.dependencies import SessionDep, require_app
from api.errors import (
    ConflictError,
    InvalidInputError,
    MalformedBodyError,
    NotFoundError,
    UnsupportedMediaTypeError,
    error_responses,
)
from api.releases.service import agent_infos
from schemas.agents import ValidationIssue, ValidationReport
from schemas.orchestration import OrchestrationPublic, OrchestrationSpec
from storage.models import Orchestration
from storage.repositories import AgentRepository, AppRepository, OrchestrationRepository
from workflows.compiler import compile_orchestration, parse_orchestration, spec_to_yaml

router = APIRouter(prefix="/orchestration", tags=["orchestration"])

AppIdPath = Annotated[str, Path(description="The app whose orchestration this is.")]

YAML_MEDIA_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml")
_SPEC_REF = {"$ref": "#/components/schemas/OrchestrationSpec"}


def _spec_body(required: bool, description: str) -> dict[str, Any]:
    """The OpenAPI request body: the spec as JSON, or YAML text."""
    return {
        "requestBody": {
            "required": required,
            "description": description,
            "content": {
                "application/json": {"schema": _SPEC_REF},
                "application/yaml": {
                    "schema": {"type": "string", "description": "The spec as YAML text."}
                },
            },
        }
    }


@dataclass(frozen=True)
class SpecText:
    """A request's body as given, and whether it was YAML."""

    raw: bytes
    is_yaml: bool


async def read_spec_text(request: Request) -> SpecText:
    """The body of a spec request; JSON and YAML are both parsed by the compiler's reader,
    which reports line and column for either."""
    content_type = request.headers.get("content-type", "application/json")
    media_type = content_type.split(";", 1)[0].strip().lower()
    is_yaml = media_type in YAML_MEDIA_TYPES
    is_json = media_type in ("", "application/json") or media_type.endswith("+json")
    if not (is_yaml or is_json):
        raise UnsupportedMediaTypeError(
            f"Content-Type {media_type!r} is not supported; send the spec as application/json "
            "or as YAML text with Content-Type: application/yaml."
        )
    raw = await request.body()
    if is_json and raw.strip():
        try:
            json.loads(raw)
        except json.JSONDecodeError as exc:
            raise MalformedBodyError.from_decode_error(exc) from exc
        except UnicodeDecodeError:
            pass  # the spec reader reports the encoding (422 at the body)
    return SpecText(raw=raw, is_yaml=is_yaml)


SpecTextDep = Annotated[SpecText, Depends(read_spec_text)]


def _public(row: Orchestration) -> OrchestrationPublic:
    return OrchestrationPublic(
        app_id=row.app_id,
        spec=OrchestrationSpec.model_validate(row.spec),
        yaml=row.yaml,
        updated_at=row.updated_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
    )


def _require_orchestration(session: SessionDep, app_id: str) -> Orchestration:
    require_app(session, app_id)
    row = OrchestrationRepository(session).get(app_id)
    if row is None:
        raise NotFoundError(
            f"App {app_id!r} has no orchestration yet; create it with PUT /orchestration/{app_id}."
        )
    return row


def _app_id_issue(spec: OrchestrationSpec, app_id: str) -> ValidationIssue | None:
    if spec.app_id == app_id:
        return None
    return ValidationIssue(
        path="/app_id",
        message=f"app_id {spec.app_id!r} does not match the app in the URL ({app_id!r}); "
        "set app_id to the app this orchestration belongs to.",
    )


@router.get(
    "/{app_id}",
    response_model=OrchestrationPublic,
    summary="Get an app's orchestration",
    responses=error_responses(404),
)
def get_orchestration(_: ViewerDep, app_id: AppIdPath, session: SessionDep) -> OrchestrationPublic:
    return _public(_require_orchestration(session, app_id))


@router.put(
    "/{app_id}",
    response_model=OrchestrationPublic,
    summary="Create or replace an app's orchestration (JSON or YAML)",
    responses=error_responses(404, 409, 413, 415, 422),
    openapi_extra=_spec_body(True, "The orchestration spec, as JSON or as YAML text."),
)
def put_orchestration(
    _: EditorDep, app_id: AppIdPath, body: SpecTextDep, session: SessionDep
) -> OrchestrationPublic:
    """Stores the spec (YAML text is kept as written, so export returns it unchanged).

    References between steps and agents are checked by ``validate`` and at deploy,
    so a work-in-progress orchestration can be saved.
    """
    app = require_app(session, app_id)
    if app.status == "archived":
        raise ConflictError(
            f"App {app_id!r} is archived and read-only; create a new app to change its "
            "orchestration."
        )
    parsed = parse_orchestration(body.raw)
    if parsed.spec is None:
        raise InvalidInputError.from_issues(parsed.errors)
    mismatch = _app_id_issue(parsed.spec, app_id)
    if mismatch is not None:
        line, column = parsed.source_map.locate(("app_id",))
        raise InvalidInputError.from_issues(
            [mismatch.model_copy(update={"line": line, "column": column})]
        )
    yaml_text = body.raw.decode("utf-8-sig") if body.is_yaml else spec_to_yaml(parsed.spec)
    previous = OrchestrationRepository(session).get(app_id)
    before = {"yaml": previous.yaml} if previous is not None else None
    row = OrchestrationRepository(session).put(
        app_id, parsed.spec.model_dump(mode="json", exclude_unset=True), yaml_text
    )
    AppRepository(session).update(app)
    audit(
        session,
        "orchestration.put",
        "orchestration",
        app_id,
        team_id=app.team_id,
        before=before,
        after={"yaml": row.yaml},
    )
    return _public(row)


@router.post(
    "/{app_id}/validate",
    response_model=ValidationReport,
    summary="Validate an orchestration against the app's agents",
    responses=error_responses(404, 413, 415),
    openapi_extra=_spec_body(False, "A spec to check instead of the stored one (not saved)."),
)
def validate_orchestration(
    _: ViewerDep, app_id: AppIdPath, body: SpecTextDep, session: SessionDep
) -> ValidationReport:
    """Parses and compiles the spec; problems come back in the report (never as 422)."""
    require_app(session, app_id)
    source: bytes | str = (
        body.raw if body.raw.strip() else _require_orchestration(session, app_id).yaml
    )
    parsed = parse_orchestration(source)
    if parsed.spec is None:
        return ValidationReport(valid=False, errors=parsed.errors)
    errors: list[ValidationIssue] = []
    mismatch = _app_id_issue(parsed.spec, app_id)
    if mismatch is not None:
        line, column = parsed.source_map.locate(("app_id",))
        errors.append(mismatch.model_copy(update={"line": line, "column": column}))
    agents = list(AgentRepository(session).list_for_app(app_id))
    result = compile_orchestration(source, agent_infos(agents))
    errors.extend(result.errors)
    return ValidationReport(valid=not errors, errors=errors, warnings=result.warnings)


@router.get(
    "/{app_id}/export-yaml",
    summary="Export the orchestration as YAML",
    response_class=Response,
    responses={
        200: {
            "content": {"text/yaml": {"schema": {"type": "string"}}},
            "description": "The orchestration as YAML; PUT it back to restore it.",
        },
        **error_responses(404),
    },
)
def export_yaml(_: ViewerDep, app_id: AppIdPath, session: SessionDep) -> Response:
    row = _require_orchestration(session, app_id)
    return Response(
        content=row.yaml,
        media_type="text/yaml",
        headers={"Content-Disposition": f'inline; filename="{app_id}.yaml"'},
    )
