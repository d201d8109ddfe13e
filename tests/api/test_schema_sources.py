"""Schema URIs resolved at deploy and pinned into the release; the /schemas registry;
refusals for every source (allowlist, folder, names, JSON, JSON Schema); an end-to-end
check that the agent runtime validates its output against the pinned registered schema."""

from __future__ import annotations

import http.server
import io
import json
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from agents.base.app import create_agent_app
from agents.mapper.agent import create_agent as create_mapper
from api.app import create_app
from api.config import ApiConfig
from api.releases.service import schema_uri_issues
from api.schemas.sources import (
    SchemaSourceError,
    SchemaSources,
    SchemaSourcesConfig,
    prefix_allowed,
)
from hub.settings import Settings
from hub.wiring import schema_sources_config
from schemas.library import BUILTIN_SCHEMA_PREFIX, BUILTIN_SCHEMAS, default_config
from schemas.orchestration import ExecutionPlan, ResolvedAgentConfig
from storage.artifacts import LocalArtifactStore, S3ArtifactStore
from storage.repositories import AgentRepository, ReleaseRepository
from tests.auth_support import GENEROUS_AUTH, admin_headers, auth_headers

MAX_BYTES = 4096
OUTPUT_PATH = ["agents", "{agent}", "config", "schemas", "output_schema_uri"]
ORCHESTRATION = """\
version: "1.0"
app_id: {app_id}
name: Schema sources
agents:
  - id: {agent_id}
workflow:
  - step: map
    agent_id: {agent_id}
    inputs:
      - source: trigger
        field: extracted_data
    outputs:
      - name: mapped
"""
#: The mapper's output never has this property: a schema the agent's output violates.
STRICT_OUTPUT = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {"covenant_breach": {"type": "boolean"}},
    "required": ["covenant_breach"],
}
MAPPER_INPUT = {
    "type": "object",
    "properties": {"extracted_data": {"type": "object"}},
    "required": ["extracted_data"],
}


def _schema(tag: str) -> dict[str, Any]:
    """A distinct valid schema, so each test can tell which one was pinned."""
    return {"type": "object", "properties": {tag: {"type": "string"}}, "title": tag}


# ----------------------------------------------------------------- fixtures


class _SchemaHandler(http.server.BaseHTTPRequestHandler):
    """Serves schemas under /schemas/ and hostile answers elsewhere."""

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        port = self.server.server_address[1]
        routes: dict[str, tuple[int, dict[str, str], bytes]] = {
            "/schemas/good.json": (200, {}, json.dumps(_schema("from_http")).encode()),
            "/schemas/not-json.json": (200, {}, b"{not json"),
            "/schemas/not-a-schema.json": (200, {}, json.dumps({"type": 12}).encode()),
            "/schemas/huge.json": (200, {}, b" " * (MAX_BYTES + 10) + b"{}"),
            "/schemas/missing.json": (404, {}, b"no"),
            "/schemas/redirect.json": (
                302,
                {"Location": f"http://localhost:{port}/schemas/good.json"},
                b"",
            ),
            "/other/good.json": (200, {}, json.dumps(_schema("outside")).encode()),
        }
        if self.path == "/schemas/slow.json":
            time.sleep(1.5)
        code, headers, body = routes.get(self.path, (200, {}, b"{}"))
        self.send_response(code)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: Any) -> None:
        """Quiet: the test output is the report."""


@pytest.fixture(scope="module")
def schema_server() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _SchemaHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def schema_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sources")
    folder = root / "schemas"
    folder.mkdir()
    (folder / "good.json").write_text(json.dumps(_schema("from_file")))
    (folder / "not-json.json").write_text("{'single': 'quotes'}")
    (folder / "not-a-schema.json").write_text(json.dumps({"required": "everything"}))
    (folder / "array.json").write_text("[1, 2]")
    (folder / "huge.json").write_text(" " * (MAX_BYTES + 1) + "{}")
    (root / "secret.json").write_text(json.dumps(_schema("secret")))
    (folder / "escape.json").symlink_to(root / "secret.json")
    return folder


