"""OpenAI and Azure OpenAI adapters against a local server speaking chat completions."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from provider_wire_server import SECRETS, ProviderWireServer, Reply

from agents.base.llm import ChatMessage, CompletionRequest, ProviderError

FAMILY = ["openai", "azure_openai"]
KEY_VARIABLE = {"openai": "OPENAI_API_KEY", "azure_openai": "AZURE_OPENAI_API_KEY"}

INVOICE_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Invoice fields",
    "type": "object",
    "properties": {
        "borrower": {"type": "string"},
        "amount": {"type": "number"},
        "covenants": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"name": {"type": "string"}},
                "required": ["name"],
            },
        },
    },
    "required": ["borrower", "amount", "covenants"],
}


def make_request(model: str, **changes: Any) -> CompletionRequest:
    fields: dict[str, Any] = {
        "model": model,
        "system": "You extract loan data.",
        "messages": [ChatMessage(role="user", content="Borrower: Acme Corp, $1.2M")],
        "temperature": 0.2,
        "max_tokens": 321,
    }
    fields.update(changes)
    return CompletionRequest(**fields)


@pytest.mark.parametrize("name", FAMILY)
async def test_plain_completion_sends_the_request_and_parses_text_and_usage(
    name: str, configure: Any, server: ProviderWireServer, provider_of: Any
) -> None:
    configure(name)
    server.script(server.openai_completion("Acme Corp", prompt_tokens=42, completion_tokens=3))

    result = await provider_of(name).complete(make_request("gpt-4o-mini"))

    assert (result.text, result.data) == ("Acme Corp", None)
    assert (result.input_tokens, result.output_tokens) == (42, 3)
    assert (result.provider, result.model) == (name, "gpt-4o-mini")
    [sent] = server.requests
    assert sent.route == name
    assert sent.body["messages"] == [
        {"role": "system", "content": "You extract loan data."},
        {"role": "user", "content": "Borrower: Acme Corp, $1.2M"},
    ]
    assert sent.body["temperature"] == 0.2
    assert sent.body["max_tokens"] == 321
    assert "response_format" not in sent.body
    if name == "openai":
        assert sent.body["model"] == "gpt-4o-mini"
        assert sent.headers["authorization"] == f"Bearer {SECRETS['OPENAI_API_KEY']}"
    else:
        # Azure: the model is the deployment, carried in the URL, with the api-version query.
        assert sent.params["model"] == "gpt-4o-mini"
        assert sent.query["api-version"] == ["2024-10-21"]
        assert sent.headers["api-key"] == SECRETS["AZURE_OPENAI_API_KEY"]


@pytest.mark.parametrize("name", FAMILY)
async def test_structured_output_uses_a_strict_json_schema_and_parses_data(
    name: str, configure: Any, server: ProviderWireServer, provider_of: Any
) -> None:
    configure(name)
    answer = '{"borrower": "Acme Corp", "amount": 1200000, "covenants": [{"name": "DSCR"}]}'
    server.script(server.openai_completion(answer))

    result = await provider_of(name).complete(make_request("gpt-4o", output_schema=INVOICE_SCHEMA))

    assert result.data == {
        "borrower": "Acme Corp",
        "amount": 1200000,
        "covenants": [{"name": "DSCR"}],
    }
    response_format = server.requests[0].body["response_format"]
    assert response_format["type"] == "json_schema"
    json_schema = response_format["json_schema"]
    assert json_schema["name"] == "Invoice_fields"
    assert json_schema["strict"] is True
    schema = json_schema["schema"]
    assert "$schema" not in schema
    # Strict mode needs every object closed; the nested one too.
    assert schema["additionalProperties"] is False
    assert schema["properties"]["covenants"]["items"]["additionalProperties"] is False
    assert schema["required"] == ["borrower", "amount", "covenants"]


@pytest.mark.parametrize("name", FAMILY)
async def test_schema_with_optional_fields_is_sent_non_strict_and_unchanged(
    name: str, configure: Any, server: ProviderWireServer, provider_of: Any
) -> None:
    configure(name)
    schema = {
        "type": "object",
        "properties": {"borrower": {"type": "string"}, "notes": {"type": "string"}},
        "required": ["borrower"],
    }
    server.script(server.openai_completion('{"borrower": "Acme"}'))

    result = await provider_of(name).complete(make_request("gpt-4o", output_schema=schema))

    assert result.data == {"borrower": "Acme"}
    json_schema = server.requests[0].body["response_format"]["json_schema"]
    assert json_schema["strict"] is False
    assert json_schema["schema"] == schema
    assert json_schema["name"] == "agent_output"


@pytest.mark.parametrize("name", FAMILY)
async def test_invalid_json_answer_leaves_data_empty_for_schema_repair(
    name: str, configure: Any, server: ProviderWireServer, provider_of: Any
) -> None:
    configure(name)
    server.script(server.openai_completion("not json {"))

    result = await provider_of(name).complete(make_request("gpt-4o", output_schema=INVOICE_SCHEMA))

    assert (result.text, result.data) == ("not json {", None)


@pytest.mark.parametrize("name", FAMILY)
async def test_truncated_structured_output_is_non_retryable_and_says_what_to_raise(
    name: str, configure: Any, server: ProviderWireServer, provider_of: Any
) -> None:
    configure(name)
    server.script(server.openai_completion('{"borrower": "Ac', finish_reason="length"))

    with pytest.raises(ProviderError) as caught:
        await provider_of(name).complete(make_request("gpt-4o", output_schema=INVOICE_SCHEMA))

    assert caught.value.retryable is False
    assert "max_tokens" in caught.value.message


@pytest.mark.parametrize("name", FAMILY)
@pytest.mark.parametrize(
    ("headers", "expected_delay"),
    [({"retry-after": "7"}, 7.0), ({"retry-after-ms": "1500", "retry-after": "9"}, 1.5)],
)
async def test_rate_limit_is_retryable_with_the_providers_delay(
    name: str,
    headers: dict[str, str],
    expected_delay: float,
    configure: Any,
    server: ProviderWireServer,
    provider_of: Any,
) -> None:
    configure(name)
    server.script(server.openai_error(429, "Rate limit reached for gpt-4o", headers))

    with pytest.raises(ProviderError) as caught:
        await provider_of(name).complete(make_request("gpt-4o"))

    error = caught.value
    assert (error.retryable, error.status_code, error.provider) == (True, 429, name)
    assert error.retry_after_seconds == expected_delay
    assert "Rate limit reached" in error.message


@pytest.mark.parametrize("name", FAMILY)
@pytest.mark.parametrize("status", [500, 503])
async def test_server_errors_are_retryable_and_sent_exactly_once(
    name: str, status: int, configure: Any, server: ProviderWireServer, provider_of: Any
) -> None:
    configure(name)
    server.script(server.openai_error(status, "The server had an error"))
    # A second scripted success proves the SDK would have got an answer had it retried.
    server.script(server.openai_completion("should never be fetched"))

    with pytest.raises(ProviderError) as caught:
        await provider_of(name).complete(make_request("gpt-4o"))

    assert (caught.value.retryable, caught.value.status_code) == (True, status)
    assert len(server.requests) == 1


@pytest.mark.parametrize("name", FAMILY)
@pytest.mark.parametrize(
    ("status", "message"),
    [(400, "Invalid value for 'temperature'"), (401, "Incorrect API key provided")],
)
async def test_client_errors_are_not_retryable_and_carry_the_providers_message(
    name: str,
    status: int,
    message: str,
    configure: Any,
    server: ProviderWireServer,
    provider_of: Any,
) -> None:
    configure(name)
    server.script(server.openai_error(status, message, {"retry-after": "3"}))

    with pytest.raises(ProviderError) as caught:
        await provider_of(name).complete(make_request("gpt-4o"))

    error = caught.value
    assert (error.retryable, error.status_code, error.retry_after_seconds) == (False, status, None)
    assert message in error.message
    assert len(server.requests) == 1


async def test_provider_message_echoing_the_key_is_redacted(
    configure: Any, server: ProviderWireServer, provider_of: Any
) -> None:
    configure("openai")
    key = SECRETS["OPENAI_API_KEY"]
    server.script(server.openai_error(401, f"Incorrect API key provided: {key}."))

    with pytest.raises(ProviderError) as caught:
        await provider_of("openai").complete(make_request("gpt-4o"))

    assert key not in str(caught.value)
    assert "Incorrect API key provided" in caught.value.message


@pytest.mark.parametrize("name", FAMILY)
async def test_timeout_is_retryable(
    name: str, configure: Any, clean_env: Any, server: ProviderWireServer, provider_of: Any
) -> None:
    configure(name)
    clean_env.setenv("HUB_LLM_TIMEOUT_SECONDS", "0.3")
    server.script(Reply(delay_seconds=30, body={}))

    with pytest.raises(ProviderError) as caught:
        await provider_of(name).complete(make_request("gpt-4o"))
    server.release.set()

    assert caught.value.retryable is True
    assert caught.value.status_code is None
    assert "timed out" in caught.value.message
    assert len(server.requests) == 1


@pytest.mark.parametrize("name", FAMILY)
async def test_missing_key_fails_before_any_request_naming_the_variable(
    name: str, configure: Any, clean_env: Any, server: ProviderWireServer, provider_of: Any
) -> None:
    configure(name)
    clean_env.delenv(KEY_VARIABLE[name])

    with pytest.raises(ProviderError) as caught:
        await provider_of(name).complete(make_request("gpt-4o"))

    assert caught.value.retryable is False
    assert caught.value.message.startswith(f"{KEY_VARIABLE[name]} is not set")
    assert "agent's environment" in caught.value.message
    assert server.requests == []


async def test_azure_accepts_the_platform_documents_key_name(
    configure: Any, clean_env: Any, server: ProviderWireServer, provider_of: Any
) -> None:
    configure("azure_openai")
    clean_env.delenv("AZURE_OPENAI_API_KEY")
    clean_env.setenv("AZURE_OPENAI_KEY", "platform-doc-key-0123")
    server.script(server.openai_completion("ok"))

    result = await provider_of("azure_openai").complete(make_request("memo-deployment"))

    assert result.text == "ok"
    assert server.requests[0].headers["api-key"] == "platform-doc-key-0123"
    assert server.requests[0].params["model"] == "memo-deployment"


async def test_azure_without_endpoint_names_the_variable(
    configure: Any, clean_env: Any, server: ProviderWireServer, provider_of: Any
) -> None:
    configure("azure_openai")
    clean_env.delenv("AZURE_OPENAI_ENDPOINT")

    with pytest.raises(ProviderError) as caught:
        await provider_of("azure_openai").complete(make_request("gpt-4o"))

    assert caught.value.message.startswith("AZURE_OPENAI_ENDPOINT is not set")
    assert server.requests == []


@pytest.mark.parametrize("name", FAMILY)
async def test_keys_never_reach_the_logs(
    name: str,
    configure: Any,
    server: ProviderWireServer,
    provider_of: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    configure(name)
    server.script(server.openai_completion("fine"), server.openai_error(503, "busy"))
    caplog.set_level(logging.DEBUG)

    await provider_of(name).complete(make_request("gpt-4o"))
    with pytest.raises(ProviderError):
        await provider_of(name).complete(make_request("gpt-4o"))

    assert caplog.records, "debug logging should have produced records"
    assert SECRETS[KEY_VARIABLE[name]] not in caplog.text
    # ... while the key did travel on the wire, in the header the SDK uses.
    header = "authorization" if name == "openai" else "api-key"
    assert SECRETS[KEY_VARIABLE[name]] in server.requests[0].headers[header]


async def test_client_is_reused_between_calls(
    configure: Any, server: ProviderWireServer, provider_of: Any
) -> None:
    configure("openai")
    provider = provider_of("openai")
    server.script(server.openai_completion("a"), server.openai_completion("b"))

    await provider.complete(make_request("gpt-4o"))
    first = provider._client()
    await provider.complete(make_request("gpt-4o"))

    assert provider._client() is first
    assert provider_of("openai") is provider
