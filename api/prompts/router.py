"""Prompts: ``/prompts`` on MLflow's prompt registry (list, show, register versions, aliases).

The registry blocks on its store, so the routes are plain ``def`` (FastAPI runs
them in its thread pool). ``app.state.prompt_registry`` is set by ``create_app``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status

from api.audit.service import audit
from api.auth.dependencies import EditorDep, ViewerDep
from api.dependencies import SessionDep
from api.errors import (
    ApiError,
    ConflictError,
    InvalidInputError,
    NotFoundError,
    error_responses,
)
from schemas.prompts import (
    PROMPT_ALIAS_MAX_LENGTH,
    PROMPT_ALIAS_PATTERN,
    PROMPT_NAME_MAX_LENGTH,
    PROMPT_NAME_PATTERN,
    PromptAliasPublic,
    PromptAliasSet,
    PromptCreate,
    PromptDetail,
    PromptPage,
    PromptVersionPublic,
)
from storage.prompts import (
    InvalidPromptError,
    PromptConflict,
    PromptError,
    PromptNotFound,
    PromptRegistry,
    PromptRegistryUnavailable,
)

router = APIRouter(prefix="/prompts", tags=["prompts"])


class PromptRegistryUnavailableError(ApiError):
    status_code = 503


def get_prompt_registry(request: Request) -> PromptRegistry:
    """The app's registry; 503 when this API runs without one."""
    registry: PromptRegistry | None = getattr(request.app.state, "prompt_registry", None)
    if registry is None:
        raise PromptRegistryUnavailableError(
            "The prompt registry is not configured on this server; set "
            "HUB_MLFLOW_TRACKING_URI (or use the embedded default) and restart the API."
        )
    return registry


#: Routes with a JSON body: FastAPI answers 400 when the body cannot be decoded at all.
_UNDECODABLE_BODY: dict[int | str, dict[str, Any]] = error_responses(400)

PromptRegistryDep = Annotated[PromptRegistry, Depends(get_prompt_registry)]
PromptNamePath = Annotated[
    str,
    Path(
        min_length=1,
        max_length=PROMPT_NAME_MAX_LENGTH,
        pattern=PROMPT_NAME_PATTERN,
        description="Prompt name, e.g. `extractor-system`.",
    ),
]


@contextmanager
def prompt_errors(where: str, *, not_found_as_invalid: tuple[str, ...] = ()) -> Iterator[None]:
    """Map :class:`PromptError` to HTTP once; ``where`` is the request part fields live in.

    A missing thing named by a body field (``not_found_as_invalid``: e.g. the version
    an alias should point at) is a 422 on that field rather than a 404.
    """
    try:
        yield
    except PromptNotFound as exc:
        if exc.field in not_found_as_invalid:
            raise InvalidInputError.at((where, exc.field or ""), exc.message, "not_found") from exc
        raise NotFoundError(exc.message) from exc
    except InvalidPromptError as exc:
        raise InvalidInputError.at((where, exc.field or "name"), exc.message) from exc
    except PromptConflict as exc:
        raise ConflictError(exc.message) from exc
    except PromptRegistryUnavailable as exc:
        raise PromptRegistryUnavailableError(exc.message) from exc
    except PromptError as exc:  # a new subclass nobody mapped yet: still not a 500
        raise ConflictError(exc.message) from exc


@router.get(
    "",
    response_model=PromptPage,
    summary="List prompts",
    responses=error_responses(422, 503),
)
def list_prompts(
    _: ViewerDep,
    registry: PromptRegistryDep,
    q: Annotated[
        str | None,
        Query(max_length=PROMPT_NAME_MAX_LENGTH, description="Part of the name, any case."),
    ] = None,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
    page_token: Annotated[
        str | None,
        Query(max_length=2000, description="`next_page_token` of the previous page."),
    ] = None,
) -> PromptPage:
    """Prompts ordered by name, with their newest version number."""
    with prompt_errors("query"):
        return registry.list_prompts(search=q, page_size=page_size, page_token=page_token)


@router.post(
    "",
    response_model=PromptVersionPublic,
    status_code=status.HTTP_201_CREATED,
    summary="Register a prompt version",
    responses={**_UNDECODABLE_BODY, **error_responses(409, 413, 422, 503)},
)
def register_prompt(
    principal: EditorDep,
    body: PromptCreate,
    registry: PromptRegistryDep,
    response: Response,
    session: SessionDep,
) -> PromptVersionPublic:
    """Register ``template`` as the next version of ``name`` (version 1 creates the prompt)."""
    with prompt_errors("body"):
        created = registry.register(body.name, body.template, body.commit_message)
    response.headers["Location"] = f"/prompts/{created.name}/versions/{created.version}"
    audit(session, principal, "prompt.register", "prompt", created.name, after=created)
    return created


@router.get(
    "/{name}",
    response_model=PromptDetail,
    summary="Show a prompt with its versions and aliases",
    responses=error_responses(404, 422, 503),
)
def get_prompt(_: ViewerDep, name: PromptNamePath, registry: PromptRegistryDep) -> PromptDetail:
    """Every version (newest first) with its template, commit message and aliases."""
    with prompt_errors("path"):
        return registry.get_prompt(name)


@router.get(
    "/{name}/versions/{version}",
    response_model=PromptVersionPublic,
    summary="Show one prompt version",
    responses=error_responses(404, 422, 503),
)
def get_prompt_version(
    _: ViewerDep,
    name: PromptNamePath,
    version: Annotated[int, Path(ge=1)],
    registry: PromptRegistryDep,
) -> PromptVersionPublic:
    with prompt_errors("path"):
        return registry.get_version(name, version)


@router.put(
    "/{name}/aliases",
    response_model=PromptAliasPublic,
    summary="Create or move an alias",
    responses={**_UNDECODABLE_BODY, **error_responses(404, 413, 422, 503)},
)
def set_prompt_alias(
    principal: EditorDep,
    name: PromptNamePath,
    body: PromptAliasSet,
    registry: PromptRegistryDep,
    session: SessionDep,
) -> PromptAliasPublic:
    """Point ``alias`` at ``version``. Releases already deployed keep their pinned versions."""
    with prompt_errors("body", not_found_as_invalid=("version",)):
        moved = registry.set_alias(name, body.alias, body.version)
    audit(session, principal, "prompt.alias.set", "prompt", name, after=moved)
    return moved


@router.delete(
    "/{name}/aliases/{alias}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete an alias",
    responses=error_responses(404, 422, 503),
)
def delete_prompt_alias(
    principal: EditorDep,
    session: SessionDep,
    name: PromptNamePath,
    alias: Annotated[
        str, Path(min_length=1, max_length=PROMPT_ALIAS_MAX_LENGTH, pattern=PROMPT_ALIAS_PATTERN)
    ],
    registry: PromptRegistryDep,
) -> Response:
    with prompt_errors("path"):
        registry.delete_alias(name, alias)
    audit(session, principal, "prompt.alias.delete", "prompt", name, before={"alias": alias})
    return Response(status_code=status.HTTP_204_NO_CONTENT)
