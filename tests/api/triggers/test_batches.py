"""Batch runs: a durable parent workflow runs the items as child runs."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from temporalio.client import WorkflowExecutionStatus

import workflows.batch as batch_workflow
from tests.api.triggers.support import COSTLY, SLOW, TriggerHub
from tests.e2e.hub_api import expect, wait_for_run


async def wait_for_batch(
    hub: TriggerHub, batch_id: str, *, until: Any = None, limit: float = 120
) -> dict[str, Any]:
    condition = until or (lambda batch: batch["status"] != "running")
    deadline = asyncio.get_running_loop().time() + limit
    while True:
        batch = expect(await hub.http.get(f"/batches/{batch_id}"), 200)
        if condition(batch):
            return dict(batch)
        assert asyncio.get_running_loop().time() < deadline, batch
        await asyncio.sleep(0.3)


async def test_a_batch_of_twenty_runs_every_item_and_writes_its_results(hub: TriggerHub) -> None:
    app = await hub.new_app()
    items: list[dict[str, Any]] = [{"inputs": {"memo": f"memo {i}"}} for i in range(20)]
    items[7] = {"inputs": {}}  # not runnable: fails with the run-start message, the rest run
    answer = await hub.http.post(
        f"/apps/{app.app_id}/batches", json={"items": items, "max_concurrency": 4}
    )
    started = expect(answer, 202)
    batch_id = started["batch_id"]
    assert batch_id.startswith("batch-") and started["total"] == 20
    assert answer.headers["Location"] == f"/batches/{batch_id}"

    batch = await wait_for_batch(hub, batch_id)
    assert batch["status"] == "completed", batch
    counts = batch["counts"]
    assert (counts["total"], counts["completed"], counts["failed"]) == (20, 19, 1), counts
    assert counts["pending"] == counts["running"] == 0
    failed = expect(await hub.http.get(f"/batches/{batch_id}", params={"status": "failed"}), 200)
    [bad] = failed["items"]
    assert bad["position"] == 7 and "run input 'memo' is missing" in bad["error"]
    assert bad["run_id"] is None

    page = expect(await hub.http.get(f"/batches/{batch_id}?limit=5&offset=5"), 200)
    assert [i["position"] for i in page["items"]] == [5, 6, 7, 8, 9]
    run_id = page["items"][0]["run_id"]
    run = await wait_for_run(hub.http, run_id)
    assert run["trigger"] == {"kind": "batch", "id": batch_id}
    assert run["outputs"]["2"] == {"analysis": {"extracted": {"memo": "memo 5"}}}
    listed = await hub.http.get(
        "/observability/runs", params={"app_id": app.app_id, "trigger": "batch", "limit": 100}
    )
    assert len(expect(listed, 200)["items"]) == 19

    table = await hub.http.get(f"/batches/{batch_id}/results.csv")
    assert table.status_code == 200 and table.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(table.text)))
    assert [int(r["position"]) for r in rows] == list(range(20))
    assert rows[5]["2.analysis.extracted.memo"] == "memo 5" and rows[5]["status"] == "completed"
    assert rows[5]["run_id"] == run_id and rows[5]["input.memo"] == "memo 5"
    assert rows[7]["status"] == "failed" and "missing" in rows[7]["error"]
    lines = (await hub.http.get(f"/batches/{batch_id}/results.jsonl")).text.splitlines()
    assert len(lines) == 20
    first = json.loads(lines[0])
    assert first["outputs"]["1.extracted.memo"] == "memo 0" and first["cost_usd"] == 0.0
    Path(hub.settings.home / "batch-20.csv").write_text(table.text)


async def test_items_run_at_most_max_concurrency_at_once(hub: TriggerHub) -> None:
    app = await hub.new_app(agent_type=SLOW)
    items = [{"inputs": {"memo": f"m{i}"}} for i in range(8)]
    started = expect(
        await hub.http.post(
            f"/apps/{app.app_id}/batches", json={"items": items, "max_concurrency": 2}
        ),
        202,
    )
    batch = await wait_for_batch(hub, started["batch_id"])
    assert batch["counts"]["completed"] == 8
    run_ids = {i["run_id"] for i in batch["items"]}
    calls = [c for c in hub.agents.calls_of(SLOW) if c.run_id in run_ids and c.step_id == "1"]
    assert len(calls) == 8
    # At any first step's start, at most two items' runs were in their first step.
    spans = [(c.started, c.ended or c.started) for c in calls]
    overlap = max(sum(1 for s, e in spans if s <= start < e) for start, _ in spans)
    assert overlap <= 2, spans


async def test_the_cost_cap_stops_starting_items(hub: TriggerHub) -> None:
    app = await hub.new_app(agent_type=COSTLY)
    items = [{"inputs": {"memo": f"m{i}"}} for i in range(10)]
    started = expect(
        await hub.http.post(
            f"/apps/{app.app_id}/batches",
            json={"items": items, "max_concurrency": 1, "max_cost_usd": 0.05},
        ),
        202,
    )
    batch = await wait_for_batch(hub, started["batch_id"])
    counts = batch["counts"]
    # Each run costs two calls at $0.01: the third run reaches $0.06 ≥ $0.05, then none start.
    assert counts["completed"] == 3 and counts["canceled"] == 7, batch
    assert abs(batch["cost_usd"] - 0.06) < 1e-9, batch["items"]
    assert "cost cap" in batch["error"]
    canceled = expect(
        await hub.http.get(f"/batches/{started['batch_id']}", params={"status": "canceled"}), 200
    )
    assert all(i["run_id"] is None and "cost cap" in i["error"] for i in canceled["items"])


async def test_cancel_stops_the_batch_and_retry_failed_runs_failed_items_again(
    hub: TriggerHub,
) -> None:
    app = await hub.new_app(agent_type=SLOW)
    items = [{"inputs": {"memo": f"m{i}"}} for i in range(30)]
    started = expect(
        await hub.http.post(
            f"/apps/{app.app_id}/batches", json={"items": items, "max_concurrency": 2}
        ),
        202,
    )
    batch_id = started["batch_id"]
    await wait_for_batch(hub, batch_id, until=lambda b: b["counts"]["completed"] >= 1)
    canceled = expect(await hub.http.post(f"/batches/{batch_id}/cancel"), 202)
    assert canceled["status"] == "canceled"
    # The runs under way are canceled too: soon nothing is pending or running.
    batch = await wait_for_batch(
        hub,
        batch_id,
        until=lambda b: b["counts"]["pending"] == 0 and b["counts"]["running"] == 0,
        limit=60,
    )
    assert batch["status"] == "canceled"
    assert batch["counts"]["completed"] < 30 and batch["counts"]["canceled"] > 0
    assert (await hub.http.post(f"/batches/{batch_id}/cancel")).status_code == 409
    assert (await hub.http.post(f"/batches/{batch_id}/retry-failed")).status_code == 409

    # retry-failed: the failed item runs again as a new run (and fails again, saying why).
    echo = await hub.new_app()
    first = expect(
        await hub.http.post(
            f"/apps/{echo.app_id}/batches",
            json={"items": [{"inputs": {"memo": "ok"}}, {"inputs": {"memo": ["not", "text"]}}]},
        ),
        202,
    )
    done = await wait_for_batch(hub, first["batch_id"])
    assert done["counts"]["completed"] == 2  # the echo agent takes anything
    assert (await hub.http.post(f"/batches/{first['batch_id']}/retry-failed")).status_code == 409


async def test_retry_failed_reruns_items_whose_runs_failed(hub: TriggerHub) -> None:
    app = await hub.new_app()
    started = expect(
        await hub.http.post(
            f"/apps/{app.app_id}/batches",
            json={"items": [{"inputs": {"memo": "a"}}, {"inputs": {}}, {"inputs": {"memo": "c"}}]},
        ),
        202,
    )
    batch = await wait_for_batch(hub, started["batch_id"])
    assert batch["counts"]["failed"] == 1
    retried = expect(await hub.http.post(f"/batches/{started['batch_id']}/retry-failed"), 202)
    assert retried["status"] == "running"
    again = await wait_for_batch(hub, started["batch_id"])
    assert again["status"] == "completed" and again["counts"]["failed"] == 1
    [item] = [i for i in again["items"] if i["position"] == 1]
    # This time it ran (the door check is the batch's): its run failed with the same words.
    assert item["run_id"] and "run input 'memo' is missing" in item["error"]
    run = await wait_for_run(hub.http, item["run_id"])
    assert run["status"] == "failed" and run["trigger"]["kind"] == "batch"


def zipped(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


async def upload(hub: TriggerHub, data: bytes, name: str = "docs.zip") -> str:
    answer = await hub.http.post("/artifacts", files={"file": (name, data, "application/zip")})
    return str(expect(answer, 201)["uri"])


def stored_artifacts(hub: TriggerHub) -> set[str]:
    root = hub.settings.resolved_artifact_root
    return {p.name for p in Path(root).rglob("*") if p.is_file()}


async def test_a_zip_of_documents_runs_one_item_per_document(hub: TriggerHub) -> None:
    app = await hub.new_app()
    archive = await upload(
        hub,
        zipped(
            {
                "memos/a.pdf": b"%PDF-1.4 a",
                "memos/b.pdf": b"%PDF-1.4 b",
                "c.txt": b"plain",
                "__MACOSX/._a.pdf": b"junk",
                "memos/": b"",
            }
        ),
    )
    started = expect(
        await hub.http.post(
            f"/apps/{app.app_id}/batches",
            json={"archive": archive, "input_field": "memo", "max_concurrency": 3},
        ),
        202,
    )
    assert started["total"] == 3
    batch = await wait_for_batch(hub, started["batch_id"])
    assert batch["counts"]["completed"] == 3, batch
    uris = [item["inputs"]["memo"] for item in batch["items"]]
    assert all(uri.startswith("artifact://art-") for uri in uris)
    run = await wait_for_run(hub.http, batch["items"][0]["run_id"])
    assert run["outputs"]["1"]["extracted"]["memo"]["filename"] == "a.pdf"


async def test_unsafe_zips_are_refused_and_nothing_is_written(hub: TriggerHub) -> None:
    app = await hub.new_app()
    url = f"/apps/{app.app_id}/batches"
    traversal = await upload(hub, zipped({"ok.pdf": b"%PDF-1.4", "../../evil.pdf": b"%PDF"}))
    absolute = await upload(hub, zipped({"/etc/evil.pdf": b"%PDF"}))
    bomb = await upload(hub, zipped({"bomb.pdf": b"\0" * (8 * 1024 * 1024)}))
    not_zip = await upload(hub, b"%PDF-1.4 not a zip", name="x.pdf")
    before = stored_artifacts(hub)
    for archive, words in (
        (traversal, "outside the archive"),
        (absolute, "absolute"),
        (bomb, "zip bomb"),
        (not_zip, "not a zip"),
    ):
        answer = await hub.http.post(url, json={"archive": archive, "input_field": "memo"})
        assert answer.status_code == 422, answer.text
        [item] = answer.json()["detail"]
        assert item["loc"] == ["body", "archive"] and words in item["msg"], item
    assert stored_artifacts(hub) == before
    assert not (Path(hub.settings.home).parent / "evil.pdf").exists()
    assert expect(await hub.http.get(f"/apps/{app.app_id}/batches"), 200) == []
    missing = await hub.http.post(url, json={"archive": "artifact://art-nope", "input_field": "m"})
    assert missing.status_code == 422
    both = await hub.http.post(url, json={"archive": traversal, "items": [{"inputs": {}}]})
    assert both.status_code == 422


async def test_a_long_batch_continues_as_new_and_loses_no_item(
    hub: TriggerHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The workers run in this process: three items per workflow run instead of 500.
    monkeypatch.setattr(batch_workflow, "ITEMS_PER_RUN", 3)
    app = await hub.new_app()
    items = [{"inputs": {"memo": f"m{i}"}} for i in range(8)]
    started = expect(
        await hub.http.post(
            f"/apps/{app.app_id}/batches", json={"items": items, "max_concurrency": 2}
        ),
        202,
    )
    batch = await wait_for_batch(hub, started["batch_id"])
    assert batch["status"] == "completed" and batch["counts"]["completed"] == 8, batch
    assert len({i["run_id"] for i in batch["items"]}) == 8
    executions = [
        w async for w in hub.temporal.list_workflows(f"WorkflowId = '{started['batch_id']}'")
    ]
    # 8 items, 3 per run: three runs of the parent, two of them continued as new.
    assert len(executions) == 3, executions
    continued = [e for e in executions if e.status == WorkflowExecutionStatus.CONTINUED_AS_NEW]
    assert len(continued) == 2, executions


async def test_a_batch_whose_workflow_is_terminated_outside_the_hub_is_failed(
    hub: TriggerHub,
) -> None:
    app = await hub.new_app(agent_type=SLOW)
    items = [{"inputs": {"memo": f"m{i}"}} for i in range(6)]
    started = expect(
        await hub.http.post(
            f"/apps/{app.app_id}/batches", json={"items": items, "max_concurrency": 1}
        ),
        202,
    )
    await wait_for_batch(hub, started["batch_id"], until=lambda b: b["counts"]["running"] == 1)
    await hub.temporal.get_workflow_handle(started["batch_id"]).terminate("operator cleanup")
    batch = await wait_for_batch(hub, started["batch_id"])
    assert batch["status"] == "failed" and "terminated" in batch["error"], batch
    assert batch["counts"]["pending"] == batch["counts"]["running"] == 0
    assert batch["counts"]["canceled"] >= 5
