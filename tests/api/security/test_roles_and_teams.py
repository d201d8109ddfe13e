"""Every route × every role, and every object route across teams (404, never 403 or data)."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.auth.dependencies import PUBLIC, route_roles
from api.auth.principals import ROLE_ORDER, role_rank
from storage.evaluations import EvaluationRepository
from storage.models import Evaluation
from storage.repositories import RunRepository
from tests.auth_support import auth_headers

TEAM_A = "team-a"
TEAM_B = "team-b"
EXPECTED_PUBLIC = {
    ("GET", "/"),
    ("GET", "/docs"),
    ("GET", "/docs/oauth2-redirect"),
    ("GET", "/docs/assets/swagger-ui-bundle.js"),
    ("GET", "/docs/assets/swagger-ui.css"),
    ("GET", "/docs/assets/redoc.standalone.js"),
    ("GET", "/docs/assets/favicon.png"),
    ("GET", "/redoc"),
    ("GET", "/health"),
    ("GET", "/ready"),
    ("POST", "/auth/token"),
    ("POST", "/auth/refresh"),
    # OIDC sign-in: the issuer's discovery for the console, and the code exchange whose
    # credential is the authorization code (tests/api/security/test_oidc_sign_in.py).
    ("GET", "/auth/oidc"),
    ("POST", "/auth/oidc/token"),
    # Signed webhooks: the signature is the credential (tests/api/triggers).
    ("POST", "/hooks/{webhook_id}"),
}
#: Routes that serve every team at once (the codec server opens any run's payloads for
#: the Temporal Web UI): their role is checked with a token of team '*', and a token of
#: one team is refused (tests/api/test_codec_server.py).
#: The price table is platform-wide: only an all-teams admin may change it
#: (tests/api/test_prices_api.py).
ALL_TEAMS_ROUTES = {"/codec/decode", "/codec/encode", "/settings/prices"}
ORCHESTRATION_YAML = """\
version: "1.0"
app_id: {app_id}
name: Two steps
agents:
  - id: {agent_id}
workflow:
  - step: extract
    agent_id: {agent_id}
    inputs:
      - source: trigger
        field: document
    outputs:
      - name: extracted
