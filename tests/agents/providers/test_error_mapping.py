"""Status classification, retry-after parsing, redaction and strict-schema conversion."""

from __future__ import annotations

import email.utils
import time

import pytest

from agents.base.providers import error_mapping
from agents.base.providers.structured_output import schema_name, strict_schema


@pytest.mark.parametrize("status", [408, 409, 429, 500, 502, 503, 504, 529])
def test_transient_statuses_are_retryable(status: int) -> None:
    assert error_mapping.is_retryable_status(status) is True


@pytest.mark.parametrize("status", [400, 401, 402, 403, 404, 413, 422])
def test_request_problems_are_not_retryable(status: int) -> None:
    assert error_mapping.is_retryable_status(status) is False


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Retry-After": "30"}, 30.0),
        ({"retry-after": "0.5"}, 0.5),
        ({"retry-after-ms": "250"}, 0.25),
        ({"retry-after-ms": "250", "retry-after": "9"}, 0.25),
        ({"retry-after-ms": "soon", "retry-after": "9"}, 9.0),
        ({"retry-after": "whenever"}, None),
        ({}, None),
        (None, None),
    ],
)
def test_retry_after_headers(headers: dict[str, str] | None, expected: float | None) -> None:
    assert error_mapping.retry_after_seconds(headers) == expected


def test_retry_after_http_date_is_turned_into_seconds_from_now() -> None:
    in_a_minute = email.utils.formatdate(time.time() + 60, usegmt=True)

    delay = error_mapping.retry_after_seconds({"retry-after": in_a_minute})

    assert delay is not None and 0 < delay <= 60


def test_status_error_drops_retry_after_for_fatal_errors_and_redacts_secrets() -> None:
    error = error_mapping.status_error(
        provider="openai",
        status_code=401,
        message="Incorrect API key provided: sk-live-secret-value",
        headers={"retry-after": "5"},
        secrets=["sk-live-secret-value", None],
    )

    assert (error.retryable, error.retry_after_seconds) == (False, None)
    assert "sk-live-secret-value" not in error.message
    assert "check the API key" in error.message


def test_body_error_message_reads_both_wire_formats() -> None:
    openai_body = {"error": {"message": "bad temperature", "type": "invalid_request_error"}}
    anthropic_body = {"type": "error", "error": {"type": "x", "message": "bad max_tokens"}}

    assert error_mapping.body_error_message(openai_body, "fallback") == "bad temperature"
    assert error_mapping.body_error_message(anthropic_body, "fallback") == "bad max_tokens"
    assert error_mapping.body_error_message(None, "fallback") == "fallback"


def test_strict_schema_closes_objects_in_defs_and_refs() -> None:
    schema = {
        "type": "object",
        "properties": {"loan": {"$ref": "#/$defs/loan"}},
        "required": ["loan"],
        "$defs": {
            "loan": {
                "type": "object",
                "properties": {"rate": {"anyOf": [{"type": "number"}, {"type": "null"}]}},
                "required": ["rate"],
            }
        },
    }

    strict = strict_schema(schema)

    assert strict is not None
    assert strict["additionalProperties"] is False
    assert strict["$defs"]["loan"]["additionalProperties"] is False
    assert "additionalProperties" not in schema  # the caller's schema is untouched


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "object", "properties": {"a": {"type": "string"}}},  # optional property
        {
            "type": "object",
            "properties": {"a": {"type": "string"}},
            "required": ["a"],
            "additionalProperties": {"type": "string"},
        },
        {
            "type": "object",
            "properties": {"a": {"type": "string", "minLength": 1}},  # unsupported keyword
            "required": ["a"],
        },
        {"type": "object", "properties": {"a": {}}, "required": ["a"]},  # unconstrained node
        {"anyOf": [{"type": "object"}, {"type": "string"}]},
    ],
)
def test_schemas_strict_mode_cannot_express_fall_back_to_non_strict(schema: dict) -> None:
    assert strict_schema(schema) is None


def test_schema_name_is_provider_safe() -> None:
    assert schema_name({"title": "Credit memo (v2)!"}) == "Credit_memo_v2"
    assert schema_name({}) == "agent_output"
    assert len(schema_name({"title": "x" * 100})) == 64
