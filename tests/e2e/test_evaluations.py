"""Evaluations and release gates on the real engine with the built-in agents.

An extractor → mapper app reads memos this test writes itself; a dataset names the
figures each memo holds. Evaluations run every item as an ordinary run tagged with the
evaluation (left out of production metrics and run listings), score each field, log to
MLflow, and compare. With a gate, an extractor schema that loses a field is refused at
deploy (409 with the report), ``?force=true`` deploys it anyway (audited), and putting
the field back — an improvement over what is deployed — passes.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
import string
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from mlflow import MlflowClient
from typer.testing import CliRunner

from hub.cli import app as cli
from hub.demo import run_demo
from schemas.library import EXTRACTOR_OUTPUT_SCHEMA
from tests.agents.providers.provider_wire_server import SECRETS, ProviderWireServer
from tests.auth_support import admin_headers
from tests.e2e.builtin_stack import BuiltinStack, _free_port, memo_pdf
from tests.engine_support.harness import history_text

PIPELINE_YAML = """\
version: "1.0"
app_id: "$app_id"
workflow:
  - {step: extract, agent_id: "$extractor", inputs: [{source: trigger, field: document}],
     outputs: [{name: extracted_data}]}
  - {step: map, agent_id: "$mapper", inputs: [{source: extract, field: extracted_data}],
     outputs: [{name: mapped_data}]}
"""

MEMOS = [
    (
        "Orchard Tools GmbH",
        {"annual_revenue": 12_500_000, "ebitda": 2_100_000, "total_debt": 4_000_000},
    ),
    (
        "Linden Freight Ltd",
        {"annual_revenue": 30_000_000, "ebitda": 4_500_000, "total_debt": 9_000_000},
    ),
]
LABELS = {"annual_revenue": "Annual Revenue", "ebitda": "EBITDA", "total_debt": "Total Debt"}


def memo_lines(borrower: str, figures: dict[str, int]) -> list[str]:
    lines = ["Credit memo for the committee", f"Borrower: {borrower}"]
    lines += [f"{LABELS[name]}: ${value:,}" for name, value in figures.items()]
    return lines


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BuiltinStack]:
    started = BuiltinStack(tmp_path_factory.mktemp("evaluations")).start()
    try:
        yield started
    finally:
        started.stop()


async def wait_evaluation(stack: BuiltinStack, evaluation_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 240
    while True:
        answer = await stack.http.get(f"/evaluations/{evaluation_id}")
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        if body["status"] != "running":
            return body
        assert time.monotonic() < deadline, body
        await asyncio.sleep(0.3)


class EvalApp:
    def __init__(self, stack: BuiltinStack) -> None:
        self.stack = stack
        self.app_id, self.ids = stack.call(
            stack.new_app({"extractor": "extractor", "mapper": "mapper"})
        )
        text = string.Template(PIPELINE_YAML).substitute(app_id=self.app_id, **self.ids)
        saved = stack.call(stack.put_yaml(self.app_id, text))
        assert saved.status_code == 200, saved.text
        deployed = stack.call(stack.http.post(f"/apps/{self.app_id}/deploy"))
        assert deployed.status_code == 200, deployed.text
        self.items = []
        for borrower, figures in MEMOS:
            uri = stack.call(
                stack.upload(memo_pdf(memo_lines(borrower, figures)), "m.pdf", "application/pdf")
            )
            self.items.append(
                {
                    "inputs": {"document": uri},
                    "expected": {
                        "mapped_data.borrower_name": {"text": borrower.upper()},
                        "mapped_data.annual_revenue": {
                            "value": figures["annual_revenue"],
                            "tolerance": 1,
                        },
                        "mapped_data.ebitda": figures["ebitda"],
                        "mapped_data.total_debt": {
                            "value": figures["total_debt"] + 500,
                            "tolerance": 100,
                        },
                    },
                }
            )
        made = stack.call(
            stack.http.post(
                f"/apps/{self.app_id}/datasets", json={"name": "memos", "items": self.items}
            )
        )
        assert made.status_code == 201, made.text
        self.dataset = made.json()

    def evaluate(self, release: str = "deployed") -> dict[str, Any]:
        async def go() -> dict[str, Any]:
            started = await self.stack.http.post(
                f"/apps/{self.app_id}/evaluations",
                json={"dataset_id": self.dataset["id"], "release": release},
            )
            assert started.status_code == 202, started.text
            assert started.json()["status"] == "running"
            return await wait_evaluation(self.stack, started.json()["id"])

        return self.stack.call(go(), timeout=300)

    def set_extractor_schema(self, uri: str) -> None:
        agent = self.ids["extractor"]
        config = self.stack.call(self.stack.http.get(f"/agents/{agent}/config")).json()
        config["schemas"]["output_schema_uri"] = uri
        put = self.stack.call(self.stack.http.put(f"/agents/{agent}/config", json=config))
        assert put.status_code == 200, put.text


def register_schema_without_ebitda(stack: BuiltinStack) -> None:
    """``schema:extractor-no-ebitda``: the extractor's output schema losing a field."""
    if stack.call(stack.http.get("/schemas/extractor-no-ebitda")).status_code == 200:
        return
    without_ebitda = {
        **EXTRACTOR_OUTPUT_SCHEMA,
        "$id": "urn:test:extractor-without-ebitda",
        "properties": {
            k: v for k, v in EXTRACTOR_OUTPUT_SCHEMA["properties"].items() if k != "ebitda"
        },
    }
    registered = stack.call(
        stack.http.post("/schemas", json={"name": "extractor-no-ebitda", "schema": without_ebitda})
    )
    assert registered.status_code == 201, registered.text


