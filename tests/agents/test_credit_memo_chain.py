"""The four agents chained over HTTP on every sample PDF, with the local provider."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
import yaml

from agents.demo.samples import MONEY_FIELDS, SampleFacts, generate_samples
from tests.agents.conftest import invoke_body, pdf_document

DEMO_ORCHESTRATION = (
    Path(__file__).parents[2] / "agents" / "demo" / "credit_memo_orchestration.yaml"
)


def demo_steps() -> list[tuple[str, str, str]]:
    """(agent type, input field, output name) of each step of the demo orchestration, in order."""
    spec = yaml.safe_load(DEMO_ORCHESTRATION.read_text())
    types = {agent["id"]: agent["type"] for agent in spec["agents"]}
    steps = []
    for step in spec["workflow"]:
        (step_input,) = step["inputs"]
        (output,) = step["outputs"]
        steps.append((types[step["agent_id"]], step_input["field"], output["name"]))
    return steps


async def run_chain(client: httpx.AsyncClient, pdf: Path) -> dict[str, dict]:
    """The demo's steps in order, passing data the way the engine does.

    Each step declares one output, so the engine hands the agent's whole result
    (``outputs`` of the invoke response) to the next step under the input's field
    name: ``next_inputs = {field: previous_whole_result}``. Returns each agent
    type's invoke response.
    """
    results: dict[str, dict] = {}
    previous: object = pdf_document(pdf)
    for agent_type, field, _output in demo_steps():
        response = await client.post(
            f"/{agent_type}/invoke", json=invoke_body(agent_type, {field: previous})
        )
        assert response.status_code == 200, response.text
        results[agent_type] = response.json()
        previous = results[agent_type]["outputs"]
    return results


def test_the_demo_orchestration_is_the_chain_tested_here() -> None:
    assert demo_steps() == [
        ("extractor", "document", "extracted_data"),
        ("mapper", "extracted_data", "mapped_data"),
        ("analyzer", "mapped_data", "risk_analysis"),
        ("summarizer", "risk_analysis", "final_report"),
    ]


def _sample_names() -> list[str]:
    return ["acme_precision", "blue_harbor", "nordlicht_energie"]


@pytest.mark.parametrize("index", range(3), ids=_sample_names())
async def test_memo_figures_match_the_pdf(
    agents_client: httpx.AsyncClient, samples: list[SampleFacts], sample_dir: Path, index: int
) -> None:
    facts = samples[index]
    results = await run_chain(agents_client, sample_dir / facts.filename)

    mapped = results["mapper"]["outputs"]
    assert mapped["borrower_name"] == facts.borrower_name
    assert mapped["as_of_date"] == facts.as_of_date
    assert mapped["currency"] == facts.currency
    for name in MONEY_FIELDS:
        assert mapped[name] == pytest.approx(facts.figures[name]), name

    assert results["extractor"]["outputs"]["source"]["filename"] == facts.filename
    assert results["extractor"]["outputs"]["source"]["pages"] >= 1
    assert any(entry["field"] == "loan_amount" for entry in mapped["normalisations"])

    report = results["summarizer"]["outputs"]
    analysis = results["analyzer"]["outputs"]
    assert facts.borrower_name in report["markdown"]
    assert report["risk_grade"] == analysis["risk_grade"]
    for name in MONEY_FIELDS:
        written = f"{abs(facts.figures[name]):,.0f}"
        assert written in report["markdown"], (name, written)
        assert written in report["html"], (name, written)
    assert "normalisations" not in analysis["financials"]
    ratios = analysis["ratios"]
    expected_dscr = facts.figures["ebitda"] / facts.figures["annual_debt_service"]
    assert ratios["dscr"] == pytest.approx(expected_dscr, abs=1e-3)
    assert f"{expected_dscr:.2f}x" in report["markdown"]
    for agent_type, result in results.items():
        assert result["usage"]["provider"] == "local", agent_type
        assert result["usage"]["model"] == "local-rules"
        assert result["usage"]["input_tokens"] > 0
        errors = [v for v in result["violations"] if v["severity"] == "error"]
        assert errors == [], agent_type
        # Warnings name only fields the sample does not state.
        for warning in result["violations"]:
            assert warning["message"] == "not found in the document", warning
            assert warning["pointer"].rsplit("/", 1)[-1] not in facts.figures, warning
    assert results["extractor"]["tools_used"] == ["pdf-parser"]
    assert set(results["analyzer"]["tools_used"]) == {"risk-calculator", "market-data"}


async def test_losses_and_weak_liquidity_raise_the_grade(
    agents_client: httpx.AsyncClient, samples: list[SampleFacts], sample_dir: Path
) -> None:
    grades = {}
    for facts in samples:
        results = await run_chain(agents_client, sample_dir / facts.filename)
        grades[facts.borrower_name] = results["analyzer"]["outputs"]
    loss_maker = grades["Blue Harbor Logistics Inc."]
    assert any("net loss of 350,000" in reason for reason in loss_maker["reasons"])
    assert loss_maker["risk_grade"] > grades["Acme Precision Manufacturing LLC"]["risk_grade"]


def test_samples_are_reproducible(tmp_path: Path, samples: list[SampleFacts]) -> None:
    again = generate_samples(tmp_path)
    assert [s.figures for s in again] == [s.figures for s in samples]
    assert all((tmp_path / s.filename).read_bytes().startswith(b"%PDF-") for s in again)
    assert all((tmp_path / s.filename).with_suffix(".json").exists() for s in again)
