"""Fixtures of the agent tests: sample PDFs, the four agents on one ASGI app, request bodies."""

from __future__ import annotations

import base64
import itertools
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from agents.base.app import create_multi_agent_app
from agents.base.server import load_agent
from agents.demo.samples import SampleFacts, generate_samples
from schemas.agents import BUILTIN_AGENT_TYPES, AgentConfig
from schemas.library import default_config
from schemas.orchestration import ResolvedAgentConfig

_keys = itertools.count(1)


def invoke_body(
    agent_type: str,
    inputs: dict[str, Any],
    *,
    config: AgentConfig | None = None,
    output_schema: dict[str, Any] | None = None,
    idempotency_key: str | None = None,
    attempt: int = 1,
    **resolved: Any,
) -> dict[str, Any]:
    """A JSON body of ``POST /invoke`` as the engine sends it."""
    key = idempotency_key or f"test-{agent_type}-{next(_keys)}"
    resolved_config = ResolvedAgentConfig(
        config=config or default_config(agent_type), output_schema=output_schema, **resolved
    )
    return {
        "run_id": "run-test",
        "step_id": f"step-{agent_type}",
        "attempt": attempt,
        "idempotency_key": key,
        "agent_id": f"agent-{agent_type}",
        "agent_type": agent_type,
        "config": resolved_config.model_dump(mode="json"),
        "inputs": inputs,
    }


def pdf_document(path: Path, media_type: str = "application/pdf") -> dict[str, str]:
    """The inline document object the engine hands to the extractor."""
    return {
        "artifact_uri": f"artifact://test/{path.name}",
        "filename": path.name,
        "media_type": media_type,
        "content_base64": base64.b64encode(path.read_bytes()).decode(),
    }


@pytest.fixture(scope="session")
def sample_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("credit-memo-samples")


@pytest.fixture(scope="session")
def samples(sample_dir: Path) -> list[SampleFacts]:
    return generate_samples(sample_dir)


@pytest.fixture(scope="session")
async def agents_client() -> AsyncIterator[httpx.AsyncClient]:
    """All four built-in agents under ``/{type}``, as the embedded stack serves them."""
    app = create_multi_agent_app([load_agent(t) for t in BUILTIN_AGENT_TYPES])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://agents") as client:
        yield client
