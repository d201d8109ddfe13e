"""``hub eval dataset import``'s reading of a zip of documents and its expectations."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from hub.cli_eval import dataset_from_zip, format_table, judge_body, read_expectations


def test_csv_cells_are_json_when_they_parse_and_text_otherwise() -> None:
    data = (
        b"document,input.currency,mapped_data.ebitda,final_report.risk_grade,mapped_data.x\n"
        b'a.pdf,USD,"{""value"": 5, ""tolerance"": 1}",B,\n'
        b'b.pdf,EUR,12.5,"{""one_of"": [""A"", ""B""]}",true\n'
    )
    rows = read_expectations("expectations.csv", data)
    assert rows == [
        {
            "document": "a.pdf",
            "inputs": {"currency": "USD"},
            "expected": {
                "mapped_data.ebitda": {"value": 5, "tolerance": 1},
                "final_report.risk_grade": "B",
            },
        },
        {
            "document": "b.pdf",
            "inputs": {"currency": "EUR"},
            "expected": {
                "mapped_data.ebitda": 12.5,
                "final_report.risk_grade": {"one_of": ["A", "B"]},
                "mapped_data.x": True,
            },
        },
    ]


def test_jsonl_rows_and_their_errors() -> None:
    good = (
        b'{"document": "a.pdf", "expected": {"o.f": 1}}\n\n'
        b'{"inputs": {"n": 2}, "expected": {"o.g": 2}}\n'
    )
    assert [r["expected"] for r in read_expectations("e.jsonl", good)] == [{"o.f": 1}, {"o.g": 2}]
    with pytest.raises(ValueError, match="line 1"):
        read_expectations("e.jsonl", b'{"document": "a.pdf"}\n')
    with pytest.raises(ValueError, match=".csv or .jsonl"):
        read_expectations("e.txt", b"")


def test_documents_of_the_zip_are_uploaded_once_and_passed_as_the_input(tmp_path: Path) -> None:
    archive = tmp_path / "set.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("docs/a.pdf", b"%PDF-a")
        bundle.writestr(
            "expectations.jsonl",
            "\n".join(json.dumps({"document": "a.pdf", "expected": {"o.f": n}}) for n in range(2)),
        )
    uploads: list[tuple[str, bytes]] = []

    def upload(name: str, data: bytes) -> str:
        uploads.append((name, data))
        return f"artifact://art-{len(uploads)}"

    items = dataset_from_zip(archive, None, upload, input_field="memo")
    assert uploads == [("a.pdf", b"%PDF-a")]
    assert items == [
        {"inputs": {"memo": "artifact://art-1"}, "expected": {"o.f": 0}},
        {"inputs": {"memo": "artifact://art-1"}, "expected": {"o.f": 1}},
    ]
    with zipfile.ZipFile(archive, "a") as bundle:
        bundle.writestr("other.csv", "document,o.f\nmissing.pdf,1\n")
    (tmp_path / "other.csv").write_text("document,o.f\nmissing.pdf,1\n")
    with pytest.raises(ValueError, match="missing.pdf"):
        dataset_from_zip(archive, tmp_path / "other.csv", upload)


def test_tables_pad_columns_to_their_widest_cell() -> None:
    assert format_table(["a", "bb"], [["xyz", "1"]]) == ["a    bb", "xyz  1"]


def test_the_judge_is_off_unless_a_model_is_named() -> None:
    assert judge_body(None) is None
    assert judge_body("gpt-4o-mini", "anthropic", "Same?", ["a.b"], "env:K") == {
        "provider": "anthropic",
        "model": "gpt-4o-mini",
        "fields": ["a.b"],
        "rubric": "Same?",
        "api_key_ref": "env:K",
    }
