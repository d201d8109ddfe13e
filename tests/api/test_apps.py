"""Apps: the document's contract, listing, updates and the status machine."""

from __future__ import annotations

import re
import uuid
from datetime import datetime

from fastapi import FastAPI
from fastapi.testclient import TestClient

from schemas.apps import AppPublic
from schemas.orchestration import ExecutionPlan
from storage.repositories import ReleaseRepository

ISO_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


def test_create_app_with_the_documents_request_gives_the_documents_shape(
    client: TestClient, doc_create_app: dict[str, object]
) -> None:
    response = client.post("/apps", json=doc_create_app)
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {
        "id",
        "name",
        "description",
        "version",
        "status",
        "agent_count",
        "created_at",
        "updated_at",
    }
    assert re.fullmatch(r"app-[0-9a-f]{12}", body["id"])
    assert body["name"] == doc_create_app["name"]
    assert body["description"] == doc_create_app["description"]
    assert (body["version"], body["status"], body["agent_count"]) == ("1.0.0", "draft", 0)
    assert ISO_Z.match(body["created_at"]) and ISO_Z.match(body["updated_at"])
    assert response.headers["location"] == f"/apps/{body['id']}"
    assert client.get(f"/apps/{body['id']}").json() == body


def test_agent_count_follows_the_agents(client: TestClient, new_app: dict[str, object]) -> None:
    app_id = new_app["id"]
    for expected in (1, 2):
        client.post(f"/apps/{app_id}/agents", json={"name": "x", "type": "mapper"})
        assert client.get(f"/apps/{app_id}").json()["agent_count"] == expected
    listed = client.get("/apps", params={"q": new_app["name"]}).json()
    assert [a["agent_count"] for a in listed] == [2]


def test_list_is_an_array_with_total_filter_search_and_sort(client: TestClient) -> None:
    tag = uuid.uuid4().hex[:8]
    names = [f"Zeta {tag}", f"alpha {tag}", f"Mid {tag}"]
    ids = {n: client.post("/apps", json={"name": n}).json()["id"] for n in names}
    client.post(f"/apps/{ids[names[2]]}/archive")

    response = client.get("/apps", params={"q": tag.upper(), "sort": "name"})
    assert response.status_code == 200
    assert isinstance(response.json(), list)
    assert response.headers["x-total-count"] == "3"
    assert [a["name"] for a in response.json()] == sorted(names, key=str.lower)

    by_name_desc = client.get("/apps", params={"q": tag, "sort": "-name"}).json()
    assert [a["name"] for a in by_name_desc] == [a["name"] for a in response.json()][::-1]

    archived = client.get("/apps", params={"q": tag, "status": "archived"})
    assert [a["id"] for a in archived.json()] == [ids[names[2]]]
    assert archived.headers["x-total-count"] == "1"

    newest_first = client.get("/apps", params={"q": tag, "sort": "-created_at"}).json()
    stamps = [datetime.fromisoformat(a["created_at"].replace("Z", "+00:00")) for a in newest_first]
    assert stamps == sorted(stamps, reverse=True)

    page = client.get("/apps", params={"q": tag, "sort": "name", "limit": 1, "offset": 1})
    assert [a["name"] for a in page.json()] == [response.json()[1]["name"]]
    assert page.headers["x-total-count"] == "3"


def test_search_treats_wildcards_literally(client: TestClient) -> None:
    tag = uuid.uuid4().hex[:8]
    client.post("/apps", json={"name": f"100% {tag}"})
    client.post("/apps", json={"name": f"100x {tag}"})
    found = client.get("/apps", params={"q": f"100% {tag}"}).json()
    assert [a["name"] for a in found] == [f"100% {tag}"]


def test_list_rejects_bad_query_parameters(client: TestClient) -> None:
    for params in (
        {"limit": 0},
        {"limit": 201},
        {"offset": -1},
        {"sort": "id"},
        {"status": "running"},
        {"limit": "ten"},
    ):
        response = client.get("/apps", params=params)
        assert response.status_code == 422, params
        (item,) = response.json()["detail"]
        assert item["loc"][0] == "query" and item["loc"][1] == next(iter(params))


def test_patch_changes_only_given_fields(client: TestClient, new_app: dict[str, object]) -> None:
    app_id = new_app["id"]
    response = client.patch(f"/apps/{app_id}", json={"description": "new words"})
    assert response.status_code == 200
    body = response.json()
    assert body["description"] == "new words" and body["name"] == new_app["name"]
    assert body["updated_at"] > new_app["updated_at"]
    assert client.patch(f"/apps/{app_id}", json={"status": "deployed"}).status_code == 422
    assert client.patch(f"/apps/{app_id}", json={"name": ""}).status_code == 422
    assert client.patch(f"/apps/{app_id}", json={"name": 5}).status_code == 422


