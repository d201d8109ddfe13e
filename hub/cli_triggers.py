"""``hub schedules …``, ``hub webhooks …``, ``hub batch APP ./folder`` and ``hub batches …``:
the triggers of runs, through a running API."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated, Any

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
    table,
    upload_document,
)

schedules_app = typer.Typer(help="Schedules of runs (Temporal Schedules).", no_args_is_help=True)
webhooks_app = typer.Typer(help="Signed webhooks that start runs.", no_args_is_help=True)
batches_app = typer.Typer(
    help="Batches of runs: show, results, cancel, retry.", no_args_is_help=True
)

POLL_SECONDS = 1.0
#: Files a folder batch skips: hidden files and the OS's folder litter.
SKIPPED_NAMES = frozenset({"Thumbs.db", "desktop.ini"})


def register(app: typer.Typer) -> None:
    """Adds the trigger commands to the ``hub`` command."""
    app.add_typer(schedules_app, name="schedules")
    app.add_typer(webhooks_app, name="webhooks")
    app.add_typer(batches_app, name="batches")
    app.command("batch")(batch)


def _read_inputs(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    try:
        loaded = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise fail(f"cannot read inputs from {path}: {exc}", 2) from exc
    if not isinstance(loaded, dict):
        raise fail(f"{path} must hold a JSON object of inputs", 2)
    return loaded


# ----------------------------------------------------------------- schedules


def _schedule_line(s: dict[str, Any]) -> str:
    when = s.get("cron") or f"every {s.get('interval_seconds')} s"
    state = "paused" if s.get("paused") else "active"
    following = (s.get("next_fire_times") or ["-"])[0]
    return f"{s['id']}  {when} ({s.get('timezone', 'UTC')})  {state}  next: {following}"


@schedules_app.command("create")
@exits_on_api_error
def schedules_create(
    app_id: Annotated[str, typer.Argument(help="The app to run on the schedule.")],
    cron: Annotated[str | None, typer.Option(help="Cron, e.g. '0 7 * * MON'.")] = None,
    every: Annotated[
        int | None,
        typer.Option(
            "--every", "--interval-seconds", help="Interval in seconds (instead of --cron)."
        ),
    ] = None,
    timezone: Annotated[str, typer.Option(help="IANA time zone of the cron.")] = "UTC",
    input: Annotated[
        Path | None, typer.Option("--input", help="JSON file with the runs' inputs.")
    ] = None,
    overlap: Annotated[
        str, typer.Option(help="skip | buffer_one | allow_all (a fire while a run runs).")
    ] = "skip",
    catchup_window: Annotated[
        int | None,
        typer.Option(
            "--catchup-window",
            "--catchup-window-seconds",
            help="Seconds a missed fire may still run late.",
        ),
    ] = None,
    paused: Annotated[bool, typer.Option(help="Create it paused.")] = False,
    note: Annotated[str, typer.Option(help="A note shown with the schedule.")] = "",
    as_json: JsonOption = False,
    api_url: ApiUrlOption = None,
    token: TokenOption = None,
) -> None:
    """Run an app's deployed release on a cron or an interval; prints the next fire times."""
    body: dict[str, Any] = {
        "timezone": timezone,
        "inputs": _read_inputs(input),
        "overlap": overlap,
        "paused": paused,
        "note": note,
    }
    if cron is not None:
        body["cron"] = cron
    if every is not None:
        body["interval_seconds"] = every
    if catchup_window is not None:
        body["catchup_window_seconds"] = catchup_window
    with api_client(api_url, token) as client:
        created = call(client, "POST", f"/apps/{app_id}/schedules", json=body)
    lines = [f"schedule {created['id']} created"]
    lines += [f"  next: {t}" for t in created.get("next_fire_times", [])]
    echo_result(created, as_json, "\n".join(lines))


@schedules_app.command("list")
@exits_on_api_error
def schedules_list(
    app_id: AppArgument,
    as_json: JsonOption = False,
    api_url: ApiUrlOption = None,
    token: TokenOption = None,
) -> None:
    """An app's schedules with their state and next fire time."""
    found = get_json(api_url, token, f"/apps/{app_id}/schedules")
    echo_result(found, as_json, "\n".join(_schedule_line(s) for s in found) or "no schedules")


@schedules_app.command("show")
@exits_on_api_error
def schedules_show(
    schedule_id: Annotated[str, typer.Argument(help="The schedule, sch-….")],
    as_json: JsonOption = False,
    api_url: ApiUrlOption = None,
    token: TokenOption = None,
) -> None:
    """One schedule: definition, state, next fire times, latest runs."""
    found = get_json(api_url, token, f"/schedules/{schedule_id}")
    lines = [_schedule_line(found)]
    lines += [f"  next: {t}" for t in found.get("next_fire_times", [])]
    lines += [f"  run:  {r}" for r in found.get("recent_runs", [])]
    echo_result(found, as_json, "\n".join(lines))


