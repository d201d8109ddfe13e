"""Anthropic messages through the official ``anthropic`` SDK.

Structured output uses tool use: one tool whose ``input_schema`` is the agent's
output schema, forced with ``tool_choice``; the tool call's input is the data.
The Bedrock and Vertex adapters reuse the call and parsing below with their
own SDK clients. Keys and endpoints come only from the environment as the SDK
reads them (``ANTHROPIC_API_KEY`` or ``ANTHROPIC_AUTH_TOKEN``, ``ANTHROPIC_BASE_URL``).
A config's ``api_key_ref: env:NAME`` makes the key come from ``NAME`` only; the
Bedrock and Vertex adapters authenticate with their platforms' credential chains
and refuse a reference (the config schema already does).

``temperature`` is not sent: Anthropic deprecated the sampling parameters (newer
models answer 400 "temperature is deprecated for this model", older ones fall
back to their default) and the installed SDK no longer accepts the argument.
"""

from __future__ import annotations

import json
import logging
from abc import ABC, abstractmethod
from typing import Any

import anthropic

from agents.base.llm import CompletionRequest, CompletionResult, ProviderError
from agents.base.providers import error_mapping
from agents.base.providers.sdk_clients import ClientCache, env_value, request_timeout_seconds
from agents.base.providers.structured_output import (
    require_object_root,
    schema_name,
    without_root_annotations,
)

logger = logging.getLogger(__name__)

TOOL_DESCRIPTION = "Return the final answer as structured data matching this schema."


def map_anthropic_error(
    error: Exception, provider: str, secrets: list[str | None]
) -> ProviderError | None:
    """Classify an exception raised by the ``anthropic`` SDK (direct, Bedrock, Vertex).

    Returns None for exceptions that did not come from the SDK.
    """
    if isinstance(error, anthropic.APITimeoutError):
        return error_mapping.connection_error(
            provider=provider, timed_out=True, detail=str(error), secrets=secrets
        )
    if isinstance(error, anthropic.APIConnectionError):
        return error_mapping.connection_error(
            provider=provider, timed_out=False, detail=str(error), secrets=secrets
        )
    if isinstance(error, anthropic.APIStatusError):
        return error_mapping.status_error(
            provider=provider,
            status_code=error.status_code,
            message=error_mapping.body_error_message(error.body, error.message),
            headers=error.response.headers,
            secrets=secrets,
        )
    if isinstance(error, anthropic.AnthropicError):
        return error_mapping.configuration_error(
            provider, error_mapping.redact(f"{provider} client error: {error}", secrets)
        )
    return None


def messages_arguments(request: CompletionRequest, provider: str) -> dict[str, Any]:
    """The keyword arguments of ``messages.create`` for ``request``."""
    # The Messages API takes the system prompt apart from the turns.
    system_parts = [request.system] if request.system else []
    system_parts.extend(m.content for m in request.messages if m.role == "system")
    arguments: dict[str, Any] = {
        "model": request.model,
        "max_tokens": request.max_tokens,
        "messages": [
            {"role": m.role, "content": m.content} for m in request.messages if m.role != "system"
        ],
    }
    if system_parts:
        arguments["system"] = "\n\n".join(system_parts)
    if request.output_schema is not None:
        require_object_root(request.output_schema, provider)
        tool_name = schema_name(request.output_schema)
        input_schema = without_root_annotations(request.output_schema)
        input_schema.setdefault("type", "object")
        arguments["tools"] = [
            {"name": tool_name, "description": TOOL_DESCRIPTION, "input_schema": input_schema}
        ]
        arguments["tool_choice"] = {"type": "tool", "name": tool_name}
    return arguments