def test_delete_removes_the_app_and_its_agents(
    client: TestClient, new_app: dict[str, object]
) -> None:
    app_id = new_app["id"]
    agent = client.post(f"/apps/{app_id}/agents", json={"name": "x", "type": "mapper"}).json()
    response = client.delete(f"/apps/{app_id}")
    assert response.status_code == 204 and response.content == b""
    assert client.get(f"/apps/{app_id}").status_code == 404
    assert client.get(f"/agents/{agent['id']}").status_code == 404
    assert client.delete(f"/apps/{app_id}").status_code == 404


def test_missing_apps_are_404_with_a_sentence(client: TestClient) -> None:
    for method, path in (
        ("GET", "/apps/app-000000000000"),
        ("PATCH", "/apps/nope"),
        ("DELETE", "/apps/nope"),
        ("POST", "/apps/nope/deploy"),
        ("POST", "/apps/nope/archive"),
        ("GET", "/apps/nope/agents"),
    ):
        kwargs = {"json": {}} if method == "PATCH" else {}
        response = client.request(method, path, **kwargs)
        assert response.status_code == 404, (method, path)
        assert "not found" in response.json()["detail"]


def test_deploy_without_orchestration_is_409_and_says_what_to_do(
    client: TestClient, new_app: dict[str, object]
) -> None:
    response = client.post(f"/apps/{new_app['id']}/deploy")
    assert response.status_code == 409
    assert f"PUT /orchestration/{new_app['id']}" in response.json()["detail"]
    assert client.get(f"/apps/{new_app['id']}").json()["status"] == "draft"


def test_status_machine_and_semver(
    client: TestClient, api_app: FastAPI, pipeline: dict[str, str], deployable_yaml: str
) -> None:
    app_id = pipeline["app_id"]
    put = client.put(
        f"/orchestration/{app_id}",
        content=deployable_yaml,
        headers={"Content-Type": "application/yaml"},
    )
    assert put.status_code == 200, put.text

    first = client.post(f"/apps/{app_id}/deploy")
    assert first.status_code == 200, first.text
    assert (first.json()["status"], first.json()["version"]) == ("deployed", "1.0.0")
    second = client.post(f"/apps/{app_id}/deploy").json()
    assert (second["status"], second["version"]) == ("deployed", "1.1.0")
    assert client.post(f"/apps/{app_id}/deploy").json()["version"] == "1.2.0"

    with api_app.state.session_factory() as session:
        plan = ReleaseRepository(session).get_deployed_plan(app_id)
        releases = ReleaseRepository(session).list_for_app(app_id)
    assert isinstance(plan, ExecutionPlan)
    assert plan.app_version == "1.2.0"
    assert [r.version for r in releases] == ["1.2.0", "1.1.0", "1.0.0"]
    pinned = {agent_id: a.config for agent_id, a in plan.agents.items()}
    assert set(pinned) == {pipeline["agent1"], pipeline["agent2"], pipeline["agent3"]}
    for agent_id, resolved in pinned.items():
        stored = client.get(f"/agents/{agent_id}/config").json()
        assert resolved is not None
        assert resolved.config.model_dump(mode="json") == stored
        assert resolved.output_schema is not None  # built-in schema URIs are resolved

    archived = client.post(f"/apps/{app_id}/archive")
    assert archived.status_code == 200 and archived.json()["status"] == "archived"
    for action in ("deploy", "archive"):
        response = client.post(f"/apps/{app_id}/{action}")
        assert response.status_code == 409
        assert "archived" in response.json()["detail"]
    assert client.patch(f"/apps/{app_id}", json={"name": "x"}).status_code == 409
    with api_app.state.session_factory() as session:
        assert ReleaseRepository(session).get_deployed_plan(app_id) is None


def test_draft_can_be_archived(client: TestClient, new_app: dict[str, object]) -> None:
    response = client.post(f"/apps/{new_app['id']}/archive")
    assert response.status_code == 200 and response.json()["status"] == "archived"
    assert response.json()["version"] == "1.0.0"


