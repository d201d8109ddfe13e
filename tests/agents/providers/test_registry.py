"""get_provider: names, lazy imports, missing optional dependencies."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from provider_wire_server import ProviderWireServer

from agents.base import providers
from agents.base.llm import ChatMessage, CompletionRequest, ProviderError

REPO_ROOT = Path(__file__).resolve().parents[3]
REQUEST = CompletionRequest(model="m", messages=[ChatMessage(role="user", content="hi")])


def test_every_sdk_provider_name_resolves_to_one_reused_adapter() -> None:
    for name in ("openai", "azure_openai", "anthropic", "aws_bedrock", "google_vertex"):
        adapter = providers.get_provider(name)
        assert adapter.name == name
        assert providers.get_provider(name) is adapter


def test_unknown_provider_is_a_clear_non_retryable_error() -> None:
    with pytest.raises(ProviderError) as caught:
        providers.get_provider("cohere")

    assert caught.value.retryable is False
    assert "unknown LLM provider 'cohere'" in caught.value.message
    assert "openai" in caught.value.message and "local" in caught.value.message


def test_importing_the_registry_loads_no_provider_sdk() -> None:
    # A fresh interpreter: this test process has long imported every SDK.
    probe = (
        "import sys, agents.base.providers as p; "
        "sdks = ('openai', 'anthropic', 'boto3', 'google.auth'); "
        "loaded = [m for m in sdks if m in sys.modules]; "
        "print(','.join(loaded))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    assert completed.stdout.strip() == ""


async def test_bedrock_without_boto3_says_what_to_install(
    configure: Any, monkeypatch: pytest.MonkeyPatch, server: ProviderWireServer
) -> None:
    configure("aws_bedrock")
    monkeypatch.setitem(sys.modules, "boto3", None)  # makes `import boto3` fail

    with pytest.raises(ProviderError) as caught:
        await providers.get_provider("aws_bedrock").complete(REQUEST)

    assert caught.value.retryable is False
    assert "pip install 'anthropic[bedrock]'" in caught.value.message
    assert server.requests == []


async def test_vertex_without_google_auth_says_what_to_install(
    configure: Any, clean_env: Any, monkeypatch: pytest.MonkeyPatch, server: ProviderWireServer
) -> None:
    configure("google_vertex")
    clean_env.delenv("GOOGLE_VERTEX_ACCESS_TOKEN")
    monkeypatch.setitem(sys.modules, "google.auth", None)

    with pytest.raises(ProviderError) as caught:
        await providers.get_provider("google_vertex").complete(REQUEST)

    assert caught.value.retryable is False
    assert "pip install 'anthropic[vertex]'" in caught.value.message
    assert server.requests == []


async def test_non_object_output_schema_is_rejected_before_any_request(
    configure: Any, server: ProviderWireServer
) -> None:
    configure("openai")
    request = CompletionRequest(
        model="gpt-4o",
        messages=[ChatMessage(role="user", content="list them")],
        output_schema={"type": "array", "items": {"type": "string"}},
    )

    with pytest.raises(ProviderError) as caught:
        await providers.get_provider("openai").complete(request)

    assert caught.value.retryable is False
    assert "root must be an object" in caught.value.message
    assert server.requests == []


def test_local_provider_is_registered_by_import_name() -> None:
    adapter = providers.get_provider("local")

    assert adapter.name == "local"
    assert providers.get_provider("local") is adapter