def _schedule_action(
    schedule_id: str, action: str, body: Any, as_json: bool, api_url: str | None, token: str | None
) -> None:
    with api_client(api_url, token) as client:
        answer = call(client, "POST", f"/schedules/{schedule_id}/{action}", json=body)
    echo_result(answer, as_json, _schedule_line(answer))


@schedules_app.command("pause")
@exits_on_api_error
def schedules_pause(
    schedule_id: Annotated[str, typer.Argument(help="The schedule.")],
    note: Annotated[str, typer.Option(help="Why it is paused.")] = "",
    as_json: JsonOption = False,
    api_url: ApiUrlOption = None,
    token: TokenOption = None,
) -> None:
    """Stop a schedule's fires until unpaused."""
    _schedule_action(schedule_id, "pause", {"note": note}, as_json, api_url, token)


@schedules_app.command("unpause")
@exits_on_api_error
def schedules_unpause(
    schedule_id: Annotated[str, typer.Argument(help="The schedule.")],
    note: Annotated[str, typer.Option(help="Why it runs again.")] = "",
    as_json: JsonOption = False,
    api_url: ApiUrlOption = None,
    token: TokenOption = None,
) -> None:
    """Let a paused schedule fire again."""
    _schedule_action(schedule_id, "unpause", {"note": note}, as_json, api_url, token)


@schedules_app.command("trigger")
@exits_on_api_error
def schedules_trigger(
    schedule_id: Annotated[str, typer.Argument(help="The schedule.")],
    as_json: JsonOption = False,
    api_url: ApiUrlOption = None,
    token: TokenOption = None,
) -> None:
    """Fire a schedule now (one run)."""
    _schedule_action(schedule_id, "trigger", None, as_json, api_url, token)


@schedules_app.command("backfill")
@exits_on_api_error
def schedules_backfill(
    schedule_id: Annotated[str, typer.Argument(help="The schedule.")],
    start: Annotated[str, typer.Option(help="Start of the range (ISO-8601, UTC).")],
    end: Annotated[str, typer.Option(help="End of the range, exclusive (ISO-8601, UTC).")],
    as_json: JsonOption = False,
    api_url: ApiUrlOption = None,
    token: TokenOption = None,
) -> None:
    """Run now every fire the schedule would have had between --start and --end."""
    body = {"start_time": start, "end_time": end}
    _schedule_action(schedule_id, "backfill", body, as_json, api_url, token)


@schedules_app.command("delete")
@exits_on_api_error
def schedules_delete(
    schedule_id: Annotated[str, typer.Argument(help="The schedule.")],
    api_url: ApiUrlOption = None,
    token: TokenOption = None,
) -> None:
    """Delete a schedule (runs it started go on)."""
    with api_client(api_url, token) as client:
        call(client, "DELETE", f"/schedules/{schedule_id}")
    typer.echo(f"schedule {schedule_id} deleted")


# ----------------------------------------------------------------- webhooks


def _webhook_text(hook: dict[str, Any]) -> str:
    lines = [f"webhook {hook['id']}: POST {hook['url']}"]
    lines += [f"  {name} <- {pointer}" for name, pointer in hook["input_mapping"].items()]
    if hook.get("secret"):
        lines.append(f"  secret (shown once, keep it): {hook['secret']}")
    return "\n".join(lines)


