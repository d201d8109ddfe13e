"""Fixtures of the API suite: every test runs on SQLite and on PostgreSQL.

PostgreSQL: a fresh database per session on 127.0.0.1:5432 (dropped afterwards).
When the server is unreachable the PostgreSQL half fails under CI (env ``CI``) and
is skipped, with the reason, elsewhere.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from api.config import ApiConfig
from storage.migrations import upgrade
from tests.auth_support import GENEROUS_AUTH, admin_headers

PG_HOST = os.environ.get("HUB_TEST_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("HUB_TEST_PG_PORT", "5432"))
PG_USER = os.environ.get("HUB_TEST_PG_USER", "postgres")
PG_ADMIN_DB = os.environ.get("HUB_TEST_PG_DB", "test")
#: Small enough for tests to exceed cheaply, large enough for every real body.
TEST_MAX_BODY_BYTES = 256 * 1024


def _admin_connect():  # type: ignore[no-untyped-def]
    import psycopg

    return psycopg.connect(
        host=PG_HOST,
        port=PG_PORT,
        user=PG_USER,
        dbname=PG_ADMIN_DB,
        autocommit=True,
        connect_timeout=3,
    )


@pytest.fixture(scope="session")
def postgresql_url() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for this test session."""
    import psycopg

    try:
        admin = _admin_connect()
    except psycopg.OperationalError as exc:
        reason = (
            f"!!! PostgreSQL at {PG_HOST}:{PG_PORT} is unreachable ({exc}); the PostgreSQL "
            "half of the API suite did NOT run !!!"
        )
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    name = f"hub_api_test_{uuid.uuid4().hex[:12]}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql+psycopg://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"
    try:
        upgrade(url)
        yield url
    finally:
        with _admin_connect() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A fresh, migrated SQLite database file for this test session."""
    path: Path = tmp_path_factory.mktemp("api-sqlite") / "hub.db"
    url = f"sqlite:///{path}"
    upgrade(url)
    return url


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> str:
    """The database of the current backend (each API test runs once per backend)."""
    return str(request.getfixturevalue(f"{request.param}_url"))


@pytest.fixture(scope="session")
def api_app(database_url: str) -> Iterator[FastAPI]:
    app = create_app(
        ApiConfig(database_url=database_url, max_body_bytes=TEST_MAX_BODY_BYTES, auth=GENEROUS_AUTH)
    )
    yield app
    app.state.engine.dispose()


@pytest.fixture(scope="session")
def client(api_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(api_app, headers=admin_headers()) as test_client:
        yield test_client


@pytest.fixture
def new_app(client: TestClient) -> dict[str, object]:
    """A fresh draft app."""
    response = client.post("/apps", json={"name": f"Test app {uuid.uuid4().hex[:8]}"})
    assert response.status_code == 201, response.text
    return dict(response.json())


#: The platform document's "Create App" request, verbatim.
DOC_CREATE_APP = {
    "name": "Credit Memo Processor",
    "description": "Automated credit memo analysis pipeline",
}

#: The platform document's "Create Agent" request, verbatim.
DOC_CREATE_AGENT = {
    "name": "Document Extractor",
    "type": "extractor",
    "type_category": "function",
    "category": "document_analysis",
    "description": "Extracts structured data from PDF documents",
    "config": {
        "model": {
            "provider": "azure_openai",
            "model_name": "gpt-4o",
            "temperature": 0.3,
            "max_tokens": 4096,
        },
        "prompts": {
            "system_prompt_uri": "mlflow:/prompts/extractor-system-v1",
            "task_prompt_uri": "mlflow:/prompts/extractor-task-v1",
        },
        "schemas": {
            "input_schema_uri": "s3://schemas/extractor-input.json",
            "output_schema_uri": "s3://schemas/extractor-output.json",
        },
        "tools": [
            {"id": "pdf-parser", "enabled": True},
            {"id": "ocr-engine", "enabled": True},
        ],
        "memory": {"enabled": True, "type": "buffer", "max_messages": 10},
    },
}

#: The platform document's orchestration YAML, verbatim except for the ``{...}`` ids.
DOC_ORCHESTRATION_YAML = """\
version: "1.0"
app_id: "{app_id}"
name: "Credit Memo Pipeline"

agents:
  - id: "{agent1}"
    name: "Document Extractor"
    type: "extractor"
    
  - id: "{agent2}"
    name: "Risk Analyzer"
    type: "analysis"
    
  - id: "{agent3}"
    name: "Report Generator"
    type: "summarizer"

workflow:
  - step: 1
    agent_id: "{agent1}"
    inputs:
      - source: "trigger"
        field: "document"
    outputs:
      - name: "extracted_data"
        
  - step: 2
    agent_id: "{agent2}"
    inputs:
      - source: "{agent1}"
        field: "extracted_data"
    outputs:
      - name: "risk_analysis"
      
  - step: 3
    agent_id: "{agent3}"
    inputs:
      - source: "{agent2}"
        field: "risk_analysis"
    outputs:
      - name: "final_report"
"""


@pytest.fixture
def doc_create_app() -> dict[str, object]:
    return dict(DOC_CREATE_APP)


@pytest.fixture
def doc_create_agent() -> dict[str, object]:
    return dict(DOC_CREATE_AGENT)


@pytest.fixture
def doc_orchestration_yaml() -> str:
    return DOC_ORCHESTRATION_YAML


@pytest.fixture
def pipeline(client: TestClient, new_app: dict[str, object]) -> dict[str, str]:
    """A draft app with an extractor, an analyzer and a summarizer (library defaults)."""
    ids = {"app_id": str(new_app["id"])}
    for key, agent_type in (
        ("agent1", "extractor"),
        ("agent2", "analyzer"),
        ("agent3", "summarizer"),
    ):
        response = client.post(
            f"/apps/{ids['app_id']}/agents", json={"name": agent_type.title(), "type": agent_type}
        )
        assert response.status_code == 201, response.text
        ids[key] = response.json()["id"]
    return ids


def pipeline_yaml(ids: dict[str, str]) -> str:
    """The document's pipeline with agent types matching the real agents."""
    return DOC_ORCHESTRATION_YAML.format(**ids).replace('type: "analysis"', 'type: "analyzer"')


@pytest.fixture
def deployable_yaml(pipeline: dict[str, str]) -> str:
    return pipeline_yaml(pipeline)
