"""complete_with_fallbacks: other models only after retryable errors."""

from __future__ import annotations

from typing import Any

import pytest
from provider_wire_server import ProviderWireServer

from agents.base.llm import ChatMessage, CompletionRequest, ProviderError
from agents.base.providers import complete_with_fallbacks

REQUEST = CompletionRequest(
    model="ignored-the-pairs-decide",
    system="Summarise.",
    messages=[ChatMessage(role="user", content="Net income 3.1M")],
    temperature=0.0,
    max_tokens=200,
)


@pytest.fixture
def both_configured(configure: Any) -> None:
    configure("openai")
    configure("anthropic")


@pytest.mark.usefixtures("both_configured")
async def test_retryable_failure_moves_to_the_next_provider(server: ProviderWireServer) -> None:
    server.script(
        server.openai_error(503, "The engine is currently overloaded"),
        server.anthropic_message([{"type": "text", "text": "Net income was 3.1M."}]),
    )

    result = await complete_with_fallbacks(
        ("openai", "gpt-4o"), [("anthropic", "claude-opus-4-8")], REQUEST
    )

    assert (result.provider, result.model, result.text) == (
        "anthropic",
        "claude-opus-4-8",
        "Net income was 3.1M.",
    )
    assert [(r.route, r.body["model"]) for r in server.requests] == [
        ("openai", "gpt-4o"),
        ("anthropic", "claude-opus-4-8"),
    ]


@pytest.mark.usefixtures("both_configured")
async def test_non_retryable_failure_does_not_fall_back(server: ProviderWireServer) -> None:
    server.script(server.openai_error(400, "Invalid 'max_tokens'"))

    with pytest.raises(ProviderError) as caught:
        await complete_with_fallbacks(
            ("openai", "gpt-4o"), [("anthropic", "claude-opus-4-8")], REQUEST
        )

    assert (caught.value.status_code, caught.value.retryable) == (400, False)
    assert "Invalid 'max_tokens'" in caught.value.message
    assert [r.route for r in server.requests] == ["openai"]


@pytest.mark.usefixtures("both_configured")
async def test_fallback_models_of_the_same_provider_are_tried_in_order(
    server: ProviderWireServer,
) -> None:
    server.script(
        server.openai_error(429, "Rate limit", {"retry-after": "20"}),
        server.openai_error(500, "Internal error"),
        server.openai_completion("third time lucky"),
    )

    result = await complete_with_fallbacks(
        ("openai", "gpt-4o"), [("openai", "gpt-4o-mini"), ("openai", "gpt-4.1-nano")], REQUEST
    )

    assert (result.model, result.text) == ("gpt-4.1-nano", "third time lucky")
    assert [r.body["model"] for r in server.requests] == ["gpt-4o", "gpt-4o-mini", "gpt-4.1-nano"]


@pytest.mark.usefixtures("both_configured")
async def test_when_every_candidate_fails_the_last_error_is_raised(
    server: ProviderWireServer,
) -> None:
    server.script(
        server.openai_error(503, "busy"),
        server.anthropic_error(529, "Overloaded", "overloaded_error", {"retry-after": "4"}),
    )

    with pytest.raises(ProviderError) as caught:
        await complete_with_fallbacks(
            ("openai", "gpt-4o"), [("anthropic", "claude-opus-4-8")], REQUEST
        )

    error = caught.value
    assert (error.provider, error.status_code, error.retryable) == ("anthropic", 529, True)
    assert error.retry_after_seconds == 4.0
    assert len(server.requests) == 2


async def test_without_fallbacks_the_primary_error_is_raised(
    configure: Any, server: ProviderWireServer
) -> None:
    configure("openai")
    server.script(server.openai_error(503, "busy"))

    with pytest.raises(ProviderError) as caught:
        await complete_with_fallbacks(("openai", "gpt-4o"), [], REQUEST)

    assert (caught.value.status_code, caught.value.retryable) == (503, True)


async def test_fallback_with_a_missing_key_stops_with_that_clear_error(
    configure: Any, server: ProviderWireServer
) -> None:
    configure("openai")  # anthropic deliberately left without ANTHROPIC_API_KEY
    server.script(server.openai_error(503, "busy"))

    with pytest.raises(ProviderError) as caught:
        await complete_with_fallbacks(
            ("openai", "gpt-4o"), [("anthropic", "claude-opus-4-8")], REQUEST
        )

    assert caught.value.message.startswith("ANTHROPIC_API_KEY is not set")
    assert [r.route for r in server.requests] == ["openai"]
