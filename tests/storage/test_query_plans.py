"""The list queries the console leans on use their indexes (PostgreSQL, generated rows).

Plans, not timings: ``EXPLAIN`` of each query on 20,000 apps must walk an index in the
requested order and never scan the apps table sequentially, whatever page is asked for.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest
from sqlalchemy import insert

from storage.database import create_db_engine, create_session_factory, postgresql_conninfo
from storage.models import App
from storage.repositories import AppQuery, _app_page_params, _app_page_sql
from tests.storage.conftest import PG_ADMIN

ROWS = 20_000


@pytest.fixture(scope="module", params=["postgresql"])
def empty_database_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """PostgreSQL only: its planner is what production runs (SQLite's is not compared)."""
    name = f"hub_plans_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(**PG_ADMIN, autocommit=True, connect_timeout=3) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://{PG_ADMIN['user']}@{PG_ADMIN['host']}:{PG_ADMIN['port']}/{name}"
    finally:
        with psycopg.connect(**PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def pg(database_url: str) -> Iterator[psycopg.Connection[Any]]:
    engine = create_db_engine(database_url)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    rows = [
        {
            "id": f"app-plan{i:08x}",
            "name": f"Plan app {i:05d}",
            "description": "",
            "version": "1.0.0",
            "status": ("draft", "deployed", "archived")[i % 3],
            "team_id": f"team-{i % 20}",
            "created_at": start + timedelta(seconds=i),
            "updated_at": start + timedelta(seconds=i),
        }
        for i in range(ROWS)
    ]
    with create_session_factory(engine)() as session:
        session.execute(insert(App), rows)
        session.commit()
    engine.dispose()
    with psycopg.connect(postgresql_conninfo(database_url), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE apps")
        yield conn


def plan_nodes(conn: psycopg.Connection[Any], query: AppQuery) -> list[dict[str, Any]]:
    shape = (
        query.sort,
        bool(query.status),
        bool(query.q),
        query.team_ids is not None,
        query.after is not None,
    )
    sql = "EXPLAIN (FORMAT JSON) " + _app_page_sql(shape)
    (plan,) = conn.execute(sql, _app_page_params(query)).fetchone() or [None]
    found: list[dict[str, Any]] = []
    stack = [plan[0]["Plan"] if isinstance(plan, list) else json.loads(plan)[0]["Plan"]]
    while stack:
        node = stack.pop()
        found.append(node)
        stack.extend(node.get("Plans", []))
    return found


@pytest.mark.parametrize(
    ("query", "index"),
    [
        (AppQuery(), "ix_apps_created_id"),
        (AppQuery(offset=5_000), "ix_apps_created_id"),
        (
            AppQuery(after=(datetime(2024, 1, 1, 3, tzinfo=UTC), "app-plan00000100")),
            "ix_apps_created_id",
        ),
        (AppQuery(sort="name"), "ix_apps_lower_name_id"),
        (AppQuery(sort="-updated_at"), "ix_apps_updated_id"),
        (AppQuery(team_ids=("team-3",)), "ix_apps_team_created_id"),
    ],
    ids=["first-page", "offset", "cursor", "by-name", "by-update", "one-team"],
)
def test_app_pages_walk_their_index(
    pg: psycopg.Connection[Any], query: AppQuery, index: str
) -> None:
    nodes = plan_nodes(pg, query)
    scans = [(n["Node Type"], n.get("Relation Name"), n.get("Index Name")) for n in nodes]
    assert not any(kind == "Seq Scan" and table == "apps" for kind, table, _ in scans), scans
    assert any(name == index for _, _, name in scans), scans
    assert not any(
        n["Node Type"] == "Sort" and n.get("Plans", [{}])[0].get("Relation Name") == "apps"
        for n in nodes
    ), scans
