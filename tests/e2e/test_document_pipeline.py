"""The platform document's own pipeline, as written, on memos the tests word themselves.

The document's orchestration example wires extractor → analyzer → summarizer with no
mapper (``extracted_data`` → ``risk_analysis`` → ``final_report``) and calls the
analyzer's type ``analysis``. It validates, deploys and runs to a memo on the real
engine with the built-in agents; run inputs are checked at the door; a figure the memo
lacks flows on as missing.
"""

from __future__ import annotations

import random
import string
from pathlib import Path
from typing import Any

import pytest
import yaml
from temporalio.client import WorkflowFailureError

from schemas.library import CREDIT_MEMO_FIELDS
from schemas.names import ORCHESTRATOR_QUEUE, WORKFLOW_TYPE
from schemas.runs import RunInput, RunResult
from tests.e2e.builtin_stack import BuiltinStack, memo_pdf

#: The platform document's "Orchestration Spec (YAML)", verbatim but for the ids.
DOCUMENT_YAML = """\
version: "1.0"
app_id: "$app_id"
name: "Credit Memo Pipeline"

agents:
  - id: "$agent1"
    name: "Document Extractor"
    type: "extractor"
    
  - id: "$agent2"
    name: "Risk Analyzer"
    type: "analysis"
    
  - id: "$agent3"
    name: "Report Generator"
    type: "summarizer"

workflow:
  - step: 1
    agent_id: "$agent1"
    inputs:
      - source: "trigger"
        field: "document"
    outputs:
      - name: "extracted_data"
        
  - step: 2
    agent_id: "$agent2"
    inputs:
      - source: "$agent1"
        field: "extracted_data"
    outputs:
      - name: "risk_analysis"
      
  - step: 3
    agent_id: "$agent3"
    inputs:
      - source: "$agent2"
        field: "risk_analysis"
    outputs:
      - name: "final_report"
"""

#: The same with a mapper between extractor and analyzer.
MAPPER_YAML = """\
version: "1.0"
app_id: "$app_id"
workflow:
  - {step: 1, agent_id: "$agent1", inputs: [{source: trigger, field: document}],
     outputs: [{name: extracted_data}]}
  - {step: 2, agent_id: "$mapper", inputs: [{source: "1", field: extracted_data}],
     outputs: [{name: mapped_data}]}
  - {step: 3, agent_id: "$agent2", inputs: [{source: "2", field: mapped_data}],
     outputs: [{name: risk_analysis}]}
  - {step: 4, agent_id: "$agent3", inputs: [{source: "3", field: risk_analysis}],
     outputs: [{name: final_report}]}
"""

MONEY_FIELDS = [name for name, (kind, _d, _l) in CREDIT_MEMO_FIELDS.items() if kind == "money"]


def written_memo(seed: int, leave_out: tuple[str, ...] = ()) -> tuple[list[str], dict[str, Any]]:
    """A memo in this test's own wording: labels drawn from what documents use, amounts
    written as '$2.4M', '2,400,000 USD' or 'USD 2.4 million', lines in a shuffled order
    around prose the extractor must skip. Returns the lines and the figures."""
    rng = random.Random(seed)
    borrower = "".join(rng.choice(string.ascii_uppercase) for _ in range(5)).title() + " GmbH"
    figures: dict[str, float] = {}
    lines = [
        f"Internal credit note no. {rng.randint(1000, 9999)} prepared for the committee",
        "This note summarises the application and the figures the borrower provided.",
    ]
    facts = [f"{rng.choice(CREDIT_MEMO_FIELDS['borrower_name'][2])}: {borrower}"]
    for name in MONEY_FIELDS:
        if name in leave_out:
            continue
        amount = rng.randint(20, 900) * 10_000
        figures[name] = float(amount)
        label = rng.choice(CREDIT_MEMO_FIELDS[name][2])
        style = rng.randrange(3)
        if style == 0:
            written = f"${amount / 1e6:g}M"
        elif style == 1:
            written = f"{amount:,} USD"
        else:
            written = f"USD {amount / 1e6:g} million"
        facts.append(f"{label}: {written}")
    rng.shuffle(facts)
    lines += facts
    lines.append("The relationship manager recommends a review in twelve months.")
    return lines, {"borrower": borrower, "figures": figures}


