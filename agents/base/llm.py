"""The one interface every LLM provider adapter implements.

Adapters turn a :class:`CompletionRequest` into the provider's wire call with the
SDK's own retries off (Temporal owns retries), ask for structured output against
``output_schema`` when one is given, and raise :class:`ProviderError` classified
as retryable or not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Protocol


@dataclass(frozen=True)
class ChatMessage:
    role: Literal["system", "user", "assistant"]
    content: str


@dataclass(frozen=True)
class CompletionRequest:
    model: str
    messages: list[ChatMessage]
    system: str = ""
    temperature: float = 0.7
    max_tokens: int = 4096
    output_schema: dict[str, Any] | None = None
    #: Free-form context for rule-based providers (the ``local`` one reads it).
    context: dict[str, Any] = field(default_factory=dict)
    #: The environment variable holding the provider key, when the agent config names one
    #: (``api_key_ref: env:NAME``); None: the provider's usual variables.
    api_key_env: str | None = None


@dataclass(frozen=True)
class CompletionResult:
    text: str
    data: dict[str, Any] | None
    input_tokens: int
    output_tokens: int
    model: str
    provider: str


class ProviderError(Exception):
    """A provider call failed; ``retryable`` tells the engine whether to try again."""

    def __init__(
        self,
        message: str,
        *,
        retryable: bool,
        status_code: int | None = None,
        retry_after_seconds: float | None = None,
        provider: str = "",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.retryable = retryable
        self.status_code = status_code
        self.retry_after_seconds = retry_after_seconds
        self.provider = provider


class LLMProvider(Protocol):
    """One provider adapter (``openai``, ``azure_openai``, ``anthropic``, ...)."""

    name: str

    async def complete(self, request: CompletionRequest) -> CompletionResult: ...
