"""The README's Quick tour, run as written against a started stack with auth on.

The tour's first fenced block starts the stack (``hub up``); this test starts the same
``hub up`` in a fresh folder (a clone's layout: ``.venv`` beside it, ``HUB_HOME`` the
default ``./.hub``) on free ports, so that it can run next to other stacks. The second
block is then run verbatim, line for line, by ``bash -euo pipefail`` in that folder —
the only difference from a user's terminal is ``HUB_API_URL`` pointing at the test's
API port and ``HUB_CONFIG_DIR`` keeping the login out of the real home. If the README
and the product drift apart, this test fails.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from hub.stack import free_port
from tests.e2e.processes import REPO_ROOT, child_pids, hub_environment, pid_alive

README = REPO_ROOT / "README.md"
UP_BANNER = "Agentic Hub is up"
START_LIMIT_SECONDS = 120.0


def quick_tour_blocks(text: str) -> list[str]:
    """The fenced ``bash`` blocks of the README's "Quick tour" section."""
    section = text.split("## Quick tour", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.*?)```", section, flags=re.S)


@dataclass
class Tour:
    folder: Path
    api_url: str
    lines: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tour]:
    folder = tmp_path_factory.mktemp("readme-clone")
    # The clone's virtualenv, so that `source .venv/bin/activate` works as written.
    (folder / ".venv").symlink_to(Path(sys.prefix))
    start_block = quick_tour_blocks(README.read_text())[0]
    commands = [line.split("#")[0].strip() for line in start_block.splitlines()]
    assert [c for c in commands if c] == ["source .venv/bin/activate", "hub up"], start_block
    api_port = free_port()
    argv = [
        str(Path(sys.prefix) / "bin" / "hub"),
        "up",
        "--api-port",
        str(api_port),
        "--temporal-port",
        str(free_port()),
        "--ui-port",
        str(free_port()),
        "--agents-port",
        str(free_port()),
        # A free port for the web console too: 3000 may be taken on a shared machine.
        "--console-port",
        str(free_port()),
    ]
    process = subprocess.Popen(
        argv,
        cwd=folder,
        env=hub_environment({}),  # no HUB_*: HUB_HOME is ./.hub, auth is on
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    tour = Tour(folder, f"http://127.0.0.1:{api_port}")
    banner = threading.Event()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            tour.lines.append(line.rstrip("\n"))
            if UP_BANNER in line:
                banner.set()

    threading.Thread(target=read, daemon=True).start()
    children: set[int] = set()
    try:
        if not banner.wait(START_LIMIT_SECONDS):
            raise AssertionError("hub up did not come up:\n" + "\n".join(tour.lines))
        children = child_pids(process.pid)
        yield tour
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)
        for pid in children:
            if pid_alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_the_quick_tour_runs_as_written(stack: Tour) -> None:
    blocks = quick_tour_blocks(README.read_text())
    assert len(blocks) >= 2, "the Quick tour lost its blocks"
    script = blocks[1]
    env = hub_environment(
        {"HUB_API_URL": stack.api_url, "HUB_CONFIG_DIR": str(stack.folder / "config")}
    )
    env.pop("PYTHONPATH", None)  # the activated virtualenv is all a user has
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=stack.folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    out = result.stdout
    transcript = f"--- stdout\n{out}\n--- stderr\n{result.stderr}"
    assert result.returncode == 0, transcript
    # Logged in with the admin key; the token is kept with mode 0600.
    credentials = stack.folder / "config" / "credentials.json"
    assert oct(credentials.stat().st_mode & 0o777) == "0o600"
    # The app was created once, then left unchanged.
    assert "+ app 'Loan Review'" in out and "dry run: nothing changed" in out
    assert re.search(r"app 'Loan Review' \(app-\w+\) applied", out), transcript
    assert re.search(r"app 'Loan Review' \(app-\w+\) unchanged", out), transcript
    assert "deployed app-" in out and "version 1.0.0" in out
    # The run completed and printed the memo.
    assert re.search(r"run run-\w+ completed", out), transcript
    assert "# Credit Memo: Acme Precision Manufacturing LLC" in out
    assert "Risk grade" in out
    # The public index and the agent library through a token from /auth/token.
    assert '"docs": "/docs"' in out and '"health": "/health"' in out
    for agent_type in ("extractor", "mapper", "analyzer", "summarizer"):
        assert f"\n{agent_type}\n" in f"\n{out}\n"
