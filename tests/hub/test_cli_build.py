"""Building an app from the terminal against a real ``hub api`` process: ``hub login`` /
``logout``, apps by name (unique per team), ``hub init`` + ``hub apply`` (idempotent,
``--dry-run`` diff), ``hub agents``, ``hub orchestration``, ``hub deploy``, ``hub prompts``,
``hub artifacts upload`` and shell completion. Runs themselves go through ``hub up`` in
``tests/e2e/test_readme.py``."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner, Result

from hub.cli import app as cli
from tests.hub.api_process import running_hub_api


@pytest.fixture(scope="module")
def hub_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    home = tmp_path_factory.mktemp("hub-build-home")
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    env.update({"HUB_HOME": str(home), "HUB_DATABASE_URL": f"sqlite:///{home}/build.db"})
    return env


@pytest.fixture(scope="module")
def api_url(hub_env: dict[str, str]) -> Iterator[str]:
    with running_hub_api(hub_env) as url:
        yield url


@pytest.fixture(scope="module")
def admin_key(hub_env: dict[str, str], api_url: str) -> str:
    made = CliRunner(env=hub_env).invoke(
        cli, ["keys", "create", "builder", "--role", "admin", "--team", "*", "--json"]
    )
    assert made.exit_code == 0, made.output
    return str(json.loads(made.stdout)["api_key"])


@pytest.fixture(scope="module")
def runner(
    hub_env: dict[str, str], api_url: str, admin_key: str, tmp_path_factory: pytest.TempPathFactory
) -> CliRunner:
    """A CLI logged in to the API, with its own config folder."""
    config = tmp_path_factory.mktemp("hub-config")
    key_file = config.parent / "key.txt"
    key_file.write_text(admin_key + "\n")
    env = {
        # No local admin key to fall back on: only the login authenticates.
        "HUB_HOME": str(config / "no-home"),
        "HUB_CONFIG_DIR": str(config),
        "HUB_API_URL": api_url,
        "HUB_TOKEN": "",
        "HUB_API_TOKEN": "",
        "HUB_API_KEY": "",
    }
    cli_runner = CliRunner(env=env)
    logged_in = cli_runner.invoke(cli, ["login", "--key-file", str(key_file)])
    assert logged_in.exit_code == 0, logged_in.output
    return cli_runner


def ok(result: Result) -> str:
    assert result.exit_code == 0, result.output
    return result.stdout


def test_login_keeps_a_0600_token_and_logout_revokes_it(
    api_url: str, admin_key: str, tmp_path: Path
) -> None:
    env = {"HUB_HOME": str(tmp_path / "none"), "HUB_CONFIG_DIR": str(tmp_path / "cfg")}
    env.update({"HUB_API_URL": api_url, "HUB_TOKEN": "", "HUB_API_TOKEN": "", "HUB_API_KEY": ""})
    runner = CliRunner(env=env)
    assert runner.invoke(cli, ["apps", "list"]).exit_code != 0  # not logged in: 401
    # The key on standard input.
    assert "logged in to" in ok(runner.invoke(cli, ["login"], input=admin_key + "\n"))
    stored = tmp_path / "cfg" / "credentials.json"
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert admin_key not in stored.read_text()  # the token is kept, never the key
    token = json.loads(stored.read_text())["logins"][api_url]["access_token"]
    ok(runner.invoke(cli, ["apps", "list"]))
    # An expired access token is refreshed with the refresh token.
    data = json.loads(stored.read_text())
    data["logins"][api_url]["expires_at"] = 0
    stored.write_text(json.dumps(data))
    ok(runner.invoke(cli, ["apps", "list"]))
    assert json.loads(stored.read_text())["logins"][api_url]["access_token"] != token
    refreshed = json.loads(stored.read_text())["logins"][api_url]["access_token"]
    # --token overrides the login (a bad one is refused).
    assert runner.invoke(cli, ["runs", "list", "--token", "nonsense"]).exit_code == 1
    assert "logged out" in ok(runner.invoke(cli, ["logout"]))
    assert api_url not in json.loads(stored.read_text()).get("logins", {})
    # The revoked token no longer works even when sent explicitly.
    again = runner.invoke(cli, ["runs", "list", "--token", refreshed])
    assert again.exit_code == 1 and "401" in again.output


def test_init_apply_is_idempotent_and_dry_run_shows_the_diff(
    runner: CliRunner, tmp_path: Path
) -> None:
    folder = tmp_path / "memo"
    out = ok(runner.invoke(cli, ["init", "Applied Memo", "--dir", str(folder)]))
    assert (folder / "app.yaml").is_file() and (folder / "sample.pdf").read_bytes()[:4] == b"%PDF"
    assert "hub apply" in out
    app_file = str(folder / "app.yaml")

    dry = ok(runner.invoke(cli, ["apply", "-f", app_file, "--dry-run"]))
    assert "+ app 'Applied Memo'" in dry and "+ agent 'Document Extractor'" in dry
    assert "dry run: nothing changed" in dry
    assert "Applied Memo" not in ok(runner.invoke(cli, ["apps", "list"]))

    first = ok(runner.invoke(cli, ["apply", "-f", app_file]))
    assert "applied" in first
    app = json.loads(ok(runner.invoke(cli, ["apps", "list", "--json", "-q", "Applied Memo"])))
    assert [a["name"] for a in app] == ["Applied Memo"] and app[0]["agent_count"] == 4
    assert "unchanged" in ok(runner.invoke(cli, ["apply", "-f", app_file]))

    # A change in the file: the dry run names it, apply makes it, then nothing again.
    data = yaml.safe_load((folder / "app.yaml").read_text())
    data["agents"][2]["config"] = {"model": {"temperature": 0.15}}
    (folder / "app.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    diff = ok(runner.invoke(cli, ["apply", "-f", app_file, "--dry-run"]))
    assert "~ agent 'Risk Analyzer'" in diff and "model.temperature" in diff and "0.15" in diff
    ok(runner.invoke(cli, ["apply", "-f", app_file]))
    assert "unchanged" in ok(runner.invoke(cli, ["apply", "-f", app_file]))

    # Deploy by name; the exported orchestration carries the hub's ids.
    deployed = ok(runner.invoke(cli, ["deploy", "Applied Memo", "-o", "json"]))
    assert json.loads(deployed)["status"] == "deployed"
    exported = yaml.safe_load(ok(runner.invoke(cli, ["orchestration", "export", "Applied Memo"])))
    assert exported["app_id"] == app[0]["id"]
    assert all(a["id"].startswith("agent-") for a in exported["agents"])

    # App names are unique per team: the 409 names the existing app.
    taken = runner.invoke(cli, ["apps", "create", "Applied Memo"])
    assert taken.exit_code == 1 and "409" in taken.output and app[0]["id"] in taken.output


def test_a_broken_app_file_is_reported_with_file_line_and_column(
    runner: CliRunner, tmp_path: Path
) -> None:
    bad = tmp_path / "app.yaml"
    bad.write_text("name: Broken\nagents:\n  - name: X\n    type: extractor\n    colour: red\n")
    result = runner.invoke(cli, ["apply", "-f", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:5:13: agents.0.colour: Extra inputs are not permitted" in result.output
    bad.write_text("name: [unclosed\n")
    result = runner.invoke(cli, ["apply", "-f", str(bad)])
    assert result.exit_code == 1 and f"{bad}:2:1:" in result.output


def test_agents_orchestration_prompts_and_artifacts(runner: CliRunner, tmp_path: Path) -> None:
    ok(runner.invoke(cli, ["apps", "create", "Hand Built"]))
    added = json.loads(
        ok(runner.invoke(cli, ["agents", "add", "Hand Built", "--type", "extractor", "-o", "json"]))
    )
    agent_id = added["id"]
    overrides = tmp_path / "config.yaml"
    overrides.write_text("model:\n  max_tokens: 1000\n")
    changed = ok(
        runner.invoke(
            cli,
            ["agents", "config", agent_id, "-f", str(overrides), "--set", "model.temperature=0.4"],
        )
    )
    config = yaml.safe_load(changed)
    assert config["model"]["temperature"] == 0.4 and config["model"]["max_tokens"] == 1000

    pipeline = tmp_path / "pipeline.yaml"
    pipeline.write_text(
        'version: "1.0"\nname: One step\nworkflow:\n  - step: 1\n    agent_id: agent-ghost\n'
        "    inputs: [{source: trigger, field: document}]\n    outputs: [{name: data}]\n"
    )
    refused = runner.invoke(cli, ["orchestration", "apply", "Hand Built", "-f", str(pipeline)])
    assert refused.exit_code == 1
    assert f"{pipeline}:5:15: unknown agent 'agent-ghost'" in refused.output
    missing = runner.invoke(cli, ["orchestration", "export", "Hand Built"])
    assert missing.exit_code == 1  # nothing was stored
    pipeline.write_text(pipeline.read_text().replace("agent-ghost", agent_id))
    ok(runner.invoke(cli, ["orchestration", "apply", "Hand Built", "-f", str(pipeline)]))
    assert agent_id in ok(runner.invoke(cli, ["orchestration", "export", "Hand Built"]))

    template = tmp_path / "prompt.txt"
    template.write_text("Extract {{ inputs }}")
    ok(
        runner.invoke(
            cli, ["prompts", "create", "cli-prompt", "-f", str(template), "--alias", "prod"]
        )
    )
    shown = json.loads(ok(runner.invoke(cli, ["prompts", "show", "cli-prompt", "-o", "json"])))
    assert shown["aliases"] == {"prod": 1}

    document = tmp_path / "memo.txt"
    document.write_text("Borrower: Acme")
    uploaded = ok(runner.invoke(cli, ["artifacts", "upload", str(document)]))
    assert uploaded.strip().startswith("artifact://art-")


def test_shell_completion_scripts() -> None:
    for shell, marker in (("bash", "complete"), ("zsh", "compdef"), ("fish", "complete")):
        script = CliRunner().invoke(cli, ["completion", shell])
        assert (
            script.exit_code == 0 and marker in script.stdout and "_HUB_COMPLETE" in script.stdout
        )