@pytest.fixture(scope="module")
def sources_app(
    database_url: str,
    schema_dir: Path,
    schema_server: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[FastAPI]:
    app = create_app(
        ApiConfig(database_url=database_url, auth=GENEROUS_AUTH),
        artifact_store=LocalArtifactStore(tmp_path_factory.mktemp("schema-artifacts")),
        schema_sources=SchemaSourcesConfig(
            schema_dir=schema_dir,
            url_allowlist=(f"{schema_server}/schemas",),
            max_bytes=MAX_BYTES,
            fetch_timeout_seconds=0.5,
        ),
    )
    yield app
    app.state.engine.dispose()


@pytest.fixture(scope="module")
def admin(sources_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(sources_app, headers=admin_headers()) as client:
        yield client


def register(client: TestClient, name: str, schema: dict[str, Any], **extra: Any) -> Any:
    answer = client.post("/schemas", json={"name": name, "schema": schema, **extra})
    assert answer.status_code == 201, answer.text
    return answer.json()


def app_with_mapper(
    client: TestClient,
    output_uri: str | None,
    *,
    input_uri: str | None = None,
    on_violation: str = "fail",
    headers: dict[str, str] | None = None,
) -> tuple[str, str]:
    """A draft app with one mapper agent whose schemas are the given URIs."""
    headers = headers or {}
    app_id = client.post("/apps", json={"name": f"s-{uuid.uuid4().hex[:6]}"}, headers=headers)
    assert app_id.status_code == 201, app_id.text
    app_id = app_id.json()["id"]
    config = default_config("mapper").model_dump(mode="json")
    config["schemas"] = {
        "input_schema_uri": input_uri,
        "output_schema_uri": output_uri,
        "on_violation": on_violation,
        "max_repairs": 0,
    }
    agent = client.post(
        f"/apps/{app_id}/agents",
        json={"name": "Mapper", "type": "mapper", "config": config},
        headers=headers,
    )
    assert agent.status_code == 201, agent.text
    agent_id = agent.json()["id"]
    put = client.put(
        f"/orchestration/{app_id}",
        content=ORCHESTRATION.format(app_id=app_id, agent_id=agent_id),
        headers={**headers, "Content-Type": "application/yaml"},
    )
    assert put.status_code == 200, put.text
    return app_id, agent_id


def pinned(app: FastAPI, app_id: str, agent_id: str) -> ResolvedAgentConfig:
    """The resolved config of ``agent_id`` in the app's latest release."""
    with app.state.session_factory() as session:
        release = ReleaseRepository(session).latest(app_id)
        assert release is not None
        plan = ExecutionPlan.model_validate(release.plan)
    (agent,) = [a for a in plan.agents.values() if a.id == agent_id]
    assert agent.config is not None
    return agent.config


def deploy_error(client: TestClient, app_id: str, agent_id: str) -> str:
    answer = client.post(f"/apps/{app_id}/deploy")
    assert answer.status_code == 422, answer.text
    (item,) = answer.json()["detail"]
    assert item["loc"] == [p.format(agent=agent_id) for p in OUTPUT_PATH]
    assert item["path"] == f"/agents/{agent_id}/config/schemas/output_schema_uri"
    return str(item["msg"])


# ----------------------------------------------------------------- the registry


def test_registering_versions_listing_and_showing(admin: TestClient) -> None:
    name = f"credit-memo-input-{uuid.uuid4().hex[:6]}"
    first = register(admin, name, _schema("one"), description="first cut")
    assert (first["version"], first["uri"]) == (1, f"schema:{name}/1")
    assert first["schema"] == _schema("one") and first["created_by"]
    second = register(admin, name, _schema("two"))
    assert second["version"] == 2

    detail = admin.get(f"/schemas/{name}").json()
    assert detail["latest_version"] == 2
    assert [v["version"] for v in detail["versions"]] == [2, 1]
    assert detail["versions"][1]["schema"] == _schema("one")
    assert admin.get(f"/schemas/{name}/versions/1").json()["description"] == "first cut"
    missing_version = admin.get(f"/schemas/{name}/versions/9")
    assert missing_version.status_code == 404 and "newest is 2" in missing_version.text

    page = admin.get("/schemas", params={"q": name}).json()
    assert page["total"] == 1
    assert page["items"][0] | {"updated_at": None} == {
        "name": name,
        "latest_version": 2,
        "description": "",
        "updated_at": None,
    }
    assert admin.get("/schemas", params={"q": f"{name}-nothing"}).json()["total"] == 0
    assert admin.get("/schemas/never-registered").status_code == 404


def test_the_list_pages_in_name_order(admin: TestClient) -> None:
    tag = uuid.uuid4().hex[:6]
    names = [f"paged-{tag}-{i}" for i in range(5)]
    for name in reversed(names):
        register(admin, name, _schema(name))
    seen = []
    for offset in range(0, 5, 2):
        page = admin.get("/schemas", params={"q": f"paged-{tag}", "limit": 2, "offset": offset})
        assert page.json()["total"] == 5
        seen += [item["name"] for item in page.json()["items"]]
    assert seen == names


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "x-bad", "schema": {"type": 12}}, "schema"),
        ({"name": "x-bad", "schema": {"properties": []}}, "schema"),
        ({"name": "Bad Name!", "schema": {}}, "name"),
        ({"name": "x-bad", "schema": [1]}, "schema"),
        ({"name": "x-bad"}, "schema"),
    ],
)
def test_registering_something_that_is_not_a_json_schema_is_422_at_the_field(
    admin: TestClient, body: dict[str, Any], field: str
) -> None:
    answer = admin.post("/schemas", json=body)
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"][0]["loc"] == ["body", field]


