"""``hub.demo`` against a real ``hub api`` (no Temporal: runs answer 503) and its pure parts."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from agents.demo.samples import MONEY_FIELDS, SampleFacts
from hub.demo import (
    DEMO_APP_NAME,
    DemoApiError,
    DemoError,
    demo_orchestration_yaml,
    format_detail,
    missing_figures,
    raise_api_errors,
    run_demo,
    step_timings,
)
from schemas.library import INPUT_SCHEMAS, OUTPUT_SCHEMAS
from schemas.orchestration import AgentInfo
from tests.auth_support import admin_headers, token_for
from tests.hub.api_process import free_port, running_hub_api
from workflows.compiler import compile_orchestration


@pytest.fixture(scope="module")
def api_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``hub api`` on a free port, its Temporal address a port nobody listens on."""
    home = tmp_path_factory.mktemp("demo-home")
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    env.update(
        {
            "HUB_HOME": str(home),
            "HUB_DATABASE_URL": f"sqlite:///{home}/demo.db",
            "HUB_TEMPORAL_ADDRESS": f"127.0.0.1:{free_port()}",
        }
    )
    with running_hub_api(env) as url:
        yield url


def test_everything_before_the_run_is_done_and_the_failing_call_is_named(
    api_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HUB_API_TOKEN", token_for())  # the demo's CLI client sends it
    lines: list[str] = []
    with pytest.raises(DemoApiError) as caught:
        run_demo(api_url, samples_dir=tmp_path / "samples", echo=lines.append)
    error = caught.value
    assert error.method == "POST"
    assert error.path.startswith("/apps/app-") and error.path.endswith("/runs")
    assert error.status_code == 503
    # A closed port reads "not reachable"; a connection reset during the handshake reads
    # "the connection broke at once" (with the TLS hint): both name Temporal as the cause.
    assert re.search(
        r"Temporal (is not reachable|at \S+: the connection broke at once)", str(error)
    )
    assert f"{error.path} answered 503" in str(error)

    assert sorted(p.suffix for p in (tmp_path / "samples").iterdir()).count(".pdf") == 3
    app_id = error.path.split("/")[2]
    with httpx.Client(base_url=api_url, headers=admin_headers()) as client:
        app = client.get(f"/apps/{app_id}").json()
        assert app["name"] == DEMO_APP_NAME
        assert app["status"] == "deployed"
        agents = client.get(f"/apps/{app_id}/agents").json()
        assert sorted(a["type"] for a in agents) == [
            "analyzer",
            "extractor",
            "mapper",
            "summarizer",
        ]
        assert all(a["config"]["model"]["provider"] == "local" for a in agents)
        stored = client.get(f"/orchestration/{app_id}/export-yaml").text
        assert "${" not in stored
        assert all(a["id"] in stored for a in agents)
    assert any(line.startswith("  uploaded as artifact://") for line in lines)
    assert any("deployed version" in line for line in lines)


def test_an_api_that_is_not_there_is_a_clear_error(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(DemoError, match="cannot reach the API at .*hub up"):
        run_demo(url, samples_dir=tmp_path, echo=lambda _line: None)


def test_demo_orchestration_fits_the_library_schemas() -> None:
    ids = {t: f"agent-{t[:3]}" for t in ("extractor", "mapper", "analyzer", "summarizer")}
    text = demo_orchestration_yaml("app-demo", ids)
    infos = [
        AgentInfo(id=i, type=t, input_schema=INPUT_SCHEMAS[t], output_schema=OUTPUT_SCHEMAS[t])
        for t, i in ids.items()
    ]
    result = compile_orchestration(text, infos)
    assert result.ok, result.errors
    assert result.warnings == []


def test_error_answers_become_exceptions_with_the_detail() -> None:
    request = httpx.Request("PUT", "http://api/orchestration/app-1")
    detail = [{"path": "/workflow/0/agent_id", "msg": "unknown agent", "line": 3}]
    response = httpx.Response(422, json={"detail": detail}, request=request)
    with pytest.raises(DemoApiError) as caught:
        raise_api_errors(response)
    assert str(caught.value) == (
        "PUT /orchestration/app-1 answered 422: /workflow/0/agent_id: unknown agent"
    )
    raise_api_errors(httpx.Response(201, json={}, request=request))
    text = httpx.Response(502, text="bad gateway", request=request)
    with pytest.raises(DemoApiError, match="answered 502: bad gateway"):
        raise_api_errors(text)
    assert format_detail([{"loc": ["body", "name"], "msg": "missing"}]) == "body/name: missing"


def test_step_timings_from_a_run() -> None:
    run = {
        "steps": [
            {
                "step_id": "1",
                "state": "completed",
                "attempts": 1,
                "started_at": "2025-01-01T10:00:00+00:00",
                "ended_at": "2025-01-01T10:00:01.500000+00:00",
            },
            {"step_id": "2", "state": "failed", "attempts": 3, "error": "boom"},
        ]
    }
    first, second = step_timings(run)
    assert (first.step_id, first.state, first.attempts, first.seconds) == ("1", "completed", 1, 1.5)
    assert (second.seconds, second.error, second.attempts) == (None, "boom", 3)


def test_missing_figures_names_what_the_memo_lacks() -> None:
    figures = {name: 1_000_000.0 + i for i, name in enumerate(MONEY_FIELDS)}
    facts = SampleFacts("x.pdf", "X", "Retail", "2024-12-31", "USD", figures=figures)
    memo = " ".join(f"{v:,.0f}" for v in figures.values())
    assert missing_figures(facts, memo) == []
    assert missing_figures(facts, memo.replace("1,000,000", "")) == ["1,000,000"]
