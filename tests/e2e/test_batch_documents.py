"""A batch of documents on the real engine with the built-in agents (local provider): a zip
of memos runs through the platform document's pipeline; a file the extractor cannot read
fails as its item, with the reason, and the rest run."""

from __future__ import annotations

import asyncio
import csv
import io
import string
import zipfile
from typing import Any

from tests.e2e.builtin_stack import BuiltinStack, memo_pdf

PIPELINE_YAML = """\
version: "1.0"
app_id: "$app_id"
name: "Credit Memo Pipeline"
agents:
  - {id: "$agent1", name: "Document Extractor", type: "extractor"}
  - {id: "$agent2", name: "Risk Analyzer", type: "analysis"}
  - {id: "$agent3", name: "Report Generator", type: "summarizer"}
workflow:
  - {step: 1, agent_id: "$agent1", inputs: [{source: trigger, field: document}],
     outputs: [{name: extracted_data}]}
  - {step: 2, agent_id: "$agent2", inputs: [{source: "$agent1", field: extracted_data}],
     outputs: [{name: risk_analysis}]}
  - {step: 3, agent_id: "$agent3", inputs: [{source: "$agent2", field: risk_analysis}],
     outputs: [{name: final_report}]}
"""
BORROWERS = ["Alder Freight AS", "Birch Dairy AB", "Cedar Mills Oy", "Dune Solar SA"]


def memo(borrower: str, index: int) -> bytes:
    return memo_pdf(
        [
            f"Credit memo {index}",
            f"Borrower: {borrower}",
            f"Requested Loan Amount: ${(index + 1) * 250_000:,}",
            "EBITDA: $1,200,000",
            "Annual Debt Service: $400,000",
            "Total Debt: $3,000,000",
            "Interest Expense: $150,000",
        ]
    )


def test_a_zip_of_memos_runs_as_a_batch_and_the_unreadable_file_fails_alone(
    stack: BuiltinStack,
) -> None:
    async def go() -> tuple[dict[str, Any], str]:
        types = {"agent1": "extractor", "agent2": "analysis", "agent3": "summarizer"}
        app_id, ids = await stack.new_app(types)
        text = string.Template(PIPELINE_YAML).substitute(app_id=app_id, **ids)
        assert (await stack.put_yaml(app_id, text)).status_code == 200
        assert (await stack.http.post(f"/apps/{app_id}/deploy")).status_code == 200
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for index, borrower in enumerate(BORROWERS):
                archive.writestr(f"memos/{index}.pdf", memo(borrower, index))
            archive.writestr("memos/notes.txt", "Borrower: Plain Text Ltd\n")
        uri = await stack.upload(buffer.getvalue(), "memos.zip", "application/zip")
        started = await stack.http.post(
            f"/apps/{app_id}/batches",
            json={"archive": uri, "input_field": "document", "max_concurrency": 3},
        )
        assert started.status_code == 202, started.text
        batch_id = started.json()["batch_id"]
        for _ in range(600):
            batch = (await stack.http.get(f"/batches/{batch_id}")).json()
            if batch["status"] != "running":
                break
            await asyncio.sleep(0.3)
        table = await stack.http.get(f"/batches/{batch_id}/results.csv")
        return batch, table.text

    batch, table = stack.call(go(), timeout=300)
    assert batch["status"] == "completed", batch
    counts = batch["counts"]
    assert (counts["total"], counts["completed"], counts["failed"]) == (5, 4, 1), batch
    [bad] = [item for item in batch["items"] if item["status"] == "failed"]
    assert "is text/plain" in bad["error"] and "application/pdf" in bad["error"]
    assert bad["run_id"] is None

    rows = list(csv.DictReader(io.StringIO(table)))
    assert len(rows) == 5
    report_columns = [c for c in rows[0] if c.startswith("3.final_report.")]
    assert report_columns, list(rows[0])
    for row, borrower in zip(
        [r for r in rows if r["status"] == "completed"], BORROWERS, strict=True
    ):
        assert any(borrower in value for value in row.values()), row
        assert row["run_id"].startswith("run-")