@pytest.fixture(scope="module")
def app(stack: BuiltinStack) -> EvalApp:
    return EvalApp(stack)


def test_a_dataset_is_versioned_and_checked(stack: BuiltinStack, app: EvalApp) -> None:
    assert app.dataset["id"].startswith("ds-")
    assert app.dataset["version"] == 1
    assert app.dataset["item_count"] == 2 and app.dataset["locked"] is False
    # Mirrored as an MLflow evaluation dataset (this MLflow supports them).
    assert app.dataset["storage"] == "mlflow", app.dataset
    client = MlflowClient(stack.settings.resolved_mlflow_tracking_uri)
    mirrored = client.get_dataset(app.dataset["mlflow_dataset_id"])
    assert mirrored.name == f"{app.app_id}/memos/v1"
    # (the entity's own record readers use MLflow's global tracking URI: ask the store)
    records, _ = client._tracking_client.store._load_dataset_records(mirrored.dataset_id)
    assert sorted(r.expectations["mapped_data.ebitda"] for r in records) == [2_100_000, 4_500_000]
    assert {r.inputs["document"] for r in records} == {i["inputs"]["document"] for i in app.items}
    again = stack.call(
        stack.http.post(
            f"/apps/{app.app_id}/datasets", json={"name": "memos", "items": app.items[:1]}
        )
    )
    assert again.status_code == 201 and again.json()["version"] == 2
    assert again.json()["id"] != app.dataset["id"]
    bad = stack.call(
        stack.http.post(
            f"/apps/{app.app_id}/datasets",
            json={"name": "bad", "items": [{"inputs": {}, "expected": {"x.y": {"one_of": []}}}]},
        )
    )
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["body", "items", 0, "expected", "x.y"]


def test_an_evaluation_scores_each_field_of_each_run_as_computed_by_hand(
    stack: BuiltinStack, app: EvalApp
) -> None:
    report = app.evaluate()
    assert report["status"] == "completed", report
    assert report["items_total"] == report["items_done"] == 2
    # Per item: borrower (text) 1, revenue (±1) 1, ebitda (exact) 1, total debt (500 off,
    # ±100) 0 → 3 of 4; the same for both items → 6 of 8.
    assert report["score"] == pytest.approx(6 / 8)
    assert report["field_scores"] == {
        "mapped_data.annual_revenue": 1.0,
        "mapped_data.borrower_name": 1.0,
        "mapped_data.ebitda": 1.0,
        "mapped_data.total_debt": 0.0,
    }
    for item, (borrower, figures) in zip(report["items"], MEMOS, strict=True):
        assert item["status"] == "completed" and item["score"] == pytest.approx(0.75)
        assert item["run_id"].startswith("run-")
        assert item["latency_ms"] > 0 and item["cost_usd"] >= 0
        by_field = {f["field"]: f for f in item["fields"]}
        assert by_field["mapped_data.ebitda"]["actual"] == figures["ebitda"]
        assert by_field["mapped_data.borrower_name"]["actual"] == borrower
        run = stack.call(stack.http.get(f"/runs/{item['run_id']}")).json()
        assert run["status"] == "completed"
    # The dataset version is now immutable; its next version is made by POSTing the name.
    locked = stack.call(stack.http.get(f"/datasets/{app.dataset['id']}")).json()
    assert locked["locked"] is True
    edit = stack.call(stack.http.put(f"/datasets/{app.dataset['id']}", json={"items": app.items}))
    assert edit.status_code == 409
    # The MLflow UI shows the evaluation: one run with the scores as metrics.
    assert report["mlflow_run_id"]
    mlflow_run = MlflowClient(stack.settings.resolved_mlflow_tracking_uri).get_run(
        report["mlflow_run_id"]
    )
    assert mlflow_run.data.metrics["score"] == pytest.approx(0.75)
    assert mlflow_run.data.metrics["field.mapped_data.total_debt"] == 0.0
    # Its artifacts (the per-item table) stay under HUB_HOME, not in the working directory.
    assert mlflow_run.info.artifact_uri.startswith(stack.settings.home.resolve().as_uri())


