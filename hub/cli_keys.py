"""``hub keys …``: service accounts written straight to the hub database.

A split deployment (docker compose, Kubernetes) has no ``hub up`` to create the
first admin key, and ``POST /auth/keys`` needs an admin already. So an operator
with access to ``HUB_DATABASE_URL`` (the migration job, ``docker compose run``,
``kubectl exec``) bootstraps one here; the key is printed once and only its hash
is stored.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, NoReturn

import typer
from sqlalchemy.exc import SQLAlchemyError

from api.auth.principals import ROLE_ORDER
from hub.settings import Settings
from storage.database import create_db_engine, create_session_factory, session_scope
from storage.security import ServiceAccountRepository

keys_app = typer.Typer(
    help="Service accounts and API keys, written to the database at HUB_DATABASE_URL.",
    no_args_is_help=True,
)

#: The roles of ``api.auth.principals.ROLE_ORDER``, lowest first.
ROLES = ROLE_ORDER


def _fail(message: str, code: int = 1) -> NoReturn:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(code)


def _database_error(exc: SQLAlchemyError) -> NoReturn:
    # The URL may hold a password: name the failure, never the URL.
    _fail(
        f"cannot use the hub database at HUB_DATABASE_URL ({type(exc).__name__}); check that "
        "it is reachable and migrated (`hub db upgrade`)"
    )


@keys_app.command("create")
def keys_create(
    name: Annotated[str, typer.Argument(help="The service account's name, e.g. ops-admin.")],
    role: Annotated[str, typer.Option(help=f"One of {', '.join(ROLES)}.")] = "admin",
    team: Annotated[
        list[str] | None,
        typer.Option("--team", help="A team the key may act in (repeat it); `*`: every team."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Create a service account and print its API key once (exchange it at POST /auth/token)."""
    if role not in ROLES:
        _fail(f"--role must be one of {', '.join(ROLES)}, not {role!r}", code=2)
    teams = [t.strip() for t in team or [] if t.strip()]
    if not teams:
        _fail("name at least one --team (`--team '*'` for every team)", code=2)
    if not name.strip():
        _fail("the account name must not be empty", code=2)
    engine = create_db_engine(Settings().resolved_database_url)
    try:
        with session_scope(create_session_factory(engine)) as session:
            account, key = ServiceAccountRepository(session).create(
                name=name.strip(),
                role=role,
                teams=teams,
                created_by="hub keys create",
            )
            account_id = str(account.id)
    except SQLAlchemyError as exc:
        _database_error(exc)
    finally:
        engine.dispose()
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "id": account_id,
                    "name": name.strip(),
                    "role": role,
                    "teams": teams,
                    "api_key": key,
                }
            )
        )
        return
    typer.echo(
        f"created service account {name.strip()!r} ({account_id}), role {role}, "
        f"teams {', '.join(teams)}"
    )
    typer.echo("API key (shown once; store it as a secret, e.g. HUB_API_KEY for the CLI):")
    typer.echo(f"  {key}")


@keys_app.command("list")
def keys_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """List service accounts (never their keys)."""
    engine = create_db_engine(Settings().resolved_database_url)
    try:
        with session_scope(create_session_factory(engine)) as session:
            rows: list[dict[str, Any]] = [
                {
                    "id": str(a.id),
                    "name": a.name,
                    "role": a.role,
                    "teams": list(a.teams),
                    "key_prefix": a.key_prefix,
                    "revoked": a.revoked_at is not None,
                }
                for a in ServiceAccountRepository(session).list()
            ]
    except SQLAlchemyError as exc:
        _database_error(exc)
    finally:
        engine.dispose()
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        typer.echo("no service accounts (create one with `hub keys create NAME --team '*'`)")
    for row in rows:
        state = "revoked" if row["revoked"] else "active"
        typer.echo(
            f"{row['id']}  {row['name']}  {row['role']}  {','.join(row['teams'])}  "
            f"{row['key_prefix']}…  {state}"
        )
