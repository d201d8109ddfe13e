"""``hub schedules``, ``hub webhooks``, ``hub batch`` and ``hub run`` as a user runs them
(child processes) against the real API, workers and Temporal."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

from tests.api.triggers.support import TriggerHub
from tests.e2e.hub_api import expect, wait_for_run


async def test_hub_batch_runs_a_folder_with_a_progress_bar_and_saves_the_csv(
    hub: TriggerHub, tmp_path: Path
) -> None:
    app = await hub.new_app()
    folder = tmp_path / "memos"
    folder.mkdir()
    for i in range(5):
        (folder / f"memo-{i}.pdf").write_bytes(b"%PDF-1.4 memo " + str(i).encode())
    (folder / ".DS_Store").write_bytes(b"junk")
    output = tmp_path / "results.csv"
    code, out, err = await hub.cli(
        "batch",
        app.app_id,
        str(folder),
        "--concurrency",
        "8",
        "--input-field",
        "memo",
        "--wait",
        "--output",
        str(output),
    )
    assert code == 0, (out, err)
    assert "running" in err and "100%" in err  # the progress bar
    batch_id = re.search(r"batch (batch-[0-9a-f]+) started: 5 items", out)
    assert batch_id, out
    assert "5 completed, 0 failed" in out and f"results: {output.resolve()}" in out
    rows = list(csv.DictReader(output.open()))
    assert [r["status"] for r in rows] == ["completed"] * 5
    assert sorted(r["1.extracted.memo.filename"] for r in rows) == [
        f"memo-{i}.pdf" for i in range(5)
    ]
    # The default CSV path is ./<batch id>.csv.
    code, out, _ = await hub.cli("batches", "results", batch_id.group(1), cwd=tmp_path)
    assert code == 0 and out.strip() == str((tmp_path / f"{batch_id.group(1)}.csv").resolve())
    code, out, _ = await hub.cli("batches", "show", batch_id.group(1))
    assert code == 0 and "completed" in out

    code, _, err = await hub.cli("batch", app.app_id, str(tmp_path / "nothing-here"))
    assert code == 2 and "not a folder" in err


async def test_hub_schedules_and_webhooks_commands(hub: TriggerHub, tmp_path: Path) -> None:
    app = await hub.new_app()
    inputs = tmp_path / "inputs.json"
    inputs.write_text(json.dumps({"memo": "weekly"}))
    code, out, err = await hub.cli(
        "schedules",
        "create",
        app.app_id,
        "--cron",
        "0 7 * * MON",
        "--timezone",
        "Europe/Oslo",
        "--input",
        str(inputs),
        "--note",
        "re-score",
    )
    assert code == 0, (out, err)
    schedule_id = re.search(r"schedule (sch-[0-9a-f]+) created", out).group(1)  # type: ignore[union-attr]
    assert out.count("next: ") == 5
    code, out, _ = await hub.cli("schedules", "list", app.app_id)
    assert code == 0 and schedule_id in out and "0 7 * * MON (Europe/Oslo)  active" in out
    code, out, _ = await hub.cli("schedules", "pause", schedule_id, "--note", "holiday")
    assert code == 0 and "paused" in out
    code, out, _ = await hub.cli("schedules", "trigger", schedule_id, "--json")
    assert code == 0 and json.loads(out)["id"] == schedule_id
    code, _, err = await hub.cli("schedules", "create", app.app_id, "--cron", "0 7 * * MOX")
    assert code != 0 and "position 9" in err
    code, out, _ = await hub.cli("schedules", "delete", schedule_id)
    assert code == 0 and "deleted" in out
    code, out, err = await hub.cli(
        "schedules",
        "create",
        app.app_id,
        "--interval-seconds",
        "3600",
        "--paused",
        "--json",
        "--input",
        str(inputs),
        "--catchup-window-seconds",
        "600",
    )
    assert code == 0, err
    created = json.loads(out)
    assert created["interval_seconds"] == 3600 and created["paused"] is True
    assert created["catchup_window_seconds"] == 600

    code, out, err = await hub.cli("webhooks", "create", app.app_id, "--map", "memo=/data/memo")
    assert code == 0, (out, err)
    assert re.search(r"secret \(shown once, keep it\): whsec_\S+", out)
    assert "/hooks/hook-" in out and "memo <- /data/memo" in out
    hook_id = re.search(r"webhook (hook-[0-9a-f]+)", out).group(1)  # type: ignore[union-attr]
    code, out, _ = await hub.cli("webhooks", "list", app.app_id)
    assert code == 0 and hook_id in out and "whsec_" not in out
    code, out, _ = await hub.cli("webhooks", "rotate-secret", hook_id, "--overlap-seconds", "60")
    assert code == 0 and "whsec_" in out


async def test_a_run_the_cli_starts_says_so(hub: TriggerHub, tmp_path: Path) -> None:
    app = await hub.new_app()
    inputs = tmp_path / "inputs.json"
    inputs.write_text(json.dumps({"memo": "by hand"}))
    code, out, err = await hub.cli("run", app.app_id, "--input", str(inputs), "--json")
    assert code == 0, (out, err)
    run = await wait_for_run(hub.http, json.loads(out)["run_id"])
    assert run["trigger"] == {"kind": "cli", "id": None}
    # The API's own callers are "api".
    started = expect(
        await hub.http.post(f"/apps/{app.app_id}/runs", json={"inputs": {"memo": "x"}}), 202
    )
    assert (await wait_for_run(hub.http, started["run_id"]))["trigger"]["kind"] == "api"
    # hub runs list filters by trigger kind.
    code, out, _ = await hub.cli("runs", "list", "--app", app.app_id, "--trigger", "cli", "--json")
    assert code == 0 and [r["run_id"] for r in json.loads(out)["items"]] == [run["run_id"]]
    code, out, _ = await hub.cli("runs", "list", "--app", app.app_id, "--trigger", "api", "--json")
    assert [r["run_id"] for r in json.loads(out)["items"]] == [started["run_id"]]