def test_evaluation_runs_stay_out_of_production_metrics_and_listings(
    stack: BuiltinStack, app: EvalApp
) -> None:
    report = stack.call(stack.http.get(f"/apps/{app.app_id}/evaluations")).json()
    assert report, "the previous test evaluated the app"
    evaluation_runs = set()
    for summary in report:
        full = stack.call(stack.http.get(f"/evaluations/{summary['id']}")).json()
        evaluation_runs |= {i["run_id"] for i in full["items"] if i["run_id"]}
    started = stack.call(
        stack.http.post(f"/apps/{app.app_id}/runs", json={"inputs": app.items[0]["inputs"]})
    )
    assert started.status_code == 202, started.text
    production = started.json()["run_id"]
    assert stack.call(stack.wait(production))["status"] == "completed"
    metrics = stack.call(stack.http.get("/observability/metrics", params={"app_id": app.app_id}))
    assert metrics.status_code == 200, metrics.text
    assert metrics.json()["runs_total"] == 1, metrics.json()
    calls = {m["agent_type"]: m["calls"] for m in metrics.json()["agent_types"]}
    assert calls == {"extractor": 1, "mapper": 1}
    listed = stack.call(stack.http.get("/observability/runs", params={"app_id": app.app_id}))
    assert [r["run_id"] for r in listed.json()["items"]] == [production]
    everything = stack.call(
        stack.http.get(
            "/observability/runs", params={"app_id": app.app_id, "include_evaluations": True}
        )
    )
    assert {r["run_id"] for r in everything.json()["items"]} == evaluation_runs | {production}


