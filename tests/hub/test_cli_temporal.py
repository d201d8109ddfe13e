"""``hub payload-keys new`` (a key entry the codec accepts) and ``hub replay-corpus
refresh`` (records histories that replay against the current workflow)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from typer.testing import CliRunner

from hub.cli import app
from hub.stack import hub_command
from tests.workflows.test_replay import replay
from workers.payload_codec import load_codec


def test_new_prints_an_entry_the_codec_loads() -> None:
    result = CliRunner().invoke(app, ["payload-keys", "new", "--id", "2027-01"])
    assert result.exit_code == 0, result.output
    entry = result.output.strip()
    assert entry.startswith("2027-01=")
    codec = load_codec(entry, None)
    assert codec is not None and codec.active_key_id == "2027-01"


def test_two_keys_differ_and_a_bad_id_is_refused() -> None:
    runner = CliRunner()
    first = runner.invoke(app, ["payload-keys", "new"]).output
    second = runner.invoke(app, ["payload-keys", "new"]).output
    assert first != second
    bad = runner.invoke(app, ["payload-keys", "new", "--id", "no spaces"])
    assert bad.exit_code == 2
    assert "key id" in bad.output


async def test_replay_corpus_refresh_records_a_history_that_replays(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            *hub_command(),
            "replay-corpus",
            "refresh",
            "--only",
            "sequential",
            "--out",
            str(tmp_path),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "replay corpus refreshed" in done.stdout
    recorded = tmp_path / "sequential.json"
    assert [p.name for p in tmp_path.iterdir()] == ["sequential.json"]
    await replay(recorded, sandboxed=False)


def test_replay_corpus_refresh_refuses_an_unknown_scenario(tmp_path: Path) -> None:
    done = subprocess.run(
        [*hub_command(), "replay-corpus", "refresh", "--only", "nope", "--out", str(tmp_path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode != 0
    assert "unknown scenario" in done.stderr and "sequential" in done.stderr
