"""The LLM judge of evaluations, built on the agents' provider adapters.

``EvaluationActivities`` (on the orchestrator worker) calls :func:`provider_judge` for
each field an evaluation's ``judge`` names: the model is asked, with the rubric, whether
the actual value matches the expected one and answers ``{"score": 0–1, "reason": …}``
(structured output where the provider has it). The adapter reads the key from the
worker's environment (``OPENAI_API_KEY``… or ``api_key_ref: env:NAME``): the key is never
part of the evaluation, its workflow input or its history.
"""

from __future__ import annotations

import json
import re
from typing import Any

from temporalio.exceptions import ApplicationError

from agents.base.llm import ChatMessage, CompletionRequest, ProviderError
from agents.base.providers import get_provider
from schemas.evaluations import JudgeConfig

#: What the judge must answer.
VERDICT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "score": {"type": "number", "minimum": 0, "maximum": 1},
        "reason": {"type": "string"},
    },
    "required": ["score", "reason"],
    "additionalProperties": False,
}
SYSTEM = (
    "You grade one output field of an automated credit-document pipeline against the "
    "value a reviewer expected. Answer only with JSON: "
    '{"score": <number from 0 to 1>, "reason": "<one sentence>"}.'
)
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def judge_request(config: JudgeConfig, field: str, expected: Any, actual: Any) -> CompletionRequest:
    """The completion request the judge sends for one field."""
    prompt = (
        f"Rubric: {config.rubric}\n\n"
        f"Field: {field}\n"
        f"Expected: {json.dumps(expected, default=str, ensure_ascii=False)}\n"
        f"Actual: {json.dumps(actual, default=str, ensure_ascii=False)}\n"
    )
    return CompletionRequest(
        model=config.model,
        messages=[ChatMessage(role="user", content=prompt)],
        system=SYSTEM,
        temperature=0.0,
        max_tokens=300,
        output_schema=VERDICT_SCHEMA,
        context={"judge": True, "field": field, "expected": expected, "actual": actual},
        api_key_env=config.api_key_ref.removeprefix("env:") if config.api_key_ref else None,
    )


def parse_verdict(data: dict[str, Any] | None, text: str) -> float:
    """The score of the judge's answer, clamped to 0–1 (a reply without one is an error)."""
    score: Any = (data or {}).get("score")
    if score is None:
        try:
            parsed = json.loads(text)
            score = parsed.get("score") if isinstance(parsed, dict) else parsed
        except ValueError:
            found = _NUMBER.search(text or "")
            score = found.group(0) if found else None
    try:
        value = float(score)
    except (TypeError, ValueError):
        raise ApplicationError(
            f"the LLM judge gave no score (answer: {text[:200]!r})", non_retryable=True
        ) from None
    return min(1.0, max(0.0, value))


async def provider_judge(config: JudgeConfig, field: str, expected: Any, actual: Any) -> float:
    """Ask ``config.provider``'s ``config.model`` to score ``actual`` against ``expected``."""
    try:
        provider = get_provider(config.provider)
        result = await provider.complete(judge_request(config, field, expected, actual))
    except ProviderError as exc:
        # Temporal retries what the provider says may pass; the rest fails the scoring.
        raise ApplicationError(
            f"the LLM judge ({config.provider} {config.model}) failed: {exc.message}",
            non_retryable=not exc.retryable,
        ) from None
    return parse_verdict(result.data, result.text)