def test_the_catalogue_is_shared_and_only_editors_register(admin: TestClient) -> None:
    name = f"shared-{uuid.uuid4().hex[:6]}"
    answer = admin.post(
        "/schemas",
        json={"name": name, "schema": _schema("team")},
        headers=auth_headers("editor", ("team-a",)),
    )
    assert answer.status_code == 201
    other_team = admin.get(f"/schemas/{name}", headers=auth_headers("viewer", ("team-b",)))
    assert other_team.status_code == 200
    refused = admin.post(
        "/schemas",
        json={"name": name, "schema": _schema("team")},
        headers=auth_headers("operator", ("team-a",)),
    )
    assert refused.status_code == 403
    audit = admin.get("/audit", params={"action": "schema.register", "object_id": f"{name}/1"})
    assert audit.status_code == 200 and len(audit.json()) == 1


# ----------------------------------------------------------------- each form pinned


def test_each_uri_form_resolves_and_is_pinned_into_the_release(
    admin: TestClient, sources_app: FastAPI, schema_dir: Path, schema_server: str
) -> None:
    name = f"memo-out-{uuid.uuid4().hex[:6]}"
    register(admin, name, _schema("registered-1"))
    register(admin, name, _schema("registered-2"))
    register(admin, f"{name}-in", MAPPER_INPUT)
    artifact = admin.post(
        "/artifacts",
        files={"file": ("s.json", json.dumps(_schema("artifact")).encode(), "application/json")},
    ).json()
    builtin = f"{BUILTIN_SCHEMA_PREFIX}mapper-output.json"
    cases = [
        (builtin, BUILTIN_SCHEMAS[builtin], builtin),
        (f"schema:{name}", _schema("registered-2"), f"schema:{name}/2"),
        (f"schema:{name}/1", _schema("registered-1"), f"schema:{name}/1"),
        (f"file://{schema_dir}/good.json", _schema("from_file"), None),
        (f"{schema_server}/schemas/good.json", _schema("from_http"), None),
        (artifact["uri"], _schema("artifact"), None),
    ]
    for uri, expected, pinned_uri in cases:
        app_id, agent_id = app_with_mapper(admin, uri, input_uri=f"schema:{name}-in")
        answer = admin.post(f"/apps/{app_id}/deploy")
        assert answer.status_code == 200, (uri, answer.text)
        config = pinned(sources_app, app_id, agent_id)
        assert config.output_schema == expected, uri
        assert config.input_schema == MAPPER_INPUT
        assert config.config.schemas.output_schema_uri == (pinned_uri or uri)


