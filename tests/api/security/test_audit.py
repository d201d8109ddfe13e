"""The audit trail: every change and run action, who/what/when/before/after, append-only."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.exc import DBAPIError

from tests.auth_support import admin_headers, auth_headers


def test_changes_are_recorded_with_before_and_after(anon: TestClient) -> None:
    editor = auth_headers("editor", ["audit-team"], subject="erin")
    app_id = anon.post("/apps", json={"name": "Audited"}, headers=editor).json()["id"]
    anon.patch(f"/apps/{app_id}", json={"name": "Audited 2"}, headers=editor)
    agent = anon.post(
        f"/apps/{app_id}/agents", json={"name": "a", "type": "extractor"}, headers=editor
    ).json()
    config = anon.get(f"/agents/{agent['id']}/config", headers=editor).json()
    config["model"]["temperature"] = 0.5
    anon.put(f"/agents/{agent['id']}/config", json=config, headers=editor)
    anon.post(f"/apps/{app_id}/archive", headers=editor)

    events = anon.get(f"/audit?object_id={app_id}", headers=admin_headers()).json()
    actions = [e["action"] for e in reversed(events)]
    assert actions == ["app.create", "app.update", "app.archive"]
    update = next(e for e in events if e["action"] == "app.update")
    assert update["actor"] == "erin" and update["team_id"] == "audit-team"
    assert update["before"]["name"] == "Audited" and update["after"]["name"] == "Audited 2"
    config_change = anon.get(
        f"/audit?action=agent.config.update&object_id={agent['id']}", headers=admin_headers()
    ).json()[0]
    assert config_change["before"]["model"]["temperature"] != 0.5
    assert config_change["after"]["model"]["temperature"] == 0.5


def test_audit_is_for_admins_paged_and_team_scoped(anon: TestClient) -> None:
    for i in range(3):
        anon.post("/apps", json={"name": f"p{i}"}, headers=auth_headers("editor", ["pager"]))
    assert anon.get("/audit", headers=auth_headers("editor", ["pager"])).status_code == 403
    page = anon.get("/audit?action=app.create&limit=2", headers=admin_headers())
    assert page.status_code == 200 and len(page.json()) == 2
    assert int(page.headers["X-Total-Count"]) >= 3
    second = anon.get("/audit?action=app.create&limit=2&offset=2", headers=admin_headers()).json()
    assert {e["id"] for e in second}.isdisjoint({e["id"] for e in page.json()})
    team_admin = anon.get("/audit?limit=500", headers=auth_headers("admin", ["pager"])).json()
    assert team_admin and {e["team_id"] for e in team_admin} == {"pager"}


def test_the_audit_table_refuses_updates_and_deletes(secure_app: FastAPI, anon: TestClient) -> None:
    anon.post("/apps", json={"name": "immutable"}, headers=admin_headers())
    engine = secure_app.state.engine
    for statement in ("UPDATE audit_events SET actor = 'someone else'", "DELETE FROM audit_events"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(sa.text(statement))
