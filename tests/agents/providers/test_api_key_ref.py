"""``api_key_ref: env:NAME``: the agent reads the provider key from the variable named."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from provider_wire_server import SECRETS, ProviderWireServer, RecordedRequest

from agents.base.agent import Agent
from agents.base.llm import ChatMessage, CompletionRequest, ProviderError
from agents.base.runtime import AgentRuntime
from schemas.agents import AgentConfig
from schemas.invoke import InvokeRequest
from schemas.orchestration import ResolvedAgentConfig

TEAM_KEY = "team-credit-key-5b1e0c7a92"
KEY_HEADER = {"openai": "authorization", "azure_openai": "api-key", "anthropic": "authorization"}
DEFAULT_VARIABLE = {
    "openai": "OPENAI_API_KEY",
    "azure_openai": "AZURE_OPENAI_API_KEY",
    "anthropic": "ANTHROPIC_API_KEY",
}


def request_for(model: str, api_key_env: str | None) -> CompletionRequest:
    return CompletionRequest(
        model=model,
        system="Answer briefly.",
        messages=[ChatMessage(role="user", content="Borrower: Acme Corp")],
        max_tokens=50,
        api_key_env=api_key_env,
    )


def script_answer(server: ProviderWireServer, name: str, text: str = "Acme Corp") -> None:
    if name == "anthropic":
        server.script(server.anthropic_message([{"type": "text", "text": text}]))
    else:
        server.script(server.openai_completion(text))


def sent_key(sent: RecordedRequest, name: str) -> str:
    if name == "anthropic" and "x-api-key" in sent.headers:
        return sent.headers["x-api-key"]  # older SDKs
    return sent.headers[KEY_HEADER[name]].removeprefix("Bearer ")


@pytest.mark.parametrize("name", ["openai", "azure_openai", "anthropic"])
async def test_the_named_variable_supplies_the_key_instead_of_the_default(
    name: str, configure: Any, clean_env: Any, server: ProviderWireServer, provider_of: Any
) -> None:
    configure(name)  # the provider's usual variable holds another key
    clean_env.setenv("TEAM_CREDIT_KEY", TEAM_KEY)
    script_answer(server, name)

    result = await provider_of(name).complete(request_for("model-x", "TEAM_CREDIT_KEY"))

    assert result.text == "Acme Corp"
    [sent] = server.requests
    assert sent_key(sent, name) == TEAM_KEY


@pytest.mark.parametrize("name", ["openai", "azure_openai", "anthropic"])
async def test_a_missing_named_variable_is_a_clear_final_error_naming_it(
    name: str,
    configure: Any,
    server: ProviderWireServer,
    provider_of: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    configure(name)  # the usual variable is set: it must not be used silently instead

    with caplog.at_level(logging.DEBUG), pytest.raises(ProviderError) as caught:
        await provider_of(name).complete(request_for("model-x", "TEAM_CREDIT_KEY"))

    error = caught.value
    assert error.retryable is False
    assert error.message.startswith("TEAM_CREDIT_KEY is not set: set it in the agent's environment")
    assert "api_key_ref env:TEAM_CREDIT_KEY" in error.message
    assert server.requests == []
    default_key = SECRETS[DEFAULT_VARIABLE[name]]
    assert default_key not in error.message and default_key not in caplog.text


@pytest.mark.parametrize("name", ["aws_bedrock", "google_vertex"])
async def test_platform_credential_providers_refuse_a_key_reference(
    name: str, configure: Any, server: ProviderWireServer, provider_of: Any
) -> None:
    configure(name)
    with pytest.raises(ProviderError) as caught:
        await provider_of(name).complete(request_for("claude-x", "TEAM_CREDIT_KEY"))
    assert caught.value.retryable is False
    assert "remove api_key_ref" in caught.value.message
    assert server.requests == []


async def test_the_agent_runtime_hands_each_model_its_own_reference(
    configure: Any, clean_env: Any, server: ProviderWireServer
) -> None:
    """Primary and fallback each name a key; the runtime resolves neither itself."""
    configure("openai")
    configure("anthropic")
    clean_env.setenv("PRIMARY_OPENAI_KEY", "primary-openai-key-0001")
    clean_env.setenv("FALLBACK_ANTHROPIC_KEY", "fallback-anthropic-key-0002")
    server.script(
        server.openai_error(503, "overloaded"),
        server.anthropic_message([{"type": "text", "text": json.dumps({"ok": True})}]),
    )
    config = AgentConfig.model_validate(
        {
            "model": {
                "provider": "openai",
                "model_name": "gpt-4o",
                "api_key_ref": "env:PRIMARY_OPENAI_KEY",
                "fallbacks": [
                    {
                        "provider": "anthropic",
                        "model_name": "claude-x",
                        "api_key_ref": "env:FALLBACK_ANTHROPIC_KEY",
                    }
                ],
            },
            "prompts": {"system_prompt_uri": "mlflow:/p/s", "task_prompt_uri": "mlflow:/p/t"},
            "schemas": {"max_repairs": 0},
        }
    )
    runtime = AgentRuntime(Agent())
    response = await runtime.invoke(
        InvokeRequest(
            run_id="run-ref",
            step_id="1",
            attempt=1,
            idempotency_key="run-ref-1",
            agent_id="agent-ref",
            agent_type="agent",
            config=ResolvedAgentConfig(config=config, system_prompt="s", task_prompt="t"),
            inputs={},
        )
    )

    assert response.outputs == {"ok": True}
    first, second = server.requests
    assert sent_key(first, "openai") == "primary-openai-key-0001"
    assert sent_key(second, "anthropic") == "fallback-anthropic-key-0002"
