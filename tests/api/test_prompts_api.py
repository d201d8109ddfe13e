"""The ``/prompts`` API against a real MLflow SQLite store."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (
    allow_header_conformance,
    negative_data_rejection,
    positive_data_acceptance,
)

from api.errors import install_error_handlers
from api.prompts.router import router
from storage.prompts import PromptRegistry
from tests.auth_support import admin_headers, secure_test_app


@pytest.fixture(scope="session")
def prompt_registry(tmp_path_factory: pytest.TempPathFactory) -> PromptRegistry:
    """One MLflow store per session (same path as tests/storage/test_prompts.py)."""
    db = Path(tmp_path_factory.getbasetemp()) / "mlflow-prompts" / "mlflow.db"
    return PromptRegistry(f"sqlite:///{db}")


def _app(registry: PromptRegistry | None) -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)
    app.include_router(router)
    app.state.prompt_registry = registry
    return secure_test_app(app)


@pytest.fixture(scope="module")
def client(prompt_registry: PromptRegistry) -> Iterator[TestClient]:
    with TestClient(_app(prompt_registry), headers=admin_headers()) as test_client:
        yield test_client


@pytest.fixture
def name() -> str:
    return f"api-{uuid.uuid4().hex[:10]}"


def _register(client: TestClient, name: str, template: str, message: str | None = None) -> dict:
    response = client.post(
        "/prompts", json={"name": name, "template": template, "commit_message": message}
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_register_and_show_versions(client: TestClient, name: str) -> None:
    first = _register(client, name, "Extract {{ inputs | tojson }}", "first")
    second = client.post("/prompts", json={"name": name, "template": "Extract v2"})
    assert second.status_code == 201
    assert second.headers["location"] == f"/prompts/{name}/versions/2"
    assert (first["name"], first["version"], first["uri"]) == (name, 1, f"prompts:/{name}/1")
    assert first["created_at"].endswith("Z")

    shown = client.get(f"/prompts/{name}").json()
    assert shown["latest_version"] == 2
    assert [(v["version"], v["template"], v["commit_message"]) for v in shown["versions"]] == [
        (2, "Extract v2", None),
        (1, "Extract {{ inputs | tojson }}", "first"),
    ]
    one = client.get(f"/prompts/{name}/versions/1").json()
    assert one["template"] == "Extract {{ inputs | tojson }}"


def test_list_with_search_and_pages(client: TestClient) -> None:
    stem = f"page-{uuid.uuid4().hex[:8]}"
    for letter in "abc":
        _register(client, f"{stem}-{letter}", letter)
    first = client.get("/prompts", params={"q": stem, "page_size": 2}).json()
    assert [p["name"] for p in first["items"]] == [f"{stem}-a", f"{stem}-b"]
    assert first["items"][0]["latest_version"] == 1
    rest = client.get(
        "/prompts", params={"q": stem, "page_size": 2, "page_token": first["next_page_token"]}
    ).json()
    assert [p["name"] for p in rest["items"]] == [f"{stem}-c"]
    assert rest["next_page_token"] is None
    everything = client.get("/prompts", params={"page_size": 200}).json()
    assert {f"{stem}-a", f"{stem}-b"} <= {p["name"] for p in everything["items"]}


def test_alias_create_move_delete(client: TestClient, name: str) -> None:
    _register(client, name, "one")
    _register(client, name, "two")

    created = client.put(f"/prompts/{name}/aliases", json={"alias": "production", "version": 1})
    assert created.status_code == 200
    assert created.json() == {
        "name": name,
        "alias": "production",
        "version": 1,
        "uri": f"prompts:/{name}@production",
    }
    assert client.get(f"/prompts/{name}").json()["aliases"] == {"production": 1}

    moved = client.put(f"/prompts/{name}/aliases", json={"alias": "production", "version": 2})
    assert moved.json()["version"] == 2
    shown = client.get(f"/prompts/{name}").json()
    assert shown["aliases"] == {"production": 2}
    assert shown["versions"][0]["aliases"] == ["production"]

    assert client.delete(f"/prompts/{name}/aliases/production").status_code == 204
    assert client.get(f"/prompts/{name}").json()["aliases"] == {}
    again = client.delete(f"/prompts/{name}/aliases/production")
    assert again.status_code == 404
    assert "no alias 'production'" in again.json()["detail"]


def test_not_found_errors(client: TestClient, name: str) -> None:
    missing = client.get(f"/prompts/{name}")
    assert missing.status_code == 404
    assert "POST /prompts" in missing.json()["detail"]
    assert client.get(f"/prompts/{name}/versions/1").status_code == 404
    assert (
        client.put(f"/prompts/{name}/aliases", json={"alias": "prod", "version": 1}).status_code
        == 404
    )
    assert client.delete(f"/prompts/{name}/aliases/prod").status_code == 404

    _register(client, name, "only")
    no_version = client.get(f"/prompts/{name}/versions/4")
    assert no_version.status_code == 404
    assert "no version 4" in no_version.json()["detail"]


def _locations(response: object) -> list[list[str | int]]:
    body = response.json()  # type: ignore[attr-defined]
    return [item["loc"] for item in body["detail"]]


def test_validation_errors_point_at_the_field(client: TestClient, name: str) -> None:
    bad_name = client.post("/prompts", json={"name": "no spaces", "template": "x"})
    assert bad_name.status_code == 422
    assert _locations(bad_name) == [["body", "name"]]

    blank = client.post("/prompts", json={"name": name, "template": "   "})
    assert blank.status_code == 422
    assert _locations(blank) == [["body", "template"]]

    extra = client.post("/prompts", json={"name": name, "template": "x", "owner": "me"})
    assert extra.status_code == 422

    _register(client, name, "v1")
    reserved = client.put(f"/prompts/{name}/aliases", json={"alias": "latest", "version": 1})
    assert reserved.status_code == 422
    assert _locations(reserved) == [["body", "alias"]]
    assert "reserved" in reserved.json()["detail"][0]["msg"]

    unknown_version = client.put(f"/prompts/{name}/aliases", json={"alias": "prod", "version": 9})
    assert unknown_version.status_code == 422
    assert _locations(unknown_version) == [["body", "version"]]

    assert client.delete(f"/prompts/{name}/aliases/v1").status_code == 422
    assert client.get("/prompts/bad%20name").status_code == 422
    assert client.get("/prompts", params={"q": "a'b"}).status_code == 422
    bad_token = client.get("/prompts", params={"page_token": "garbage"})
    assert bad_token.status_code == 422
    assert _locations(bad_token) == [["query", "page_token"]]
    assert "garbage" not in bad_token.text


def test_conflict_with_a_registered_model(
    client: TestClient, prompt_registry: PromptRegistry, name: str
) -> None:
    from mlflow import MlflowClient

    MlflowClient(
        tracking_uri=prompt_registry.tracking_uri, registry_uri=prompt_registry.registry_uri
    ).create_registered_model(name)
    conflict = client.post("/prompts", json={"name": name, "template": "x"})
    assert conflict.status_code == 409
    assert "registered model" in conflict.json()["detail"]


def test_without_a_registry_the_api_says_how_to_configure_it() -> None:
    with TestClient(_app(None), headers=admin_headers()) as bare:
        response = bare.get("/prompts")
    assert response.status_code == 503
    assert "HUB_MLFLOW_TRACKING_URI" in response.json()["detail"]


def test_openapi_declares_bodies_and_errors(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert set(paths) == {
        "/prompts",
        "/prompts/{name}",
        "/prompts/{name}/versions/{version}",
        "/prompts/{name}/aliases",
        "/prompts/{name}/aliases/{alias}",
    }
    assert {"201", "409", "422"} <= set(paths["/prompts"]["post"]["responses"])
    assert {"200", "404", "422"} <= set(paths["/prompts/{name}"]["get"]["responses"])
    assert {"200", "404", "422"} <= set(paths["/prompts/{name}/aliases"]["put"]["responses"])
    assert {"204", "404"} <= set(paths["/prompts/{name}/aliases/{alias}"]["delete"]["responses"])


# --------------------------------------------------------------------------- fuzzing


@pytest.fixture(scope="session")
def fuzz_registry(tmp_path_factory: pytest.TempPathFactory) -> PromptRegistry:
    """A store of its own: generated names (``extractor-system``...) must not leak elsewhere."""
    return PromptRegistry(f"sqlite:///{tmp_path_factory.mktemp('mlflow-fuzz') / 'mlflow.db'}")


#: Built at import (schemathesis needs the schema then); the registry is attached per test.
_FUZZ_APP = _app(None)
fuzzed = schemathesis.openapi.from_asgi("/openapi.json", _FUZZ_APP)


@fuzzed.parametrize()
@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
def test_fuzzed_requests_never_fail_the_server(
    case: schemathesis.Case, fuzz_registry: PromptRegistry
) -> None:
    """Generated requests get a declared status and a body matching the declared model."""
    _FUZZ_APP.state.prompt_registry = fuzz_registry
    # A made-up page token is schema-valid yet refused (422): tokens are opaque.
    # Starlette's 405 lists only the methods of the first route matching the path.
    # Negative cases are not negative here: the admin header replaces a generated bad
    # Authorization, and a null/object query value is sent as a plain string (found by
    # the fuzzer: GET /prompts "accepted" such a case with 200). As in test_fuzz.py.
    case.call_and_validate(
        headers=admin_headers(),
        excluded_checks=[
            positive_data_acceptance,
            negative_data_rejection,
            allow_header_conformance,
        ],
    )
