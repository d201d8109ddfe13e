"""The LLM judge's request and how its answer becomes a score (no model called here;
tests/e2e/test_evaluations.py runs it through the real OpenAI SDK against a local server)."""

from __future__ import annotations

import pytest
from temporalio.exceptions import ApplicationError

from hub.judge import judge_request, parse_verdict
from schemas.evaluations import JudgeConfig


def test_the_request_carries_the_rubric_the_field_and_the_key_reference_only() -> None:
    config = JudgeConfig(model="m", rubric="Same company?", api_key_ref="env:JUDGE_KEY")
    request = judge_request(config, "mapped_data.borrower_name", "ACME", "Acme GmbH")
    prompt = request.messages[0].content
    assert "Same company?" in prompt and "mapped_data.borrower_name" in prompt
    assert '"ACME"' in prompt and '"Acme GmbH"' in prompt
    assert request.api_key_env == "JUDGE_KEY" and request.temperature == 0.0
    assert request.output_schema is not None and request.output_schema["required"] == [
        "score",
        "reason",
    ]
    assert judge_request(JudgeConfig(model="m"), "f", 1, 1).api_key_env is None


@pytest.mark.parametrize(
    ("data", "text", "score"),
    [
        ({"score": 0.25, "reason": "r"}, "", 0.25),
        (None, '{"score": 1, "reason": "same"}', 1.0),
        (None, "0.7", 0.7),
        (None, "I would say 0.4 overall", 0.4),
        ({"score": 3}, "", 1.0),
        ({"score": -1}, "", 0.0),
    ],
)
def test_a_verdict_becomes_a_score_clamped_to_0_1(
    data: dict[str, object] | None, text: str, score: float
) -> None:
    assert parse_verdict(data, text) == pytest.approx(score)


def test_an_answer_without_a_score_fails_without_retrying() -> None:
    with pytest.raises(ApplicationError) as caught:
        parse_verdict(None, "no idea")
    assert caught.value.non_retryable and "no score" in str(caught.value)


def test_a_judge_config_is_checked() -> None:
    with pytest.raises(ValueError):
        JudgeConfig(model="m", api_key_ref="sk-live-1234")  # a key, not a reference
    with pytest.raises(ValueError):
        JudgeConfig(model="m", provider="nope")  # type: ignore[arg-type]