def test_deploy_with_invalid_orchestration_is_422_with_compiler_errors(
    client: TestClient, pipeline: dict[str, str], deployable_yaml: str
) -> None:
    app_id = pipeline["app_id"]
    broken = deployable_yaml.replace(f'agent_id: "{pipeline["agent3"]}"', 'agent_id: "agent-ghost"')
    client.put(
        f"/orchestration/{app_id}", content=broken, headers={"Content-Type": "application/yaml"}
    )
    response = client.post(f"/apps/{app_id}/deploy")
    assert response.status_code == 422
    items = response.json()["detail"]
    assert any("agent-ghost" in item["msg"] for item in items)
    ghost = next(item for item in items if "agent-ghost" in item["msg"])
    assert ghost["path"].startswith("/workflow/2") and ghost["line"] is not None
    assert client.get(f"/apps/{app_id}").json()["status"] == "draft"


def test_deploy_pins_prompt_texts_from_the_resolver(
    client: TestClient, api_app: FastAPI, pipeline: dict[str, str], deployable_yaml: str
) -> None:
    app_id = pipeline["app_id"]
    client.put(
        f"/orchestration/{app_id}",
        content=deployable_yaml,
        headers={"Content-Type": "application/yaml"},
    )
    prompts = {
        f"mlflow:/prompts/{t}-{kind}-v1": (f"{kind} prompt of {t}", "3")
        for t in ("extractor", "analyzer", "summarizer")
        for kind in ("system", "task")
    }

    def resolve(uri: str) -> tuple[str, str]:
        if uri not in prompts:
            raise LookupError(f"no prompt {uri}")
        return prompts[uri]

    api_app.state.prompt_resolver = resolve
    try:
        assert client.post(f"/apps/{app_id}/deploy").status_code == 200
        with api_app.state.session_factory() as session:
            plan = ReleaseRepository(session).get_deployed_plan(app_id)
        assert plan is not None
        extractor = plan.agents[pipeline["agent1"]].config
        assert extractor is not None
        assert extractor.system_prompt == "system prompt of extractor"
        assert extractor.task_prompt == "task prompt of extractor"
        assert extractor.prompt_versions == {"system_prompt": "3", "task_prompt": "3"}

        del prompts["mlflow:/prompts/summarizer-task-v1"]
        response = client.post(f"/apps/{app_id}/deploy")
        assert response.status_code == 422
        (item,) = response.json()["detail"]
        assert item["path"].endswith("/prompts/task_prompt_uri")
        assert client.get(f"/apps/{app_id}").json()["version"] == "1.0.0"
    finally:
        api_app.state.prompt_resolver = None


def test_bad_app_bodies_are_422_never_500(client: TestClient) -> None:
    for body in (
        {"name": 5},
        {"name": ""},
        {"name": "x", "status": "deployed"},
        {},
        [],
        {"name": "x" * 201},
        {"name": "nul \x00 inside"},
    ):
        response = client.post("/apps", json=body)
        # NUL is fine for SQLite; PostgreSQL cannot store it and says so with a 422.
        if body == {"name": "nul \x00 inside"} and response.status_code == 201:
            continue
        assert response.status_code == 422, (body, response.text)
        assert isinstance(response.json()["detail"], list)
    assert client.get("/apps/app-%00").status_code == 404


def test_undecodable_body_is_422_at_the_body(client: TestClient) -> None:
    response = client.post(
        "/apps", content=b'{"name": "\xff\xfe"}', headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body"]


def test_app_names_are_unique_per_team_and_the_409_names_the_app(client: TestClient) -> None:
    name = f"Unique {uuid.uuid4().hex[:8]}"
    first = client.post("/apps", json={"name": name, "team_id": "team-a"}).json()
    again = client.post("/apps", json={"name": name, "team_id": "team-a"})
    assert again.status_code == 409
    assert first["id"] in again.json()["detail"] and name in again.json()["detail"]
    # Another team may use the name; renaming onto a taken name is refused too.
    other = client.post("/apps", json={"name": name, "team_id": "team-b"})
    assert other.status_code == 201
    second = client.post("/apps", json={"name": f"{name} 2", "team_id": "team-a"}).json()
    renamed = client.patch(f"/apps/{second['id']}", json={"name": name})
    assert renamed.status_code == 409 and first["id"] in renamed.json()["detail"]
    # Renaming an app to its own name changes nothing and is fine.
    assert client.patch(f"/apps/{first['id']}", json={"name": name}).status_code == 200


def test_listed_apps_have_exactly_the_public_shape_of_a_single_read(client: TestClient) -> None:
    """The list is serialised without a model per row: it must still be AppPublic's JSON."""
    made = client.post("/apps", json={"name": f"shape {uuid.uuid4().hex[:8]}"}).json()
    listed = client.get("/apps", params={"q": made["name"]}).json()
    single = client.get(f"/apps/{made['id']}").json()
    assert listed == [single] == [AppPublic.model_validate(single).model_dump(mode="json")]
    assert list(listed[0]) == list(AppPublic.model_fields)
