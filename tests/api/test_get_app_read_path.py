"""``GET /apps/{id}`` reads without the ORM session (issue 8); its answers must not change.

On PostgreSQL the route reads through :class:`storage.database.AsyncReadPool` (one
autocommit ``SELECT`` on the event loop); on SQLite through the ORM on a worker
thread. Both must give, byte for byte, the body the ORM-backed write routes give.
"""

from __future__ import annotations

import asyncio
import uuid

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError

from api.app import create_app
from api.config import ApiConfig, AuthConfig
from storage.database import AsyncReadPool
from tests.auth_support import GENEROUS_AUTH, admin_headers, auth_headers


@pytest.mark.parametrize(
    "name, description",
    [
        ("Credit Memo Processor", "Automated credit memo analysis pipeline"),
        ('Ünïcode ✓ 名前 \u2028 "quotes" \\ / <tag>', "tab\there\nnewline \x1f ctrl"),
    ],
)
def test_get_gives_the_same_bytes_as_the_create_response(
    client: TestClient, name: str, description: str
) -> None:
    # Unique per run: app names are unique per team, and the suite shares its database.
    name = f"{name} {uuid.uuid4().hex[:8]}"
    created = client.post("/apps", json={"name": name, "description": description})
    assert created.status_code == 201, created.text
    got = client.get(f"/apps/{created.json()['id']}")
    assert got.status_code == 200
    assert got.content == created.content
    assert got.headers["content-type"] == "application/json"
    assert got.headers["content-length"] == str(len(created.content))
    assert got.headers["x-content-type-options"] == "nosniff"
    assert got.headers["cache-control"] == "no-store"


def test_get_after_update_and_with_agents_shows_the_current_row(
    client: TestClient, new_app: dict[str, object], doc_create_agent: dict[str, object]
) -> None:
    app_id = new_app["id"]
    patched = client.patch(f"/apps/{app_id}", json={"description": "changed"})
    assert client.get(f"/apps/{app_id}").content == patched.content
    assert client.post(f"/apps/{app_id}/agents", json=doc_create_agent).status_code == 201
    body = client.get(f"/apps/{app_id}").json()
    assert body["agent_count"] == 1 and body["description"] == "changed"
    assert body["created_at"].endswith("Z") and body["updated_at"].endswith("Z")


@pytest.mark.parametrize(
    "app_id",
    ["app-000000000000", "nope", "x" * 101, "app-%00null", "app-'; DROP TABLE apps; --"],
)
def test_unknown_unusable_and_hostile_ids_are_the_same_404(client: TestClient, app_id: str) -> None:
    response = client.get(f"/apps/{app_id}")
    assert response.status_code == 404
    expected = app_id.replace("%00", "\x00")
    assert response.json() == {"detail": f"App {expected!r} not found; list apps with GET /apps."}


def test_other_teams_apps_are_404_word_for_word_and_roles_still_apply(
    api_app: object, client: TestClient
) -> None:
    team = f"team-{uuid.uuid4().hex[:6]}"
    created = client.post(
        "/apps", json={"name": f"team app {uuid.uuid4().hex[:8]}", "team_id": team}
    ).json()
    path = f"/apps/{created['id']}"
    with TestClient(api_app) as anonymous:  # type: ignore[arg-type]
        assert anonymous.get(path).status_code == 401
        outsider = anonymous.get(path, headers=auth_headers("viewer", ("other-team",)))
        missing = anonymous.get("/apps/app-000000000000", headers=auth_headers("viewer", (team,)))
        assert outsider.status_code == 404
        assert outsider.json()["detail"] == missing.json()["detail"].replace(
            "app-000000000000", created["id"]
        )
        member = anonymous.get(path, headers=auth_headers("viewer", (team,)))
        assert member.status_code == 200 and member.json()["id"] == created["id"]


def test_a_connection_the_server_dropped_is_replaced_without_an_error(
    postgresql_url: str,
) -> None:
    """What ``pool_pre_ping`` gives the engine: a PostgreSQL restart does not fail a read.

    PostgreSQL only (SQLite has no server connection to drop), so it builds its own API.
    """
    app = create_app(ApiConfig(database_url=postgresql_url, auth=GENEROUS_AUTH))
    with TestClient(app, headers=admin_headers()) as client:
        created = client.post("/apps", json={"name": f"Dropped {uuid.uuid4().hex[:8]}"})
        assert created.status_code == 201, created.text
        path = f"/apps/{created.json()['id']}"
        assert client.get(path).status_code == 200  # the read pool now holds a connection
        dbname = postgresql_url.rsplit("/", 1)[1]
        admin_url = postgresql_url.replace("postgresql+psycopg", "postgresql").rsplit("/", 1)[0]
        with psycopg.connect(f"{admin_url}/{dbname}", autocommit=True) as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                "AND backend_type = 'client backend'"
            )
        assert client.get(path).status_code == 200
    app.state.engine.dispose()


def test_an_unreachable_postgresql_is_503_on_the_read_path() -> None:
    url = "postgresql+psycopg://postgres@127.0.0.1:1/nothing?connect_timeout=2"
    with TestClient(create_app(ApiConfig(database_url=url)), headers=admin_headers()) as client:
        # With auth on, the token's revocation check meets the outage first ...
        assert client.get("/apps/app-000000000000").status_code == 503
    # ... so the route's own read is reached with auth off (a loopback-only mode).
    config = ApiConfig(database_url=url, auth=AuthConfig(mode="disabled"))
    with TestClient(create_app(config)) as client:
        response = client.get("/apps/app-000000000000")
    assert response.status_code == 503
    assert response.json() == {
        "detail": "The database is unavailable; check HUB_DATABASE_URL and retry."
    }


def test_the_read_pool_caps_connections_and_reuses_them(postgresql_url: str) -> None:
    pool = AsyncReadPool(postgresql_url, max_size=2)

    async def scenario() -> tuple[set[int], int]:
        backends = await asyncio.gather(
            *(pool.fetch_one("SELECT pg_backend_pid(), pg_sleep(0.05)", {}) for _ in range(6))
        )
        idle = len(pool._idle)
        await pool.close()
        return {row[0] for row in backends if row is not None}, idle

    pids, idle = asyncio.run(scenario())
    assert len(pids) <= 2 and idle <= 2


def test_read_pool_errors_are_sqlalchemy_errors(postgresql_url: str) -> None:
    pool = AsyncReadPool("postgresql+psycopg://postgres@127.0.0.1:1/nothing?connect_timeout=2")
    with pytest.raises(OperationalError):
        asyncio.run(pool.fetch_one("SELECT 1", {}))
