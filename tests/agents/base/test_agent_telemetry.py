"""Agent services: Prometheus ``GET /metrics`` (invokes, model calls, tokens) and JSON logs."""

from __future__ import annotations

import json
import logging

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from agents.base.app import create_agent_app, create_multi_agent_app
from agents.base.telemetry import JsonLogFormatter, setup_agent_logging
from agents.mapper.agent import create_agent as create_mapper
from tests.agents.base.test_agent_app import EXTRACTED
from tests.agents.conftest import invoke_body


def samples(text: str, name: str, **labels: str) -> float:
    """The value of the sample ``name`` whose labels include ``labels`` (0 when absent)."""
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return float(sample.value)
    return 0.0


async def test_metrics_count_invokes_model_calls_and_tokens() -> None:
    app = create_agent_app(create_mapper())
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://agent"
    ) as client:
        before = (await client.get("/metrics")).text
        answer = await client.post(
            "/invoke", json=invoke_body("mapper", {"extracted_data": EXTRACTED})
        )
        assert answer.status_code == 200, answer.text
        usage = answer.json()["usage"]
        refused = await client.post("/invoke", json=invoke_body("mapper", {"extracted_data": 3}))
        assert refused.status_code == 422
        response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    after = response.text

    def grew(name: str, **labels: str) -> float:
        return samples(after, name, **labels) - samples(before, name, **labels)

    assert grew("hub_agent_invocations_total", agent_type="mapper", status="200") == 1
    assert grew("hub_agent_invocations_total", agent_type="mapper", status="422") == 1
    assert grew("hub_agent_invoke_duration_seconds_count", agent_type="mapper") == 2
    model = {"agent_type": "mapper", "provider": usage["provider"]}
    assert grew("hub_agent_llm_calls_total", outcome="ok", **model) >= 1
    assert grew("hub_agent_llm_tokens_total", direction="input", **model) == usage["input_tokens"]
    assert grew("hub_agent_llm_tokens_total", direction="output", **model) == usage["output_tokens"]


async def test_multi_agent_server_serves_metrics_at_its_root() -> None:
    app = create_multi_agent_app([create_mapper()])
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://agents"
    ) as client:
        assert (
            await client.post(
                "/mapper/invoke", json=invoke_body("mapper", {"extracted_data": EXTRACTED})
            )
        ).status_code == 200
        text = (await client.get("/metrics")).text
    assert samples(text, "hub_agent_invocations_total", agent_type="mapper", status="200") >= 1


def test_json_log_lines_carry_run_and_step_ids(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A process of its own: no handler another test's logging set-up left on the root.
    monkeypatch.setattr(logging.getLogger(), "handlers", [])
    setup_agent_logging("agent-mapper")
    setup_agent_logging("agent-mapper")  # once per process, however often it is called
    logger = logging.getLogger("agents.test")
    logger.warning("provider slow", extra={"run_id": "run-1", "step_id": "extract", "attempt": 2})
    lines = [line for line in capsys.readouterr().err.splitlines() if "provider slow" in line]
    assert len(lines) == 1
    entry = json.loads(lines[0])
    assert entry["service"] == "agent-mapper" and entry["level"] == "WARNING"
    assert (entry["run_id"], entry["step_id"], entry["attempt"]) == ("run-1", "extract", 2)
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "boom", None, None)
    assert json.loads(JsonLogFormatter("s").format(record))["message"] == "boom"
