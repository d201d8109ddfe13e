"""Route declarations: every route says which role it needs (or that it is public).

``require_role("editor")`` is a dependency that answers 403 below that role and
hands the route the :class:`Principal`; the role is recorded on the dependency so
tests and the OpenAPI document (``x-hub-role``) can check that no route lacks one.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request, Security
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.auth.principals import Principal, Role
from api.errors import _DESCRIPTIONS, ApiError, NotFoundError

#: Documents the bearer scheme in OpenAPI; the middleware does the checking.
bearer_scheme = HTTPBearer(auto_error=False, description="A token from POST /auth/token.")

PUBLIC = "public"
ROLE_ATTRIBUTE = "hub_role"


class NotAuthenticatedError(ApiError):
    status_code = 401


class ForbiddenError(ApiError):
    status_code = 403


@cache
def require_role(role: Role) -> Callable[..., Coroutine[Any, Any, Principal]]:
    """A dependency that admits principals with at least ``role``.

    It is ``async`` (it only reads the request) so FastAPI calls it on the event loop
    instead of sending each request through a worker thread for it.
    """

    async def dependency(
        request: Request,
        _credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer_scheme)],
    ) -> Principal:
        principal: Principal | None = getattr(request.state, "principal", None)
        if principal is None:
            raise NotAuthenticatedError("Not authenticated; send 'Authorization: Bearer <token>'.")
        if not principal.has_role(role):
            raise ForbiddenError(
                f"This action needs the {role!r} role; your token has {principal.role!r}."
            )
        return principal

    setattr(dependency, ROLE_ATTRIBUTE, role)
    dependency.__name__ = f"require_{role}"
    return dependency


async def request_principal(request: Request) -> Principal:
    """The request's principal, for services that act as it. No role check (the route
    declares its role); a request without one is refused, never served as someone else."""
    principal: Principal | None = getattr(request.state, "principal", None)
    if principal is None:
        raise NotAuthenticatedError("Not authenticated; send 'Authorization: Bearer <token>'.")
    return principal


#: The request's principal without a role of its own (see :func:`request_principal`).
PrincipalDep = Annotated[Principal, Depends(request_principal)]


def _public() -> None:
    """Declares a route public (no token needed)."""


setattr(_public, ROLE_ATTRIBUTE, PUBLIC)
#: ``dependencies=[PublicRoute]`` on routes anyone may call.
PublicRoute = Depends(_public)

ViewerDep = Annotated[Principal, Depends(require_role("viewer"))]
OperatorDep = Annotated[Principal, Depends(require_role("operator"))]
EditorDep = Annotated[Principal, Depends(require_role("editor"))]
AdminDep = Annotated[Principal, Depends(require_role("admin"))]


def _walk(dependant: Any) -> Iterator[Any]:
    for sub in dependant.dependencies:
        yield sub.call
        yield from _walk(sub)


def declared_role(route: Any) -> str | None:
    """The role a route declares (``public`` for public routes), or ``None``."""
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return None
    roles = [
        getattr(call, ROLE_ATTRIBUTE) for call in _walk(dependant) if hasattr(call, ROLE_ATTRIBUTE)
    ]
    return roles[0] if roles else None


@dataclass(frozen=True)
class RouteRole:
    """One API route and the role it declares (``None``: it declares none)."""

    path: str
    methods: frozenset[str]
    role: str | None
    in_schema: bool


def route_roles(app: FastAPI) -> list[RouteRole]:
    """Every API route of ``app`` (through included routers) with its declared role."""
    found: list[RouteRole] = []
    for context in iter_route_contexts(app.routes):
        if not isinstance(context.original_route, APIRoute):
            continue
        found.append(
            RouteRole(
                path=str(context.path_format),
                methods=frozenset(context.methods or ()),
                role=declared_role(context),
                in_schema=bool(getattr(context, "include_in_schema", True)),
            )
        )
    return found


def install_role_documentation(app: FastAPI) -> None:
    """Adds ``x-hub-role`` to every operation of the OpenAPI document."""
    original = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = original()
        for route in route_roles(app):
            role = route.role
            if role is None or not route.in_schema:
                continue
            path_item = schema.get("paths", {}).get(route.path, {})
            for method in route.methods:
                operation = path_item.get(method.lower())
                if operation is None:
                    continue
                operation["x-hub-role"] = role
                responses = operation.setdefault("responses", {})
                responses.setdefault("429", _error_ref(429))
                if role == PUBLIC:
                    operation["security"] = []
                else:
                    responses.setdefault("401", _error_ref(401))
                    responses.setdefault("403", _error_ref(403))
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _error_ref(code: int) -> dict[str, Any]:
    return {
        "description": _DESCRIPTIONS[code],
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}},
    }


def hide_other_team(principal: Principal, team_id: str | None, what: str) -> None:
    """404 (never 403) when the object belongs to a team the principal is not in."""
    if not principal.can_see_team(team_id):
        raise NotFoundError(what)