def document_app(stack: BuiltinStack, mapper: bool = False) -> str:
    async def build() -> str:
        types = {"agent1": "extractor", "agent2": "analysis", "agent3": "summarizer"}
        if mapper:
            types["mapper"] = "mapper"
        app_id, ids = await stack.new_app(types)
        text = string.Template(MAPPER_YAML if mapper else DOCUMENT_YAML).substitute(
            app_id=app_id, **ids
        )
        saved = await stack.put_yaml(app_id, text)
        assert saved.status_code == 200, saved.text
        checked = await stack.http.post(f"/orchestration/{app_id}/validate")
        assert checked.status_code == 200, checked.text
        assert checked.json()["valid"] is True, checked.json()
        assert checked.json()["errors"] == [], checked.json()
        deployed = await stack.http.post(f"/apps/{app_id}/deploy")
        assert deployed.status_code == 200, deployed.text
        return app_id

    return stack.call(build())


def run_on(stack: BuiltinStack, app_id: str, inputs: dict[str, Any]) -> dict[str, Any]:
    async def go() -> dict[str, Any]:
        started = await stack.http.post(f"/apps/{app_id}/runs", json={"inputs": inputs})
        assert started.status_code == 202, started.text
        return await stack.wait(started.json()["run_id"])

    return stack.call(go())


def upload_memo(stack: BuiltinStack, lines: list[str]) -> str:
    return stack.call(stack.upload(memo_pdf(lines), "memo.pdf", "application/pdf"))


@pytest.fixture(scope="module")
def doc_app(stack: BuiltinStack) -> str:
    return document_app(stack)


def test_the_documents_pipeline_validates_deploys_and_runs_to_a_memo(
    stack: BuiltinStack, doc_app: str
) -> None:
    agents = stack.call(stack.http.get(f"/apps/{doc_app}/agents")).json()
    assert sorted(a["type"] for a in agents) == ["analyzer", "extractor", "summarizer"]
    lines, truth = written_memo(seed=7)
    run = run_on(stack, doc_app, {"document": upload_memo(stack, lines)})
    assert run["status"] == "completed", run
    analysis = run["outputs"]["2"]["risk_analysis"]
    assert analysis["borrower_name"] == truth["borrower"]
    for name, value in truth["figures"].items():
        assert analysis["financials"][name] == pytest.approx(value), name
    memo = run["outputs"]["3"]["final_report"]
    assert truth["borrower"] in memo["markdown"] and truth["borrower"] in memo["html"]
    assert f"${truth['figures']['loan_amount']:,.0f}" in memo["markdown"]


def test_mapper_and_mapperless_pipelines_give_the_same_figures(
    stack: BuiltinStack, doc_app: str
) -> None:
    mapped_app = document_app(stack, mapper=True)
    lines, _truth = written_memo(seed=11)
    uri = upload_memo(stack, lines)
    direct = run_on(stack, doc_app, {"document": uri})
    mapped = run_on(stack, mapped_app, {"document": uri})
    assert direct["status"] == mapped["status"] == "completed", (direct, mapped)
    a, b = direct["outputs"]["2"]["risk_analysis"], mapped["outputs"]["3"]["risk_analysis"]
    for key in ("financials", "ratios", "risk_grade", "risk_score", "reasons", "missing_fields"):
        assert a[key] == b[key], key


