"""The one place where SDK exceptions become :class:`ProviderError`.

Temporal owns retries, so every SDK runs with ``max_retries=0`` and the engine
decides from ``ProviderError.retryable`` (and ``retry_after_seconds``) whether
another attempt makes sense. Both SDK families share the status rules below;
each family has one function turning its exception types into a ProviderError.
"""

from __future__ import annotations

import email.utils
import logging
import time
from collections.abc import Iterable, Mapping
from typing import Any

from agents.base.llm import CompletionRequest, CompletionResult, ProviderError

#: 408 timeout, 409 conflict/lock, 429 rate limit; every 5xx (incl. Anthropic's 529) too.
RETRYABLE_STATUS_CODES = frozenset({408, 409, 429})
REDACTED = "[redacted]"


def is_retryable_status(status_code: int) -> bool:
    """Whether a provider HTTP status is worth another attempt."""
    return status_code in RETRYABLE_STATUS_CODES or status_code >= 500


def _non_negative_number(text: str) -> float | None:
    try:
        return max(float(text), 0.0)
    except ValueError:
        return None


def retry_after_seconds(headers: Mapping[str, str] | None) -> float | None:
    """The delay a provider asked for, from ``retry-after-ms`` or ``retry-after``."""
    if not headers:
        return None
    lowered = {key.lower(): value for key, value in headers.items()}
    milliseconds = _non_negative_number(lowered.get("retry-after-ms") or "")
    if milliseconds is not None:
        return milliseconds / 1000.0
    raw = lowered.get("retry-after")
    if not raw:
        return None
    seconds = _non_negative_number(raw)
    if seconds is not None:
        return seconds
    # RFC 9110 also allows an HTTP date.
    try:
        parsed = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    return max(parsed.timestamp() - time.time(), 0.0)


def redact(message: str, secrets: Iterable[str | None]) -> str:
    """Remove every secret value from a message before it leaves the adapter."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            message = message.replace(secret, REDACTED)
    return message


def body_error_message(body: object, fallback: str) -> str:
    """The human message of an OpenAI- or Anthropic-shaped error body."""
    if isinstance(body, Mapping):
        error: Any = body.get("error", body)
        if isinstance(error, Mapping) and isinstance(error.get("message"), str):
            return str(error["message"])
        if isinstance(body.get("message"), str):
            return str(body["message"])
    if isinstance(body, str) and body.strip():
        return body.strip()
    return fallback


def status_error(
    *,
    provider: str,
    status_code: int,
    message: str,
    headers: Mapping[str, str] | None,
    secrets: Iterable[str | None] = (),
) -> ProviderError:
    """A ProviderError for an HTTP error answer, classified by status code."""
    retryable = is_retryable_status(status_code)
    hint = "" if retryable else _next_step_hint(status_code)
    text = redact(f"{provider} returned HTTP {status_code}: {message}{hint}", secrets)
    return ProviderError(
        text,
        retryable=retryable,
        status_code=status_code,
        retry_after_seconds=retry_after_seconds(headers) if retryable else None,
        provider=provider,
    )


def connection_error(
    *, provider: str, timed_out: bool, detail: str, secrets: Iterable[str | None] = ()
) -> ProviderError:
    """A retryable ProviderError for a timeout or a connection that never got an answer."""
    what = "timed out" if timed_out else "could not be reached"
    return ProviderError(
        redact(f"{provider} {what}: {detail}", secrets),
        retryable=True,
        provider=provider,
    )


def missing_setting_error(provider: str, variable: str, extra: str = "") -> ProviderError:
    """A non-retryable ProviderError naming the environment variable to set."""
    return ProviderError(
        f"{variable} is not set: set it in the agent's environment{extra}",
        retryable=False,
        provider=provider,
    )


def missing_referenced_key_error(provider: str, variable: str) -> ProviderError:
    """Non-retryable: the variable the config's ``api_key_ref`` names is not set."""
    return missing_setting_error(
        provider,
        variable,
        f" (the agent config's api_key_ref env:{variable} names it; set it to the {provider} "
        "key, or remove api_key_ref to use the provider's usual variable)",
    )


def api_key_ref_not_supported(provider: str) -> ProviderError:
    """Non-retryable: a provider that authenticates without one API key got a reference."""
    return configuration_error(
        provider,
        f"{provider} authenticates with its platform's credentials, not with one API key; "
        "remove api_key_ref from the agent config",
    )


def configuration_error(provider: str, message: str) -> ProviderError:
    """A non-retryable ProviderError for a setup problem no retry can fix."""
    return ProviderError(message, retryable=False, provider=provider)


def _next_step_hint(status_code: int) -> str:
    if status_code == 401:
        return " (check the API key in the agent's environment)"
    if status_code == 403:
        return " (the credentials lack access to this model or resource)"
    if status_code == 404:
        return " (check the model or deployment name and the endpoint)"
    return ""


def log_call_failed(
    logger: logging.Logger, provider: str, request: CompletionRequest, error: ProviderError
) -> None:
    """One warning line per failed LLM call (never the key or the prompt)."""
    logger.warning(
        "LLM call failed",
        extra={
            "provider": provider,
            "model": request.model,
            "retryable": error.retryable,
            "status_code": error.status_code,
        },
    )


def log_call_done(logger: logging.Logger, provider: str, result: CompletionResult) -> None:
    logger.debug(
        "LLM call done",
        extra={
            "provider": provider,
            "model": result.model,
            "input_tokens": result.input_tokens,
            "output_tokens": result.output_tokens,
        },
    )
