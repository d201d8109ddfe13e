"""Tools: the library's sensitivity marks match the agents', and only enabled tools run."""

from __future__ import annotations

from pathlib import Path

import httpx

from agents.base.server import load_agent
from agents.demo.samples import SampleFacts
from schemas.agents import BUILTIN_AGENT_TYPES, ToolConfig
from schemas.library import AGENT_TOOLS, TOOLS, default_config
from tests.agents.conftest import invoke_body, pdf_document


def test_library_tools_describe_the_agents_tools_sensitivity_included() -> None:
    """The API decides approvals from the library; it must say what the agents say."""
    for agent_type in BUILTIN_AGENT_TYPES:
        infos = load_agent(agent_type).tools.infos()
        assert [info.id for info in infos] == AGENT_TOOLS[agent_type]
        for info in infos:
            assert info.sensitive == TOOLS[info.id].sensitive, info.id


def test_reading_an_uploaded_document_is_not_sensitive() -> None:
    # Otherwise the demo pipeline (no approval step) could not be deployed.
    assert not TOOLS["pdf-parser"].sensitive
    assert not TOOLS["ocr-engine"].sensitive


async def test_a_tool_the_config_lists_as_disabled_is_refused(
    agents_client: httpx.AsyncClient, samples: list[SampleFacts], sample_dir: Path
) -> None:
    config = default_config("extractor")
    config = config.model_copy(
        update={"tools": [ToolConfig(id="pdf-parser", enabled=False), *config.tools[1:]]}
    )
    document = pdf_document(sample_dir / samples[0].filename)
    response = await agents_client.post(
        "/extractor/invoke", json=invoke_body("extractor", {"document": document}, config=config)
    )
    assert response.status_code == 400, response.text
    assert "'pdf-parser' is needed for this input but disabled" in response.json()["detail"]

    enabled = await agents_client.post(
        "/extractor/invoke",
        json=invoke_body("extractor", {"document": document}, config=default_config("extractor")),
    )
    assert enabled.status_code == 200, enabled.text
    assert "pdf-parser" in enabled.json()["tools_used"]