def _mapping(pairs: list[str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for pair in pairs:
        name, sep, pointer = pair.partition("=")
        if not sep or not name:
            raise fail(f"--map {pair!r}: write INPUT=/json/pointer", 2)
        mapping[name] = pointer
    return mapping


@webhooks_app.command("create")
@exits_on_api_error
def webhooks_create(
    app_id: Annotated[str, typer.Argument(help="The app each event runs.")],
    map_: Annotated[
        list[str],
        typer.Option("--map", help="INPUT=/json/pointer into the posted body (repeatable)."),
    ],
    idempotency_pointer: Annotated[
        str | None, typer.Option(help="Pointer of the body's event id (redeliveries: one run).")
    ] = None,
    rate_limit: Annotated[int, typer.Option(help="Events a minute this webhook takes.")] = 600,
    note: Annotated[str, typer.Option(help="A note.")] = "",
    as_json: JsonOption = False,
    api_url: ApiUrlOption = None,
    token: TokenOption = None,
) -> None:
    """Create a signed webhook; prints its URL and its secret (once)."""
    body: dict[str, Any] = {
        "input_mapping": _mapping(map_),
        "rate_limit_per_minute": rate_limit,
        "note": note,
    }
    if idempotency_pointer:
        body["idempotency_pointer"] = idempotency_pointer
    with api_client(api_url, token) as client:
        created = call(client, "POST", f"/apps/{app_id}/webhooks", json=body)
    echo_result(created, as_json, _webhook_text(created))


@webhooks_app.command("list")
@exits_on_api_error
def webhooks_list(
    app_id: AppArgument,
    as_json: JsonOption = False,
    api_url: ApiUrlOption = None,
    token: TokenOption = None,
) -> None:
    """An app's webhooks (never their secrets)."""
    found = get_json(api_url, token, f"/apps/{app_id}/webhooks")
    echo_result(found, as_json, "\n".join(_webhook_text(h) for h in found) or "no webhooks")


@webhooks_app.command("rotate-secret")
@exits_on_api_error
def webhooks_rotate(
    webhook_id: Annotated[str, typer.Argument(help="The webhook, hook-….")],
    overlap_seconds: Annotated[
        int, typer.Option(help="How long the old secret keeps working.")
    ] = 3600,
    as_json: JsonOption = False,
    api_url: ApiUrlOption = None,
    token: TokenOption = None,
) -> None:
    """A new secret (printed once); the old one works for --overlap-seconds more."""
    with api_client(api_url, token) as client:
        rotated = call(
            client,
            "POST",
            f"/webhooks/{webhook_id}/rotate-secret",
            json={"overlap_seconds": overlap_seconds},
        )
    echo_result(rotated, as_json, _webhook_text(rotated))


@webhooks_app.command("delete")
@exits_on_api_error
def webhooks_delete(
    webhook_id: Annotated[str, typer.Argument(help="The webhook.")],
    api_url: ApiUrlOption = None,
    token: TokenOption = None,
) -> None:
    """Delete a webhook: its URL answers 404 from now on."""
    with api_client(api_url, token) as client:
        call(client, "DELETE", f"/webhooks/{webhook_id}")
    typer.echo(f"webhook {webhook_id} deleted")


# ----------------------------------------------------------------- batches


def _documents(folder: Path) -> list[Path]:
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and not p.name.startswith(".") and p.name not in SKIPPED_NAMES
    )


def _finished(counts: dict[str, int]) -> int:
    return sum(counts.get(k, 0) for k in ("completed", "failed", "canceled"))


def _show_progress(finished: int, total: int, counts: dict[str, int]) -> None:
    """``running [#########-----] 9/15  60%  (1 failed)`` on stderr: redrawn in place on a
    terminal, one line per change otherwise (logs, CI)."""
    width = 30
    filled = width * finished // max(total, 1)
    failed = counts.get("failed", 0)
    line = (
        f"running [{'#' * filled}{'-' * (width - filled)}] {finished}/{total} "
        f"{100 * finished // max(total, 1):3d}%" + (f"  ({failed} failed)" if failed else "")
    )
    if sys.stderr.isatty():
        sys.stderr.write("\r" + line)
    else:
        sys.stderr.write(line + "\n")
    sys.stderr.flush()


def _batch_summary(batch: dict[str, Any]) -> str:
    c = batch["counts"]
    return (
        f"batch {batch['batch_id']} {batch['status']}: {c.get('completed', 0)} completed, "
        f"{c.get('failed', 0)} failed, {c.get('canceled', 0)} canceled of {c.get('total', 0)}"
        f" (${batch.get('cost_usd', 0.0):.4f})"
    )


def _save_results(client: Any, batch_id: str, output: Path) -> Path:
    response = client.get(f"/batches/{batch_id}/results.csv")
    if response.status_code >= 400:
        raise fail(f"cannot download the results of {batch_id}: {response.text}")
    output.write_bytes(response.content)
    return output.resolve()


@exits_on_api_error
def batch(
    app_id: Annotated[str, typer.Argument(help="The app to run on every document.")],
    folder: Annotated[Path, typer.Argument(help="A folder of documents (each file is one item).")],
    concurrency: Annotated[
        int, typer.Option("--concurrency", min=1, max=256, help="Items running at once.")
    ] = 8,
    input_field: Annotated[
        str, typer.Option(help="The run input each document is passed as.")
    ] = "document",
    input: Annotated[
        Path | None, typer.Option("--input", help="JSON file of inputs every item gets.")
    ] = None,
    max_cost: Annotated[
        float | None, typer.Option("--max-cost", help="Stop starting items past this USD.")
    ] = None,
    wait: Annotated[
        bool, typer.Option(help="Show progress until the batch ends, then save its CSV.")
    ] = False,
    output: Annotated[
        Path | None, typer.Option(help="Where --wait saves the CSV (default: ./<batch id>.csv).")
    ] = None,
    as_json: JsonOption = False,
    api_url: ApiUrlOption = None,
    token: TokenOption = None,
) -> None:
    """Run an app once per document of a folder, as one batch: uploads every document,
    starts the batch and, with --wait, shows a progress bar and saves the results CSV
    (exits non-zero unless every item completed)."""
    if not folder.is_dir():
        raise fail(f"{folder} is not a folder", 2)
    documents = _documents(folder)
    if not documents:
        raise fail(f"{folder} holds no documents", 2)
    shared = _read_inputs(input)
    with api_client(api_url, token) as client:
        uris: list[str] = []
        with typer.progressbar(
            documents, label=f"uploading {len(documents)} documents", file=sys.stderr
        ) as progress:
            for path in progress:
                uris.append(upload_document(client, path))
        body: dict[str, Any] = {
            "items": [{"inputs": {input_field: uri}} for uri in uris],
            "inputs": shared,
            "max_concurrency": concurrency,
        }
        if max_cost is not None:
            body["max_cost_usd"] = max_cost
        started = call(client, "POST", f"/apps/{app_id}/batches", json=body)
        batch_id = started["batch_id"]
        if not wait:
            echo_result(started, as_json, f"batch {batch_id} started: {started['total']} items")
            return
        if not as_json:
            typer.echo(f"batch {batch_id} started: {started['total']} items")
        shown = -1
        while True:
            current = call(client, "GET", f"/batches/{batch_id}", params={"limit": 1})
            finished = _finished(current["counts"])
            if finished != shown:
                _show_progress(finished, started["total"], current["counts"])
                shown = finished
            if current["status"] != "running":
                break
            time.sleep(POLL_SECONDS)
        if sys.stderr.isatty():
            sys.stderr.write("\n")
        path = _save_results(client, batch_id, output or Path(f"{batch_id}.csv"))
    if as_json:
        typer.echo(json.dumps({**current, "results_csv_path": str(path)}, indent=2))
    else:
        ok = current["status"] == "completed" and not current["counts"].get("failed")
        typer.secho(_batch_summary(current), fg=typer.colors.GREEN if ok else typer.colors.RED)
        typer.echo(f"results: {path}")
    if current["status"] != "completed" or current["counts"].get("failed"):
        raise typer.Exit(1)


@batches_app.command("show")
@exits_on_api_error
def batches_show(
    batch_id: Annotated[str, typer.Argument(help="The batch, batch-….")],
    limit: Annotated[int, typer.Option(help="Items to list.")] = 20,
    as_json: JsonOption = False,
    api_url: ApiUrlOption = None,
    token: TokenOption = None,
) -> None:
    """A batch's status, counts and first items."""
    found = get_json(api_url, token, f"/batches/{batch_id}", params={"limit": limit})
    rows = [
        [str(i["position"]), i["status"], i.get("run_id") or "-", (i.get("error") or "")[:60]]
        for i in found["items"]
    ]
    text = _batch_summary(found) + "\n" + table(rows, ["#", "STATUS", "RUN", "ERROR"])
    echo_result(found, as_json, text)


@batches_app.command("results")
@exits_on_api_error
def batches_results(
    batch_id: Annotated[str, typer.Argument(help="The batch.")],
    output: Annotated[Path | None, typer.Option(help="Where to save (default ./<id>.csv).")] = None,
    api_url: ApiUrlOption = None,
    token: TokenOption = None,
) -> None:
    """Save a batch's results CSV and print its path."""
    with api_client(api_url, token) as client:
        path = _save_results(client, batch_id, output or Path(f"{batch_id}.csv"))
    typer.echo(str(path))


@batches_app.command("cancel")
@exits_on_api_error
def batches_cancel(
    batch_id: Annotated[str, typer.Argument(help="The batch.")],
    api_url: ApiUrlOption = None,
    token: TokenOption = None,
) -> None:
    """Stop a batch: no further item starts, running ones are cancelled."""
    with api_client(api_url, token) as client:
        typer.echo(_batch_summary(call(client, "POST", f"/batches/{batch_id}/cancel")))


@batches_app.command("retry-failed")
@exits_on_api_error
def batches_retry(
    batch_id: Annotated[str, typer.Argument(help="The batch.")],
    api_url: ApiUrlOption = None,
    token: TokenOption = None,
) -> None:
    """Run a finished batch's failed items again."""
    with api_client(api_url, token) as client:
        typer.echo(_batch_summary(call(client, "POST", f"/batches/{batch_id}/retry-failed")))
