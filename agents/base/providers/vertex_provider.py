"""Claude on Google Vertex AI through ``anthropic.AsyncAnthropicVertex``.

Region from ``CLOUD_ML_REGION`` (or ``GOOGLE_CLOUD_REGION``), project from
``ANTHROPIC_VERTEX_PROJECT_ID`` (or the one the credentials carry), credentials
from google-auth Application Default Credentials (``GOOGLE_APPLICATION_CREDENTIALS``,
``gcloud auth application-default login``, workload identity) or a ready access
token in ``GOOGLE_VERTEX_ACCESS_TOKEN`` (gateways, tests); a gateway URL from
``ANTHROPIC_VERTEX_BASE_URL``.
"""

from __future__ import annotations

from typing import Any

import anthropic

from agents.base.llm import ProviderError
from agents.base.providers import error_mapping
from agents.base.providers.anthropic_provider import MessagesProvider, map_anthropic_error
from agents.base.providers.sdk_clients import env_value, request_timeout_seconds

CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform"
MISSING_DEPENDENCY = (
    "google_vertex needs google-auth, which is not installed: "
    "pip install 'anthropic[vertex]' in the agent's image (or set GOOGLE_VERTEX_ACCESS_TOKEN)"
)


class VertexProvider(MessagesProvider):
    """``google_vertex``: Anthropic models on Vertex AI."""

    name = "google_vertex"

    #: AWS/Google credential chains, not one API key: a config's api_key_ref is refused.
    takes_api_key_ref = False

    def _secrets(self, key_env: str | None = None) -> list[str | None]:
        return [env_value("GOOGLE_VERTEX_ACCESS_TOKEN")]

    def _map_error(self, error: Exception, key_env: str | None = None) -> ProviderError | None:
        mapped = map_anthropic_error(error, self.name, self._secrets())
        if mapped is not None:
            return mapped
        try:
            import google.auth.exceptions as google_errors
        except ImportError:
            return None
        if isinstance(error, google_errors.TransportError):
            # Token refresh could not reach Google: a network problem, worth retrying.
            return error_mapping.connection_error(
                provider=self.name, timed_out=False, detail=f"token refresh failed: {error}"
            )
        if isinstance(error, google_errors.GoogleAuthError):
            return error_mapping.configuration_error(
                self.name,
                f"google_vertex credentials were rejected: {error} "
                "(check GOOGLE_APPLICATION_CREDENTIALS or run "
                "`gcloud auth application-default login`)",
            )
        return None

    def _client(self, key_env: str | None = None) -> anthropic.AsyncAnthropicVertex:
        region = env_value("CLOUD_ML_REGION", "GOOGLE_CLOUD_REGION")
        if region is None:
            raise error_mapping.missing_setting_error(
                self.name, "CLOUD_ML_REGION", " (e.g. us-east5, or GOOGLE_CLOUD_REGION)"
            )
        project = env_value("ANTHROPIC_VERTEX_PROJECT_ID")
        access_token = env_value("GOOGLE_VERTEX_ACCESS_TOKEN")
        timeout = request_timeout_seconds()
        config = (
            region,
            project,
            access_token,
            env_value("GOOGLE_APPLICATION_CREDENTIALS"),
            env_value("ANTHROPIC_VERTEX_BASE_URL"),
            timeout,
        )

        def build() -> anthropic.AsyncAnthropicVertex:
            credentials: Any = None
            resolved_project = project
            if access_token is None:
                credentials, adc_project = _application_default_credentials(self.name)
                resolved_project = project or adc_project
            if not resolved_project:
                raise error_mapping.missing_setting_error(self.name, "ANTHROPIC_VERTEX_PROJECT_ID")
            return anthropic.AsyncAnthropicVertex(
                region=region,
                project_id=resolved_project,
                access_token=access_token,
                credentials=credentials,
                max_retries=0,
                timeout=timeout,
            )

        return self._clients.get(config, build)


def _application_default_credentials(provider: str) -> tuple[Any, str | None]:
    """ADC with the cloud-platform scope, or a clear error naming what to set."""
    try:
        import google.auth
        import google.auth.exceptions
    except ImportError:
        raise error_mapping.configuration_error(provider, MISSING_DEPENDENCY) from None
    try:
        credentials, project = google.auth.default(scopes=[CLOUD_PLATFORM_SCOPE])
    except google.auth.exceptions.DefaultCredentialsError:
        raise error_mapping.missing_setting_error(
            provider,
            "GOOGLE_APPLICATION_CREDENTIALS",
            " (a service-account key file; or run `gcloud auth application-default login`, "
            "or set GOOGLE_VERTEX_ACCESS_TOKEN)",
        ) from None
    return credentials, project
