"""LLM provider adapters, looked up by the provider names of the agent config.

Adapters are imported lazily, on first use, so an agent image without e.g.
boto3 or google-auth still starts and only the provider that needs the missing
library fails (with a clear, non-retryable error). Each adapter is created once
per process and reuses its SDK clients.
"""

from __future__ import annotations

import importlib
import threading

from agents.base.llm import LLMProvider, ProviderError
from agents.base.providers.fallbacks import complete_with_fallbacks

__all__ = ["PROVIDER_NAMES", "complete_with_fallbacks", "get_provider"]

#: provider name -> (module, class), imported on first use.
_ADAPTERS: dict[str, tuple[str, str]] = {
    "openai": ("agents.base.providers.openai_provider", "OpenAIProvider"),
    "azure_openai": ("agents.base.providers.azure_openai_provider", "AzureOpenAIProvider"),
    "anthropic": ("agents.base.providers.anthropic_provider", "AnthropicProvider"),
    "aws_bedrock": ("agents.base.providers.bedrock_provider", "BedrockProvider"),
    "google_vertex": ("agents.base.providers.vertex_provider", "VertexProvider"),
    "local": ("agents.base.providers.local", "LocalProvider"),
}
#: pip package each adapter module needs, for the error when it is missing.
_PACKAGES = {"openai": "openai", "azure_openai": "openai"}
PROVIDER_NAMES: tuple[str, ...] = tuple(_ADAPTERS)

_instances: dict[str, LLMProvider] = {}
_lock = threading.Lock()


def get_provider(name: str) -> LLMProvider:
    """The process-wide adapter for provider ``name`` (``openai``, ``anthropic``, ...)."""
    with _lock:
        provider = _instances.get(name)
        if provider is not None:
            return provider
        if name not in _ADAPTERS:
            raise ProviderError(
                f"unknown LLM provider {name!r}: use one of {', '.join(PROVIDER_NAMES)}",
                retryable=False,
                provider=name,
            )
        module_name, class_name = _ADAPTERS[name]
        try:
            module = importlib.import_module(module_name)
        except ImportError as error:
            package = _PACKAGES.get(name, "anthropic")
            raise ProviderError(
                f"LLM provider {name!r} cannot load ({error}): install {package!r} "
                "in the agent's environment (or pick another provider)",
                retryable=False,
                provider=name,
            ) from None
        provider = getattr(module, class_name)()
        _instances[name] = provider
        return provider
