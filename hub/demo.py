"""The credit-memo demo: create, deploy and run the "Credit Memo Processor" over the REST API.

``make run`` (``hub up --demo``) calls :func:`run_demo` once the stack is up. It
uses nothing but the public API, the way a user would: generate the sample PDFs,
create the app and its four built-in agents (library default configs: the
``local`` provider, no key), store the demo orchestration, deploy, then upload
each sample and run the app on it, printing per-step timings, the memo and the
URLs to look further.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import typer

import agents.demo
from agents.demo.samples import MONEY_FIELDS, SampleFacts, generate_samples
from hub.cli_build import find_app
from hub.cli_eval import evaluation_table, follow_evaluation
from hub.cli_runs import (
    CliApiError,
    api_client,
    api_error,
    call,
    follow_run,
    upload_document,
)
from hub.cli_runs import (
    format_detail as format_detail,  # re-exported: the demo's error formatting
)
from hub.settings import Settings
from schemas.artifacts import ARTIFACT_REF_KEY, artifact_id_from_uri
from schemas.library import BUILTIN_LIBRARY

DEMO_APP_NAME = "Credit Memo Processor"
DEMO_APP_DESCRIPTION = (
    "Reads a credit-memo PDF, maps its figures, grades the credit risk and writes the memo "
    "(the built-in extractor, mapper, analyzer and summarizer)."
)
DEMO_ORCHESTRATION_PATH = Path(agents.demo.__file__).parent / "credit_memo_orchestration.yaml"
#: The agent types of the demo in pipeline order; each fills ``${<TYPE>_AGENT_ID}``.
DEMO_AGENT_TYPES = ("extractor", "mapper", "analyzer", "summarizer")
#: The output that holds the memo ({title, markdown, html, risk_grade}).
MEMO_OUTPUT = "final_report"
DEMO_DATASET_NAME = "credit-memo-samples"
YAML_MEDIA_TYPE = "application/yaml"


class DemoError(RuntimeError):
    """The demo could not go on; the message says what failed and what to do."""


class DemoApiError(DemoError):
    """An API call of the demo answered with an error: which call, the status, the detail."""

    def __init__(self, method: str, path: str, status_code: int, detail: str) -> None:
        self.method, self.path, self.status_code, self.detail = method, path, status_code, detail
        super().__init__(f"{method} {path} answered {status_code}: {detail}")

    @classmethod
    def from_cli(cls, error: CliApiError) -> DemoApiError:
        return cls(error.method, error.path, error.status_code or 0, error.detail)


@dataclass
class StepTiming:
    """How one step of a run went."""

    step_id: str
    state: str
    attempts: int
    seconds: float | None
    error: str | None = None


@dataclass
class DemoRun:
    """One sample PDF run through the demo app."""

    sample: SampleFacts
    run_id: str
    status: str
    memo_markdown: str | None
    step_timings: list[StepTiming] = field(default_factory=list)
    temporal_ui_url: str | None = None
    error: str | None = None
    #: Money figures of the PDF not found in the memo (formatted ``1,200,000``).
    missing_figures: list[str] = field(default_factory=list)
    #: The uploaded PDF (``artifact://…``), the input of the demo dataset's item.
    document_uri: str | None = None


def raise_api_errors(response: httpx.Response) -> None:
    """An error answer of the API as a :class:`DemoApiError` (nothing for a success)."""
    if response.status_code >= 400:
        raise DemoApiError.from_cli(api_error(response))


@contextmanager
def demo_client(api_url: str) -> Iterator[httpx.Client]:
    """A client of the API at ``api_url``; failed calls surface as :class:`DemoError`.

    The helpers of :mod:`hub.cli_runs` raise :class:`CliApiError`; here it becomes a
    :class:`DemoApiError` (an error answer) or a :class:`DemoError` (a lost API).
    """
    with api_client(api_url) as client:
        try:
            client.get("/health")
        except httpx.TransportError as exc:
            raise DemoError(
                f"cannot reach the API at {api_url} ({exc.__class__.__name__}: {exc}); "
                "start the stack with `hub up` (or `hub api`) first"
            ) from exc
        try:
            yield client
        except CliApiError as exc:
            if exc.status_code is None:
                raise DemoError(f"lost the connection to the API: {exc.detail}") from exc
            raise DemoApiError.from_cli(exc) from exc


def demo_orchestration_yaml(app_id: str, agent_ids: dict[str, str]) -> str:
    """The demo orchestration with its placeholders filled in (``agent_ids`` by agent type)."""
    values = {"APP_ID": app_id}
    values.update({f"{t.upper()}_AGENT_ID": agent_ids[t] for t in DEMO_AGENT_TYPES})
    return string.Template(DEMO_ORCHESTRATION_PATH.read_text(encoding="utf-8")).substitute(values)


def create_demo_app(client: httpx.Client, echo: Callable[[str], None]) -> str:
    """Create the app, add its agents, store the orchestration and deploy; returns the app id."""
    agent_ids: dict[str, str] = {}
    try:
        app = call(
            client,
            "POST",
            "/apps",
            json={"name": DEMO_APP_NAME, "description": DEMO_APP_DESCRIPTION},
        )
        echo(f"Created app {DEMO_APP_NAME!r} ({app['id']})")
    except CliApiError as exc:
        # App names are unique per team: a second `make run` uses the app of the first.
        existing = find_app(client, DEMO_APP_NAME) if exc.status_code == 409 else None
        if existing is None or existing.get("status") == "archived":
            raise
        app = existing
        echo(f"Using the existing app {DEMO_APP_NAME!r} ({app['id']})")
        for agent in call(client, "GET", f"/apps/{app['id']}/agents"):
            if agent["type"] in DEMO_AGENT_TYPES:
                agent_ids.setdefault(agent["type"], str(agent["id"]))
    app_id = str(app["id"])
    library = {agent.type: agent for agent in BUILTIN_LIBRARY}
    for agent_type in DEMO_AGENT_TYPES:
        if agent_type in agent_ids:
            continue
        # No config: the API gives built-in types the library default (local provider).
        body = {
            "name": library[agent_type].name,
            "type": agent_type,
            "description": library[agent_type].description,
        }
        agent = call(client, "POST", f"/apps/{app_id}/agents", json=body)
        agent_ids[agent_type] = str(agent["id"])
        echo(f"  added agent {agent['name']} ({agent_type}, {agent['id']})")
    call(
        client,
        "PUT",
        f"/orchestration/{app_id}",
        content=demo_orchestration_yaml(app_id, agent_ids).encode("utf-8"),
        headers={"Content-Type": YAML_MEDIA_TYPE},
    )
    echo("  stored the orchestration: extractor → mapper → analyzer → summarizer")
    deployed = call(client, "POST", f"/apps/{app_id}/deploy")
    echo(f"  deployed version {deployed.get('version')} ({deployed.get('status')})")
    return app_id


def resolve_output(client: httpx.Client, value: Any) -> Any:
    """``value`` with claim-check references (``{"$artifact": uri}``) fetched from the API."""
    if isinstance(value, dict):
        reference = value.get(ARTIFACT_REF_KEY)
        if set(value) == {ARTIFACT_REF_KEY} and isinstance(reference, str):
            artifact_id = artifact_id_from_uri(reference)
            if artifact_id is not None:
                return resolve_output(client, call(client, "GET", f"/artifacts/{artifact_id}"))
        return {key: resolve_output(client, item) for key, item in value.items()}
    if isinstance(value, list):
        return [resolve_output(client, item) for item in value]
    return value


def find_memo(client: httpx.Client, outputs: dict[str, Any] | None) -> dict[str, Any] | None:
    """The report of the step whose output is :data:`MEMO_OUTPUT` (step ``4`` in the demo)."""
    for step_outputs in (outputs or {}).values():
        if isinstance(step_outputs, dict) and MEMO_OUTPUT in step_outputs:
            report = resolve_output(client, step_outputs[MEMO_OUTPUT])
            return report if isinstance(report, dict) else None
    return None


def _seconds(started_at: str | None, ended_at: str | None) -> float | None:
    if not started_at or not ended_at:
        return None
    try:
        started = datetime.fromisoformat(started_at.replace("Z", "+00:00"))
        ended = datetime.fromisoformat(ended_at.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (ended - started).total_seconds()


def step_timings(run: dict[str, Any]) -> list[StepTiming]:
    """Each step's state, attempts and duration from a ``GET /runs/{id}`` answer."""
    return [
        StepTiming(
            step_id=str(step.get("step_id")),
            state=str(step.get("state")),
            attempts=int(step.get("attempts") or 0),
            seconds=_seconds(step.get("started_at"), step.get("ended_at")),
            error=step.get("error"),
        )
        for step in run.get("steps") or []
    ]


