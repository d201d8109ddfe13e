"""Deploy refuses a step whose agent enables a sensitive tool unless an approval comes first."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

YAML_HEADERS = {"Content-Type": "application/yaml"}

#: A custom agent type whose config marks its tool sensitive (it sends data out).
NOTIFIER_CONFIG: dict[str, Any] = {
    "model": {"provider": "openai", "model_name": "gpt-4o-mini"},
    "prompts": {
        "system_prompt_uri": "mlflow:/prompts/notifier-system-v1",
        "task_prompt_uri": "mlflow:/prompts/notifier-task-v1",
    },
    "tools": [{"id": "email-sender", "enabled": True, "sensitive": True}],
}


def unguarded(app_id: str, extractor: str, notifier: str) -> str:
    return f"""\
app_id: "{app_id}"
workflow:
  - step: extract
    agent_id: "{extractor}"
    inputs: [{{source: trigger, field: document}}]
    outputs: [{{name: extracted_data}}]
  - step: notify
    agent_id: "{notifier}"
    inputs: [{{source: extract, field: extracted_data}}]
"""


def guarded(app_id: str, extractor: str, notifier: str) -> str:
    return f"""\
app_id: "{app_id}"
workflow:
  - step: extract
    agent_id: "{extractor}"
    inputs: [{{source: trigger, field: document}}]
    outputs: [{{name: extracted_data}}]
  - step: review
    approval: {{prompt: "Send these figures to the borrower?"}}
    inputs: [{{source: extract, field: extracted_data}}]
    outputs: [{{name: extracted_data}}]
  - step: notify
    agent_id: "{notifier}"
    inputs: [{{source: review, field: extracted_data}}]
"""


def create_agents(client: TestClient, app_id: str) -> tuple[str, str]:
    extractor = client.post(f"/apps/{app_id}/agents", json={"name": "E", "type": "extractor"})
    assert extractor.status_code == 201, extractor.text
    notifier = client.post(
        f"/apps/{app_id}/agents",
        json={"name": "Notifier", "type": "notifier", "config": NOTIFIER_CONFIG},
    )
    assert notifier.status_code == 201, notifier.text
    assert notifier.json()["config"]["tools"][0]["sensitive"] is True
    return extractor.json()["id"], notifier.json()["id"]


def test_deploy_without_an_approval_upstream_is_422_at_the_step(
    client: TestClient, new_app: dict[str, Any]
) -> None:
    app_id = str(new_app["id"])
    extractor, notifier = create_agents(client, app_id)
    text = unguarded(app_id, extractor, notifier)
    put = client.put(f"/orchestration/{app_id}", content=text.encode(), headers=YAML_HEADERS)
    assert put.status_code == 200, put.text  # work in progress may be saved

    report = client.post(f"/orchestration/{app_id}/validate").json()
    assert report["valid"] is False
    assert "uses sensitive tool(s) 'email-sender'" in report["errors"][0]["message"]

    response = client.post(f"/apps/{app_id}/deploy")
    assert response.status_code == 422, response.text
    [item] = response.json()["detail"]
    assert item["path"] == "/workflow/1"
    assert item["loc"] == ["orchestration", "workflow", 1]
    assert item["line"] == 7
    assert item["msg"].startswith("step notify uses sensitive tool(s) 'email-sender'")
    assert "add an approval step before it" in item["msg"]
    assert client.get(f"/apps/{app_id}").json()["status"] == "draft"


def test_deploy_with_an_approval_upstream_is_accepted(
    client: TestClient, new_app: dict[str, Any]
) -> None:
    app_id = str(new_app["id"])
    extractor, notifier = create_agents(client, app_id)
    text = guarded(app_id, extractor, notifier)
    put = client.put(f"/orchestration/{app_id}", content=text.encode(), headers=YAML_HEADERS)
    assert put.status_code == 200, put.text
    response = client.post(f"/apps/{app_id}/deploy")
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "deployed"


def test_disabling_the_sensitive_tool_lifts_the_requirement(
    client: TestClient, new_app: dict[str, Any]
) -> None:
    app_id = str(new_app["id"])
    extractor, notifier = create_agents(client, app_id)
    text = unguarded(app_id, extractor, notifier)
    client.put(f"/orchestration/{app_id}", content=text.encode(), headers=YAML_HEADERS)
    assert client.post(f"/apps/{app_id}/deploy").status_code == 422
    config = {
        **NOTIFIER_CONFIG,
        "tools": [{"id": "email-sender", "enabled": False, "sensitive": True}],
    }
    updated = client.put(f"/agents/{notifier}/config", json=config)
    assert updated.status_code == 200, updated.text
    assert client.post(f"/apps/{app_id}/deploy").status_code == 200
