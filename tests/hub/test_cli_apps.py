"""``hub api``, ``hub db upgrade`` and ``hub apps …`` against a real uvicorn server."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from typer.testing import CliRunner

from hub.cli import app as cli
from storage.migrations import alembic_config
from tests.auth_support import token_for
from tests.hub.api_process import RUN_CLI, free_port, running_hub_api


@pytest.fixture(scope="module")
def hub_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    home = tmp_path_factory.mktemp("hub-home")
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    env.update({"HUB_HOME": str(home), "HUB_DATABASE_URL": f"sqlite:///{home}/cli.db"})
    return env


@pytest.fixture(scope="module")
def api_url(hub_env: dict[str, str]) -> Iterator[str]:
    """``hub api`` serving on a free port (it migrates its database first)."""
    with running_hub_api(hub_env) as url:
        yield url


def test_db_upgrade_creates_the_database(tmp_path: Path, hub_env: dict[str, str]) -> None:
    env = {**hub_env, "HUB_DATABASE_URL": f"sqlite:///{tmp_path}/fresh/hub.db"}
    result = subprocess.run([*RUN_CLI, "db", "upgrade"], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    # The newest migration, whichever it is: the CLI reports the revision it reached.
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert f"database at revision {head}" in result.stdout
    assert (tmp_path / "fresh" / "hub.db").exists()


def test_apps_create_list_show_for_people_and_scripts(api_url: str) -> None:
    runner = CliRunner(env={"HUB_API_TOKEN": token_for()})
    created = runner.invoke(
        cli,
        [
            "apps",
            "create",
            "CLI Memo",
            "--description",
            "from the CLI",
            "--api-url",
            api_url,
            "--json",
        ],
    )
    assert created.exit_code == 0, created.output
    app = json.loads(created.output)
    assert app["name"] == "CLI Memo" and app["status"] == "draft"

    listed = runner.invoke(cli, ["apps", "list", "--api-url", api_url, "--json"])
    assert listed.exit_code == 0
    assert app["id"] in [a["id"] for a in json.loads(listed.output)]

    table = runner.invoke(cli, ["apps", "list", "--api-url", api_url, "-q", "cli memo"])
    assert table.exit_code == 0
    header, row = table.output.splitlines()[:2]
    assert header.split()[:5] == ["ID", "NAME", "STATUS", "VERSION", "AGENTS"]
    assert row.startswith(app["id"]) and "CLI Memo" in row and "draft" in row
    assert "1 of 1 apps" in table.output

    shown = runner.invoke(cli, ["apps", "show", app["id"], "--api-url", api_url])
    assert shown.exit_code == 0
    assert "from the CLI" in shown.output and "1.0.0" in shown.output
    shown_json = runner.invoke(cli, ["apps", "show", app["id"], "--api-url", api_url, "--json"])
    assert json.loads(shown_json.output) == app


def test_api_errors_are_reported_not_raised(api_url: str) -> None:
    runner = CliRunner(env={"HUB_API_TOKEN": token_for()})
    missing = runner.invoke(cli, ["apps", "show", "app-nope", "--api-url", api_url])
    assert missing.exit_code == 1
    assert "404" in missing.output and "not found" in missing.output
    invalid = runner.invoke(cli, ["apps", "create", "", "--api-url", api_url])
    assert invalid.exit_code == 1 and "422" in invalid.output and "/name" in invalid.output


def test_unreachable_api_says_how_to_start_it() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    result = CliRunner().invoke(cli, ["apps", "list", "--api-url", url])
    assert result.exit_code == 2
    assert "cannot reach the API" in result.output and "hub api" in result.output