def missing_figures(facts: SampleFacts, markdown: str) -> list[str]:
    """The sample's money figures (as the memo writes them, ``1,200,000``) absent from it."""
    written = [f"{abs(facts.figures[name]):,.0f}" for name in MONEY_FIELDS if name in facts.figures]
    return [figure for figure in written if figure not in markdown]


def _print_timings(timings: list[StepTiming], echo: Callable[[str], None]) -> None:
    echo(f"  {'step':<8}{'state':<12}{'attempts':>8}{'time':>10}")
    for t in timings:
        took = f"{t.seconds:.2f} s" if t.seconds is not None else "-"
        echo(f"  {t.step_id:<8}{t.state:<12}{t.attempts:>8}{took:>10}")
        if t.error:
            echo(f"      error: {t.error}")


def run_sample(
    client: httpx.Client,
    app_id: str,
    pdf: Path,
    facts: SampleFacts,
    *,
    ui_url: str | None,
    echo: Callable[[str], None],
) -> DemoRun:
    """Upload one sample, run the app on it until the run ends, and report it."""
    echo("")
    echo(f"Sample {pdf.name}: {facts.borrower_name}")
    uri = upload_document(client, pdf)
    echo(f"  uploaded as {uri}")
    started = call(client, "POST", f"/apps/{app_id}/runs", json={"inputs": {"document": uri}})
    run_id = str(started["run_id"])
    echo(f"  run {run_id} started")
    # follow_run prints step transitions with typer.echo: only when we print there too.
    run = follow_run(client, run_id, echo=echo is typer.echo)
    ui_link = run.get("temporal_ui_url") or started.get("temporal_ui_url")
    if not ui_link and ui_url and started.get("workflow_id"):
        namespace = Settings().temporal_namespace
        ui_link = f"{ui_url.rstrip('/')}/namespaces/{namespace}/workflows/{started['workflow_id']}"
    timings = step_timings(run)
    report = find_memo(client, run.get("outputs")) if run["status"] == "completed" else None
    markdown = report.get("markdown") if report else None
    result = DemoRun(
        sample=facts,
        document_uri=uri,
        run_id=run_id,
        status=str(run["status"]),
        memo_markdown=markdown if isinstance(markdown, str) else None,
        step_timings=timings,
        temporal_ui_url=ui_link,
        error=run.get("error"),
    )
    echo(f"  run {run_id} {result.status}")
    _print_timings(timings, echo)
    if result.memo_markdown is not None:
        result.missing_figures = missing_figures(facts, result.memo_markdown)
        echo("")
        echo(result.memo_markdown.rstrip())
        echo("")
        if result.missing_figures:
            echo(f"  figures of the PDF missing from the memo: {', '.join(result.missing_figures)}")
        else:
            echo("  every figure printed in the PDF appears in the memo")
    elif result.status == "completed":
        echo(f"  the run completed without a {MEMO_OUTPUT!r} output; see `hub runs show {run_id}`")
    else:
        echo(f"  error: {result.error or 'see the steps above'}")
        echo(f"  details: `hub runs show {run_id}`")
    if ui_link:
        echo(f"  Temporal UI: {ui_link}")
    return result