def test_the_gate_refuses_a_schema_that_drops_a_field_and_passes_an_improvement(
    stack: BuiltinStack, app: EvalApp
) -> None:
    register_schema_without_ebitda(stack)
    gate = stack.call(
        stack.http.put(
            f"/apps/{app.app_id}/gate",
            json={"dataset_id": app.dataset["id"], "min_score": 0.7, "max_field_drop": 0.05},
        )
    )
    assert gate.status_code == 200, gate.text
    version_before = stack.call(stack.http.get(f"/apps/{app.app_id}")).json()["version"]

    app.set_extractor_schema("schema:extractor-no-ebitda")
    refused = stack.call(stack.http.post(f"/apps/{app.app_id}/deploy"), timeout=300)
    assert refused.status_code == 409, refused.text
    body = refused.json()
    assert "mapped_data.ebitda" in body["detail"]
    report = body["report"]
    assert report["passed"] is False
    assert report["candidate"]["field_scores"]["mapped_data.ebitda"] == 0.0
    assert report["candidate"]["score"] == pytest.approx(4 / 8)
    assert report["baseline"]["score"] == pytest.approx(6 / 8)
    first = report["comparison"]["fields"][0]
    assert first == {
        "field": "mapped_data.ebitda",
        "baseline": 1.0,
        "candidate": 0.0,
        "delta": -1.0,
        "change": "regressed",
    }
    assert any("min_score" in reason for reason in report["reasons"])
    assert stack.call(stack.http.get(f"/apps/{app.app_id}")).json()["version"] == version_before

    # The table `hub eval compare` prints comes from this endpoint: regressions first.
    compared = stack.call(
        stack.http.get(
            f"/evaluations/{report['candidate']['id']}/compare/{report['baseline']['id']}"
        )
    ).json()
    assert compared["baseline_id"] == report["baseline"]["id"]
    assert compared["fields"][0]["field"] == "mapped_data.ebitda"
    assert compared["regressions"] == 1
    assert {i["index"] for i in compared["item_regressions"]} == {0, 1}

    forced = stack.call(stack.http.post(f"/apps/{app.app_id}/deploy", params={"force": True}))
    assert forced.status_code == 200, forced.text
    assert forced.json()["version"] != version_before
    trail = stack.call(stack.http.get("/audit", params={"object_id": app.app_id})).json()
    actions = (
        [event["action"] for event in trail["items"]]
        if isinstance(trail, dict)
        else [event["action"] for event in trail]
    )
    assert "app.deploy.forced" in actions and "app.deploy.refused" in actions
    # Forced past the gate, the deployed release still gets its report: an evaluation on
    # the gate's dataset, linked from the audit entry with the baseline it compares with.
    events = trail["items"] if isinstance(trail, dict) else trail
    [forced_entry] = [e for e in events if e["action"] == "app.deploy.forced"]
    forced_id = forced.headers["X-Evaluation-Id"]
    assert forced_entry["after"]["evaluation_id"] == forced_id
    assert forced_entry["after"]["baseline_evaluation_id"] == report["baseline"]["id"]
    forced_report = stack.call(wait_evaluation(stack, forced_id), timeout=300)
    assert forced_report["status"] == "completed" and forced_report["purpose"] == "gate"
    assert forced_report["release"] == "deployed"
    assert forced_report["app_version"] == forced.json()["version"]
    assert forced_report["field_scores"]["mapped_data.ebitda"] == 0.0

    # Putting the field back improves on what is now deployed: the gate lets it through.
    app.set_extractor_schema(EXTRACTOR_OUTPUT_SCHEMA["$id"])
    passed = stack.call(stack.http.post(f"/apps/{app.app_id}/deploy"), timeout=300)
    assert passed.status_code == 200, passed.text
    evaluation = stack.call(
        stack.http.get(f"/evaluations/{passed.headers['X-Evaluation-Id']}")
    ).json()
    assert evaluation["purpose"] == "gate" and evaluation["score"] == pytest.approx(6 / 8)


def serve_over_http(stack: BuiltinStack) -> str:
    """The stack's API on a free port (for the CLI, which speaks HTTP)."""
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(stack._api, host="127.0.0.1", port=port, lifespan="off", log_level="warning")
    )

    async def start() -> None:
        stack._tasks.insert(1, asyncio.create_task(server.serve()))
        while not server.started:
            await asyncio.sleep(0.05)

    stack.call(start())
    return f"http://127.0.0.1:{port}"