def test_a_new_registered_version_does_not_change_an_existing_release(
    admin: TestClient, sources_app: FastAPI
) -> None:
    name = f"moving-{uuid.uuid4().hex[:6]}"
    register(admin, name, _schema("v1"))
    app_id, agent_id = app_with_mapper(admin, f"schema:{name}")
    assert admin.post(f"/apps/{app_id}/deploy").status_code == 200
    with sources_app.state.session_factory() as session:
        first_release = ReleaseRepository(session).latest(app_id)
        assert first_release is not None
        first_id = first_release.id

    register(admin, name, _schema("v2"))
    with sources_app.state.session_factory() as session:
        release = ReleaseRepository(session).get(first_id)
        assert release is not None
        (agent,) = ExecutionPlan.model_validate(release.plan).agents.values()
        assert agent.config is not None and agent.config.output_schema == _schema("v1")
        assert agent.config.config.schemas.output_schema_uri == f"schema:{name}/1"

    assert admin.post(f"/apps/{app_id}/deploy").status_code == 200
    assert pinned(sources_app, app_id, agent_id).output_schema == _schema("v2")
    with sources_app.state.session_factory() as session:
        release = ReleaseRepository(session).get(first_id)
        assert release is not None
        (agent,) = ExecutionPlan.model_validate(release.plan).agents.values()
        assert agent.config is not None and agent.config.output_schema == _schema("v1")


# ----------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("uri", "says"),
    [
        ("http://schemas.example.invalid/good.json", "HUB_SCHEMA_URL_ALLOWLIST"),
        ("{server}/other/good.json", "HUB_SCHEMA_URL_ALLOWLIST"),
        ("{server}/schemas/../other/good.json", "HUB_SCHEMA_URL_ALLOWLIST"),
        ("{server}/schemasX/good.json", "HUB_SCHEMA_URL_ALLOWLIST"),
        ("{server}/schemas/redirect.json", "redirects are not followed"),
        ("{server}/schemas/huge.json", "HUB_SCHEMA_MAX_BYTES"),
        ("{server}/schemas/missing.json", "HTTP 404"),
        ("{server}/schemas/not-json.json", "not valid JSON"),
        ("{server}/schemas/not-a-schema.json", "not a valid JSON Schema 2020-12"),
        ("{server}/schemas/slow.json", "HUB_SCHEMA_FETCH_TIMEOUT_SECONDS"),
        ("file:///etc/passwd", "outside HUB_SCHEMA_DIR"),
        ("file://{dir}/../secret.json", "outside HUB_SCHEMA_DIR"),
        ("file://{dir}/escape.json", "outside HUB_SCHEMA_DIR"),
        ("file://{dir}/absent.json", "no such file"),
        ("file://{dir}/not-json.json", "not valid JSON"),
        ("file://{dir}/array.json", "not an object"),
        ("file://{dir}/huge.json", "HUB_SCHEMA_MAX_BYTES"),
        ("file://{dir}/not-a-schema.json", "not a valid JSON Schema 2020-12"),
        ("schema:never-registered-anywhere", "POST /schemas"),
        ("schema:{registered}/7", "has no version 7"),
        ("schema:Bad_Name", "invalid schema name"),
        ("s3://schemas/extractor-input.json", "POST /schemas"),
        ("artifact://art-00000000000000000000000000000000", "not found"),
        ("builtin://schemas/nothing.json", "not a built-in schema"),
        ("ftp://schemas.example.invalid/x.json", "unknown scheme"),
    ],
)
def test_unresolvable_schema_uris_are_422_at_the_agents_config_path(
    admin: TestClient, schema_dir: Path, schema_server: str, uri: str, says: str
) -> None:
    registered = f"reg-{uuid.uuid4().hex[:6]}"
    register(admin, registered, _schema("only-v1"))
    concrete = uri.format(server=schema_server, dir=schema_dir, registered=registered)
    app_id, agent_id = app_with_mapper(admin, concrete)
    message = deploy_error(admin, app_id, agent_id)
    assert says in message, message
    assert "secret" not in message or "secret.json" in concrete
    # No release was made, and orchestration validation still answers (it only reports).
    assert admin.get(f"/apps/{app_id}").json()["status"] == "draft"
    assert admin.post(f"/orchestration/{app_id}/validate").status_code == 200


