"""Trying other (provider, model) pairs when a call fails with a retryable error.

Only retryable errors (rate limits, overload, 5xx, timeouts) move on to the next
model: a 400 or a missing key would fail the same way everywhere, and hiding
it behind a fallback would only cost money and time.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence

from agents.base.llm import CompletionRequest, CompletionResult, ProviderError

logger = logging.getLogger(__name__)


async def complete_with_fallbacks(
    primary: tuple[str, str],
    fallbacks: Sequence[tuple[str, str]],
    request: CompletionRequest,
) -> CompletionResult:
    """Complete ``request`` with ``primary`` (provider, model), then each fallback in order.

    Moves on only after a retryable :class:`ProviderError`; re-raises a
    non-retryable one at once and the last error when every candidate failed.
    """
    # Imported here: the package __init__ imports this module.
    from agents.base.providers import get_provider

    candidates = [primary, *fallbacks]
    last_error: ProviderError | None = None
    for index, (provider_name, model) in enumerate(candidates):
        provider = get_provider(provider_name)
        try:
            # The request's api_key_env belongs to the primary model; fallbacks given as
            # pairs use their provider's usual variables.
            key_env = request.api_key_env if index == 0 else None
            return await provider.complete(
                dataclasses.replace(request, model=model, api_key_env=key_env)
            )
        except ProviderError as error:
            if not error.retryable:
                raise
            last_error = error
            if index + 1 < len(candidates):
                next_provider, next_model = candidates[index + 1]
                logger.warning(
                    "LLM %s/%s failed with a retryable error; trying fallback %s/%s",
                    provider_name,
                    model,
                    next_provider,
                    next_model,
                    extra={"status_code": error.status_code},
                )
    assert last_error is not None  # candidates is never empty
    raise last_error