"""


@dataclass
class TeamObjects:
    """One team's objects, made through the API by that team's editor and operator."""

    app_id: str
    agent_id: str
    run_id: str
    artifact_id: str
    config: dict[str, Any] = field(default_factory=dict)
    yaml: str = ""
    dataset_id: str = "ds-0aaaaaaaaaaa"
    evaluation_id: str = "eval-0aaaaaaaaaaa"


def make_team_objects(app: FastAPI, client: TestClient, team: str) -> TeamObjects:
    editor = auth_headers("editor", (team,))
    created = client.post(
        "/apps", json={"name": f"{team} app {uuid.uuid4().hex[:8]}"}, headers=editor
    )
    assert created.status_code == 201, created.text
    app_id = created.json()["id"]
    agent = client.post(
        f"/apps/{app_id}/agents",
        json={"name": f"x {uuid.uuid4().hex[:8]}", "type": "extractor"},
        headers=editor,
    )
    assert agent.status_code == 201, agent.text
    agent_id = agent.json()["id"]
    yaml = ORCHESTRATION_YAML.format(app_id=app_id, agent_id=agent_id)
    put = client.put(
        f"/orchestration/{app_id}",
        content=yaml,
        headers={**editor, "Content-Type": "application/yaml"},
    )
    assert put.status_code == 200, put.text
    upload = client.post(
        "/artifacts",
        files={"file": ("memo.pdf", b"%PDF-1.4 team data", "application/pdf")},
        headers=auth_headers("operator", (team,)),
    )
    assert upload.status_code == 201, upload.text
    # Run rows are written by the runs API when Temporal starts the workflow; without
    # Temporal here, the row is written the same way the API writes it.
    with app.state.session_factory() as session:
        run = RunRepository(session).create(app_id, run_id=None, workflow_id="wf", inputs={})
        session.commit()
        run_id = run.id
    config = client.get(f"/agents/{agent_id}/config", headers=editor).json()
    dataset = client.post(
        f"/apps/{app_id}/datasets",
        json={"name": "cases", "items": [{"inputs": {}, "expected": {"extracted.x": 1}}]},
        headers=editor,
    )
    assert dataset.status_code == 201, dataset.text
    # Evaluations run on Temporal; without it here, the row is written as the runner does.
    with app.state.session_factory() as session:
        evaluation = EvaluationRepository(session).add(
            Evaluation(
                app_id=app_id,
                dataset_id=dataset.json()["id"],
                release="draft",
                status="completed",
                field_scores={},
                items=[],
            )
        )
        session.commit()
        evaluation_id = evaluation.id
    return TeamObjects(
        app_id,
        agent_id,
        run_id,
        upload.json()["id"],
        config,
        yaml,
        dataset.json()["id"],
        evaluation_id,
    )


@pytest.fixture(scope="module")
def team_a(secure_app: FastAPI, anon: TestClient) -> TeamObjects:
    return make_team_objects(secure_app, anon, TEAM_A)


# ----------------------------------------------------------------- declarations


def test_every_route_declares_a_role(secure_app: FastAPI) -> None:
    routes = route_roles(secure_app)
    assert len(routes) >= 40
    undeclared = [f"{sorted(r.methods)} {r.path}" for r in routes if r.role is None]
    assert not undeclared, f"routes without a declared role: {undeclared}"
    public = {(m, r.path) for r in routes if r.role == PUBLIC for m in r.methods}
    assert public == EXPECTED_PUBLIC


def test_the_openapi_document_states_each_operations_role(anon: TestClient) -> None:
    paths = anon.get("/openapi.json").json()["paths"]
    missing = [
        f"{method.upper()} {path}"
        for path, item in paths.items()
        for method, operation in item.items()
        if method in {"get", "post", "put", "patch", "delete"} and "x-hub-role" not in operation
    ]
    assert not missing
    assert paths["/apps"]["post"]["x-hub-role"] == "editor"
    assert paths["/apps/{app_id}/deploy"]["post"]["x-hub-role"] == "admin"
    assert paths["/apps/{app_id}/runs"]["post"]["x-hub-role"] == "operator"
    assert paths["/health"]["get"]["security"] == []
    assert {"401", "403", "429"} <= set(paths["/apps"]["get"]["responses"])


# ----------------------------------------------------------------- route × role


def _concrete(path: str, objects: TeamObjects) -> str:
    values = {
        "app_id": objects.app_id,
        "agent_id": objects.agent_id,
        "run_id": objects.run_id,
        "artifact_id": objects.artifact_id,
        "dataset_id": objects.dataset_id,
        "evaluation_id": objects.evaluation_id,
        "other_id": objects.evaluation_id,
        "key_id": "sa-000000000000",
        "name": "some-prompt",
        "version": "1",
        "alias": "production",
        "schedule_id": "sch-000000000000",
        "webhook_id": "hook-000000000000",
        "batch_id": "batch-000000000000",
        "release_id": "rel-000000000000",
    }
    return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)


def test_route_by_role_matrix(secure_app: FastAPI, anon: TestClient) -> None:
    """Below the declared role: 403; at or above it: anything but 401/403; no token: 401."""
    team = "team-matrix"
    objects = make_team_objects(secure_app, anon, team)  # its own: the matrix deletes them
    problems: list[str] = []
    routes = sorted(
        route_roles(secure_app),
        # Deleting last keeps the objects alive for the other requests.
        key=lambda r: ("DELETE" in r.methods, r.path),
    )
    for route in routes:
        for method in sorted(route.methods - {"HEAD"}):
            url = _concrete(route.path, objects)
            body = {} if method in {"POST", "PUT", "PATCH"} else None
            anonymous = anon.request(method, url, json=body)
            if route.role == PUBLIC:
                if anonymous.status_code in (401, 403):
                    problems.append(f"{method} {url} public but {anonymous.status_code}")
                continue
            if anonymous.status_code != 401:
                problems.append(f"{method} {url} without a token: {anonymous.status_code}")
            assert route.role is not None
            teams = ("*",) if route.path in ALL_TEAMS_ROUTES else (team,)
            for role in ROLE_ORDER:
                headers = auth_headers(role, teams)
                answer = anon.request(method, url, json=body, headers=headers)
                allowed = role_rank(role) >= role_rank(route.role)
                if allowed and answer.status_code in (401, 403):
                    problems.append(f"{method} {url} as {role}: {answer.status_code} {answer.text}")
                if not allowed and answer.status_code != 403:
                    problems.append(f"{method} {url} as {role}: {answer.status_code}, not 403")
    assert not problems, "\n".join(problems)


# ----------------------------------------------------------------- teams


def _cross_team_requests(a: TeamObjects) -> list[tuple[str, str, dict[str, Any]]]:
    """One well-formed request per object route, aimed at team A's objects."""
    yaml_headers = {"Content-Type": "application/yaml"}
    return [
        ("GET", f"/apps/{a.app_id}", {}),
        ("PATCH", f"/apps/{a.app_id}", {"json": {"description": "taken over"}}),
        ("POST", f"/apps/{a.app_id}/deploy", {}),
        ("POST", f"/apps/{a.app_id}/archive", {}),
        ("GET", f"/apps/{a.app_id}/releases", {}),
        ("GET", f"/apps/{a.app_id}/releases/rel-000000000000", {}),
        ("GET", f"/apps/{a.app_id}/agents", {}),
        ("POST", f"/apps/{a.app_id}/agents", {"json": {"name": "x", "type": "extractor"}}),
        ("POST", f"/apps/{a.app_id}/runs", {"json": {"inputs": {"document": "d"}}}),
        ("GET", f"/apps/{a.app_id}/schedules", {}),
        ("POST", f"/apps/{a.app_id}/schedules", {"json": {"cron": "@daily"}}),
        ("GET", f"/apps/{a.app_id}/webhooks", {}),
        ("POST", f"/apps/{a.app_id}/webhooks", {"json": {"input_mapping": {"d": "/d"}}}),
        ("GET", f"/apps/{a.app_id}/batches", {}),
        ("POST", f"/apps/{a.app_id}/batches", {"json": {"items": [{"inputs": {}}]}}),
        ("GET", f"/agents/{a.agent_id}", {}),
        ("GET", f"/agents/{a.agent_id}/config", {}),
        ("PUT", f"/agents/{a.agent_id}/config", {"json": a.config}),
        ("POST", f"/agents/{a.agent_id}/validate", {}),
        ("GET", f"/orchestration/{a.app_id}", {}),
        ("PUT", f"/orchestration/{a.app_id}", {"content": a.yaml, "headers": yaml_headers}),
        ("POST", f"/orchestration/{a.app_id}/validate", {}),
        ("GET", f"/orchestration/{a.app_id}/export-yaml", {}),
        ("GET", f"/orchestration/{a.app_id}/draft", {}),
        (
            "PUT",
            f"/orchestration/{a.app_id}/draft",
            {"content": a.yaml, "headers": {**yaml_headers, "If-Match": '"d-0"'}},
        ),
        ("GET", f"/runs/{a.run_id}", {}),
        ("POST", f"/runs/{a.run_id}/cancel", {}),
        ("POST", f"/runs/{a.run_id}/approvals", {"json": {"step_id": "extract"}}),
        ("POST", f"/runs/{a.run_id}/rerun", {"json": {"from_step": "extract"}}),
        ("GET", f"/runs/{a.run_id}/events", {}),
        ("GET", f"/artifacts/{a.artifact_id}", {}),
        ("GET", f"/observability/traces/{a.run_id}", {}),
        ("GET", f"/observability/runs?app_id={a.app_id}", {}),
        ("GET", f"/observability/metrics?app_id={a.app_id}", {}),
        ("GET", f"/observability/violations?app_id={a.app_id}", {}),
        ("GET", f"/observability/violations?run_id={a.run_id}", {}),
        ("GET", f"/apps/{a.app_id}/datasets", {}),
        (
            "POST",
            f"/apps/{a.app_id}/datasets",
            {"json": {"name": "x", "items": [{"inputs": {}, "expected": {"o.f": 1}}]}},
        ),
        ("GET", f"/datasets/{a.dataset_id}", {}),
        (
            "PUT",
            f"/datasets/{a.dataset_id}",
            {"json": {"items": [{"inputs": {}, "expected": {"o.f": 2}}]}},
        ),
        ("GET", f"/apps/{a.app_id}/evaluations", {}),
        (
            "POST",
            f"/apps/{a.app_id}/evaluations",
            {"json": {"dataset_id": a.dataset_id, "release": "draft"}},
        ),
        ("GET", f"/evaluations/{a.evaluation_id}", {}),
        ("GET", f"/evaluations/{a.evaluation_id}/compare/{a.evaluation_id}", {}),
        ("GET", f"/apps/{a.app_id}/gate", {}),
        ("PUT", f"/apps/{a.app_id}/gate", {"json": {"dataset_id": a.dataset_id}}),
        ("DELETE", f"/apps/{a.app_id}/gate", {}),
        ("DELETE", f"/apps/{a.app_id}", {}),
    ]