def test_another_teams_artifact_reads_as_not_found(admin: TestClient) -> None:
    uploaded = admin.post(
        "/artifacts",
        files={"file": ("s.json", json.dumps(_schema("a")).encode(), "application/json")},
        headers=auth_headers("operator", ("team-a",)),
    ).json()
    b = auth_headers("admin", ("team-b",))
    app_id, agent_id = app_with_mapper(admin, uploaded["uri"], headers=b)
    answer = admin.post(f"/apps/{app_id}/deploy", headers=b)
    assert answer.status_code == 422
    assert f"artifact {uploaded['id']!r} not found" in answer.json()["detail"][0]["msg"]
    a = auth_headers("admin", ("team-a",))
    app_id, _ = app_with_mapper(admin, uploaded["uri"], headers=a)
    assert admin.post(f"/apps/{app_id}/deploy", headers=a).status_code == 200


def test_validation_reports_unresolvable_schema_uris_at_the_config_field(
    admin: TestClient, sources_app: FastAPI, schema_dir: Path
) -> None:
    """What ``POST /agents/{id}/validate`` adds to its report
    (api.releases.service.schema_uri_issues)."""
    app_id, agent_id = app_with_mapper(
        admin, "schema:never-registered-anywhere", input_uri=f"file://{schema_dir}/good.json"
    )
    with sources_app.state.session_factory() as session:
        agent = AgentRepository(session).get(agent_id)
        assert agent is not None
        issues = schema_uri_issues(session, agent, agent.config)
        assert [issue.path for issue in issues] == ["/schemas/output_schema_uri"]
        assert "POST /schemas" in issues[0].message
        assert schema_uri_issues(session, agent, {"model": "not a config"}) == []
    report = admin.post(f"/agents/{agent_id}/validate").json()
    assert report["valid"] is False
    assert "/schemas/output_schema_uri" in [error["path"] for error in report["errors"]]


# ----------------------------------------------------------------- sources, directly


class _S3Objects:
    """The two calls of boto3's S3 client the resolver makes, over a dict of objects."""

    def __init__(self, objects: dict[tuple[str, str], bytes]) -> None:
        self.objects = objects

    def get_object(self, *, Bucket: str, Key: str) -> dict[str, Any]:  # noqa: N803 (boto3)
        data = self.objects[(Bucket, Key)]
        return {"Body": io.BytesIO(data), "ContentLength": len(data)}


def test_s3_uris_read_through_the_artifact_stores_client_when_allowlisted(
    sources_app: FastAPI,
) -> None:
    client = _S3Objects({("schemas", "extractor-input.json"): json.dumps(_schema("s3")).encode()})
    store = S3ArtifactStore("hub-artifacts", client=client)
    allowed = SchemaSources(SchemaSourcesConfig(url_allowlist=("s3://schemas",)), store)
    closed = SchemaSources(SchemaSourcesConfig(), store)
    with sources_app.state.session_factory() as session:
        found = allowed.resolver(session, None).resolve("s3://schemas/extractor-input.json")
        assert found.schema == _schema("s3")
        with pytest.raises(SchemaSourceError, match="HUB_SCHEMA_URL_ALLOWLIST"):
            closed.resolver(session, None).resolve("s3://schemas/extractor-input.json")
        with pytest.raises(SchemaSourceError, match="could not be read from S3"):
            allowed.resolver(session, None).resolve("s3://schemas/absent.json")


