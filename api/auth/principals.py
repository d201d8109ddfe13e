"""Who is calling: the principal, its role and its teams, and the role order."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Role = Literal["viewer", "operator", "editor", "admin"]

#: Each role can do everything the roles before it can.
ROLE_ORDER: tuple[Role, ...] = ("viewer", "operator", "editor", "admin")

#: A team entry that stands for every team (the embedded admin key, platform admins).
ALL_TEAMS = "*"


def role_rank(role: str) -> int:
    """Position of ``role`` in :data:`ROLE_ORDER`; unknown roles rank below viewer."""
    return ROLE_ORDER.index(role) if role in ROLE_ORDER else -1  # type: ignore[arg-type]


@dataclass(frozen=True)
class Principal:
    """An authenticated caller."""

    subject: str
    role: Role
    teams: tuple[str, ...] = ()
    #: ``platform`` (our HS256 tokens), ``oidc`` (external issuer) or ``local`` (auth disabled).
    source: str = "platform"
    token_id: str | None = None
    service_account_id: str | None = field(default=None)

    def has_role(self, role: Role) -> bool:
        return role_rank(self.role) >= role_rank(role)

    @property
    def all_teams(self) -> bool:
        return ALL_TEAMS in self.teams

    def can_see_team(self, team_id: str | None) -> bool:
        """Whether objects of ``team_id`` exist for this principal.

        Objects without a team (made before teams existed, or by an all-teams
        principal without naming one) are visible only to all-teams principals.
        """
        if self.all_teams:
            return True
        return team_id is not None and team_id in self.teams

    def default_team(self) -> str | None:
        """The team new objects belong to when the request names none."""
        named = [t for t in self.teams if t != ALL_TEAMS]
        return named[0] if named else None


#: What code running outside any request acts as, when it names it
#: (``require_app(session, app_id, SYSTEM_PRINCIPAL)``); it is never a default. There is no
#: ambient "current principal" either: services and helpers take the principal as an argument.
SYSTEM_PRINCIPAL = Principal(subject="system", role="admin", teams=(ALL_TEAMS,), source="local")


class NoPrincipalError(PermissionError):
    """Code that acts for someone was called with no one acting: it is refused (fail closed)
    rather than served as an all-teams admin."""


def require_principal(principal: object) -> Principal:
    """``principal`` when it is one; a service named no one (``None``) is refused."""
    if not isinstance(principal, Principal):
        raise NoPrincipalError(
            f"no principal is acting (got {principal!r}): pass the caller's Principal, or "
            "SYSTEM_PRINCIPAL by name where the system acts"
        )
    return principal
