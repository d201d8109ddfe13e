"""Schema-driven fuzzing over our own OpenAPI: no 500s, and every response conforms.

Schemathesis generates valid and invalid requests for every operation (path ids,
query parameters, JSON bodies, YAML text) and checks status codes, content types,
headers and bodies against what the OpenAPI document declares. Some cases use the
ids of a real app and agent so that the fuzzing reaches past the 404s.
"""

from __future__ import annotations

import uuid
from typing import Any

import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.auth_support import admin_headers

#: 5xx other than a declared 503 (a dependency this test app runs without) is a bug.
CHECKS = [
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
#: Per operation and database. tests/e2e/test_api_contract.py runs schemathesis's coverage and
#: stateful phases against a started stack as well, so this in-process pass stays short.
EXAMPLES_PER_OPERATION = 15


@schemathesis.serializer("application/yaml")
def _yaml_text(ctx: Any, value: Any) -> bytes:
    if isinstance(value, bytes):
        return value
    return str(value).encode("utf-8", "surrogatepass")


def _real_ids(client: TestClient) -> dict[str, str]:
    app = client.post("/apps", json={"name": f"fuzz target {uuid.uuid4().hex[:8]}"}).json()
    agent = client.post(
        f"/apps/{app['id']}/agents", json={"name": "fuzz agent", "type": "extractor"}
    ).json()
    return {"app_id": app["id"], "agent_id": agent["id"]}


def test_api_never_fails_and_conforms_to_its_openapi(api_app: FastAPI, client: TestClient) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", api_app)
    ids = _real_ids(client)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 17  # every route of the API is fuzzed

    failures: list[str] = []
    for operation in operations:
        strategies = [
            operation.as_strategy(GenerationMode.POSITIVE),
            operation.as_strategy(GenerationMode.NEGATIVE),
        ]
        names = {p.name for p in operation.path_parameters}
        if names:
            real = {name: ids[name] for name in names if name in ids}
            strategies.append(operation.as_strategy(GenerationMode.POSITIVE, path_parameters=real))
            strategies.append(operation.as_strategy(GenerationMode.NEGATIVE, path_parameters=real))

        @given(case=st.one_of(strategies))
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def fuzz(case: schemathesis.Case) -> None:
            response = case.call(headers=admin_headers())
            assert response.status_code < 500 or response.status_code == 503, (
                f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text}"
            )
            case.validate_response(response, checks=CHECKS)

        try:
            fuzz()
        except Exception as exc:  # collect every operation's failure, then report all
            failures.append(f"{operation.label}: {exc}")
    assert not failures, "\n\n".join(failures)
