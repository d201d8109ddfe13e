"""``/orchestration/{app_id}``: an app's orchestration as JSON or YAML, validation, export."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Request, Response
from fastapi.responses import JSONResponse

from api.audit.service import audit
from api.auth.dependencies import EditorDep, ViewerDep
from api.auth.principals import Principal
from api.dependencies import SessionDep, require_app
from api.errors import (
    ApiError,
    ConflictError,
    ErrorBody,
    InvalidInputError,
    MalformedBodyError,
    NotFoundError,
    UnsupportedMediaTypeError,
    error_responses,
)
from api.releases.service import agent_infos
from schemas.agents import ValidationIssue
from schemas.builder import (
    DeployedRelease,
    DraftConflict,
    OrchestrationDraftPublic,
    OrchestrationValidation,
)
from schemas.common import utc_text
from schemas.orchestration import OrchestrationPublic, OrchestrationSpec
from storage.models import Orchestration, OrchestrationDraft
from storage.repositories import (
    AgentRepository,
    AppRepository,
    DraftRepository,
    OrchestrationRepository,
    ReleaseRepository,
)
from workflows.compiler import compile_orchestration, parse_orchestration, spec_to_yaml
from workflows.edge_fits import graph_report

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


class PreconditionFailedError(ApiError):
    status_code = 412


_PRECONDITION: dict[str, Any] = {
    "model": ErrorBody,
    "description": "If-Match names a version that is no longer current.",
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
        updated_at=row.updated_at,
    )


def orchestration_etag(row: Orchestration) -> str:
    """The stored orchestration's version token: its last write time, quoted."""
    return f'"o-{utc_text(row.updated_at)}"'


def _matches(if_match: str, etag: str) -> bool:
    """RFC 9110 If-Match: ``*`` or any listed tag (weak tags compared by their value)."""
    tags = [t.strip().removeprefix("W/") for t in if_match.split(",")]
    return "*" in tags or etag in tags


IfMatchHeader = Annotated[
    str | None,
    Header(
        alias="If-Match",
        description="The ETag the change is based on; a stale one is refused with 412.",
    ),
]


def _require_orchestration(session: SessionDep, app_id: str, principal: Principal) -> Orchestration:
    require_app(session, app_id, principal)
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
def get_orchestration(
    principal: ViewerDep, app_id: AppIdPath, session: SessionDep, response: Response
) -> OrchestrationPublic:
    row = _require_orchestration(session, app_id, principal)
    response.headers["ETag"] = orchestration_etag(row)
    return _public(row)


@router.put(
    "/{app_id}",
    response_model=OrchestrationPublic,
    summary="Create or replace an app's orchestration (JSON or YAML)",
    responses={**error_responses(404, 409, 413, 415, 422), 412: _PRECONDITION},
    openapi_extra=_spec_body(True, "The orchestration spec, as JSON or as YAML text."),
)
def put_orchestration(
    principal: EditorDep,
    app_id: AppIdPath,
    body: SpecTextDep,
    session: SessionDep,
    response: Response,
    if_match: IfMatchHeader = None,
) -> OrchestrationPublic:
    """Stores the spec (YAML text is kept as written, so export returns it unchanged).

    References between steps and agents are checked by ``validate`` and at deploy,
    so a work-in-progress orchestration can be saved. With ``If-Match`` (the ETag of
    a GET), a spec changed by someone else since is refused with 412; without it the
    spec is replaced, as the platform document's clients expect.
    """
    app = require_app(session, app_id, principal)
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
    if if_match is not None:
        current = orchestration_etag(previous) if previous is not None else '"o-none"'
        if not _matches(if_match, current):
            raise PreconditionFailedError(
                f"The orchestration of {app_id!r} changed since {if_match} (it is now "
                f"{current}); GET it again and reapply your change."
            )
    before = {"yaml": previous.yaml} if previous is not None else None
    row = OrchestrationRepository(session).put(
        app_id, parsed.spec.model_dump(mode="json", exclude_unset=True), yaml_text
    )
    AppRepository(session).update(app)
    audit(
        session,
        principal,
        "orchestration.put",
        "orchestration",
        app_id,
        team_id=app.team_id,
        before=before,
        after={"yaml": row.yaml},
    )
    response.headers["ETag"] = orchestration_etag(row)
    return _public(row)


@router.post(
    "/{app_id}/validate",
    response_model=OrchestrationValidation,
    summary="Validate an orchestration against the app's agents",
    responses=error_responses(404, 413, 415),
    openapi_extra=_spec_body(False, "A spec to check instead of the stored one (not saved)."),
)
def validate_orchestration(
    principal: ViewerDep, app_id: AppIdPath, body: SpecTextDep, session: SessionDep
) -> OrchestrationValidation:
    """Parses and compiles the spec; problems come back in the report (never as 422).

    Each problem names the step (``step_id``) or edge (``edge``) it concerns, and
    ``edges`` says for every binding whether the upstream output fits the input.
    """
    require_app(session, app_id, principal)
    source: bytes | str = (
        body.raw if body.raw.strip() else _require_orchestration(session, app_id, principal).yaml
    )
    parsed = parse_orchestration(source)
    infos = agent_infos(list(AgentRepository(session).list_for_app(app_id)))
    schemas = {a.id: a.input_schema for a in infos}
    if parsed.spec is None:
        errors = list(parsed.errors)
        if parsed.data is not None:
            # the shape is wrong somewhere: the compiler still judges what it can
            errors = list(compile_orchestration(source, infos).errors)
        return graph_report(source, errors, [], schemas)
    errors = []
    mismatch = _app_id_issue(parsed.spec, app_id)
    if mismatch is not None:
        line, column = parsed.source_map.locate(("app_id",))
        errors.append(mismatch.model_copy(update={"line": line, "column": column}))
    result = compile_orchestration(source, infos)
    errors.extend(result.errors)
    return graph_report(source, errors, result.warnings, schemas)


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
def export_yaml(principal: ViewerDep, app_id: AppIdPath, session: SessionDep) -> Response:
    row = _require_orchestration(session, app_id, principal)
    return Response(
        content=row.yaml,
        media_type="text/yaml",
        headers={"Content-Disposition": f'inline; filename="{app_id}.yaml"'},
    )