def demo_dataset(runs: list[DemoRun]) -> dict[str, Any]:
    """The demo dataset: each sample PDF with the figures it is known to state.

    The mapped record must hold the borrower (normalised text), the currency and the
    date exactly, and every money figure within 0.5 %.
    """
    items = []
    for run in runs:
        if run.document_uri is None:
            continue
        facts = run.sample
        expected: dict[str, Any] = {
            "mapped_data.borrower_name": {"text": facts.borrower_name},
            "mapped_data.currency": facts.currency,
            "mapped_data.as_of_date": facts.as_of_date,
        }
        for name in MONEY_FIELDS:
            if name in facts.figures:
                expected[f"mapped_data.{name}"] = {
                    "value": facts.figures[name],
                    "tolerance": "0.5%",
                }
        items.append({"inputs": {"document": run.document_uri}, "expected": expected})
    return {
        "name": DEMO_DATASET_NAME,
        "description": "The demo's sample credit memos and the figures each one states.",
        "items": items,
    }


def evaluate_demo(
    client: httpx.Client, app_id: str, runs: list[DemoRun], echo: Callable[[str], None]
) -> dict[str, Any] | None:
    """Evaluate the deployed demo app on :func:`demo_dataset` and print the table."""
    body = demo_dataset(runs)
    if not body["items"]:
        return None
    echo("")
    echo("Evaluation of the deployed release on the demo dataset (hub eval run):")
    try:
        dataset = call(client, "POST", f"/apps/{app_id}/datasets", json=body)
        started = call(
            client,
            "POST",
            f"/apps/{app_id}/evaluations",
            json={"dataset_id": dataset["id"], "release": "deployed"},
        )
        report = follow_evaluation(client, started["id"], echo=False)
    except CliApiError as exc:
        echo(f"  the evaluation could not run: {exc}")
        return None
    for line in evaluation_table(report):
        echo(f"  {line}".rstrip())
    echo(f"  again: hub eval run {app_id} --dataset {dataset['id']}")
    return report


