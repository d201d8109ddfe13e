"""Authentication contracts: token exchange, service accounts (API keys), audit events."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from schemas.common import PublicModel, StrictModel, UtcDatetime

RoleName = Literal["viewer", "operator", "editor", "admin"]
TEAM_PATTERN = r"^(\*|[A-Za-z0-9_.:-]+)$"


class TokenRequest(StrictModel):
    """Body of ``POST /auth/token``: exchange an API key for tokens."""

    api_key: str = Field(min_length=1, max_length=200, description="A service account's key.")


class RefreshRequest(StrictModel):
    """Body of ``POST /auth/refresh``."""

    refresh_token: str = Field(min_length=1, max_length=4000)


class RevokeRequest(StrictModel):
    """Body of ``POST /auth/revoke``: an access or refresh token to stop accepting."""

    token: str = Field(min_length=1, max_length=4000)


class TokenPair(PublicModel):
    """A short-lived access token and the refresh token that renews it."""

    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(description="Seconds until the access token expires.")
    refresh_expires_in: int


class Me(PublicModel):
    """Who the current token says you are."""

    subject: str
    role: RoleName
    teams: list[str]
    source: str


class ServiceAccountCreate(StrictModel):
    """Body of ``POST /auth/keys``."""

    name: str = Field(min_length=1, max_length=200)
    role: RoleName
    teams: list[str] = Field(
        min_length=1,
        max_length=50,
        description="Team ids the key acts for; `*` means every team.",
    )


class ServiceAccountPublic(PublicModel):
    """A service account; its key is never shown again after creation."""

    id: str
    name: str
    role: RoleName
    teams: list[str]
    key_prefix: str = Field(description="The key's first characters, to tell keys apart.")
    created_by: str | None = None
    created_at: UtcDatetime
    revoked_at: UtcDatetime | None = None


class ServiceAccountCreated(ServiceAccountPublic):
    """The new account with its key: the only time the key is returned."""

    api_key: str


class AuditEventPublic(PublicModel):
    """One audit-trail entry."""

    id: int
    at: UtcDatetime
    actor: str
    action: str
    object_type: str
    object_id: str | None = None
    team_id: str | None = None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None


class OidcConfigPublic(PublicModel):
    """``GET /auth/oidc``: whether the console offers sign-in with an external issuer."""

    enabled: bool
    issuer: str | None = None
    display_name: str | None = None
    client_id: str | None = None
    scopes: list[str] = Field(default_factory=list)
    authorization_endpoint: str | None = Field(
        default=None, description="Where the console sends the browser (from discovery)."
    )


class OidcTokenRequest(StrictModel):
    """Body of ``POST /auth/oidc/token``: an authorization code and its PKCE verifier."""

    code: str = Field(min_length=1, max_length=4000)
    code_verifier: str = Field(
        min_length=43, max_length=128, pattern=r"^[A-Za-z0-9._~-]+$", description="RFC 7636."
    )
    redirect_uri: str = Field(min_length=1, max_length=2000, pattern=r"^https?://")
    nonce: str | None = Field(default=None, max_length=200)
