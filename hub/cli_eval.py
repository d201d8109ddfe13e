"""``hub eval``: datasets, evaluations, comparisons and the release gate from the terminal.

``hub eval dataset import`` turns a zip of documents plus a CSV or JSONL of expectations
into a dataset (each document uploaded to the artifact store); ``hub eval run`` evaluates
a release and prints its table; ``hub eval show`` and ``hub eval compare`` print reports
(regressions first); ``hub eval gate`` sets the gate deploys must pass.
"""

from __future__ import annotations

import csv
import io
import json
import time
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path, PurePosixPath
from typing import Annotated, Any

import httpx
import typer

from hub.cli_runs import (
    ApiUrlOption,
    AppArgument,
    JsonOption,
    TokenOption,
    api_client,
    call,
    echo_result,
    exits_on_api_error,
    fail,
    get_json,
)
from hub.terminal import table

eval_app = typer.Typer(
    help="Evaluations: datasets, runs of a release on them, comparisons, the release gate.",
    no_args_is_help=True,
)
dataset_app = typer.Typer(help="Evaluation datasets of an app.", no_args_is_help=True)
gate_app = typer.Typer(help="The release gate of an app.", no_args_is_help=True)
eval_app.add_typer(dataset_app, name="dataset")
eval_app.add_typer(gate_app, name="gate")

POLL_SECONDS = 0.5
EXPECTATION_FILES = ("expectations.jsonl", "expectations.csv")
INPUT_COLUMN_PREFIX = "input."


# ------------------------------------------------------------------ formatting


def _number(value: Any, digits: int = 3) -> str:
    if value is None:
        return "-"
    if isinstance(value, float | int) and not isinstance(value, bool):
        return f"{value:.{digits}f}"
    return str(value)


