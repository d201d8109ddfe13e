"""OpenAI chat completions through the official ``openai`` SDK.

Keys and endpoints come only from the environment, read the way the SDK reads
them (``OPENAI_API_KEY``, ``OPENAI_BASE_URL``, ``OPENAI_ORG_ID``,
``OPENAI_PROJECT_ID``), so pointing an agent at a gateway or proxy is
configuration. A config's ``api_key_ref: env:NAME`` (``CompletionRequest.api_key_env``)
makes the adapter read the key from ``NAME`` instead. The Azure adapter reuses
the call and parsing below.
"""

from __future__ import annotations

import json
import logging
from abc import ABC, abstractmethod
from typing import Any

import openai

from agents.base.llm import CompletionRequest, CompletionResult, ProviderError
from agents.base.providers import error_mapping
from agents.base.providers.sdk_clients import ClientCache, env_value, request_timeout_seconds
from agents.base.providers.structured_output import (
    require_object_root,
    schema_name,
    strict_schema,
    without_root_annotations,
)

logger = logging.getLogger(__name__)


def map_openai_error(
    error: openai.OpenAIError, provider: str, secrets: list[str | None]
) -> ProviderError:
    """Classify any exception raised by the ``openai`` SDK (OpenAI and Azure alike)."""
    if isinstance(error, openai.APITimeoutError):
        return error_mapping.connection_error(
            provider=provider, timed_out=True, detail=str(error), secrets=secrets
        )
    if isinstance(error, openai.APIConnectionError):
        return error_mapping.connection_error(
            provider=provider, timed_out=False, detail=str(error), secrets=secrets
        )
    if isinstance(error, openai.APIStatusError):
        return error_mapping.status_error(
            provider=provider,
            status_code=error.status_code,
            message=error_mapping.body_error_message(error.body, error.message),
            headers=error.response.headers,
            secrets=secrets,
        )
    # Client-side problems (bad configuration, response parsing) do not heal on retry.
    return error_mapping.configuration_error(
        provider, error_mapping.redact(f"{provider} client error: {error}", secrets)
    )


def chat_completion_arguments(request: CompletionRequest, provider: str) -> dict[str, Any]:
    """The keyword arguments of ``chat.completions.create`` for ``request``."""
    messages: list[dict[str, str]] = []
    if request.system:
        messages.append({"role": "system", "content": request.system})
    messages.extend({"role": m.role, "content": m.content} for m in request.messages)
    arguments: dict[str, Any] = {
        "model": request.model,
        "messages": messages,
        "temperature": request.temperature,
        "max_tokens": request.max_tokens,
    }
    if request.output_schema is not None:
        require_object_root(request.output_schema, provider)
        strict = strict_schema(request.output_schema)
        arguments["response_format"] = {
            "type": "json_schema",
            "json_schema": {
                "name": schema_name(request.output_schema),
                "schema": strict
                if strict is not None
                else without_root_annotations(request.output_schema),
                "strict": strict is not None,
            },
        }
    return arguments


def parse_chat_completion(
    completion: Any, request: CompletionRequest, provider: str
) -> CompletionResult:
    """Text, structured data and usage out of a ChatCompletion."""
    if not completion.choices:
        raise ProviderError(f"{provider} returned no choices", retryable=True, provider=provider)
    choice = completion.choices[0]
    message = choice.message
    refusal = getattr(message, "refusal", None)
    if refusal:
        raise ProviderError(
            f"{provider} model refused to answer: {refusal}", retryable=False, provider=provider
        )
    text = message.content or ""
    data: dict[str, Any] | None = None
    if request.output_schema is not None:
        if choice.finish_reason == "length":
            raise ProviderError(
                f"{provider} output was cut off at max_tokens={request.max_tokens}: "
                "raise max_tokens in the agent's model settings",
                retryable=False,
                provider=provider,
            )
        data = _json_object(text)
    usage = completion.usage
    return CompletionResult(
        text=text,
        data=data,
        input_tokens=int(getattr(usage, "prompt_tokens", 0) or 0),
        output_tokens=int(getattr(usage, "completion_tokens", 0) or 0),
        model=completion.model or request.model,
        provider=provider,
    )


def _json_object(text: str) -> dict[str, Any] | None:
    # Unparseable JSON is left as data=None: the agent's schema validation and
    # repair loop then feed the problem back to the model.
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


class ChatCompletionsProvider(ABC):
    """Shared call path of every adapter speaking OpenAI chat completions."""

    name = "openai"

    def __init__(self) -> None:
        self._clients = ClientCache()

    @abstractmethod
    def _client(self, key_env: str | None = None) -> Any:
        """The SDK client; ``key_env`` names the key's variable when the config has a ref."""

    @abstractmethod
    def _secrets(self, key_env: str | None = None) -> list[str | None]:
        """Values to redact from error messages."""

    async def complete(self, request: CompletionRequest) -> CompletionResult:
        """One chat completion, SDK retries off, errors classified."""
        client = self._client(request.api_key_env)
        arguments = chat_completion_arguments(request, self.name)
        try:
            completion = await client.chat.completions.create(**arguments)
        except openai.OpenAIError as error:
            mapped = map_openai_error(error, self.name, self._secrets(request.api_key_env))
            error_mapping.log_call_failed(logger, self.name, request, mapped)
            raise mapped from None
        result = parse_chat_completion(completion, request, self.name)
        error_mapping.log_call_done(logger, self.name, result)
        return result


class OpenAIProvider(ChatCompletionsProvider):
    """``openai``: api.openai.com or any OpenAI-compatible gateway via ``OPENAI_BASE_URL``."""

    name = "openai"

    def _secrets(self, key_env: str | None = None) -> list[str | None]:
        return [env_value(key_env or "OPENAI_API_KEY")]

    def _client(self, key_env: str | None = None) -> openai.AsyncOpenAI:
        if key_env is not None:
            api_key = env_value(key_env)
            if api_key is None:
                raise error_mapping.missing_referenced_key_error(self.name, key_env)
        else:
            api_key = env_value("OPENAI_API_KEY")
            if api_key is None:
                raise error_mapping.missing_setting_error(self.name, "OPENAI_API_KEY")
        config = (api_key, env_value("OPENAI_BASE_URL"), request_timeout_seconds())

        def build() -> openai.AsyncOpenAI:
            # base_url, organization and project are left to the SDK's own env lookup.
            return openai.AsyncOpenAI(api_key=api_key, max_retries=0, timeout=config[2])

        return self._clients.get(config, build)
