"""Agents: the document's "Create Agent", configs, validation and the library."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from schemas.agents import AgentConfig
from schemas.library import BUILTIN_LIBRARY, default_config


def test_create_agent_with_the_documents_request(
    client: TestClient, new_app: dict[str, object], doc_create_agent: dict[str, object]
) -> None:
    response = client.post(f"/apps/{new_app['id']}/agents", json=doc_create_agent)
    assert response.status_code == 201, response.text
    body = response.json()
    assert re.fullmatch(r"agent-[0-9a-f]{12}", body["id"])
    assert body["app_id"] == new_app["id"]
    for key in ("name", "type", "type_category", "category", "description"):
        assert body[key] == doc_create_agent[key]
    sent = AgentConfig.model_validate(doc_create_agent["config"]).model_dump(mode="json")
    assert body["config"] == sent
    assert body["config"]["model"]["model_name"] == "gpt-4o"
    assert client.get(f"/agents/{body['id']}").json() == body
    assert client.get(f"/agents/{body['id']}/config").json() == sent
    assert [a["id"] for a in client.get(f"/apps/{new_app['id']}/agents").json()] == [body["id"]]


def test_builtin_type_without_config_gets_the_library_default(
    client: TestClient, new_app: dict[str, object]
) -> None:
    response = client.post(
        f"/apps/{new_app['id']}/agents", json={"name": "Mapper", "type": "mapper"}
    )
    assert response.status_code == 201
    assert response.json()["config"] == default_config("mapper").model_dump(mode="json")
    assert response.json()["category"] == "general"


def test_custom_type_without_config_is_422_at_config(
    client: TestClient, new_app: dict[str, object]
) -> None:
    response = client.post(
        f"/apps/{new_app['id']}/agents", json={"name": "Custom", "type": "sentiment"}
    )
    assert response.status_code == 422
    (item,) = response.json()["detail"]
    assert item["loc"] == ["body", "config"] and item["path"] == "/config"


def test_bad_agent_bodies_point_at_the_field(
    client: TestClient, new_app: dict[str, object], doc_create_agent: dict[str, object]
) -> None:
    url = f"/apps/{new_app['id']}/agents"
    hot = {**doc_create_agent, "config": {**doc_create_agent["config"]}}  # type: ignore[dict-item]
    hot["config"]["model"] = {**hot["config"]["model"], "temperature": 2.5}  # type: ignore[index]
    response = client.post(url, json=hot)
    assert response.status_code == 422
    (item,) = response.json()["detail"]
    assert item["path"] == "/config/model/temperature"

    for bad in (
        {**doc_create_agent, "surprise": 1},
        {**doc_create_agent, "type": "Bad Type!"},
        {**doc_create_agent, "name": ["x"]},
        {"name": "x"},
        [],
    ):
        assert client.post(url, json=bad).status_code == 422, bad
    assert (
        client.post(
            url, content=b"{not json", headers={"Content-Type": "application/json"}
        ).status_code
        == 400  # malformed JSON: a bad request, with line and column
    )


def test_put_config_replaces_it_and_rejects_unknown_fields(
    client: TestClient, new_app: dict[str, object]
) -> None:
    agent = client.post(
        f"/apps/{new_app['id']}/agents", json={"name": "A", "type": "analyzer"}
    ).json()
    config = default_config("analyzer").model_dump(mode="json")
    config["model"]["temperature"] = 1.25
    response = client.put(f"/agents/{agent['id']}/config", json=config)
    assert response.status_code == 200 and response.json()["model"]["temperature"] == 1.25
    assert client.get(f"/agents/{agent['id']}/config").json() == response.json()

    response = client.put(f"/agents/{agent['id']}/config", json={**config, "colour": "red"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["path"] == "/colour"
    config["model"]["max_tokens"] = 128001
    response = client.put(f"/agents/{agent['id']}/config", json=config)
    assert response.json()["detail"][0]["path"] == "/model/max_tokens"
    config["model"]["max_tokens"] = 1000
    assert client.put("/agents/agent-nope/config", json=config).status_code == 404


def test_validate_reports_errors_and_warnings_with_pointers(
    client: TestClient, new_app: dict[str, object]
) -> None:
    agent = client.post(
        f"/apps/{new_app['id']}/agents", json={"name": "E", "type": "extractor"}
    ).json()
    stored = client.post(f"/agents/{agent['id']}/validate")
    assert stored.status_code == 200
    assert stored.json() == {"valid": True, "errors": [], "warnings": []}

    config = default_config("extractor").model_dump(mode="json")
    config["tools"].append({"id": "risk-calculator", "enabled": True})
    with_unknown_tool = client.post(f"/agents/{agent['id']}/validate", json=config).json()
    assert with_unknown_tool["valid"] is True
    assert [w["path"] for w in with_unknown_tool["warnings"]] == ["/tools/2/id"]

    config["model"]["provider"] = "skynet"
    config["memory"]["max_messages"] = 0
    broken = client.post(f"/agents/{agent['id']}/validate", json=config).json()
    assert broken["valid"] is False
    assert {e["path"] for e in broken["errors"]} == {"/model/provider", "/memory/max_messages"}
    # validating a candidate never stores it
    assert client.get(f"/agents/{agent['id']}/config").json()["model"]["provider"] == "local"
    assert client.post("/agents/agent-nope/validate").status_code == 404


def test_library_lists_the_builtin_types_and_is_not_an_agent_id(client: TestClient) -> None:
    response = client.get("/agents/library")
    assert response.status_code == 200
    library = response.json()
    assert [a["type"] for a in library] == ["extractor", "mapper", "analyzer", "summarizer"]
    for entry, expected in zip(library, BUILTIN_LIBRARY, strict=True):
        assert set(entry) >= {
            "type",
            "name",
            "description",
            "default_config",
            "input_schema",
            "output_schema",
            "tools",
        }
        AgentConfig.model_validate(entry["default_config"])
        assert entry["default_config"] == expected.default_config.model_dump(mode="json")


def test_agents_of_archived_apps_are_read_only(
    client: TestClient, new_app: dict[str, object]
) -> None:
    agent = client.post(
        f"/apps/{new_app['id']}/agents", json={"name": "S", "type": "summarizer"}
    ).json()
    client.post(f"/apps/{new_app['id']}/archive")
    response = client.post(f"/apps/{new_app['id']}/agents", json={"name": "x", "type": "mapper"})
    assert response.status_code == 409 and "archived" in response.json()["detail"]
    config = client.get(f"/agents/{agent['id']}/config").json()
    assert client.put(f"/agents/{agent['id']}/config", json=config).status_code == 409
