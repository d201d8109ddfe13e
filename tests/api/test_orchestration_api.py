"""Orchestration: the document's YAML, JSON bodies, validation and YAML export."""

from __future__ import annotations

import json

import yaml
from fastapi.testclient import TestClient

from schemas.orchestration import OrchestrationSpec

YAML_HEADERS = {"Content-Type": "application/yaml"}


def _put_yaml(client: TestClient, app_id: str, text: str):  # type: ignore[no-untyped-def]
    return client.put(f"/orchestration/{app_id}", content=text.encode(), headers=YAML_HEADERS)


def test_documents_yaml_is_accepted_and_exports_with_the_same_meaning(
    client: TestClient, pipeline: dict[str, str], doc_orchestration_yaml: str
) -> None:
    app_id = pipeline["app_id"]
    text = doc_orchestration_yaml.format(**pipeline)
    response = _put_yaml(client, app_id, text)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["app_id"] == app_id
    assert body["spec"]["name"] == "Credit Memo Pipeline"
    assert [s["agent_id"] for s in body["spec"]["workflow"]] == [
        pipeline["agent1"],
        pipeline["agent2"],
        pipeline["agent3"],
    ]
    assert client.get(f"/orchestration/{app_id}").json()["spec"] == body["spec"]

    exported = client.get(f"/orchestration/{app_id}/export-yaml")
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/yaml")
    assert yaml.safe_load(exported.text) == yaml.safe_load(text)

    # Putting the export back changes nothing.
    again = _put_yaml(client, app_id, exported.text)
    assert again.json()["spec"] == body["spec"]

    report = client.post(f"/orchestration/{app_id}/validate").json()
    assert report["valid"] is True, report


def test_json_body_is_stored_and_exported_as_equivalent_yaml(
    client: TestClient, pipeline: dict[str, str], deployable_yaml: str
) -> None:
    app_id = pipeline["app_id"]
    spec = yaml.safe_load(deployable_yaml)
    response = client.put(f"/orchestration/{app_id}", json=spec)
    assert response.status_code == 200, response.text
    exported = client.get(f"/orchestration/{app_id}/export-yaml").text
    assert OrchestrationSpec.model_validate(yaml.safe_load(exported)) == (
        OrchestrationSpec.model_validate(spec)
    )


def test_malformed_yaml_is_422_with_line_and_column(
    client: TestClient, new_app: dict[str, object]
) -> None:
    text = f'version: "1.0"\napp_id: "{new_app["id"]}"\nworkflow:\n  - step: 1\n    inputs: [\n'
    response = _put_yaml(client, str(new_app["id"]), text)
    assert response.status_code == 422
    (item,) = response.json()["detail"]
    assert item["line"] is not None and item["line"] >= 5
    assert item["column"] is not None


def test_wrong_shapes_point_at_the_field_with_position(
    client: TestClient, new_app: dict[str, object]
) -> None:
    app_id = str(new_app["id"])
    text = (
        f'app_id: "{app_id}"\nworkflow:\n  - step: 1\n    agent_id: a\n    retry:\n'
        "      max_attempts: lots\n"
    )
    response = _put_yaml(client, app_id, text)
    assert response.status_code == 422
    item = response.json()["detail"][0]
    assert item["path"] == "/workflow/0/retry/max_attempts"
    assert (item["line"], item["column"]) == (6, 21)

    unknown = _put_yaml(client, app_id, f'app_id: "{app_id}"\nsurprise: 1\n')
    assert unknown.status_code == 422
    assert unknown.json()["detail"][0]["path"] == "/surprise"


def test_app_id_must_match_the_url(client: TestClient, new_app: dict[str, object]) -> None:
    response = _put_yaml(client, str(new_app["id"]), 'app_id: "app-other"\nworkflow: []\n')
    assert response.status_code == 422
    (item,) = response.json()["detail"]
    assert item["path"] == "/app_id" and item["loc"] == ["body", "app_id"]
    assert item["line"] == 1


def test_validate_reports_unknown_agents_without_storing(
    client: TestClient, pipeline: dict[str, str], deployable_yaml: str
) -> None:
    app_id = pipeline["app_id"]
    _put_yaml(client, app_id, deployable_yaml)
    broken = deployable_yaml.replace(pipeline["agent2"], "agent-ghost")
    response = client.post(
        f"/orchestration/{app_id}/validate", content=broken.encode(), headers=YAML_HEADERS
    )
    assert response.status_code == 200
    report = response.json()
    assert report["valid"] is False
    assert any("agent-ghost" in e["message"] and e["line"] for e in report["errors"])
    assert client.post(f"/orchestration/{app_id}/validate").json()["valid"] is True

    malformed = client.post(
        f"/orchestration/{app_id}/validate", content=b"a: [", headers=YAML_HEADERS
    ).json()
    assert malformed["valid"] is False and malformed["errors"][0]["line"] == 1


def test_missing_orchestration_and_app_are_404(
    client: TestClient, new_app: dict[str, object]
) -> None:
    app_id = new_app["id"]
    for path in (
        f"/orchestration/{app_id}",
        f"/orchestration/{app_id}/export-yaml",
        "/orchestration/app-nope",
        "/orchestration/app-nope/export-yaml",
    ):
        assert client.get(path).status_code == 404, path
    assert client.post(f"/orchestration/{app_id}/validate").status_code == 404
    assert _put_yaml(client, "app-nope", 'app_id: "app-nope"\n').status_code == 404


def test_unsupported_media_type_and_bad_json(
    client: TestClient, new_app: dict[str, object]
) -> None:
    app_id = new_app["id"]
    response = client.put(
        f"/orchestration/{app_id}", content=b"hello", headers={"Content-Type": "text/plain"}
    )
    assert response.status_code == 415
    bad_json = client.put(
        f"/orchestration/{app_id}",
        content=b'{"app_id": "x",\n "workflow": [}',
        headers={"Content-Type": "application/json"},
    )
    assert bad_json.status_code == 400  # malformed JSON: a bad request, with line and column
    assert bad_json.json()["detail"][0]["line"] == 2
    not_utf8 = client.put(f"/orchestration/{app_id}", content=b"\xff\xfe", headers=YAML_HEADERS)
    assert not_utf8.status_code == 422
    for body in ([], "text", 5, None):
        assert client.put(f"/orchestration/{app_id}", content=json.dumps(body)).status_code == 422
