"""Fixtures: the provider wire server and per-provider environment wiring.

The helper module has a unique name because tests/ is not a package: pytest puts
this folder on sys.path and imports it by basename.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from provider_wire_server import PROVIDER_ENV, SECRETS, ProviderWireServer

from agents.base import providers


@pytest.fixture(scope="session")
def wire_server() -> Iterator[ProviderWireServer]:
    server = ProviderWireServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def server(wire_server: ProviderWireServer) -> Iterator[ProviderWireServer]:
    """The shared wire server with an empty script and request log for this test."""
    wire_server.reset()
    yield wire_server
    wire_server.release.set()  # let a still-sleeping delayed reply finish


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> pytest.MonkeyPatch:
    """No provider variable from the developer's shell, no credential files, no proxies."""
    for name in PROVIDER_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.aws, gcloud ADC or anthropic profiles
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    return monkeypatch


ProviderSetup = Callable[[str], None]


@pytest.fixture
def configure(clean_env: pytest.MonkeyPatch, server: ProviderWireServer) -> ProviderSetup:
    """Point provider ``name``'s SDK at the wire server through its environment variables."""

    def setup(name: str) -> None:
        env = clean_env
        if name == "openai":
            env.setenv("OPENAI_API_KEY", SECRETS["OPENAI_API_KEY"])
            env.setenv("OPENAI_BASE_URL", f"{server.url}/v1")
        elif name == "azure_openai":
            env.setenv("AZURE_OPENAI_API_KEY", SECRETS["AZURE_OPENAI_API_KEY"])
            env.setenv("AZURE_OPENAI_ENDPOINT", server.url)
            env.setenv("OPENAI_API_VERSION", "2024-10-21")
        elif name == "anthropic":
            env.setenv("ANTHROPIC_API_KEY", SECRETS["ANTHROPIC_API_KEY"])
            env.setenv("ANTHROPIC_BASE_URL", server.url)
        elif name == "aws_bedrock":
            env.setenv("AWS_ACCESS_KEY_ID", SECRETS["AWS_ACCESS_KEY_ID"])
            env.setenv("AWS_SECRET_ACCESS_KEY", SECRETS["AWS_SECRET_ACCESS_KEY"])
            env.setenv("AWS_REGION", "us-east-1")
            env.setenv("ANTHROPIC_BEDROCK_BASE_URL", server.url)
        elif name == "google_vertex":
            env.setenv("GOOGLE_VERTEX_ACCESS_TOKEN", SECRETS["GOOGLE_VERTEX_ACCESS_TOKEN"])
            env.setenv("CLOUD_ML_REGION", "us-east5")
            env.setenv("ANTHROPIC_VERTEX_PROJECT_ID", "hub-test-project")
            env.setenv("ANTHROPIC_VERTEX_BASE_URL", f"{server.url}/v1")
        else:
            raise ValueError(name)

    return setup


@pytest.fixture
def provider_of() -> Callable[[str], Any]:
    """``get_provider`` — the real registry every agent uses."""
    return providers.get_provider