def test_cross_team_requests_cover_every_object_route(secure_app: FastAPI) -> None:
    covered = {
        (method, re.sub(r"[a-z]+-[0-9a-f]{6,}", "{id}", url.split("?")[0]))
        for method, url, _ in _cross_team_requests(
            TeamObjects(
                "app-0aaaaaaaaaaa", "agent-0aaaaaaaaaaa", "run-0aaaaaaaaaaa", "art-0aaaaaaaaaaa"
            )
        )
    }
    object_params = (
        "{app_id}",
        "{agent_id}",
        "{run_id}",
        "{artifact_id}",
        "{dataset_id}",
        "{evaluation_id}",
    )
    for route in route_roles(secure_app):
        if not any(p in route.path for p in object_params):
            continue
        generic = re.sub(r"\{\w+\}", "{id}", route.path)
        for method in route.methods - {"HEAD"}:
            assert (method, generic) in covered, f"{method} {route.path} has no cross-team check"


def test_another_teams_objects_are_404_on_every_object_route(
    anon: TestClient, team_a: TeamObjects
) -> None:
    intruder = auth_headers("admin", (TEAM_B,))
    leaks = []
    for method, url, kwargs in _cross_team_requests(team_a):
        headers = {**intruder, **kwargs.pop("headers", {})}
        answer = anon.request(method, url, headers=headers, **kwargs)
        if answer.status_code != 404:
            leaks.append(f"{method} {url}: {answer.status_code} {answer.text[:200]}")
        elif team_a.app_id in answer.text and "not found" not in answer.text:
            leaks.append(f"{method} {url}: 404 body shows data")
    assert not leaks, "\n".join(leaks)
    # Nothing of team A changed, and team A still sees all of it.
    owner = auth_headers("viewer", (TEAM_A,))
    app = anon.get(f"/apps/{team_a.app_id}", headers=owner).json()
    assert app["status"] == "draft" and app["description"] == ""
    assert anon.get(f"/artifacts/{team_a.artifact_id}", headers=owner).status_code == 200


