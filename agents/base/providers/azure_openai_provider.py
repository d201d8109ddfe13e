"""Azure OpenAI chat completions through ``openai.AsyncAzureOpenAI``.

The request's model is the Azure *deployment* name; the SDK puts it in the URL
(``/openai/deployments/{deployment}/chat/completions?api-version=...``).
Configuration comes from the environment the way the SDK reads it:
``AZURE_OPENAI_ENDPOINT``, ``AZURE_OPENAI_API_KEY`` (``AZURE_OPENAI_KEY``, the
name the platform document uses, is accepted too) or ``AZURE_OPENAI_AD_TOKEN``,
and ``OPENAI_API_VERSION``. A config's ``api_key_ref: env:NAME`` makes the key
come from ``NAME`` only (no fallback to the other variables or an Entra ID token).
"""

from __future__ import annotations

import openai

from agents.base.providers import error_mapping
from agents.base.providers.openai_provider import ChatCompletionsProvider
from agents.base.providers.sdk_clients import env_value, request_timeout_seconds

#: First GA API version with JSON-schema structured outputs; used when OPENAI_API_VERSION is unset.
DEFAULT_API_VERSION = "2024-10-21"


class AzureOpenAIProvider(ChatCompletionsProvider):
    """``azure_openai``: an Azure OpenAI resource (or a gateway in front of one)."""

    name = "azure_openai"

    def _secrets(self, key_env: str | None = None) -> list[str | None]:
        return [
            env_value(key_env) if key_env else None,
            env_value("AZURE_OPENAI_API_KEY"),
            env_value("AZURE_OPENAI_KEY"),
            env_value("AZURE_OPENAI_AD_TOKEN"),
        ]

    def _client(self, key_env: str | None = None) -> openai.AsyncAzureOpenAI:
        if key_env is not None:
            # The config named the key: use exactly that one, never another credential.
            api_key, ad_token = env_value(key_env), None
            if api_key is None:
                raise error_mapping.missing_referenced_key_error(self.name, key_env)
        else:
            api_key = env_value("AZURE_OPENAI_API_KEY", "AZURE_OPENAI_KEY")
            ad_token = env_value("AZURE_OPENAI_AD_TOKEN")
        if api_key is None and ad_token is None:
            raise error_mapping.missing_setting_error(
                self.name,
                "AZURE_OPENAI_API_KEY",
                " (or AZURE_OPENAI_KEY, or AZURE_OPENAI_AD_TOKEN for Entra ID)",
            )
        endpoint = env_value("AZURE_OPENAI_ENDPOINT")
        if endpoint is None:
            raise error_mapping.missing_setting_error(
                self.name,
                "AZURE_OPENAI_ENDPOINT",
                " (e.g. https://my-resource.openai.azure.com)",
            )
        api_version = env_value("OPENAI_API_VERSION") or DEFAULT_API_VERSION
        timeout = request_timeout_seconds()
        config = (api_key, ad_token, endpoint, api_version, timeout)

        def build() -> openai.AsyncAzureOpenAI:
            if api_key is not None:
                return openai.AsyncAzureOpenAI(
                    api_key=api_key,
                    azure_endpoint=endpoint,
                    api_version=api_version,
                    max_retries=0,
                    timeout=timeout,
                )
            return openai.AsyncAzureOpenAI(
                azure_ad_token=ad_token,
                azure_endpoint=endpoint,
                api_version=api_version,
                max_retries=0,
                timeout=timeout,
            )

        return self._clients.get(config, build)
