"""``/auth``: API keys → tokens, refresh, revocation, service accounts, and who-am-I."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response, status
from sqlalchemy.orm import Session

from api.audit.service import audit
from api.auth.dependencies import AdminDep, PublicRoute, ViewerDep
from api.auth.middleware import refuse_revoked
from api.auth.principals import Principal
from api.auth.tokens import InvalidToken, TokenService
from api.dependencies import SessionDep
from api.errors import ApiError, NotFoundError, error_responses
from schemas.auth import (
    Me,
    RefreshRequest,
    RevokeRequest,
    ServiceAccountCreate,
    ServiceAccountCreated,
    ServiceAccountPublic,
    TokenPair,
    TokenRequest,
)
from storage.models import ServiceAccount
from storage.security import RevokedTokenRepository, ServiceAccountRepository

router = APIRouter(prefix="/auth", tags=["auth"])


class AuthenticationFailed(ApiError):
    status_code = 401


def _tokens(request: Request) -> TokenService:
    service: TokenService = request.app.state.token_service
    return service


def _pair(tokens: TokenService, account: ServiceAccount) -> TokenPair:
    teams = list(account.teams)
    access = tokens.issue(
        subject=f"sa:{account.id}",
        role=account.role,  # type: ignore[arg-type]
        teams=teams,
        service_account_id=account.id,
    )
    refresh = tokens.issue(
        subject=f"sa:{account.id}",
        role=account.role,  # type: ignore[arg-type]
        teams=teams,
        token_type="refresh",
        service_account_id=account.id,
    )
    return TokenPair(
        access_token=access.token,
        refresh_token=refresh.token,
        expires_in=tokens.config.access_token_ttl_seconds,
        refresh_expires_in=tokens.config.refresh_token_ttl_seconds,
    )


@router.post(
    "/token",
    response_model=TokenPair,
    summary="Exchange an API key for an access and a refresh token",
    dependencies=[PublicRoute],
    responses=error_responses(401, 422),
)
def issue_token(body: TokenRequest, request: Request, session: SessionDep) -> TokenPair:
    """The access token is short-lived; renew it with ``POST /auth/refresh``."""
    account = ServiceAccountRepository(session).by_key(body.api_key)
    if account is None:
        raise AuthenticationFailed("The API key is unknown or has been revoked.")
    return _pair(_tokens(request), account)


@router.post(
    "/refresh",
    response_model=TokenPair,
    summary="Renew tokens with a refresh token (the old refresh token is revoked)",
    dependencies=[PublicRoute],
    responses=error_responses(401, 422),
)
def refresh_token(body: RefreshRequest, request: Request, session: SessionDep) -> TokenPair:
    """Refresh tokens are single-use: each refresh returns a new pair."""
    tokens = _tokens(request)
    try:
        verified = tokens.verify(body.refresh_token, expected_type="refresh")
        refuse_revoked(session, verified)
    except InvalidToken as exc:
        raise AuthenticationFailed(f"Cannot refresh: {exc}.") from exc
    account_id = verified.principal.service_account_id
    if account_id is None and verified.principal.subject.startswith("oidc:"):
        # Signed in through the OIDC issuer: renewed with the same role and teams until
        # the refresh token's own expiry; a new sign-in picks up changed claims.
        assert verified.jti is not None
        RevokedTokenRepository(session).revoke(verified.jti, verified.expires_at)
        who = verified.principal
        return tokens.pair(subject=who.subject, role=who.role, teams=who.teams)
    account = ServiceAccountRepository(session).get(account_id) if account_id else None
    if account is None or account.revoked_at is not None:
        raise AuthenticationFailed("Cannot refresh: the API key behind it has been revoked.")
    assert verified.jti is not None
    RevokedTokenRepository(session).revoke(verified.jti, verified.expires_at)
    return _pair(tokens, account)


@router.post(
    "/revoke",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Revoke an access or refresh token",
    responses=error_responses(404, 422),
)
def revoke_token(
    principal: ViewerDep, body: RevokeRequest, request: Request, session: SessionDep
) -> Response:
    """Your own tokens; admins may revoke anyone's. An unknown token is 404."""
    tokens = _tokens(request)
    verified = None
    for kind in ("access", "refresh"):
        try:
            verified = tokens.verify(body.token, expected_type=kind)  # type: ignore[arg-type]
            break
        except InvalidToken:
            continue
    if verified is None or verified.jti is None:
        raise NotFoundError("No valid platform token was given; nothing to revoke.")
    if verified.principal.subject != principal.subject and not principal.has_role("admin"):
        raise NotFoundError("No valid platform token was given; nothing to revoke.")
    RevokedTokenRepository(session).revoke(verified.jti, verified.expires_at)
    audit(
        session,
        principal,
        "token.revoke",
        "token",
        verified.jti,
        after={"subject": verified.principal.subject},
    )
    _forget_valid_tokens(request, session)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me", response_model=Me, summary="Who the current token says you are")
def me(principal: ViewerDep) -> Me:
    return _me(principal)


def _me(principal: Principal) -> Me:
    return Me(
        subject=principal.subject,
        role=principal.role,
        teams=list(principal.teams),
        source=principal.source,
    )


@router.get(
    "/keys", response_model=list[ServiceAccountPublic], summary="List service accounts (API keys)"
)
def list_keys(_: AdminDep, session: SessionDep) -> list[ServiceAccountPublic]:
    return [
        ServiceAccountPublic.model_validate(a) for a in ServiceAccountRepository(session).list()
    ]


@router.post(
    "/keys",
    response_model=ServiceAccountCreated,
    status_code=status.HTTP_201_CREATED,
    summary="Create a service account; its API key is returned this once",
    responses=error_responses(422),
)
def create_key(
    principal: AdminDep, body: ServiceAccountCreate, session: SessionDep
) -> ServiceAccountCreated:
    """Only the key's hash is stored: keep ``api_key`` safe, it cannot be shown again."""
    account, key = ServiceAccountRepository(session).create(
        name=body.name, role=body.role, teams=body.teams, created_by=principal.subject
    )
    public = ServiceAccountPublic.model_validate(account)
    audit(session, principal, "key.create", "service_account", account.id, after=public)
    return ServiceAccountCreated(**public.model_dump(), api_key=key)


@router.delete(
    "/keys/{key_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Revoke a service account's key (its tokens stop working at once)",
    responses=error_responses(404),
)
def revoke_key(
    principal: AdminDep,
    key_id: Annotated[str, Path(max_length=100)],
    request: Request,
    session: SessionDep,
) -> Response:
    accounts = ServiceAccountRepository(session)
    account = accounts.get(key_id) if "\x00" not in key_id else None
    if account is None:
        raise NotFoundError(f"Service account {key_id!r} not found; list them with GET /auth/keys.")
    before = ServiceAccountPublic.model_validate(account)
    accounts.revoke(account)
    audit(
        session,
        principal,
        "key.revoke",
        "service_account",
        account.id,
        before=before,
        after=ServiceAccountPublic.model_validate(account),
    )
    _forget_valid_tokens(request, session)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def _forget_valid_tokens(request: Request, session: Session) -> None:
    """Commit the revocation, then drop this process's cached "still valid" verdicts.

    Committing first: a check that ran between clearing and committing would read
    the old rows and cache a stale "valid" for the cache's TTL.
    """
    session.commit()
    request.app.state.revocation_cache.clear()