def _short(value: Any, width: int = 28) -> str:
    text = "-" if value is None else value if isinstance(value, str) else json.dumps(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def format_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """Rows under headers, columns padded to their widest cell."""
    return table(rows, headers).splitlines()


def evaluation_table(report: dict[str, Any]) -> list[str]:
    """An evaluation as text: its score, per-field scores and per-item results."""
    lines = [
        f"evaluation {report['id']}  app {report['app_id']}  release {report['release']} "
        f"({report.get('app_version') or '-'})  dataset {report['dataset_id']} "
        f"v{report.get('dataset_version', '?')}",
        f"status {report['status']}  score {_number(report.get('score'))}  "
        f"items {report.get('items_done', 0)}/{report.get('items_total', 0)}  "
        f"cost ${report.get('cost_usd', 0.0):.4f}  latency p50 "
        f"{_number(report.get('latency_p50_ms'), 0)} ms",
    ]
    if report.get("error"):
        lines.append(f"error: {report['error']}")
    fields = report.get("field_scores") or {}
    if fields:
        lines.append("")
        lines += format_table(
            ["field", "score"], [[name, _number(score)] for name, score in fields.items()]
        )
    items = report.get("items") or []
    if items:
        lines.append("")
        rows = []
        for item in items:
            missed = [f["field"] for f in item.get("fields", []) if f.get("score", 0) < 1]
            rows.append(
                [
                    str(item["index"]),
                    item.get("run_id") or "-",
                    item.get("status", "-"),
                    _number(item.get("score")),
                    _number(item.get("latency_ms"), 0),
                    _short(", ".join(missed) or item.get("error") or "", 48),
                ]
            )
        lines += format_table(["item", "run", "status", "score", "ms", "missed"], rows)
    if report.get("mlflow_run_id"):
        lines.append("")
        lines.append(f"MLflow run {report['mlflow_run_id']}")
    return lines


def comparison_table(comparison: dict[str, Any]) -> list[str]:
    """A comparison as text: fields (regressions first), then item-level drops."""
    lines = [
        f"baseline  {comparison['baseline_id']} ({comparison.get('baseline_release', '')}) "
        f"score {_number(comparison.get('baseline_score'))}",
        f"candidate {comparison['candidate_id']} ({comparison.get('candidate_release', '')}) "
        f"score {_number(comparison.get('candidate_score'))}  "
        f"delta {_signed(comparison.get('score_delta'))}",
        f"regressions: {comparison.get('regressions', 0)}",
        "",
    ]
    lines += format_table(
        ["field", "baseline", "candidate", "delta", "change"],
        [
            [
                f["field"],
                _number(f.get("baseline")),
                _number(f.get("candidate")),
                _signed(f.get("delta")),
                f["change"],
            ]
            for f in comparison.get("fields", [])
        ],
    )
    drops = comparison.get("item_regressions") or []
    if drops:
        lines.append("")
        lines += format_table(
            ["item", "field", "expected", "baseline value", "candidate value"],
            [
                [
                    str(d["index"]),
                    d["field"],
                    _short(d.get("expected")),
                    _short(d.get("baseline_actual")),
                    _short(d.get("candidate_actual")),
                ]
                for d in drops
            ],
        )
    if not comparison.get("same_dataset", True):
        lines.append("note: the two evaluations used different datasets")
    return lines


def _signed(value: Any) -> str:
    return "-" if value is None else f"{value:+.3f}"


def _dataset_line(made: dict[str, Any]) -> str:
    return (
        f"dataset {made['id']}: {made['name']} version {made['version']}, "
        f"{made['item_count']} items"
    )


# ------------------------------------------------------------------- datasets


def _cell(text: str) -> Any:
    """A CSV cell: JSON when it parses (numbers, objects, true), else the text itself."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def read_expectations(name: str, data: bytes) -> list[dict[str, Any]]:
    """Rows ``{"document": …, "inputs": {…}, "expected": {…}}`` from CSV or JSONL bytes.

    CSV: a ``document`` column (a file of the zip), ``input.<name>`` columns for other run
    inputs and one column per ``<output>.<field path>``; a cell is JSON when it parses
    (``12.5``, ``{"value": 3, "tolerance": 0.1}``), else text; empty cells are skipped.
    JSONL: one such object per line.
    """
    text = data.decode("utf-8-sig")
    rows: list[dict[str, Any]] = []
    if name.lower().endswith(".jsonl"):
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                parsed = json.loads(line)
            except ValueError as exc:
                raise ValueError(f"{name} line {number}: not JSON ({exc})") from exc
            if not isinstance(parsed, dict) or not isinstance(parsed.get("expected"), dict):
                raise ValueError(f'{name} line {number}: needs an object with "expected"')
            rows.append(parsed)
        return rows
    if not name.lower().endswith(".csv"):
        raise ValueError(f"{name}: expectations must be a .csv or .jsonl file")
    reader = csv.DictReader(io.StringIO(text))
    for number, record in enumerate(reader, start=2):
        row: dict[str, Any] = {"inputs": {}, "expected": {}}
        for column, raw in record.items():
            if column is None or raw is None or raw == "":
                continue
            column = column.strip()
            if column == "document":
                row["document"] = raw.strip()
            elif column.startswith(INPUT_COLUMN_PREFIX):
                row["inputs"][column[len(INPUT_COLUMN_PREFIX) :]] = _cell(raw)
            else:
                row["expected"][column] = _cell(raw)
        if not row["expected"]:
            raise ValueError(f"{name} line {number}: no expected value in any column")
        rows.append(row)
    return rows


def dataset_from_zip(
    archive: Path,
    expectations: Path | None,
    upload: Callable[[str, bytes], str],
    input_field: str = "document",
) -> list[dict[str, Any]]:
    """Dataset items from a zip of documents (each uploaded once with ``upload``)."""
    with zipfile.ZipFile(archive) as bundle:
        members = {
            PurePosixPath(info.filename).name: info
            for info in bundle.infolist()
            if not info.is_dir() and not PurePosixPath(info.filename).name.startswith(".")
        }
        if expectations is not None:
            rows = read_expectations(expectations.name, expectations.read_bytes())
        else:
            found = next((members[n] for n in EXPECTATION_FILES if n in members), None)
            if found is None:
                raise ValueError(
                    f"{archive} holds no expectations.csv or expectations.jsonl; "
                    "add one or pass --expectations"
                )
            rows = read_expectations(PurePosixPath(found.filename).name, bundle.read(found))
        uploaded: dict[str, str] = {}
        items = []
        for row in rows:
            inputs = dict(row.get("inputs") or {})
            document = row.get("document")
            if document:
                if document not in members:
                    raise ValueError(f"document {document!r} is not in {archive}")
                if document not in uploaded:
                    uploaded[document] = upload(document, bundle.read(members[document]))
                inputs[input_field] = uploaded[document]
            items.append({"inputs": inputs, "expected": row["expected"]})
    return items


def _uploader(client: httpx.Client) -> Callable[[str, bytes], str]:
    def upload(name: str, data: bytes) -> str:
        answer = call(client, "POST", "/artifacts", files={"file": (name, data)})
        return str(answer["uri"])

    return upload


@dataset_app.command("import")
@exits_on_api_error
def import_dataset(
    app_id: Annotated[str, typer.Argument(help="The app the dataset is for.")],
    archive: Annotated[Path, typer.Argument(help="A zip of documents (and expectations).")],
    name: Annotated[str, typer.Option(help="Dataset name (an existing name: next version).")],
    expectations: Annotated[
        Path | None,
        typer.Option(
            help="CSV or JSONL of expectations (default: expectations.csv/.jsonl in the zip)."
        ),
    ] = None,
    input_field: Annotated[
        str, typer.Option(help="The run input each document is passed as.")
    ] = "document",
    description: Annotated[str, typer.Option(help="What the dataset covers.")] = "",
    as_json: JsonOption = False,
    api_url: ApiUrlOption = None,
    token: TokenOption = None,
) -> None:
    """Upload each document of ARCHIVE and create the dataset from the expectations."""
    if not archive.is_file() or not zipfile.is_zipfile(archive):
        raise fail(f"{archive} is not a zip file", 2)
    with api_client(api_url, token) as client:
        try:
            items = dataset_from_zip(archive, expectations, _uploader(client), input_field)
        except (ValueError, OSError, KeyError) as exc:
            raise fail(str(exc), 2) from exc
        made = call(
            client,
            "POST",
            f"/apps/{app_id}/datasets",
            json={"name": name, "description": description, "items": items},
        )
    echo_result(made, as_json, _dataset_line(made))


@dataset_app.command("create")
@exits_on_api_error
def create_dataset(
    app_id: Annotated[str, typer.Argument(help="The app the dataset is for.")],
    body: Annotated[
        Path, typer.Argument(help='JSON file: {"name": …, "items": [{"inputs", "expected"}]}.')
    ],
    as_json: JsonOption = False,
    api_url: ApiUrlOption = None,
    token: TokenOption = None,
) -> None:
    """Create a dataset (or a name's next version) from a JSON body."""
    try:
        payload = json.loads(body.read_text())
    except (OSError, ValueError) as exc:
        raise fail(f"cannot read {body}: {exc}", 2) from exc
    with api_client(api_url, token) as client:
        made = call(client, "POST", f"/apps/{app_id}/datasets", json=payload)
    echo_result(made, as_json, _dataset_line(made))


@dataset_app.command("list")
@exits_on_api_error
def list_datasets(
    app_id: AppArgument,
    as_json: JsonOption = False,
    api_url: ApiUrlOption = None,
    token: TokenOption = None,
) -> None:
    """Every dataset version of an app."""
    found = get_json(api_url, token, f"/apps/{app_id}/datasets")
    rows = [
        [d["id"], d["name"], str(d["version"]), str(d["item_count"]), str(d["locked"])]
        for d in found
    ]
    echo_result(found, as_json, format_table(["id", "name", "version", "items", "locked"], rows))


# ----------------------------------------------------------------- evaluations


def follow_evaluation(client: httpx.Client, evaluation_id: str, echo: bool) -> dict[str, Any]:
    """Poll until the evaluation ends, printing progress; returns the report."""
    done = -1
    while True:
        report: dict[str, Any] = call(client, "GET", f"/evaluations/{evaluation_id}")
        if echo and report.get("items_done") != done:
            done = int(report.get("items_done") or 0)
            typer.echo(f"  {done}/{report.get('items_total', 0)} items scored")
        if report["status"] != "running":
            return report
        time.sleep(POLL_SECONDS)


JudgeModelOption = Annotated[
    str | None,
    typer.Option(
        "--judge-model", help="Opt in to an LLM judge with this model (scored on the worker)."
    ),
]
JudgeProviderOption = Annotated[
    str, typer.Option("--judge-provider", help="The judge's provider (openai, anthropic, …).")
]
JudgeRubricOption = Annotated[
    str | None,
    typer.Option("--judge-rubric", help="What the judge checks (default: same meaning)."),
]
JudgeFieldOption = Annotated[
    list[str] | None,
    typer.Option("--judge-field", help="A field the judge scores (repeat; default: every field)."),
]
JudgeKeyRefOption = Annotated[
    str | None,
    typer.Option(
        "--judge-key-ref", help="env:NAME — the worker's variable holding the judge's key."
    ),
]


def judge_body(
    model: str | None,
    provider: str = "openai",
    rubric: str | None = None,
    fields: list[str] | None = None,
    key_ref: str | None = None,
) -> dict[str, Any] | None:
    """The ``judge`` of a request body (``None``: no judge, the default)."""
    if not model:
        return None
    judge: dict[str, Any] = {"provider": provider, "model": model, "fields": list(fields or [])}
    if rubric:
        judge["rubric"] = rubric
    if key_ref:
        judge["api_key_ref"] = key_ref
    return judge


@eval_app.command("run")
@exits_on_api_error
def run_evaluation(
    app_id: Annotated[str, typer.Argument(help="The app to evaluate.")],
    dataset: Annotated[str, typer.Option("--dataset", help="Dataset version id (ds-…).")],
    release: Annotated[
        str, typer.Option(help='"deployed", "draft" or a release version.')
    ] = "deployed",
    concurrency: Annotated[
        int | None, typer.Option(help="Runs in flight at once (default 4).")
    ] = None,
    wait: Annotated[bool, typer.Option(help="Follow it and print the table.")] = True,
    min_score: Annotated[
        float | None, typer.Option(help="Exit 1 when the score is below this.")
    ] = None,
    judge_model: JudgeModelOption = None,
    judge_provider: JudgeProviderOption = "openai",
    judge_rubric: JudgeRubricOption = None,
    judge_field: JudgeFieldOption = None,
    judge_key_ref: JudgeKeyRefOption = None,
    as_json: JsonOption = False,
    api_url: ApiUrlOption = None,
    token: TokenOption = None,
) -> None:
    """Evaluate a release of an app on a dataset and print per-field and per-item scores."""
    body: dict[str, Any] = {"dataset_id": dataset, "release": release}
    if concurrency is not None:
        body["concurrency"] = concurrency
    judge = judge_body(judge_model, judge_provider, judge_rubric, judge_field, judge_key_ref)
    if judge is not None:
        body["judge"] = judge
    with api_client(api_url, token) as client:
        started = call(client, "POST", f"/apps/{app_id}/evaluations", json=body)
        if not wait:
            echo_result(started, as_json, f"evaluation {started['id']}")
            return
        if not as_json:
            typer.echo(f"evaluation {started['id']} started ({started['items_total']} items)")
        report = follow_evaluation(client, started["id"], echo=not as_json)
    echo_result(report, as_json, ["", *evaluation_table(report)])
    if report["status"] != "completed":
        raise typer.Exit(1)
    if min_score is not None and (report.get("score") or 0.0) < min_score:
        typer.secho(f"score {report['score']:.3f} is below {min_score}", fg=typer.colors.RED)
        raise typer.Exit(1)


@eval_app.command("show")
@exits_on_api_error
def show_evaluation(
    evaluation_id: Annotated[str, typer.Argument(help="Evaluation id (eval-…).")],
    as_json: JsonOption = False,
    api_url: ApiUrlOption = None,
    token: TokenOption = None,
) -> None:
    """An evaluation's score, per-field scores and per-item results."""
    report = get_json(api_url, token, f"/evaluations/{evaluation_id}")
    echo_result(report, as_json, evaluation_table(report))


@eval_app.command("compare")
@exits_on_api_error
def compare_evaluations(
    first: Annotated[str, typer.Argument(help="An evaluation id.")],
    second: Annotated[str, typer.Argument(help="Another evaluation id.")],
    as_json: JsonOption = False,
    api_url: ApiUrlOption = None,
    token: TokenOption = None,
) -> None:
    """Field by field, regressions first (the older release's evaluation is the baseline)."""
    comparison = get_json(api_url, token, f"/evaluations/{first}/compare/{second}")
    echo_result(comparison, as_json, comparison_table(comparison))


# ------------------------------------------------------------------------ gate


@gate_app.command("set")
@exits_on_api_error
def set_gate(
    app_id: AppArgument,
    dataset: Annotated[str, typer.Option("--dataset", help="Dataset version id (ds-…).")],
    min_score: Annotated[float, typer.Option(help="Lowest score a deploy may have.")] = 0.0,
    max_field_drop: Annotated[
        float, typer.Option(help="Largest drop of any field against the deployed release.")
    ] = 1.0,
    judge_model: JudgeModelOption = None,
    judge_provider: JudgeProviderOption = "openai",
    judge_rubric: JudgeRubricOption = None,
    judge_field: JudgeFieldOption = None,
    judge_key_ref: JudgeKeyRefOption = None,
    api_url: ApiUrlOption = None,
    token: TokenOption = None,
) -> None:
    """Make deploys of APP_ID pass an evaluation on DATASET first."""
    body: dict[str, Any] = {
        "dataset_id": dataset,
        "min_score": min_score,
        "max_field_drop": max_field_drop,
        "judge": judge_body(judge_model, judge_provider, judge_rubric, judge_field, judge_key_ref),
    }
    with api_client(api_url, token) as client:
        gate = call(client, "PUT", f"/apps/{app_id}/gate", json=body)
    typer.echo(
        f"gate of {app_id}: dataset {gate['dataset_id']}, min_score {gate['min_score']}, "
        f"max_field_drop {gate['max_field_drop']}"
    )


@gate_app.command("show")
@exits_on_api_error
def show_gate(
    app_id: AppArgument,
    api_url: ApiUrlOption = None,
    token: TokenOption = None,
) -> None:
    """The app's gate."""
    gate = get_json(api_url, token, f"/apps/{app_id}/gate")
    typer.echo(json.dumps(gate, indent=2))