def run_demo(
    api_url: str,
    *,
    ui_url: str | None = None,
    samples_dir: Path | None = None,
    echo: Callable[[str], None] = typer.echo,
    evaluate: bool = True,
) -> list[DemoRun]:
    """Create, deploy and run the credit-memo demo against the API at ``api_url``.

    Writes the sample PDFs into ``samples_dir`` (default ``HUB_HOME/demo/samples``),
    runs the app once per sample and returns the runs; with ``evaluate`` it then
    evaluates the deployed release on the demo dataset (the samples and their known
    figures) and prints the evaluation's table. Raises :class:`DemoError`
    (:class:`DemoApiError` for an error answer) when the demo cannot go on; a run
    that fails is reported in its :class:`DemoRun`, not raised.
    """
    target = samples_dir if samples_dir is not None else Settings().home / "demo" / "samples"
    samples = generate_samples(target)
    echo(f"Wrote {len(samples)} sample credit-memo PDFs to {target}")
    runs: list[DemoRun] = []
    with demo_client(api_url) as client:
        app_id = create_demo_app(client, echo)
        for facts in samples:
            runs.append(
                run_sample(client, app_id, target / facts.filename, facts, ui_url=ui_url, echo=echo)
            )
        if evaluate:
            evaluate_demo(client, app_id, runs, echo)
    completed = sum(1 for r in runs if r.status == "completed")
    echo("")
    echo(f"Demo: {completed} of {len(runs)} runs completed (app {app_id}).")
    echo(f"API docs: {api_url.rstrip('/')}/docs")
    if ui_url:
        echo(f"Temporal UI: {ui_url}")
    return runs
