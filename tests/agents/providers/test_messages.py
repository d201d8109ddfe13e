"""Anthropic, AWS Bedrock and Google Vertex adapters against a local messages server."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import unquote

import pytest
from provider_wire_server import SECRETS, ProviderWireServer, RecordedRequest, Reply

from agents.base.llm import ChatMessage, CompletionRequest, ProviderError

FAMILY = ["anthropic", "aws_bedrock", "google_vertex"]
MODEL = {
    "anthropic": "claude-opus-4-8",
    "aws_bedrock": "anthropic.claude-3-5-sonnet-20240620-v1:0",
    "google_vertex": "claude-sonnet-4@20250514",
}
SECRET_OF = {
    "anthropic": SECRETS["ANTHROPIC_API_KEY"],
    "aws_bedrock": SECRETS["AWS_SECRET_ACCESS_KEY"],
    "google_vertex": SECRETS["GOOGLE_VERTEX_ACCESS_TOKEN"],
}

RATIOS_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Credit ratios",
    "type": "object",
    "properties": {
        "dscr": {"type": "number"},
        "grade": {"type": "string", "enum": ["A", "B", "C"]},
    },
    "required": ["dscr"],
}


def make_request(name: str, **changes: Any) -> CompletionRequest:
    fields: dict[str, Any] = {
        "model": MODEL[name],
        "system": "You are a credit analyst.",
        "messages": [
            ChatMessage(role="user", content="EBITDA 5.0M, debt service 2.5M"),
            ChatMessage(role="assistant", content="Noted."),
            ChatMessage(role="user", content="Compute DSCR."),
        ],
        "temperature": 0.1,
        "max_tokens": 512,
    }
    fields.update(changes)
    return CompletionRequest(**fields)


def sent_model(name: str, sent: RecordedRequest) -> str:
    """Where each platform carries the model: body (direct) or URL (Bedrock, Vertex)."""
    if name == "anthropic":
        return str(sent.body["model"])
    return unquote(sent.params["model"])


@pytest.mark.parametrize("name", FAMILY)
async def test_plain_message_sends_the_request_and_parses_text_and_usage(
    name: str, configure: Any, server: ProviderWireServer, provider_of: Any
) -> None:
    configure(name)
    server.script(
        server.anthropic_message(
            [{"type": "text", "text": "DSCR is "}, {"type": "text", "text": "2.0x"}],
            input_tokens=120,
            output_tokens=9,
        )
    )

    result = await provider_of(name).complete(make_request(name))

    assert (result.text, result.data) == ("DSCR is 2.0x", None)
    assert (result.input_tokens, result.output_tokens) == (120, 9)
    assert (result.provider, result.model) == (name, MODEL[name])
    [sent] = server.requests
    assert sent.route == name
    assert sent_model(name, sent) == MODEL[name]
    assert sent.body["system"] == "You are a credit analyst."
    assert sent.body["messages"] == [
        {"role": "user", "content": "EBITDA 5.0M, debt service 2.5M"},
        {"role": "assistant", "content": "Noted."},
        {"role": "user", "content": "Compute DSCR."},
    ]
    assert sent.body["max_tokens"] == 512
    # Deprecated by Anthropic (400 on newer models) and gone from the SDK: never sent.
    assert "temperature" not in sent.body
    assert "tools" not in sent.body and "tool_choice" not in sent.body


async def test_anthropic_authenticates_with_the_api_key_header(
    configure: Any, server: ProviderWireServer, provider_of: Any
) -> None:
    configure("anthropic")
    server.script(server.anthropic_message([{"type": "text", "text": "ok"}]))

    await provider_of("anthropic").complete(make_request("anthropic"))

    sent = server.requests[0]
    # This SDK version sends the key as a bearer token; older ones used x-api-key.
    key_headers = (sent.headers.get("authorization"), sent.headers.get("x-api-key"))
    assert f"Bearer {SECRETS['ANTHROPIC_API_KEY']}" in key_headers or (
        SECRETS["ANTHROPIC_API_KEY"] in key_headers
    )
    assert "anthropic-version" in sent.headers


async def test_bedrock_signs_with_sigv4_and_never_sends_the_secret(
    configure: Any, server: ProviderWireServer, provider_of: Any
) -> None:
    configure("aws_bedrock")
    server.script(server.anthropic_message([{"type": "text", "text": "ok"}]))

    await provider_of("aws_bedrock").complete(make_request("aws_bedrock"))

    sent = server.requests[0]
    authorization = sent.headers["authorization"]
    assert authorization.startswith(f"AWS4-HMAC-SHA256 Credential={SECRETS['AWS_ACCESS_KEY_ID']}/")
    assert "/us-east-1/bedrock/aws4_request" in authorization
    assert "x-amz-date" in sent.headers
    assert all(SECRETS["AWS_SECRET_ACCESS_KEY"] not in value for value in sent.headers.values())
    # Bedrock's body carries the API version instead of the model.
    assert "anthropic_version" in sent.body and "model" not in sent.body


async def test_vertex_uses_project_region_and_bearer_token(
    configure: Any, server: ProviderWireServer, provider_of: Any
) -> None:
    configure("google_vertex")
    server.script(server.anthropic_message([{"type": "text", "text": "ok"}]))

    await provider_of("google_vertex").complete(make_request("google_vertex"))

    sent = server.requests[0]
    assert sent.params["project"] == "hub-test-project"
    assert sent.params["region"] == "us-east5"
    assert sent.headers["authorization"] == f"Bearer {SECRETS['GOOGLE_VERTEX_ACCESS_TOKEN']}"
    assert "anthropic_version" in sent.body and "model" not in sent.body


async def test_vertex_reads_the_google_cloud_region_alias(
    configure: Any, clean_env: Any, server: ProviderWireServer, provider_of: Any
) -> None:
    configure("google_vertex")
    clean_env.delenv("CLOUD_ML_REGION")
    clean_env.setenv("GOOGLE_CLOUD_REGION", "europe-west1")
    server.script(server.anthropic_message([{"type": "text", "text": "ok"}]))

    await provider_of("google_vertex").complete(make_request("google_vertex"))

    assert server.requests[0].params["region"] == "europe-west1"


@pytest.mark.parametrize("name", FAMILY)
async def test_structured_output_forces_one_tool_and_parses_its_input(
    name: str, configure: Any, server: ProviderWireServer, provider_of: Any
) -> None:
    configure(name)
    server.script(
        server.anthropic_message(
            [
                {"type": "text", "text": "Recording the ratios."},
                {
                    "type": "tool_use",
                    "id": "toolu_1",
                    "name": "Credit_ratios",
                    "input": {"dscr": 2.0, "grade": "A"},
                },
            ],
            stop_reason="tool_use",
        )
    )

    result = await provider_of(name).complete(make_request(name, output_schema=RATIOS_SCHEMA))

    assert result.data == {"dscr": 2.0, "grade": "A"}
    sent = server.requests[0].body
    [tool] = sent["tools"]
    assert tool["name"] == "Credit_ratios"
    expected_schema = {key: value for key, value in RATIOS_SCHEMA.items() if key != "$schema"}
    assert tool["input_schema"] == expected_schema
    assert sent["tool_choice"] == {"type": "tool", "name": "Credit_ratios"}


@pytest.mark.parametrize("name", FAMILY)
async def test_structured_output_cut_off_is_non_retryable(
    name: str, configure: Any, server: ProviderWireServer, provider_of: Any
) -> None:
    configure(name)
    server.script(
        server.anthropic_message([{"type": "text", "text": "Let me"}], stop_reason="max_tokens")
    )

    with pytest.raises(ProviderError) as caught:
        await provider_of(name).complete(make_request(name, output_schema=RATIOS_SCHEMA))

    assert caught.value.retryable is False
    assert "max_tokens" in caught.value.message


@pytest.mark.parametrize("name", FAMILY)
async def test_rate_limit_is_retryable_with_the_providers_delay(
    name: str, configure: Any, server: ProviderWireServer, provider_of: Any
) -> None:
    configure(name)
    server.script(
        server.anthropic_error(
            429,
            "Number of request tokens has exceeded your rate limit",
            "rate_limit_error",
            {"retry-after": "12"},
        )
    )

    with pytest.raises(ProviderError) as caught:
        await provider_of(name).complete(make_request(name))

    error = caught.value
    assert (error.retryable, error.status_code, error.retry_after_seconds) == (True, 429, 12.0)
    assert "exceeded your rate limit" in error.message


@pytest.mark.parametrize("name", FAMILY)
@pytest.mark.parametrize("status", [500, 503, 529])
async def test_server_errors_and_overload_are_retryable_and_sent_exactly_once(
    name: str, status: int, configure: Any, server: ProviderWireServer, provider_of: Any
) -> None:
    configure(name)
    server.script(
        server.anthropic_error(status, "Overloaded", "overloaded_error"),
        server.anthropic_message([{"type": "text", "text": "should never be fetched"}]),
    )

    with pytest.raises(ProviderError) as caught:
        await provider_of(name).complete(make_request(name))

    assert (caught.value.retryable, caught.value.status_code) == (True, status)
    assert len(server.requests) == 1


@pytest.mark.parametrize("name", FAMILY)
@pytest.mark.parametrize(
    ("status", "message"),
    [(400, "max_tokens: must be greater than 0"), (401, "invalid x-api-key")],
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
    server.script(server.anthropic_error(status, message, "invalid_request_error"))

    with pytest.raises(ProviderError) as caught:
        await provider_of(name).complete(make_request(name))

    error = caught.value
    assert (error.retryable, error.status_code, error.provider) == (False, status, name)
    assert message in error.message
    assert len(server.requests) == 1


@pytest.mark.parametrize("name", FAMILY)
async def test_timeout_is_retryable(
    name: str, configure: Any, clean_env: Any, server: ProviderWireServer, provider_of: Any
) -> None:
    configure(name)
    clean_env.setenv("HUB_LLM_TIMEOUT_SECONDS", "0.3")
    server.script(Reply(delay_seconds=30, body={}))

    with pytest.raises(ProviderError) as caught:
        await provider_of(name).complete(make_request(name))
    server.release.set()

    assert caught.value.retryable is True
    assert "timed out" in caught.value.message
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    ("name", "removed", "variable"),
    [
        ("anthropic", ["ANTHROPIC_API_KEY"], "ANTHROPIC_API_KEY"),
        ("aws_bedrock", ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"], "AWS_ACCESS_KEY_ID"),
        ("aws_bedrock", ["AWS_REGION"], "AWS_REGION"),
        ("google_vertex", ["GOOGLE_VERTEX_ACCESS_TOKEN"], "GOOGLE_APPLICATION_CREDENTIALS"),
        ("google_vertex", ["CLOUD_ML_REGION"], "CLOUD_ML_REGION"),
        ("google_vertex", ["ANTHROPIC_VERTEX_PROJECT_ID"], "ANTHROPIC_VERTEX_PROJECT_ID"),
    ],
)
async def test_missing_setting_fails_before_any_request_naming_the_variable(
    name: str,
    removed: list[str],
    variable: str,
    configure: Any,
    clean_env: Any,
    server: ProviderWireServer,
    provider_of: Any,
) -> None:
    configure(name)
    for env_name in removed:
        clean_env.delenv(env_name)

    with pytest.raises(ProviderError) as caught:
        await provider_of(name).complete(make_request(name))

    assert caught.value.retryable is False
    assert caught.value.message.startswith(f"{variable} is not set")
    assert server.requests == []


@pytest.mark.parametrize("name", FAMILY)
async def test_secrets_never_reach_the_logs(
    name: str,
    configure: Any,
    server: ProviderWireServer,
    provider_of: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    configure(name)
    server.script(
        server.anthropic_message([{"type": "text", "text": "fine"}]),
        server.anthropic_error(503, "busy"),
    )
    caplog.set_level(logging.DEBUG)

    await provider_of(name).complete(make_request(name))
    with pytest.raises(ProviderError):
        await provider_of(name).complete(make_request(name))

    assert caplog.records
    assert SECRET_OF[name] not in caplog.text
