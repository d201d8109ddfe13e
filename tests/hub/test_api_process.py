"""The CLI tests' ``hub api`` child moves to another port when its port is taken between
choosing it and binding it (another test's server got there first: seen in CI)."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import httpx
import pytest

from hub.stack import free_port
from tests.hub import api_process


def test_a_port_taken_before_the_api_binds_it_is_given_up_for_another(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = int(taken.getsockname()[1])
        offered = iter([busy, free_port()])
        monkeypatch.setattr(api_process, "free_port", lambda: next(offered))
        env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
        env.update({"HUB_HOME": str(tmp_path), "HUB_DATABASE_URL": f"sqlite:///{tmp_path}/h.db"})
        with api_process.running_hub_api(env) as url:
            assert not url.endswith(f":{busy}")
            assert httpx.get(f"{url}/health", timeout=10).status_code == 200