def test_a_memo_lacking_figures_completes_and_says_what_is_missing(
    stack: BuiltinStack, doc_app: str
) -> None:
    lines, truth = written_memo(seed=3, leave_out=("ebitda", "collateral_value"))
    run = run_on(stack, doc_app, {"document": upload_memo(stack, lines)})
    assert run["status"] == "completed", run
    analysis = run["outputs"]["2"]["risk_analysis"]
    assert analysis["financials"]["ebitda"] is None
    assert {"ebitda", "collateral_value"} <= set(analysis["missing_fields"])
    assert analysis["ratios"]["dscr"] is None
    assert analysis["not_computable"]["dscr"] == "ebitda not found in the document"
    assert analysis["not_computable"]["ltv"] == "collateral_value not found in the document"
    assert analysis["financials"]["total_debt"] == pytest.approx(truth["figures"]["total_debt"])
    memo = run["outputs"]["3"]["final_report"]["markdown"]
    assert "| EBITDA | not found in the document |" in memo
    assert "not computable" in memo

    warnings = stack.call(
        stack.http.get(
            "/observability/violations",
            params={"run_id": run["run_id"], "severity": "warning"},
        )
    ).json()["items"]
    pointers = {(w["step_id"], w["pointer"]) for w in warnings}
    assert ("2", "/financials/ebitda") in pointers
    assert all(w["severity"] == "warning" for w in warnings)
    trace = stack.call(stack.http.get(f"/observability/traces/{run['run_id']}")).json()
    step_warnings = [w for span in trace["spans"] for w in span.get("warnings", [])]
    assert "/financials/ebitda: not found in the document" in step_warnings


@pytest.mark.parametrize(
    ("inputs", "field", "says"),
    [
        ({}, "document", "run input 'document' is missing"),
        ({"document": 42}, "document", "does not match what step '1'"),
        ({"document": ""}, "document", "does not match what step '1'"),
        (
            {"document": "artifact://art-doesnotexist"},
            "document",
            "artifact 'art-doesnotexist' does not exist",
        ),
    ],
)
def test_run_inputs_are_checked_at_the_door(
    stack: BuiltinStack, doc_app: str, inputs: dict[str, Any], field: str, says: str
) -> None:
    answer = stack.call(stack.http.post(f"/apps/{doc_app}/runs", json={"inputs": inputs}))
    assert answer.status_code == 422, answer.text
    detail = answer.json()["detail"]
    assert any(
        item["loc"] == ["body", "inputs", field] and says in item["msg"] for item in detail
    ), detail


def test_a_document_the_extractor_cannot_read_is_refused_at_start(
    stack: BuiltinStack, doc_app: str
) -> None:
    uri = stack.call(stack.upload(b"Borrower: Plain Text Ltd\n", "memo.txt", "text/plain"))
    answer = stack.call(
        stack.http.post(f"/apps/{doc_app}/runs", json={"inputs": {"document": uri}})
    )
    assert answer.status_code == 422, answer.text
    message = answer.json()["detail"][0]["msg"]
    artifact_id = uri.removeprefix("artifact://")
    assert f"artifact '{artifact_id}'" in message and "is text/plain" in message
    assert "application/pdf" in message


def test_a_temporal_cli_start_gets_the_same_check(stack: BuiltinStack, doc_app: str) -> None:
    async def start() -> str:
        handle = await stack.client.start_workflow(
            WORKFLOW_TYPE,
            RunInput(app_id=doc_app, inputs={"document": 42}),
            id=f"cli-{doc_app}",
            task_queue=ORCHESTRATOR_QUEUE,
            result_type=RunResult,
        )
        try:
            await handle.result()
        except WorkflowFailureError as exc:
            cause = exc.cause
            return str(getattr(cause, "message", cause))
        raise AssertionError("a run with a mistyped input completed")

    message = stack.call(start())
    assert "run input 'document' does not match what step '1'" in message