def test_lists_show_only_the_callers_teams(anon: TestClient, team_a: TeamObjects) -> None:
    b_editor = auth_headers("editor", (TEAM_B,))
    b_app = anon.post(
        "/apps", json={"name": f"b app {uuid.uuid4().hex[:8]}"}, headers=b_editor
    ).json()["id"]
    seen_by_b = anon.get("/apps?limit=200", headers=b_editor)
    ids_b = {a["id"] for a in seen_by_b.json()}
    assert b_app in ids_b and team_a.app_id not in ids_b
    assert seen_by_b.headers["X-Total-Count"] == str(len(ids_b))
    ids_a = {
        a["id"]
        for a in anon.get("/apps?limit=200", headers=auth_headers("viewer", (TEAM_A,))).json()
    }
    assert team_a.app_id in ids_a and b_app not in ids_a
    everyone = {
        a["id"] for a in anon.get("/apps?limit=200", headers=auth_headers("admin", ("*",))).json()
    }
    assert {team_a.app_id, b_app} <= everyone


def test_an_app_cannot_be_created_for_a_team_you_are_not_in(anon: TestClient) -> None:
    answer = anon.post(
        "/apps",
        json={"name": f"x {uuid.uuid4().hex[:8]}", "team_id": TEAM_A},
        headers=auth_headers("editor", (TEAM_B,)),
    )
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "team_id"]


def test_a_run_cannot_read_another_teams_artifact(anon: TestClient, team_a: TeamObjects) -> None:
    b_editor = auth_headers("editor", (TEAM_B,))
    b_app = anon.post(
        "/apps", json={"name": f"b runner {uuid.uuid4().hex[:8]}"}, headers=b_editor
    ).json()["id"]
    answer = anon.post(
        f"/apps/{b_app}/runs",
        json={"inputs": {"document": f"artifact://{team_a.artifact_id}"}, "draft": True},
        headers=b_editor,
    )
    # The same 422 as an artifact that does not exist: nothing tells team B it does.
    assert answer.status_code == 422, answer.text
    item = answer.json()["detail"][0]
    assert item["loc"] == ["body", "inputs", "document"]
    assert (
        f"artifact '{team_a.artifact_id}' does not exist or your team cannot read it"
        in (item["msg"])
    )
