"""``hub payload-keys new``: a fresh key entry the codec accepts, ready to put first."""

from __future__ import annotations

from typer.testing import CliRunner

from hub.cli import app
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
