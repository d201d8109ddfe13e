"""``/auth/oidc``: sign-in with an external OpenID Connect issuer (see api/auth/oidc.py)."""

from __future__ import annotations

from urllib.parse import urlparse

import anyio.to_thread
from fastapi import APIRouter, Request

from api.audit.service import audit
from api.auth.dependencies import PublicRoute
from api.auth.oidc import OidcError, OidcForbidden, OidcSignIn
from api.auth.tokens import TokenService
from api.dependencies import SessionDep
from api.errors import ApiError, error_responses
from schemas.auth import OidcConfigPublic, OidcTokenRequest, TokenPair

router = APIRouter(prefix="/auth/oidc", tags=["auth"])


class OidcUnavailable(ApiError):
    status_code = 503


class OidcNotConfigured(ApiError):
    status_code = 404


class OidcRefused(ApiError):
    status_code = 401


class OidcNoRole(ApiError):
    status_code = 403


def _sign_in(request: Request) -> OidcSignIn | None:
    sign_in: OidcSignIn | None = getattr(request.app.state, "oidc_sign_in", None)
    if sign_in is None:
        config = request.app.state.config.auth
        if config.oidc_issuer and config.oidc_client_id:
            sign_in = OidcSignIn(config)
            request.app.state.oidc_sign_in = sign_in
    return sign_in


@router.get(
    "",
    response_model=OidcConfigPublic,
    summary="Whether sign-in with an external OIDC issuer is offered, and where",
    dependencies=[PublicRoute],
    responses=error_responses(503),
)
async def oidc_config(request: Request) -> OidcConfigPublic:
    """``enabled: false`` unless ``HUB_OIDC_ISSUER`` and ``HUB_OIDC_CLIENT_ID`` are set."""
    sign_in = _sign_in(request)
    if sign_in is None:
        return OidcConfigPublic(enabled=False)
    config = sign_in.config
    try:
        discovery = await anyio.to_thread.run_sync(sign_in.discovery.get)
    except OidcError as exc:
        raise OidcUnavailable(f"Sign-in with the issuer is unavailable: {exc}.") from exc
    return OidcConfigPublic(
        enabled=True,
        issuer=config.oidc_issuer,
        display_name=config.oidc_display_name or urlparse(config.oidc_issuer or "").hostname,
        client_id=config.oidc_client_id,
        scopes=list(config.oidc_scopes),
        authorization_endpoint=discovery.authorization_endpoint,
    )


@router.post(
    "/token",
    response_model=TokenPair,
    summary="Redeem an authorization code (PKCE) for the hub's own tokens",
    dependencies=[PublicRoute],
    responses=error_responses(401, 403, 404, 422, 503),
)
def oidc_token(body: OidcTokenRequest, request: Request, session: SessionDep) -> TokenPair:
    """The code is redeemed at the issuer, its ID token verified (JWKS, issuer, audience =
    client id, expiry, nonce) and its claims mapped to a role and teams; the answer is the
    same token pair as ``POST /auth/token``'s, renewed with ``POST /auth/refresh``."""
    sign_in = _sign_in(request)
    if sign_in is None:
        raise OidcNotConfigured(
            "Sign-in with an OIDC issuer is not configured on this hub "
            "(HUB_OIDC_ISSUER and HUB_OIDC_CLIENT_ID)."
        )
    try:
        answer = sign_in.redeem(body.code, body.code_verifier, body.redirect_uri)
        claims = sign_in.verify_id_token(answer["id_token"], body.nonce)
        principal = sign_in.principal(claims)
    except OidcForbidden as exc:
        raise OidcNoRole(f"Sign-in refused: {exc}.") from exc
    except OidcError as exc:
        raise OidcRefused(f"Sign-in failed: {exc}.") from exc
    tokens: TokenService = request.app.state.token_service
    pair = tokens.pair(subject=principal.subject, role=principal.role, teams=principal.teams)
    audit(
        session,
        principal,
        "auth.oidc.sign_in",
        "principal",
        principal.subject,
        after={"role": principal.role, "teams": list(principal.teams)},
    )
    return pair