def parse_message(message: Any, request: CompletionRequest, provider: str) -> CompletionResult:
    """Text, structured data and usage out of a Message."""
    texts: list[str] = []
    data: dict[str, Any] | None = None
    tool_name = schema_name(request.output_schema) if request.output_schema is not None else None
    for block in message.content:
        if block.type == "text":
            texts.append(block.text)
        elif block.type == "tool_use" and block.name == tool_name and isinstance(block.input, dict):
            data = dict(block.input)
    if request.output_schema is not None and data is None and message.stop_reason == "max_tokens":
        raise ProviderError(
            f"{provider} output was cut off at max_tokens={request.max_tokens}: "
            "raise max_tokens in the agent's model settings",
            retryable=False,
            provider=provider,
        )
    text = json.dumps(data) if data is not None else "".join(texts)
    usage = message.usage
    return CompletionResult(
        text=text,
        data=data,
        input_tokens=int(getattr(usage, "input_tokens", 0) or 0),
        output_tokens=int(getattr(usage, "output_tokens", 0) or 0),
        model=message.model or request.model,
        provider=provider,
    )


class MessagesProvider(ABC):
    """Shared call path of every adapter speaking Anthropic messages."""

    name = "anthropic"

    def __init__(self) -> None:
        self._clients = ClientCache()

    #: Whether a config may name the key (``api_key_ref``); platform adapters may not.
    takes_api_key_ref = True

    @abstractmethod
    def _client(self, key_env: str | None = None) -> Any:
        """The SDK client; ``key_env`` names the key's variable when the config has a ref."""

    @abstractmethod
    def _secrets(self, key_env: str | None = None) -> list[str | None]:
        """Values to redact from error messages."""

    def _map_error(self, error: Exception, key_env: str | None = None) -> ProviderError | None:
        """SDK errors; platform adapters add their credential libraries' errors."""
        return map_anthropic_error(error, self.name, self._secrets(key_env))

    async def complete(self, request: CompletionRequest) -> CompletionResult:
        """One message, SDK retries off, errors classified."""
        if request.api_key_env is not None and not self.takes_api_key_ref:
            raise error_mapping.api_key_ref_not_supported(self.name)
        client = self._client(request.api_key_env)
        arguments = messages_arguments(request, self.name)
        try:
            message = await client.messages.create(**arguments)
        except Exception as error:
            mapped = self._map_error(error, request.api_key_env)
            if mapped is None:
                raise
            error_mapping.log_call_failed(logger, self.name, request, mapped)
            raise mapped from None
        result = parse_message(message, request, self.name)
        error_mapping.log_call_done(logger, self.name, result)
        return result


class AnthropicProvider(MessagesProvider):
    """``anthropic``: api.anthropic.com or a gateway via ``ANTHROPIC_BASE_URL``."""

    name = "anthropic"

    def _secrets(self, key_env: str | None = None) -> list[str | None]:
        return [
            env_value(key_env) if key_env else None,
            env_value("ANTHROPIC_API_KEY"),
            env_value("ANTHROPIC_AUTH_TOKEN"),
        ]

    def _client(self, key_env: str | None = None) -> anthropic.AsyncAnthropic:
        if key_env is not None:
            # The config named the key: use exactly that one, never a gateway token.
            api_key, auth_token = env_value(key_env), None
            if api_key is None:
                raise error_mapping.missing_referenced_key_error(self.name, key_env)
        else:
            api_key = env_value("ANTHROPIC_API_KEY")
            auth_token = env_value("ANTHROPIC_AUTH_TOKEN")
        if api_key is None and auth_token is None:
            raise error_mapping.missing_setting_error(
                self.name, "ANTHROPIC_API_KEY", " (or ANTHROPIC_AUTH_TOKEN for a gateway)"
            )
        timeout = request_timeout_seconds()
        config = (api_key, auth_token, env_value("ANTHROPIC_BASE_URL"), timeout)

        def build() -> anthropic.AsyncAnthropic:
            # The SDK reads ANTHROPIC_BASE_URL itself; pass only what we validated.
            if api_key is not None:
                return anthropic.AsyncAnthropic(api_key=api_key, max_retries=0, timeout=timeout)
            return anthropic.AsyncAnthropic(auth_token=auth_token, max_retries=0, timeout=timeout)

        return self._clients.get(config, build)
