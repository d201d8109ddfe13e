"""The agent HTTP runtime: protocol endpoints, errors, idempotent replay and the repair loop."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from agents.base.app import create_agent_app
from agents.base.llm import CompletionRequest, CompletionResult, LLMProvider, ProviderError
from agents.base.providers.local import LocalProvider
from agents.mapper.agent import create_agent as create_mapper
from agents.summarizer.agent import create_agent as create_summarizer
from schemas.agents import FallbackModel
from schemas.library import default_config
from tests.agents.conftest import invoke_body

EXTRACTED = {
    "borrower_name": "Harbor Foods Co.",
    "industry": "Retail grocery",
    "as_of_date": "June 30, 2024",
    "loan_amount": "$1.2M",
    "annual_revenue": "12,400,000",
    "ebitda": "$2.1 million",
    "net_income": "(350,000)",
    "total_debt": "$5.3M",
    "interest_expense": "$380,000",
    "annual_debt_service": "$1,400,000",
    "current_assets": "$3.1M",
    "current_liabilities": "$2.6M",
    "collateral_value": "$1,800,000",
    "interest_rate": "6.75%",
}


class FirstWrongThenLocal:
    """Provider double: ``wrong_answers`` invalid outputs first, then answers as ``local``."""

    name = "double"

    def __init__(self, wrong_answers: int) -> None:
        self.wrong_answers = wrong_answers
        self.requests: list[CompletionRequest] = []

    async def complete(self, request: CompletionRequest) -> CompletionResult:
        self.requests.append(request)
        if len(self.requests) <= self.wrong_answers:
            data = {"borrower_name": "", "loan_amount": "lots"}
            return CompletionResult(json.dumps(data), data, 10, 5, "double-1", self.name)
        result = await LocalProvider().complete(request)
        return CompletionResult(result.text, result.data, 10, 5, "double-1", self.name)


class Failing:
    """A provider that fails the way a real adapter reports errors."""

    name = "failing"

    def __init__(self, error: ProviderError) -> None:
        self.error = error

    async def complete(self, request: CompletionRequest) -> CompletionResult:
        raise self.error


def client_for(app: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://agent")


@pytest.fixture
async def mapper_with(
    request: pytest.FixtureRequest,
) -> AsyncIterator[tuple[httpx.AsyncClient, LLMProvider]]:
    provider: LLMProvider = request.param
    async with client_for(create_agent_app(create_mapper(), lambda _name: provider)) as client:
        yield client, provider


async def test_health_ready_and_metadata(agents_client: httpx.AsyncClient) -> None:
    assert (await agents_client.get("/health")).json()["status"] == "ok"
    for agent_type in ("extractor", "mapper", "analyzer", "summarizer"):
        assert (await agents_client.get(f"/{agent_type}/health")).status_code == 200
        assert (await agents_client.get(f"/{agent_type}/ready")).json()["status"] == "ready"
        metadata = (await agents_client.get(f"/{agent_type}/metadata")).json()
        assert metadata["type"] == agent_type
        assert metadata["output_schema"]["$schema"].endswith("2020-12/schema")
        assert metadata["tools"] == [t.id for t in default_config(agent_type).tools]


async def test_malformed_body_is_a_422_with_the_field(agents_client: httpx.AsyncClient) -> None:
    response = await agents_client.post("/mapper/invoke", json={"run_id": "run-1"})
    assert response.status_code == 422
    missing = {tuple(err["loc"]) for err in response.json()["detail"]}
    assert ("body", "idempotency_key") in missing


async def test_inputs_violating_the_input_schema_name_the_pointer(
    agents_client: httpx.AsyncClient,
) -> None:
    response = await agents_client.post(
        "/analyzer/invoke", json=invoke_body("analyzer", {"mapped_data": "not an object"})
    )
    assert response.status_code == 422
    body = response.json()
    assert body["errors"][0]["pointer"] == "/inputs/mapped_data"
    assert "input schema" in body["detail"]


async def test_replay_with_the_same_idempotency_key_returns_the_stored_result(
    agents_client: httpx.AsyncClient,
) -> None:
    body = invoke_body("mapper", {"extracted_data": EXTRACTED}, idempotency_key="idem-1")
    first = await agents_client.post("/mapper/invoke", json=body)
    retried = await agents_client.post("/mapper/invoke", json={**body, "attempt": 2})
    assert first.status_code == retried.status_code == 200
    # Latency is measured per execution, so equality proves the work was not redone.
    assert retried.json() == first.json()
    other = await agents_client.post("/mapper/invoke", json={**body, "idempotency_key": "idem-2"})
    assert other.json()["outputs"] == first.json()["outputs"]
    assert other.json()["usage"]["latency_ms"] != first.json()["usage"]["latency_ms"]


@pytest.mark.parametrize("mapper_with", [FirstWrongThenLocal(wrong_answers=1)], indirect=True)
async def test_repair_loop_feeds_errors_back_and_records_violations(
    mapper_with: tuple[httpx.AsyncClient, FirstWrongThenLocal],
) -> None:
    client, provider = mapper_with
    response = await client.post(
        "/invoke", json=invoke_body("mapper", {"extracted_data": EXTRACTED})
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["outputs"]["loan_amount"] == 1_200_000
    assert body["outputs"]["net_income"] == -350_000
    pointers = {(v["pointer"], v["attempt"]) for v in body["violations"]}
    assert ("/loan_amount", 1) in pointers
    assert ("/borrower_name", 1) in pointers
    errors = [v for v in body["violations"] if v["severity"] == "error"]
    assert errors and all(v["attempt"] == 1 for v in errors)
    repair = provider.requests[1].messages[-1].content
    assert "/loan_amount" in repair
    assert body["usage"]["input_tokens"] == 20  # both attempts counted


@pytest.mark.parametrize("mapper_with", [FirstWrongThenLocal(wrong_answers=99)], indirect=True)
async def test_unrepairable_output_fails_with_422_or_warns(
    mapper_with: tuple[httpx.AsyncClient, FirstWrongThenLocal],
) -> None:
    client, provider = mapper_with
    config = default_config("mapper")
    response = await client.post(
        "/invoke", json=invoke_body("mapper", {"extracted_data": EXTRACTED}, config=config)
    )
    assert response.status_code == 422
    body = response.json()
    assert "after 3 attempt(s)" in body["detail"]
    assert {v["attempt"] for v in body["violations"]} == {1, 2, 3}

    warn = config.model_copy(
        update={"schemas": config.schemas.model_copy(update={"on_violation": "warn"})}
    )
    response = await client.post(
        "/invoke", json=invoke_body("mapper", {"extracted_data": EXTRACTED}, config=warn)
    )
    assert response.status_code == 200
    assert response.json()["outputs"]["loan_amount"] == "lots"
    assert response.json()["violations"]


async def test_a_schema_the_output_cannot_satisfy_is_a_clear_422(
    agents_client: httpx.AsyncClient,
) -> None:
    impossible = {
        "type": "object",
        "properties": {"html": {"type": "string", "pattern": "signed_by_ceo"}},
        "required": ["html"],
    }
    analysis = {"borrower_name": "X Corp", "ratios": {}, "reasons": ["r"], "financials": {}}
    response = await agents_client.post(
        "/summarizer/invoke",
        json=invoke_body("summarizer", {"risk_analysis": analysis}, output_schema=impossible),
    )
    assert response.status_code == 422
    body = response.json()
    assert "signed_by_ceo" in body["detail"]
    assert body["violations"][0]["pointer"] == "/html"


async def test_an_invalid_output_schema_is_a_400(agents_client: httpx.AsyncClient) -> None:
    response = await agents_client.post(
        "/summarizer/invoke",
        json=invoke_body(
            "summarizer",
            {"risk_analysis": {"borrower_name": "X"}},
            output_schema={"type": "no-such-type"},
        ),
    )
    assert response.status_code == 400
    assert "not valid JSON Schema" in response.json()["detail"]


async def test_retryable_provider_error_is_503_with_retry_after() -> None:
    error = ProviderError("rate limited", retryable=True, status_code=429, retry_after_seconds=2.5)
    app = create_agent_app(create_summarizer(), lambda _name: Failing(error))
    async with client_for(app) as client:
        response = await client.post(
            "/invoke", json=invoke_body("summarizer", {"risk_analysis": {"borrower_name": "X"}})
        )
    assert response.status_code == 503
    assert response.headers["retry-after"] == "3"
    assert "rate limited" in response.json()["detail"]


async def test_missing_provider_key_is_a_non_retryable_400() -> None:
    error = ProviderError(
        "OPENAI_API_KEY is not set: set it in the agent's environment", retryable=False
    )
    app = create_agent_app(create_summarizer(), lambda _name: Failing(error))
    async with client_for(app) as client:
        response = await client.post(
            "/invoke", json=invoke_body("summarizer", {"risk_analysis": {"borrower_name": "X"}})
        )
    assert response.status_code == 400
    assert "OPENAI_API_KEY" in response.json()["detail"]


async def test_fallback_model_is_tried_on_retryable_errors() -> None:
    error = ProviderError("overloaded", retryable=True, status_code=529)
    providers = {"anthropic": Failing(error), "local": LocalProvider()}
    config = default_config("summarizer")
    config = config.model_copy(
        update={
            "model": config.model.model_copy(
                update={
                    "provider": "anthropic",
                    "model_name": "claude-x",
                    "fallbacks": [FallbackModel(provider="local", model_name="local-rules")],
                }
            )
        }
    )
    app = create_agent_app(create_summarizer(), lambda name: providers[name])
    async with client_for(app) as client:
        response = await client.post(
            "/invoke",
            json=invoke_body(
                "summarizer", {"risk_analysis": {"borrower_name": "X Corp"}}, config=config
            ),
        )
    assert response.status_code == 200, response.text
    assert response.json()["usage"]["provider"] == "local"


async def test_disabled_tool_is_a_400_naming_the_fix(agents_client: httpx.AsyncClient) -> None:
    config = default_config("summarizer").model_copy(update={"tools": []})
    response = await agents_client.post(
        "/summarizer/invoke",
        json=invoke_body("summarizer", {"risk_analysis": {"borrower_name": "X"}}, config=config),
    )
    assert response.status_code == 400
    assert '"id": "template-engine", "enabled": true' in response.json()["detail"]


async def test_prompts_render_inputs_and_memory_is_trimmed() -> None:
    provider = FirstWrongThenLocal(wrong_answers=0)
    app = create_agent_app(create_mapper(), lambda _name: provider)
    config = default_config("mapper")
    config = config.model_copy(
        update={"memory": config.memory.model_copy(update={"enabled": True, "max_messages": 2})}
    )
    body = invoke_body(
        "mapper",
        {"extracted_data": EXTRACTED},
        config=config,
        system_prompt="Map for {{ inputs.extracted_data.borrower_name }}.",
        task_prompt="Fields: {{ inputs.extracted_data | length }}",
    )
    body["memory"] = [{"role": "user", "content": f"m{i}"} for i in range(5)]
    async with client_for(app) as client:
        response = await client.post("/invoke", json=body)
    assert response.status_code == 200, response.text
    sent = provider.requests[0]
    assert sent.system == "Map for Harbor Foods Co.."
    assert [m.content for m in sent.messages] == ["m3", "m4", f"Fields: {len(EXTRACTED)}"]


async def test_a_broken_prompt_template_is_a_400(agents_client: httpx.AsyncClient) -> None:
    response = await agents_client.post(
        "/mapper/invoke",
        json=invoke_body(
            "mapper", {"extracted_data": EXTRACTED}, task_prompt="{{ inputs.nothing.here }}"
        ),
    )
    assert response.status_code == 400
    assert "task prompt" in response.json()["detail"]


async def test_real_provider_without_its_key_is_a_400_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    config = default_config("summarizer")
    config = config.model_copy(
        update={
            "model": config.model.model_copy(update={"provider": "openai", "model_name": "gpt-4o"})
        }
    )
    async with client_for(create_agent_app(create_summarizer())) as client:
        response = await client.post(
            "/invoke",
            json=invoke_body(
                "summarizer", {"risk_analysis": {"borrower_name": "X"}}, config=config
            ),
        )
    assert response.status_code == 400
    assert "OPENAI_API_KEY" in response.json()["detail"]
