"""``/settings/prices``: the price table that turns tokens into dollars.

The price file (``HUB_PRICES_FILE``, else the shipped ``storage/data/prices.yaml``) is
the default; ``PUT`` stores a table in the database that replaces it (workers pick it
up within 30 s) and ``DELETE`` goes back to the file. Both are for platform admins and
audited.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, status
from fastapi.responses import Response

from api.audit.service import audit
from api.auth.dependencies import AdminDep, ForbiddenError, ViewerDep
from api.auth.principals import Principal
from api.dependencies import SessionDep
from api.errors import error_responses
from schemas.prices import PriceEntry, PriceTablePublic, PriceTableUpdate
from storage.prices import ModelPrice, effective_prices, replace_prices

router = APIRouter(prefix="/settings/prices", tags=["settings"])


def _table(request: Request, session: SessionDep) -> PriceTablePublic:
    table, source = effective_prices(session, request.app.state.config.prices_file)
    return PriceTablePublic(
        source="database" if source.kind == "database" else "file",
        file=str(source.file),
        updated_at=source.updated_at,
        updated_by=source.updated_by,
        prices=[
            PriceEntry(provider=provider, model=model, input=price.input, output=price.output)
            for provider, model, price in table.entries()
        ],
    )


def _platform_admin(principal: Principal) -> None:
    if not principal.all_teams:
        raise ForbiddenError(
            "The price table is platform-wide; only an all-teams admin may change it."
        )


@router.get("", response_model=PriceTablePublic, summary="The price table in effect")
def get_prices(_: ViewerDep, request: Request, session: SessionDep) -> PriceTablePublic:
    """Dollars per million input and output tokens per provider and model; a step's cost is
    priced with it when its agent reports tokens but no cost."""
    return _table(request, session)


@router.put(
    "",
    response_model=PriceTablePublic,
    summary="Replace the price table (platform admins, audited)",
    responses=error_responses(403, 422),
)
def put_prices(
    principal: AdminDep, request: Request, session: SessionDep, body: PriceTableUpdate
) -> PriceTablePublic:
    _platform_admin(principal)
    before = _table(request, session)
    replace_prices(
        session,
        [(e.provider, e.model, ModelPrice(input=e.input, output=e.output)) for e in body.prices],
        updated_by=principal.subject,
    )
    after = _table(request, session)
    audit(session, principal, "prices.update", "price_table", None, before=before, after=after)
    return after


@router.delete(
    "",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Go back to the price file (platform admins, audited)",
    responses=error_responses(403),
)
def reset_prices(principal: AdminDep, request: Request, session: SessionDep) -> Response:
    _platform_admin(principal)
    before = _table(request, session)
    replace_prices(session, [], updated_by=principal.subject)
    audit(session, principal, "prices.reset", "price_table", None, before=before, after=None)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
