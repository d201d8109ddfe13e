"""``hub keys create|list``: bootstrapping service accounts of a split deployment."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from hub.cli import app
from storage.database import create_db_engine, create_session_factory
from storage.migrations import upgrade
from storage.security import ServiceAccountRepository


def _database(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    upgrade(url)
    return url


def test_create_prints_a_working_key_once_and_stores_only_its_hash(tmp_path: Path) -> None:
    url = _database(tmp_path)
    runner = CliRunner(env={"HUB_DATABASE_URL": url})
    result = runner.invoke(
        app, ["keys", "create", "ops-admin", "--role", "admin", "--team", "*", "--json"]
    )
    assert result.exit_code == 0, result.output
    created = json.loads(result.stdout)
    assert created["role"] == "admin" and created["teams"] == ["*"]
    engine = create_db_engine(url)
    with create_session_factory(engine)() as session:
        account = ServiceAccountRepository(session).by_key(created["api_key"])
        assert account is not None and account.id == created["id"]
        assert account.created_by == "hub keys create"
    engine.dispose()
    assert created["api_key"].encode() not in (tmp_path / "hub.db").read_bytes()

    listed = runner.invoke(app, ["keys", "list", "--json"])
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.stdout)
    assert [r["name"] for r in rows] == ["ops-admin"]
    assert created["api_key"] not in listed.stdout


def test_several_teams_and_a_lower_role(tmp_path: Path) -> None:
    runner = CliRunner(env={"HUB_DATABASE_URL": _database(tmp_path)})
    result = runner.invoke(
        app, ["keys", "create", "ci", "--role", "operator", "--team", "risk", "--team", "ops"]
    )
    assert result.exit_code == 0, result.output
    assert "hubk_" in result.stdout
    rows = json.loads(runner.invoke(app, ["keys", "list", "--json"]).stdout)
    assert rows[0]["role"] == "operator" and rows[0]["teams"] == ["risk", "ops"]


def test_unknown_role_and_missing_team_are_refused_with_what_to_do(tmp_path: Path) -> None:
    runner = CliRunner(env={"HUB_DATABASE_URL": _database(tmp_path)})
    bad_role = runner.invoke(app, ["keys", "create", "x", "--role", "boss", "--team", "*"])
    assert bad_role.exit_code == 2
    assert "viewer, operator, editor, admin" in bad_role.output
    no_team = runner.invoke(app, ["keys", "create", "x"])
    assert no_team.exit_code == 2
    assert "--team" in no_team.output


def test_an_unmigrated_database_says_to_run_the_migrations(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    result = CliRunner(env={"HUB_DATABASE_URL": url}).invoke(
        app, ["keys", "create", "x", "--team", "*"]
    )
    assert result.exit_code == 1
    assert "hub db upgrade" in result.output
    assert str(tmp_path) not in result.output
