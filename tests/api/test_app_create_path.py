"""``POST /apps`` on PostgreSQL is one statement (app and audit record) on the event loop;
SQLite and the ORM path it replaced must give the same answer and the same rows."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient


@pytest.fixture
def orm_path(api_app: FastAPI) -> Iterator[None]:
    """The ORM path on a worker thread, whatever the backend (SQLite always takes it)."""
    writer = api_app.state.app_writer
    api_app.state.app_writer = None
    try:
        yield
    finally:
        api_app.state.app_writer = writer


def _create(client: TestClient, name: str) -> Any:
    answer = client.post(
        "/apps", json={"name": name, "description": 'Ünï "q" \\ \t', "team_id": "path-team"}
    )
    assert answer.status_code == 201, answer.text
    return answer


def _audit_row(api_app: FastAPI, app_id: str) -> dict[str, Any]:
    """The stored audit record, JSON columns as the database holds their text."""
    engine = api_app.state.engine
    as_text = "CAST({0} AS TEXT)" if engine.dialect.name == "postgresql" else "{0}"
    with engine.connect() as connection:
        row = connection.execute(
            sa.text(
                f"SELECT actor, action, object_type, object_id, team_id, "
                f"{as_text.format('before')} AS before, {as_text.format('after')} AS after, at "
                "FROM audit_events WHERE object_id = :id"
            ),
            {"id": app_id},
        ).one()
    return dict(row._mapping)


def _shape(api_app: FastAPI, answer: Any) -> tuple[dict[str, Any], bytes]:
    """The audit row and the response, with what differs per app (id, name, times) cut."""
    body = answer.json()
    row = _audit_row(api_app, body["id"])
    assert row["after"] == json.dumps(body)  # the ORM's JSON column: json.dumps of the snapshot
    assert row["before"] == "null"  # None in a JSON column is JSON null, as the ORM stores it
    at = row.pop("at")
    at = at if isinstance(at, datetime) else datetime.fromisoformat(str(at))
    assert at.replace(tzinfo=None) >= datetime.fromisoformat(body["created_at"][:-1])
    row["object_id"] = row["object_id"] == body["id"]
    row["after"] = row["after"].replace(body["id"], "ID").replace(body["name"], "NAME")
    for key in ("created_at", "updated_at"):
        row["after"] = row["after"].replace(body[key], "TIME")
    content = answer.content
    for key in ("id", "name", "created_at", "updated_at"):
        content = content.replace(body[key].encode(), key.upper().encode())
    assert answer.headers["location"] == f"/apps/{body['id']}"
    return row, content


def test_one_statement_and_orm_paths_answer_and_audit_alike(
    api_app: FastAPI, client: TestClient
) -> None:
    writer = api_app.state.app_writer
    assert (writer is None) == (api_app.state.engine.dialect.name == "sqlite")
    fast = _create(client, f"Path fast {uuid.uuid4().hex[:8]}")
    api_app.state.app_writer = None
    try:
        slow = _create(client, f"Path slow {uuid.uuid4().hex[:8]}")
    finally:
        api_app.state.app_writer = writer
    assert _shape(api_app, fast) == _shape(api_app, slow)
    assert {k: v for k, v in fast.headers.items() if k not in ("content-length", "location")} == {
        k: v for k, v in slow.headers.items() if k not in ("content-length", "location")
    }
    assert client.get(f"/apps/{fast.json()['id']}").content == fast.content


@pytest.mark.parametrize("path", ["one statement", "orm"])
def test_a_taken_name_is_a_409_naming_the_app_and_writes_nothing(
    api_app: FastAPI, client: TestClient, path: str, request: pytest.FixtureRequest
) -> None:
    if path == "orm":
        request.getfixturevalue("orm_path")
    name = f"Taken {uuid.uuid4().hex[:8]}"
    first = _create(client, name).json()
    again = client.post("/apps", json={"name": name, "team_id": "path-team"})
    assert again.status_code == 409
    assert first["id"] in again.json()["detail"]
    with api_app.state.engine.connect() as connection:
        apps = connection.scalar(sa.text("SELECT count(*) FROM apps WHERE name = :n"), {"n": name})
        audited = connection.scalar(
            sa.text(
                "SELECT count(*) FROM audit_events WHERE action = 'app.create' "
                "AND object_id IN (SELECT id FROM apps WHERE name = :n)"
            ),
            {"n": name},
        )
        total = connection.scalar(sa.text("SELECT count(*) FROM audit_events"))
    assert apps == 1 and audited == 1
    assert client.post("/apps", json={"name": name, "team_id": "path-team"}).status_code == 409
    with api_app.state.engine.connect() as connection:
        assert connection.scalar(sa.text("SELECT count(*) FROM audit_events")) == total
