"""Agent configs name provider keys by reference (``env:NAME``); the hub never holds a key."""

from __future__ import annotations

import copy
from typing import Any

from fastapi.testclient import TestClient

LITERAL_KEY = "sk-proj-Lit3ralKeyPastedByMistake0123456789"

CONFIG: dict[str, Any] = {
    "model": {
        "provider": "azure_openai",
        "model_name": "gpt-4o",
        "api_key_ref": "env:AZURE_OPENAI_KEY",
        "fallbacks": [
            {"provider": "openai", "model_name": "gpt-4o-mini", "api_key_ref": "env:TEAM_B_KEY"}
        ],
    },
    "prompts": {
        "system_prompt_uri": "mlflow:/prompts/extractor-system-v1",
        "task_prompt_uri": "mlflow:/prompts/extractor-task-v1",
    },
}


def test_a_reference_is_stored_and_returned_unchanged(
    client: TestClient, new_app: dict[str, Any]
) -> None:
    created = client.post(
        f"/apps/{new_app['id']}/agents",
        json={"name": "Extractor", "type": "extractor", "config": CONFIG},
    )
    assert created.status_code == 201, created.text
    agent_id = created.json()["id"]
    for body in (created.json(), client.get(f"/agents/{agent_id}").json()):
        model = body["config"]["model"]
        assert model["api_key_ref"] == "env:AZURE_OPENAI_KEY"
        assert model["fallbacks"][0]["api_key_ref"] == "env:TEAM_B_KEY"

    changed = copy.deepcopy(CONFIG)
    changed["model"]["api_key_ref"] = "env:CREDIT_TEAM_AZURE_KEY"
    updated = client.put(f"/agents/{agent_id}/config", json=changed)
    assert updated.status_code == 200, updated.text
    assert updated.json()["model"]["api_key_ref"] == "env:CREDIT_TEAM_AZURE_KEY"
    report = client.post(f"/agents/{agent_id}/validate", json=changed).json()
    assert report["valid"] is True, report


def test_a_literal_key_is_422_at_the_field_and_never_echoed(
    client: TestClient, new_app: dict[str, Any]
) -> None:
    for model_change, where in (
        ({"api_key_ref": LITERAL_KEY}, ["model", "api_key_ref"]),
        ({"api_key_ref": f"env:{LITERAL_KEY}"}, ["model", "api_key_ref"]),
        (
            {"fallbacks": [{"provider": "openai", "model_name": "m", "api_key_ref": LITERAL_KEY}]},
            ["model", "fallbacks", 0, "api_key_ref"],
        ),
    ):
        config = copy.deepcopy(CONFIG)
        config["model"].update(model_change)
        response = client.post(
            f"/apps/{new_app['id']}/agents",
            json={"name": "Extractor", "type": "extractor", "config": config},
        )
        assert response.status_code == 422, response.text
        assert LITERAL_KEY not in response.text
        [item] = response.json()["detail"]
        assert item["loc"][-len(where) :] == where
        assert "env:NAME" in item["msg"]


def test_a_reference_for_a_provider_without_api_keys_is_422(
    client: TestClient, new_app: dict[str, Any]
) -> None:
    config = copy.deepcopy(CONFIG)
    config["model"] = {"provider": "aws_bedrock", "model_name": "m", "api_key_ref": "env:X_KEY"}
    response = client.post(
        f"/apps/{new_app['id']}/agents",
        json={"name": "Extractor", "type": "extractor", "config": config},
    )
    assert response.status_code == 422
    assert "remove api_key_ref" in response.json()["detail"][0]["msg"]
