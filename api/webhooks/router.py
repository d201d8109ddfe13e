"""Webhooks: ``/apps/{id}/webhooks``, ``/webhooks/{id}`` (rotate-secret) and the public,
signed ``POST /hooks/{id}`` that starts runs."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Request, Response, status
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.audit.service import audit
from api.auth.dependencies import EditorDep, PublicRoute, ViewerDep
from api.auth.principals import ALL_TEAMS, Principal
from api.auth.rate_limits import retry_after_header
from api.dependencies import SessionDep, require_app, run_service_for
from api.errors import ApiError, ConflictError, InvalidInputError, NotFoundError, error_responses
from api.webhooks.service import (
    SecretBox,
    acquire_webhook_limit,
    check_pointers,
    event_key,
    map_inputs,
    new_secret,
    overlap_end,
    verify,
)
from schemas.triggers import (
    RunTrigger,
    WebhookAccepted,
    WebhookCreate,
    WebhookPublic,
    WebhookRotate,
    WebhookUpdate,
)
from storage.models import App, Webhook, utc_now

app_webhooks_router = APIRouter(prefix="/apps", tags=["webhooks"])
router = APIRouter(prefix="/webhooks", tags=["webhooks"])
hooks_router = APIRouter(prefix="/hooks", tags=["webhooks"])

WebhookIdPath = Annotated[str, Path(max_length=100, description="Webhook id, `hook-…`.")]


class WebhookNotFound(NotFoundError):
    """404: no such webhook."""


class WebhookRateLimited(ApiError):
    status_code = 429


def _box(request: Request) -> SecretBox:
    box: SecretBox | None = getattr(request.app.state, "webhook_secret_box", None)
    if box is None:
        box = request.app.state.webhook_secret_box = SecretBox(
            request.app.state.config.auth.secret_key
        )
    return box


def _public(request: Request, hook: Webhook, secret: str | None = None) -> WebhookPublic:
    return WebhookPublic(
        id=hook.id,
        app_id=hook.app_id,
        url=str(request.base_url).rstrip("/") + f"/hooks/{hook.id}",
        input_mapping=dict(hook.input_mapping),
        idempotency_pointer=hook.idempotency_pointer,
        rate_limit_per_minute=hook.rate_limit_per_minute,
        note=hook.note,
        previous_secret_expires_at=hook.previous_secret_expires_at,
        created_at=hook.created_at,
        secret=secret,
    )


def _require_webhook(session: Session, webhook_id: str, principal: Principal) -> Webhook:
    hook = session.get(Webhook, webhook_id) if len(webhook_id) <= 40 else None
    app = session.get(App, hook.app_id) if hook is not None else None
    if hook is None or app is None or not principal.can_see_team(app.team_id):
        raise WebhookNotFound(
            f"Webhook {webhook_id!r} not found; list an app's webhooks with "
            "GET /apps/{app_id}/webhooks."
        )
    return hook


@app_webhooks_router.post(
    "/{app_id}/webhooks",
    status_code=status.HTTP_201_CREATED,
    response_model=WebhookPublic,
    summary="Create a signed webhook",
    responses=error_responses(404, 409, 422),
)
def create_webhook(
    principal: EditorDep,
    request: Request,
    app_id: Annotated[str, Path(max_length=100)],
    body: WebhookCreate,
    session: SessionDep,
    response: Response,
) -> WebhookPublic:
    """A URL that starts a run of the app for each signed event posted to it; the body
    is mapped to run inputs by `input_mapping` (run input → JSON pointer). The answer
    carries the `secret` — shown this once only."""
    app = require_app(session, app_id, principal)
    if app.status == "archived":
        raise ConflictError(f"App {app_id!r} is archived; archived apps take no webhooks.")
    check_pointers(body.input_mapping, body.idempotency_pointer)
    secret = new_secret()
    hook = Webhook(
        app_id=app_id,
        input_mapping=body.input_mapping,
        idempotency_pointer=body.idempotency_pointer,
        rate_limit_per_minute=body.rate_limit_per_minute,
        note=body.note,
        secret_sealed=_box(request).seal(secret),
        created_by=principal.subject,
    )
    session.add(hook)
    session.flush()
    audit(
        session,
        principal,
        "webhook.create",
        "webhook",
        hook.id,
        team_id=app.team_id,
        after=body.model_dump(mode="json"),
    )
    response.headers["Location"] = f"/webhooks/{hook.id}"
    return _public(request, hook, secret)


@app_webhooks_router.get(
    "/{app_id}/webhooks",
    response_model=list[WebhookPublic],
    summary="List an app's webhooks",
    responses=error_responses(404),
)
def list_webhooks(
    principal: ViewerDep,
    request: Request,
    app_id: Annotated[str, Path(max_length=100)],
    session: SessionDep,
) -> list[WebhookPublic]:
    require_app(session, app_id, principal)
    rows = session.scalars(
        select(Webhook).where(Webhook.app_id == app_id).order_by(Webhook.created_at, Webhook.id)
    )
    return [_public(request, hook) for hook in rows]


@router.get(
    "/{webhook_id}",
    response_model=WebhookPublic,
    summary="Get a webhook (never its secret)",
    responses=error_responses(404),
)
def get_webhook(
    principal: ViewerDep, request: Request, webhook_id: WebhookIdPath, session: SessionDep
) -> WebhookPublic:
    return _public(request, _require_webhook(session, webhook_id, principal))


@router.patch(
    "/{webhook_id}",
    response_model=WebhookPublic,
    summary="Change a webhook's mapping, idempotency pointer, rate limit or note",
    responses=error_responses(404, 422),
)
def update_webhook(
    principal: EditorDep,
    request: Request,
    webhook_id: WebhookIdPath,
    body: WebhookUpdate,
    session: SessionDep,
) -> WebhookPublic:
    hook = _require_webhook(session, webhook_id, principal)
    changes = body.model_dump(exclude_unset=True)
    check_pointers(
        changes.get("input_mapping") or hook.input_mapping,
        changes.get("idempotency_pointer", hook.idempotency_pointer),
    )
    for key, value in changes.items():
        if value is not None or key == "idempotency_pointer":
            setattr(hook, key, value)
    hook.updated_at = utc_now()
    audit(session, principal, "webhook.update", "webhook", hook.id, after=changes)
    return _public(request, hook)


@router.delete(
    "/{webhook_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a webhook",
    responses=error_responses(404),
)
def delete_webhook(
    principal: EditorDep, webhook_id: WebhookIdPath, session: SessionDep
) -> Response:
    hook = _require_webhook(session, webhook_id, principal)
    session.delete(hook)
    audit(session, principal, "webhook.delete", "webhook", webhook_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{webhook_id}/rotate-secret",
    response_model=WebhookPublic,
    summary="Rotate a webhook's secret (the old one stays valid for an overlap)",
    responses=error_responses(404, 422),
)
def rotate_secret(
    principal: EditorDep,
    request: Request,
    webhook_id: WebhookIdPath,
    session: SessionDep,
    body: WebhookRotate | None = None,
) -> WebhookPublic:
    """A new secret, shown once; the previous one keeps verifying events for
    `overlap_seconds` (default 3600; 0 ends it at once) so senders can switch over."""
    hook = _require_webhook(session, webhook_id, principal)
    overlap = (body or WebhookRotate()).overlap_seconds
    secret = new_secret()
    hook.previous_secret_sealed = hook.secret_sealed if overlap else None
    hook.previous_secret_expires_at = overlap_end(overlap) if overlap else None
    hook.secret_sealed = _box(request).seal(secret)
    hook.updated_at = utc_now()
    audit(
        session,
        principal,
        "webhook.rotate_secret",
        "webhook",
        hook.id,
        after={"overlap_seconds": overlap},
    )
    return _public(request, hook, secret)


@hooks_router.post(
    "/{webhook_id}",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=WebhookAccepted,
    summary="Deliver a signed event (no platform token: the signature is the credential)",
    responses=error_responses(401, 404, 409, 422, 429, 503),
    dependencies=[PublicRoute],
)
async def deliver(
    request: Request,
    webhook_id: WebhookIdPath,
    session: SessionDep,
    hub_timestamp: Annotated[str | None, Header(alias="Hub-Timestamp", max_length=20)] = None,
    hub_signature: Annotated[str | None, Header(alias="Hub-Signature", max_length=1000)] = None,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)] = None,
) -> Any:
    """Checks `Hub-Timestamp` (unix seconds, within 300 s) and `Hub-Signature:
    v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>` (401, nothing started, when
    either is wrong), maps the JSON body to run inputs by the webhook's pointers (422
    naming a pointer that matches nothing) and starts a run: 202 with its id. A repeated
    `Idempotency-Key` (or mapped event id) returns the run the first delivery started."""
    raw = await request.body()
    hook = session.get(Webhook, webhook_id) if len(webhook_id) <= 40 else None
    if hook is None:
        raise WebhookNotFound(f"Webhook {webhook_id!r} not found.")
    verify(hook, _box(request), timestamp=hub_timestamp, signature=hub_signature, body=raw)
    wait = await acquire_webhook_limit(request.app.state.rate_limiter, hook)
    if wait is not None:
        return Response(
            content=json.dumps(
                {
                    "detail": f"Webhook {hook.id} takes at most {hook.rate_limit_per_minute} "
                    "events a minute; retry after the seconds in Retry-After."
                }
            ),
            status_code=429,
            media_type="application/json",
            headers={"Retry-After": retry_after_header(wait)},
        )
    try:
        payload = json.loads(raw) if raw else None
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInputError.at(("body",), f"the body is not JSON ({exc})") from exc
    inputs = map_inputs(hook, payload)
    app = session.get(App, hook.app_id)
    if app is None:
        raise WebhookNotFound(f"Webhook {webhook_id!r} not found.")
    principal = Principal(
        subject=f"webhook:{hook.id}",
        role="operator",
        teams=(app.team_id,) if app.team_id else (ALL_TEAMS,),
        source="webhook",
    )
    started, created = await run_service_for(request, session, principal).launch(
        app,
        inputs=inputs,
        trigger=RunTrigger(kind="webhook", id=hook.id),
        idempotency_key=event_key(hook, idempotency_key, payload),
    )
    return WebhookAccepted(
        run_id=started.run_id,
        status=started.status,
        app_id=started.app_id,
        webhook_id=hook.id,
        created=created,
    )
