"""Loading agents by type, ``AGENT_TYPE`` and each agent folder's ``main:app``."""

from __future__ import annotations

import importlib

import httpx
import pytest

from agents.base.server import app_from_environment, load_agent


def test_unknown_type_names_the_known_ones() -> None:
    with pytest.raises(ValueError, match="extractor, mapper, analyzer, summarizer"):
        load_agent("../etc")


@pytest.mark.parametrize("agent_type", ["extractor", "mapper", "analyzer", "summarizer"])
async def test_main_module_exposes_the_app(agent_type: str) -> None:
    app = importlib.import_module(f"agents.{agent_type}.main").app
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://a") as c:
        assert (await c.get("/metadata")).json()["type"] == agent_type


async def test_agent_type_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENT_TYPE", "mapper")
    single = app_from_environment()
    monkeypatch.setenv("AGENT_TYPE", "all")
    multi = app_from_environment()
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=single), base_url="http://a"
    ) as c:
        assert (await c.get("/health")).json()["agent_type"] == "mapper"
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=multi), base_url="http://a"
    ) as c:
        assert (await c.get("/summarizer/metadata")).json()["type"] == "summarizer"