def test_the_cli_imports_a_zip_runs_evaluations_and_prints_the_comparison(
    stack: BuiltinStack, tmp_path: Path
) -> None:
    app = EvalApp(stack)  # deployed as 1.0.0 with the full extractor schema
    register_schema_without_ebitda(stack)
    app.set_extractor_schema("schema:extractor-no-ebitda")
    assert stack.call(stack.http.post(f"/apps/{app.app_id}/deploy")).json()["version"] == "1.1.0"
    archive = tmp_path / "memos.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(
            [
                "document",
                "mapped_data.borrower_name",
                "mapped_data.ebitda",
                "mapped_data.annual_revenue",
            ]
        )
        for number, (borrower, figures) in enumerate(MEMOS):
            bundle.writestr(f"docs/memo{number}.pdf", memo_pdf(memo_lines(borrower, figures)))
            revenue = json.dumps({"value": figures["annual_revenue"], "tolerance": "1%"})
            writer.writerow([f"memo{number}.pdf", borrower, figures["ebitda"], revenue])
        bundle.writestr("expectations.csv", text.getvalue())
    url = serve_over_http(stack)
    token = admin_headers()["Authorization"].removeprefix("Bearer ")
    common = ["--api-url", url, "--token", token]
    runner = CliRunner()

    def hub(*args: str) -> str:
        result = runner.invoke(cli, [*args, *common])
        assert result.exit_code == 0, result.output
        return result.output

    imported = hub("eval", "dataset", "import", app.app_id, str(archive), "--name", "cli-memos")
    dataset_id = re.search(r"dataset (ds-\w+): cli-memos version 1, 2 items", imported)
    assert dataset_id, imported
    ids = []
    for release in ("1.0.0", "1.1.0"):
        shown = hub(
            "eval", "run", app.app_id, "--dataset", dataset_id.group(1), "--release", release
        )
        ids.append(re.search(r"evaluation (eval-\w+) started", shown).group(1))  # type: ignore[union-attr]
        assert "2/2 items scored" in shown and "status completed" in shown, shown
    first = stack.call(stack.http.get(f"/evaluations/{ids[0]}")).json()
    second = stack.call(stack.http.get(f"/evaluations/{ids[1]}")).json()
    assert first["score"] == 1.0 and second["score"] == pytest.approx(4 / 6)
    assert first["items"][0]["inputs"]["document"].startswith("artifact://")
    # Either order: the older release is the baseline, and the lost field comes first.
    table = hub("eval", "compare", ids[1], ids[0])
    lines = table.splitlines()
    assert lines[0].startswith(f"baseline  {ids[0]}") and "regressions: 1" in table
    header = lines.index(next(line for line in lines if line.startswith("field ")))
    # The first row under the header (a dashes line under it or not): regressions first.
    first_row = next(line for line in lines[header + 1 :] if not set(line) <= {"-", " "})
    assert first_row.split() == [
        "mapped_data.ebitda",
        "1.000",
        "0.000",
        "-1.000",
        "regressed",
    ]
    shown = hub("eval", "show", ids[1])
    assert "mapped_data.ebitda" in shown and "0.667" in shown
    listed = hub("eval", "dataset", "list", app.app_id)
    assert re.search(rf"{dataset_id.group(1)}\s+cli-memos\s+1\s+2\s+True", listed), listed
    body = tmp_path / "dataset.json"
    body.write_text(json.dumps({"name": "cli-memos", "items": app.items}))
    created = hub("eval", "dataset", "create", app.app_id, str(body))
    assert "cli-memos version 2, 2 items" in created
    gate = hub(
        "eval", "gate", "set", app.app_id, "--dataset", dataset_id.group(1), "--min-score", "0.9"
    )
    assert "min_score 0.9" in gate
    assert json.loads(hub("eval", "gate", "show", app.app_id))["min_score"] == 0.9
    below = runner.invoke(
        cli,
        ["eval", "show", "eval-000000000000", *common],
    )
    assert below.exit_code == 1 and "404" in below.output
    print(table)  # the table of the closing note (pytest -s shows it)


