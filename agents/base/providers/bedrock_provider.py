"""Claude on AWS Bedrock through ``anthropic.AsyncAnthropicBedrock``.

Credentials come from the standard AWS chain (``AWS_ACCESS_KEY_ID`` /
``AWS_SECRET_ACCESS_KEY`` / ``AWS_SESSION_TOKEN``, ``AWS_PROFILE``, SSO, instance
or task roles) or a Bedrock API key in ``AWS_BEARER_TOKEN_BEDROCK``; the region
from ``AWS_REGION`` (or ``AWS_DEFAULT_REGION`` / the profile); a gateway from
``ANTHROPIC_BEDROCK_BASE_URL``. Requests are SigV4-signed by the SDK via botocore.
"""

from __future__ import annotations

from typing import Any

import anthropic

from agents.base.llm import ProviderError
from agents.base.providers import error_mapping
from agents.base.providers.anthropic_provider import MessagesProvider, map_anthropic_error
from agents.base.providers.sdk_clients import env_value, request_timeout_seconds

MISSING_DEPENDENCY = (
    "aws_bedrock needs boto3 and botocore, which are not installed: "
    "pip install 'anthropic[bedrock]' in the agent's image"
)


class BedrockProvider(MessagesProvider):
    """``aws_bedrock``: Anthropic models on Amazon Bedrock."""

    name = "aws_bedrock"

    #: AWS/Google credential chains, not one API key: a config's api_key_ref is refused.
    takes_api_key_ref = False

    def _secrets(self, key_env: str | None = None) -> list[str | None]:
        return [
            env_value("AWS_SECRET_ACCESS_KEY"),
            env_value("AWS_SESSION_TOKEN"),
            env_value("AWS_BEARER_TOKEN_BEDROCK"),
        ]

    def _map_error(self, error: Exception, key_env: str | None = None) -> ProviderError | None:
        mapped = map_anthropic_error(error, self.name, self._secrets())
        if mapped is not None:
            return mapped
        try:
            import botocore.exceptions
        except ImportError:
            return None
        # The SDK signs each request; credentials that vanished mid-run land here.
        if isinstance(error, botocore.exceptions.NoCredentialsError):
            return _missing_credentials(self.name)
        if isinstance(error, RuntimeError) and "AWS credentials" in str(error):
            return _missing_credentials(self.name)
        if isinstance(error, botocore.exceptions.BotoCoreError):
            return error_mapping.configuration_error(
                self.name,
                error_mapping.redact(f"aws_bedrock credentials: {error}", self._secrets()),
            )
        return None

    def _client(self, key_env: str | None = None) -> anthropic.AsyncAnthropicBedrock:
        try:
            import boto3
            import botocore  # noqa: F401  (the SDK signs with botocore)
        except ImportError:
            raise error_mapping.configuration_error(self.name, MISSING_DEPENDENCY) from None
        bearer_token = env_value("AWS_BEARER_TOKEN_BEDROCK")
        profile = env_value("AWS_PROFILE")
        region = env_value("AWS_REGION", "AWS_DEFAULT_REGION")
        timeout = request_timeout_seconds()
        config = (
            bearer_token,
            profile,
            region,
            env_value("AWS_ACCESS_KEY_ID"),
            env_value("AWS_SECRET_ACCESS_KEY"),
            env_value("AWS_SESSION_TOKEN"),
            env_value("ANTHROPIC_BEDROCK_BASE_URL"),
            timeout,
        )

        def build() -> anthropic.AsyncAnthropicBedrock:
            session: Any = boto3.Session(profile_name=profile)
            resolved_region = region or session.region_name
            if not resolved_region:
                raise error_mapping.missing_setting_error(
                    self.name, "AWS_REGION", " (e.g. us-east-1)"
                )
            # Resolve the credential chain now so a missing key fails before any request.
            if bearer_token is None and session.get_credentials() is None:
                raise _missing_credentials(self.name)
            return anthropic.AsyncAnthropicBedrock(
                aws_region=resolved_region, max_retries=0, timeout=timeout
            )

        return self._clients.get(config, build)


def _missing_credentials(provider: str) -> ProviderError:
    return error_mapping.missing_setting_error(
        provider,
        "AWS_ACCESS_KEY_ID",
        " with AWS_SECRET_ACCESS_KEY (or AWS_PROFILE, an instance/task role, "
        "or AWS_BEARER_TOKEN_BEDROCK)",
    )