# --------------------------------------------------------------------------- drafts


def draft_etag(version: int) -> str:
    return f'"d-{version}"'


def _deployed(
    session: SessionDep, app_id: str, stored: Orchestration | None
) -> DeployedRelease | None:
    release = ReleaseRepository(session).latest(app_id)
    if release is None:
        return None
    if stored is not None and stored.spec == release.spec:
        text = stored.yaml  # what was deployed, comments and all
    else:
        text = spec_to_yaml(OrchestrationSpec.model_validate(release.spec))
    return DeployedRelease(release_id=release.id, version=release.version, yaml=text)


def _draft_public(
    session: SessionDep, app_id: str, row: OrchestrationDraft | None
) -> OrchestrationDraftPublic:
    stored = OrchestrationRepository(session).get(app_id)
    deployed = _deployed(session, app_id, stored)
    if row is None:
        return OrchestrationDraftPublic(
            app_id=app_id,
            yaml=stored.yaml if stored is not None else "",
            version=0,
            updated_at=stored.updated_at if stored is not None else None,
            deployed=deployed,
        )
    return OrchestrationDraftPublic(
        app_id=app_id,
        yaml=row.yaml,
        version=row.version,
        updated_at=row.updated_at,
        updated_by=row.updated_by,
        deployed=deployed,
    )


async def read_draft_text(request: Request) -> str:
    """The draft's body: UTF-8 text, whatever it says (it is checked by validate)."""
    raw = await request.body()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnsupportedMediaTypeError(f"The draft is not UTF-8 text: {exc.reason}") from exc


DraftTextDep = Annotated[str, Depends(read_draft_text)]


@router.get(
    "/{app_id}/draft",
    response_model=OrchestrationDraftPublic,
    summary="Get the builder's draft orchestration (ETag: its version)",
    responses=error_responses(404),
)
def get_draft(
    principal: ViewerDep, app_id: AppIdPath, session: SessionDep, response: Response
) -> OrchestrationDraftPublic:
    """The draft as last saved, or (version 0) the stored orchestration when none was saved.

    ``deployed`` is the release that runs now, as YAML, for the deploy diff.
    """
    require_app(session, app_id, principal)
    body = _draft_public(session, app_id, DraftRepository(session).get(app_id))
    response.headers["ETag"] = draft_etag(body.version)
    return body


@router.put(
    "/{app_id}/draft",
    response_model=OrchestrationDraftPublic,
    summary="Save the builder's draft (If-Match required; 412 with the current draft if stale)",
    responses={
        **error_responses(404, 409, 413, 415),
        412: {"model": DraftConflict, "description": "The draft changed since If-Match."},
        428: {"model": ErrorBody, "description": "If-Match is missing."},
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "The draft as YAML text; it need not be valid yet.",
            "content": {"application/yaml": {"schema": {"type": "string"}}},
        }
    },
)
def put_draft(
    principal: EditorDep,
    app_id: AppIdPath,
    text: DraftTextDep,
    session: SessionDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """Saves any text (a draft may not parse yet), never over someone else's save.

    ``If-Match`` must carry the ETag of the draft the edit started from (``"d-0"`` when
    none was saved). A stale one answers 412 with the current draft, so the editor can
    offer to reload or merge; nothing is overwritten silently.
    """
    app = require_app(session, app_id, principal)
    if app.status == "archived":
        raise ConflictError(f"App {app_id!r} is archived and read-only.")
    if if_match is None:
        return JSONResponse(
            {
                "detail": "Send If-Match with the ETag of the draft your edit is based on "
                '(GET /orchestration/{app_id}/draft; "d-0" when there is none yet).'
            },
            status_code=428,
        )
    drafts = DraftRepository(session)
    current = drafts.get(app_id)
    tags = [t.strip().removeprefix("W/") for t in if_match.split(",")]
    expected = current.version if current is not None else 0
    base = expected if "*" in tags else _draft_version(tags)
    row = drafts.save(app_id, text, base, principal.subject) if base == expected else None
    if row is None:
        session.expire_all()
        latest = _draft_public(session, app_id, drafts.get(app_id))
        conflict = DraftConflict(
            detail=f"The draft of {app_id!r} was saved by someone else since {if_match} "
            f"(it is now version {latest.version}); reload it or merge your edit into it.",
            current=latest,
        )
        return JSONResponse(
            conflict.model_dump(mode="json"),
            status_code=412,
            headers={"ETag": draft_etag(latest.version)},
        )
    body = _draft_public(session, app_id, row)
    return JSONResponse(body.model_dump(mode="json"), headers={"ETag": draft_etag(body.version)})


def _draft_version(tags: list[str]) -> int | None:
    for tag in tags:
        inner = tag.strip('"')
        if inner.startswith("d-") and inner[2:].isdigit():
            return int(inner[2:])
    return None