def test_as_renames_a_binding_and_a_foreach_item(stack: BuiltinStack) -> None:
    yaml_text = """\
version: "1.0"
app_id: "$app_id"
workflow:
  - step: extract
    agent_id: "$x"
    foreach: {source: trigger, field: documents, max_concurrency: 2}
    inputs: [{source: trigger, field: documents, as: document}]
    outputs: [{name: extracted}]
  - step: analyze
    agent_id: "$a"
    foreach: {source: extract, field: extracted, as: extracted_data}
    outputs: [{name: risk_analysis}]
"""

    async def build() -> str:
        app_id, ids = await stack.new_app({"x": "extractor", "a": "analyzer"})
        saved = await stack.put_yaml(
            app_id, string.Template(yaml_text).substitute(app_id=app_id, **ids)
        )
        assert saved.status_code == 200, saved.text
        assert (await stack.http.post(f"/apps/{app_id}/deploy")).status_code == 200
        return app_id

    app_id = stack.call(build())
    memos = [written_memo(seed=s) for s in (21, 22)]
    uris = [upload_memo(stack, lines) for lines, _ in memos]
    run = run_on(stack, app_id, {"documents": uris})
    assert run["status"] == "completed", run
    analyses = run["outputs"]["analyze"]["risk_analysis"]
    assert [a["borrower_name"] for a in analyses] == [truth["borrower"] for _, truth in memos]


def test_validate_catches_a_binding_under_the_wrong_name(stack: BuiltinStack) -> None:
    """Before: this validated, deployed, and every run failed at step 2."""
    yaml_text = DOCUMENT_YAML.replace('"extracted_data"', '"extracted"')

    async def check() -> dict[str, Any]:
        app_id, ids = await stack.new_app(
            {"agent1": "extractor", "agent2": "analyzer", "agent3": "summarizer"}
        )
        text = string.Template(yaml_text).substitute(app_id=app_id, **ids)
        saved = await stack.put_yaml(app_id, text)
        assert saved.status_code == 200, saved.text
        answer = await stack.http.post(f"/orchestration/{app_id}/validate")
        result: dict[str, Any] = answer.json()
        return result

    result = stack.call(check())
    assert result["valid"] is False
    error = next(e for e in result["errors"] if "requires input" in e["message"])
    assert error["path"] == "/workflow/1/inputs"
    assert "'mapped_data'+" not in error["message"]
    assert "'mapped_data' or 'extracted_data'" in error["message"]
    assert error["line"] is not None and error["column"] is not None


def test_fixture_lines_are_this_tests_own(tmp_path: Path) -> None:
    """The memos are not the demo's samples: none of the demo's borrowers appear."""
    from agents.demo.samples import generate_samples

    demo = {facts.borrower_name for facts in generate_samples(tmp_path)}
    for seed in range(5):
        lines, truth = written_memo(seed)
        assert truth["borrower"] not in demo
        assert not any(name in line for line in lines for name in demo)


def readme_examples() -> list[str]:
    from tests.workflows.test_doc_examples import EXAMPLES

    return [text for name, text in EXAMPLES if name.startswith("README.md")]


@pytest.mark.parametrize("text", readme_examples())
def test_each_readme_example_validates_deploys_and_runs(stack: BuiltinStack, text: str) -> None:
    """The README's orchestration examples, with the app's real ids, run to the end."""
    spec = yaml.safe_load(text)

    async def build() -> str:
        app_id, ids = await stack.new_app({a["id"]: a["type"] for a in spec["agents"]})
        real = text.replace(f'"{spec["app_id"]}"', f'"{app_id}"')
        for placeholder, agent_id in ids.items():
            real = real.replace(f'"{placeholder}"', f'"{agent_id}"')
        saved = await stack.put_yaml(app_id, real)
        assert saved.status_code == 200, saved.text
        checked = (await stack.http.post(f"/orchestration/{app_id}/validate")).json()
        assert checked["valid"] and checked["errors"] == [], checked
        assert (await stack.http.post(f"/apps/{app_id}/deploy")).status_code == 200
        return app_id

    app_id = stack.call(build())
    memos = [written_memo(seed=s) for s in (31, 32)]
    uris = [upload_memo(stack, lines) for lines, _ in memos]
    read = {i.get("field") for step in spec["workflow"] for i in step.get("inputs", [])}
    inputs: dict[str, Any] = {"amount": 250_000}
    if "document" in read:
        inputs["document"] = uris[0]
    if "documents" in read:
        inputs["documents"] = uris
    run = run_on(stack, app_id, inputs)
    assert run["status"] == "completed", run
    assert all(s["state"] in ("completed", "skipped") for s in run["steps"]), run["steps"]