def test_the_demo_prints_an_evaluation_of_its_samples_known_figures(
    stack: BuiltinStack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = serve_over_http(stack)
    monkeypatch.setenv("HUB_API_TOKEN", admin_headers()["Authorization"].removeprefix("Bearer "))
    said: list[str] = []
    runs = run_demo(url, samples_dir=tmp_path, echo=said.append)
    assert all(run.status == "completed" for run in runs), said
    text = "\n".join(said)
    print(text[text.index("Evaluation of the deployed release") :])
    start = said.index("Evaluation of the deployed release on the demo dataset (hub eval run):")
    assert "status completed  score 1.000" in said[start + 2], said[start:]
    assert f"items {len(runs)}/{len(runs)}" in said[start + 2]
    assert any(line.split()[:2] == ["mapped_data.ebitda", "1.000"] for line in said[start:])


def test_an_item_refused_at_the_door_scores_zero_and_the_others_still_run(
    stack: BuiltinStack, app: EvalApp
) -> None:
    good = app.items[0]
    missing = {"inputs": {"document": "artifact://art-00000000000000000000000000000000"}}
    made = stack.call(
        stack.http.post(
            f"/apps/{app.app_id}/datasets",
            json={
                "name": "with-a-bad-item",
                "items": [good, {**missing, "expected": {"mapped_data.ebitda": 1}}],
            },
        )
    )
    assert made.status_code == 201, made.text

    async def go() -> dict[str, Any]:
        started = await stack.http.post(
            f"/apps/{app.app_id}/evaluations",
            json={"dataset_id": made.json()["id"], "release": "draft", "concurrency": 1},
        )
        assert started.status_code == 202, started.text
        return await wait_evaluation(stack, started.json()["id"])

    report = stack.call(go(), timeout=300)
    assert report["status"] == "completed" and report["release"] == "draft"
    first, second = report["items"]
    assert first["status"] == "completed" and first["score"] == pytest.approx(0.75)
    assert second["status"] == "failed" and second["run_id"] is None
    assert "does not exist" in second["error"] and second["score"] == 0.0
    # 3 of the first item's 4 fields, none of the second's 1: 3/5.
    assert report["score"] == pytest.approx(3 / 5)


APPROVAL_YAML = """\
version: "1.0"
app_id: "$app_id"
workflow:
  - {step: extract, agent_id: "$extractor", inputs: [{source: trigger, field: document}],
     outputs: [{name: extracted_data}]}
  - step: sign-off
    approval: {prompt: "Nobody answers this in the test", timeout: "24h", on_timeout: reject}
    inputs: [{source: extract, field: extracted_data}]
    outputs: [{name: decision}]
"""


def test_an_item_whose_run_does_not_end_in_time_is_canceled_and_fails(
    stack: BuiltinStack, app: EvalApp
) -> None:
    app_id, ids = stack.call(stack.new_app({"extractor": "extractor"}))
    saved = stack.call(
        stack.put_yaml(app_id, string.Template(APPROVAL_YAML).substitute(app_id=app_id, **ids))
    )
    assert saved.status_code == 200, saved.text
    item = {
        "inputs": app.items[0]["inputs"],
        "expected": {"extracted_data.borrower_name": {"present": True}},
    }
    made = stack.call(
        stack.http.post(f"/apps/{app_id}/datasets", json={"name": "waits", "items": [item]})
    )
    assert made.status_code == 201, made.text

    async def go() -> dict[str, Any]:
        started = await stack.http.post(
            f"/apps/{app_id}/evaluations",
            json={"dataset_id": made.json()["id"], "release": "draft", "item_timeout_seconds": 3},
        )
        assert started.status_code == 202, started.text
        return await wait_evaluation(stack, started.json()["id"])

    report = stack.call(go(), timeout=120)
    assert report["status"] == "completed" and report["score"] == 0.0
    [only] = report["items"]
    assert only["status"] == "failed" and "did not end within 3 s" in only["error"]
    assert stack.call(stack.wait(only["run_id"], timeout=60))["status"] == "canceled"


def test_an_evaluation_survives_the_api_and_workers_going_away_mid_run(
    stack: BuiltinStack, app: EvalApp
) -> None:
    """Its driver is a workflow: with both item runs waiting at an approval, the API and
    the workers stop; a new API and new workers start, the approvals are given through
    the new API, and the same evaluation completes with its scores."""
    app_id, ids = stack.call(stack.new_app({"extractor": "extractor"}))
    saved = stack.call(
        stack.put_yaml(app_id, string.Template(APPROVAL_YAML).substitute(app_id=app_id, **ids))
    )
    assert saved.status_code == 200, saved.text
    items = [
        {
            "inputs": item["inputs"],
            "expected": {"extracted_data.borrower_name": {"text": borrower.upper()}},
        }
        for item, (borrower, _) in zip(app.items, MEMOS, strict=True)
    ]
    made = stack.call(
        stack.http.post(f"/apps/{app_id}/datasets", json={"name": "durable", "items": items})
    )
    assert made.status_code == 201, made.text

    async def start_and_reach_the_approvals() -> tuple[str, list[str]]:
        started = await stack.http.post(
            f"/apps/{app_id}/evaluations",
            json={"dataset_id": made.json()["id"], "release": "draft", "concurrency": 2},
        )
        assert started.status_code == 202, started.text
        evaluation_id = str(started.json()["id"])
        deadline = time.monotonic() + 120
        while True:
            body = (await stack.http.get(f"/evaluations/{evaluation_id}")).json()
            run_ids = [i["run_id"] for i in body["items"] if i["run_id"]]
            runs = [(await stack.http.get(f"/runs/{r}")).json() for r in run_ids]
            waiting = [r for r in runs if any(s["state"] == "waiting_approval" for s in r["steps"])]
            if len(waiting) == len(items):
                return evaluation_id, run_ids
            assert time.monotonic() < deadline, (body, runs)
            await asyncio.sleep(0.3)

    evaluation_id, run_ids = stack.call(start_and_reach_the_approvals(), timeout=150)
    assert stack.call(stack.http.get(f"/evaluations/{evaluation_id}")).json()["status"] == (
        "running"
    )

    stack.restart_api_and_workers()

    async def approve_and_finish() -> dict[str, Any]:
        for run_id in run_ids:
            approved = await stack.http.post(
                f"/runs/{run_id}/approvals",
                json={"step_id": "sign-off", "approved": True, "payload": {"ok": True}},
            )
            assert approved.status_code in (200, 202), approved.text
        return await wait_evaluation(stack, evaluation_id)

    report = stack.call(approve_and_finish(), timeout=300)
    assert report["status"] == "completed", report
    assert report["workflow_id"] == evaluation_id
    assert [i["run_id"] for i in report["items"]] == run_ids
    assert all(i["status"] == "completed" for i in report["items"]), report["items"]
    assert report["score"] == pytest.approx(1.0)
    assert report["field_scores"] == {"extracted_data.borrower_name": pytest.approx(1.0)}
    # The driver was the evaluation's own workflow, and it completed. The report is
    # written by its last activity, so the workflow closes just after: wait for it.
    handle = stack.client.get_workflow_handle(evaluation_id)
    stack.call(handle.result(), timeout=60)
    description = stack.call(handle.describe())
    assert description.workflow_type == "EvaluationWorkflow"
    assert description.status is not None and description.status.name == "COMPLETED"


def test_an_llm_judge_scores_the_fields_it_names_on_the_worker(
    stack: BuiltinStack, app: EvalApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``judge`` (opt-in): the worker's scoring activity asks the model, through the
    agents' OpenAI adapter (the real SDK, pointed at a local server speaking the OpenAI
    wire format), for the field it names; the code scorers score the others. The key,
    read from the worker's environment, is in no workflow history nor report."""
    wire = ProviderWireServer()
    wire.start()
    try:
        secret = SECRETS["OPENAI_API_KEY"]
        monkeypatch.setenv("JUDGE_OPENAI_KEY", secret)
        monkeypatch.setenv("OPENAI_BASE_URL", f"{wire.url}/v1")
        monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
        verdict = '{"score": 0.5, "reason": "the same borrower, spelled differently"}'
        wire.script(*(ProviderWireServer.openai_completion(verdict) for _ in MEMOS))
        judge = {
            "provider": "openai",
            "model": "gpt-judge-test",
            "rubric": "Same company, ignoring legal-form suffixes?",
            "fields": ["mapped_data.borrower_name"],
            "api_key_ref": "env:JUDGE_OPENAI_KEY",
        }

        async def go() -> dict[str, Any]:
            started = await stack.http.post(
                f"/apps/{app.app_id}/evaluations",
                json={"dataset_id": app.dataset["id"], "release": "deployed", "judge": judge},
            )
            assert started.status_code == 202, started.text
            return await wait_evaluation(stack, started.json()["id"])

        report = stack.call(go(), timeout=300)
    finally:
        wire.stop()
    assert report["status"] == "completed", report
    assert report["judge"] is True and report["judge_config"]["model"] == "gpt-judge-test"
    assert report["field_scores"]["mapped_data.borrower_name"] == pytest.approx(0.5)
    # The code scorers still score what the judge was not asked about (6/8 by hand).
    assert report["field_scores"]["mapped_data.annual_revenue"] == 1.0
    for item in report["items"]:
        scorers = {f["field"]: f["scorer"] for f in item["fields"]}
        assert scorers["mapped_data.borrower_name"] == "judge"
        assert scorers["mapped_data.annual_revenue"] == "numeric"
    # What the SDK sent: one chat completion per judged field, the rubric, the key.
    assert len(wire.requests) == len(MEMOS)
    for request in wire.requests:
        assert request.route == "openai" and request.body["model"] == "gpt-judge-test"
        assert request.headers.get("authorization") == f"Bearer {secret}"
        prompt = json.dumps(request.body["messages"])
        assert "Same company, ignoring legal-form suffixes?" in prompt
        assert "mapped_data.borrower_name" in prompt
    history = stack.call(history_text(stack.client.get_workflow_handle(report["id"])))
    assert "JUDGE_OPENAI_KEY" in history and secret not in history
    assert secret not in json.dumps(report)