def test_without_configured_sources_only_builtins_and_the_registry_resolve(
    sources_app: FastAPI, schema_dir: Path
) -> None:
    bare = SchemaSources()
    with sources_app.state.session_factory() as session:
        resolver = bare.resolver(session, None)
        builtin = f"{BUILTIN_SCHEMA_PREFIX}mapper-output.json"
        assert resolver.resolve(builtin).schema == BUILTIN_SCHEMAS[builtin]
        for uri, says in [
            (f"file://{schema_dir}/good.json", "HUB_SCHEMA_DIR is not set"),
            ("https://schemas.example.invalid/x.json", "HUB_SCHEMA_URL_ALLOWLIST"),
            ("artifact://art-00000000000000000000000000000000", "no artifact store"),
        ]:
            with pytest.raises(SchemaSourceError, match=says):
                resolver.resolve(uri)


def test_allowlist_prefixes_compare_parsed_parts() -> None:
    allow = ("https://schemas.example.com/hub",)
    assert prefix_allowed("https://schemas.example.com/hub/a.json", allow)
    assert not prefix_allowed("https://schemas.example.com.evil.io/hub/a.json", allow)
    assert not prefix_allowed("https://schemas.example.com/hubris/a.json", allow)
    assert not prefix_allowed("http://schemas.example.com/hub/a.json", allow)
    assert not prefix_allowed("https://user@schemas.example.com/hub/a.json", allow)
    for trick in ("/hub/../admin.json", "/hub/%2e%2e/admin.json", "/hub/..%2fadmin.json"):
        assert not prefix_allowed(f"https://schemas.example.com{trick}", allow), trick


def test_settings_wire_the_schema_folder_under_hub_home(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, schema_url_allowlist=["https://schemas.example.com"])
    config = schema_sources_config(settings)
    assert config.schema_dir == (tmp_path / "schemas").resolve() and config.schema_dir.is_dir()
    assert config.url_allowlist == ("https://schemas.example.com",)
    assert config.max_bytes == 1024 * 1024


# ----------------------------------------------------------------- end to end


async def test_the_agent_validates_its_output_against_the_pinned_registered_schema(
    admin: TestClient, sources_app: FastAPI
) -> None:
    """Deploy pins a registered schema; the mapper's real output violates it: 422 or warn."""
    name = f"strict-out-{uuid.uuid4().hex[:6]}"
    register(admin, name, STRICT_OUTPUT)
    app_id, agent_id = app_with_mapper(admin, f"schema:{name}")
    assert admin.post(f"/apps/{app_id}/deploy").status_code == 200
    failing = pinned(sources_app, app_id, agent_id)
    assert failing.output_schema == STRICT_OUTPUT

    agent_app = create_agent_app(create_mapper())
    body = {
        "run_id": "run-schema-e2e",
        "step_id": "map",
        "attempt": 1,
        "idempotency_key": f"e2e-{uuid.uuid4().hex}",
        "agent_id": agent_id,
        "agent_type": "mapper",
        "inputs": {"extracted_data": {"borrower_name": "Harbor Foods", "loan_amount": "$1.2M"}},
    }
    transport = httpx.ASGITransport(app=agent_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://agent") as agent:
        refused = await agent.post(
            "/invoke", json={**body, "config": failing.model_dump(mode="json")}
        )
        assert refused.status_code == 422, refused.text
        violations = refused.json()["violations"]
        assert violations and "covenant_breach" in violations[0]["message"]

        config = admin.get(f"/agents/{agent_id}/config").json()
        config["schemas"]["on_violation"] = "warn"
        assert admin.put(f"/agents/{agent_id}/config", json=config).status_code == 200
        assert admin.post(f"/apps/{app_id}/deploy").status_code == 200
        warning = pinned(sources_app, app_id, agent_id)
        assert warning.output_schema == STRICT_OUTPUT
        warned = await agent.post(
            "/invoke",
            json={
                **body,
                "idempotency_key": f"e2e-{uuid.uuid4().hex}",
                "config": warning.model_dump(mode="json"),
            },
        )
        assert warned.status_code == 200, warned.text
        assert warned.json()["outputs"]["borrower_name"] == "Harbor Foods"
        recorded = warned.json()["violations"]
        assert [(v["pointer"], v["attempt"]) for v in recorded] == [("", 1)]
        assert "covenant_breach" in recorded[0]["message"]
