"""What the OpenAPI document declares is what the API enforces (the small, fast half;
tests/e2e/test_api_contract.py runs schemathesis against a started stack)."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.auth_support import admin_headers


def test_options_answers_with_the_paths_methods(client: TestClient) -> None:
    answer = client.options("/agents/agent-nope/config", headers=admin_headers())
    assert answer.status_code == 204
    assert answer.headers["allow"] == "GET, PUT, OPTIONS"
    assert client.options("/no/such/path", headers=admin_headers()).status_code == 404


def test_a_405_names_every_method_of_the_path(client: TestClient) -> None:
    answer = client.delete("/agents/agent-nope/config", headers=admin_headers())
    assert answer.status_code == 405
    assert answer.headers["allow"] == "GET, PUT, OPTIONS"
    assert answer.json() == {"detail": "Method Not Allowed"}


def test_every_operation_with_input_documents_its_422(api_app: FastAPI) -> None:
    schema = api_app.openapi()
    missing = [
        f"{method.upper()} {path}"
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if (operation.get("parameters") or "requestBody" in operation)
        and "422" not in operation["responses"]
    ]
    assert missing == []


def test_optional_parameters_are_never_null_and_cursors_have_a_format(api_app: FastAPI) -> None:
    schema = api_app.openapi()
    nullable = [
        f"{path} {parameter['name']}"
        for path, item in schema["paths"].items()
        for operation in item.values()
        for parameter in operation.get("parameters", [])
        if {"type": "null"} in parameter["schema"].get("anyOf", [])
    ]
    assert nullable == []
    for path in ("/apps", "/observability/runs", "/observability/violations"):
        [cursor] = [p for p in schema["paths"][path]["get"]["parameters"] if p["name"] == "cursor"]
        assert cursor["schema"]["pattern"] == "^[A-Za-z0-9_-]+={0,2}$"


def test_a_forged_runs_cursor_is_a_422_not_a_server_error(client: TestClient) -> None:
    answer = client.get("/observability/runs", params={"cursor": "AAAA"}, headers=admin_headers())
    # Without Temporal this API answers 503; with it, the forged token is a 422 (e2e test).
    assert answer.status_code in (422, 503)
    bad = client.get(
        "/observability/runs", params={"cursor": "not base64!"}, headers=admin_headers()
    )
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["query", "cursor"]
