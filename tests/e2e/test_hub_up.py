"""``hub up --headless`` as a user runs it: the credit-memo demo through the real engine on
every sample PDF, ``hub run … --wait`` from the CLI, then SIGTERM stops every child."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import stat
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import Client

from agents.demo.samples import SampleFacts
from api.observability.history_payloads import decode_history_payloads, payloads_in
from hub.demo import DemoRun, run_demo
from hub.stack import free_port, hub_command, port_is_free
from schemas.names import SEARCH_ATTRIBUTES
from tests.auth_support import headers_from_home
from tests.e2e.processes import (
    KEPT_VISIBILITY_INDEXES,
    child_pids,
    hub_environment,
    pid_alive,
    visibility_indexes,
)
from workers.payload_codec import load_codec
from workers.temporal_client import TemporalConnection, connect

UP_BANNER = "Agentic Hub is up"
START_LIMIT_SECONDS = 60.0
#: The memo's way of writing an amount (see the summarizer's template): ``-$350,000``.
CURRENCY_SIGNS = {"USD": "$", "EUR": "€"}


@dataclass
class HubUp:
    """The ``hub up`` process and what it printed."""

    process: subprocess.Popen[str]
    home: Path
    api_url: str
    temporal_port: int
    api_port: int
    lines: list[str] = field(default_factory=list)
    banner: threading.Event = field(default_factory=threading.Event)

    def output(self) -> str:
        return "\n".join(self.lines)

    def read_output(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))
            if UP_BANNER in line:
                self.banner.set()

    def agents_port(self) -> int:
        match = re.search(r"Agents\s+http://127\.0\.0\.1:(\d+)/", self.output())
        assert match, self.output()
        return int(match.group(1))


def stop_everything(hub: HubUp, children: set[int]) -> None:
    """Last-resort cleanup when a test failed half-way: only processes this test started."""
    if hub.process.poll() is None:
        hub.process.send_signal(signal.SIGTERM)
        try:
            hub.process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            hub.process.kill()
            hub.process.wait(timeout=10)
    for pid in children:
        if pid_alive(pid):
            os.kill(pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def hub_up(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubUp]:
    home = tmp_path_factory.mktemp("hub-up-home")
    api_port, temporal_port = free_port(), free_port()
    process = subprocess.Popen(
        [
            *hub_command(),
            "up",
            "--headless",
            "--no-console",  # the console has its own browser tests (frontend/tests/e2e)
            "--api-port",
            str(api_port),
            "--temporal-port",
            str(temporal_port),
            "--agents-port",
            str(free_port()),
        ],
        env=hub_environment({"HUB_HOME": str(home)}),
        cwd=home,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    hub = HubUp(process, home, f"http://127.0.0.1:{api_port}", temporal_port, api_port)
    threading.Thread(target=hub.read_output, daemon=True).start()
    children: set[int] = set()
    try:
        if not hub.banner.wait(START_LIMIT_SECONDS):
            raise AssertionError(f"hub up did not come up:\n{hub.output()}")
        children = child_pids(process.pid)
        yield hub
    finally:
        children |= child_pids(process.pid) if process.poll() is None else set()
        stop_everything(hub, children)


def money(value: float, currency: str) -> str:
    sign = "-" if value < 0 else ""
    return f"{sign}{CURRENCY_SIGNS[currency]}{abs(value):,.0f}"


def expected_memo_figures(facts: SampleFacts) -> list[str]:
    """What the memo must print for ``facts``: the borrower, every amount and the ratios
    computed here from the sample's own figures."""
    f = facts.figures
    expected = [facts.borrower_name]
    expected += [money(value, facts.currency) for value in f.values()]
    expected += [
        f"{f['ebitda'] / f['annual_debt_service']:.2f}x",  # DSCR
        f"{f['ebitda'] / f['interest_expense']:.2f}x",  # interest coverage
        f"{f['current_assets'] / f['current_liabilities']:.2f}x",  # current ratio
        f"{f['loan_amount'] / f['collateral_value'] * 100:.1f}%",  # loan-to-value
    ]
    if f["ebitda"] > 0:
        expected.append(f"{f['total_debt'] / f['ebitda']:.2f}x")  # leverage
    return expected


@dataclass
class Demo:
    runs: list[DemoRun]
    samples_dir: Path


@pytest.fixture(scope="module")
def demo(hub_up: HubUp, tmp_path_factory: pytest.TempPathFactory) -> Demo:
    """``hub.demo.run_demo`` against the stack: app, agents, YAML, deploy, one run per PDF."""
    said: list[str] = []
    samples_dir = tmp_path_factory.mktemp("samples")
    with pytest.MonkeyPatch.context() as env:
        # As a user on the same machine: the CLI finds the admin key that hub up wrote.
        env.setenv("HUB_HOME", str(hub_up.home))
        runs = run_demo(hub_up.api_url, samples_dir=samples_dir, echo=said.append)
    assert runs, "\n".join(said)
    return Demo(runs, samples_dir)


def test_the_demo_memo_of_every_sample_has_the_pdfs_figures_and_ratios(
    demo: Demo,
) -> None:
    assert len(demo.runs) >= 3
    for run in demo.runs:
        assert run.status == "completed", (run.sample.filename, run.error, run.step_timings)
        assert [t.state for t in run.step_timings] == ["completed"] * 4
        memo = run.memo_markdown
        assert memo is not None, run.sample.filename
        missing = [text for text in expected_memo_figures(run.sample) if text not in memo]
        assert not missing, f"{run.sample.filename}: {missing} not in\n{memo}"


def test_hub_run_with_a_document_waits_for_completion(hub_up: HubUp, demo: Demo) -> None:
    first = demo.runs[0]
    app_id = httpx.get(
        f"{hub_up.api_url}/runs/{first.run_id}",
        headers=headers_from_home(hub_up.api_url, hub_up.home),
        timeout=30,
    ).json()["app_id"]
    pdf = demo.samples_dir / first.sample.filename
    result = subprocess.run(
        [
            *hub_command(),
            "run",
            app_id,
            "--document",
            str(pdf),
            "--wait",
            "--api-url",
            hub_up.api_url,
        ],
        env=hub_environment({"HUB_HOME": str(hub_up.home)}),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"run run-\w+ completed", result.stdout), result.stdout


def test_the_temporal_database_is_in_wal_mode(hub_up: HubUp, demo: Demo) -> None:
    """Commits append to the write-ahead log instead of syncing a rollback journal."""
    assert demo.runs, "the demo ran no pipeline"
    database = hub_up.home / "temporal.db"
    assert database.read_bytes()[18:20] == b"\x02\x02", "SQLite header says not WAL"
    assert database.with_name("temporal.db-wal").exists()


def test_the_temporal_database_keeps_only_the_visibility_indexes_the_hub_queries(
    hub_up: HubUp, demo: Demo
) -> None:
    """``hub up`` dropped the rest once Temporal was up, and said so."""
    assert demo.runs, "the demo ran no pipeline"
    assert visibility_indexes(hub_up.home / "temporal.db") == KEPT_VISIBILITY_INDEXES
    assert re.search(r"temporal is up \(dropped \d+ visibility indexes", hub_up.output())


def secrets_of(facts: SampleFacts) -> list[str]:
    """What a reader of Temporal's database must not find: the borrower, the industry and
    every figure, as the PDF writes it and as the agents pass it on."""
    found = [facts.borrower_name, facts.industry]
    found += [text for text in facts.written.values() if len(text) >= 5]
    for value in facts.figures.values():
        found += [f"{value:.0f}", f"{value:,.0f}", f"{value:.1f}"]
    return [text for text in found if len(text) >= 5]


async def decrypted_history_text(hub: HubUp, workflow_id: str) -> str:
    """The run's history read with the stack's payload key, every payload decoded."""
    codec = load_codec(None, hub.home / "payload.keys")
    client = await connect(
        TemporalConnection(address=f"127.0.0.1:{hub.temporal_port}", payload_codec=codec)
    )
    history = await client.get_workflow_handle(workflow_id).fetch_history()
    await decode_history_payloads(history.events, codec)
    return "\n".join(
        p.data.decode(errors="replace") for event in history.events for p in payloads_in(event)
    )


def test_the_temporal_database_holds_none_of_the_documents_figures_or_names(
    hub_up: HubUp, demo: Demo
) -> None:
    """Payloads are encrypted with the key hub up generated (mode 0600): the dev server's
    SQLite file (and its WAL) carries no borrower, industry or figure, while the same
    history read with the key has them — they did travel through Temporal."""
    key_file = hub_up.home / "payload.keys"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    stored = b"".join(
        path.read_bytes()
        for path in (hub_up.home / "temporal.db", hub_up.home / "temporal.db-wal")
        if path.exists()
    )
    for run in demo.runs:
        secrets = secrets_of(run.sample)
        leaked = [text for text in secrets if text.encode() in stored]
        assert not leaked, f"{run.sample.filename}: {leaked} in Temporal's database"
        opened = asyncio.run(decrypted_history_text(hub_up, run.run_id))
        assert run.sample.borrower_name in opened
        assert any(
            f"{v:.1f}" in opened or f"{v:.0f}" in opened for v in run.sample.figures.values()
        )


def test_search_attributes_carry_only_ids(hub_up: HubUp, demo: Demo) -> None:
    async def attributes(workflow_id: str) -> dict[str, object]:
        client = await Client.connect(f"127.0.0.1:{hub_up.temporal_port}")
        described = await client.get_workflow_handle(workflow_id).describe()
        return {k: v for k, v in described.search_attributes.items() if k in SEARCH_ATTRIBUTES}

    for run in demo.runs:
        found = asyncio.run(attributes(run.run_id))
        assert set(found) <= set(SEARCH_ATTRIBUTES)
        assert [str(v)[:4] for v in found["AppId"]] == ["app-"]  # type: ignore[index]
        assert found["HubRunId"] == [run.run_id]
        text = repr(found)
        assert not [s for s in secrets_of(run.sample) if s in text]


def test_traces_read_the_encrypted_history(hub_up: HubUp, demo: Demo) -> None:
    """The API opens history payloads with the same key: each step's agent type, which
    only the (encrypted) agent request carries in history, is in the trace."""
    run = demo.runs[0]
    trace = httpx.get(
        f"{hub_up.api_url}/observability/traces/{run.run_id}",
        headers=headers_from_home(hub_up.api_url, hub_up.home),
        timeout=30,
    ).json()
    agent_types = {s["agent_type"] for s in trace["spans"] if s["kind"] == "attempt"}
    assert agent_types == {"extractor", "mapper", "analyzer", "summarizer"}


def api_pid(hub: HubUp) -> int:
    """The ``hub api`` child of ``hub up`` (from its command line)."""
    for pid in child_pids(hub.process.pid):
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        if b"api" in argv and b"hub.cli" in argv:
            return pid
    raise AssertionError(f"no hub api process under hub up:\n{hub.output()}")


async def first_events(temporal_port: int, workflow_id: str) -> list[HistoryEvent]:
    client = await Client.connect(f"127.0.0.1:{temporal_port}")
    history = await client.get_workflow_handle(workflow_id).fetch_history()
    return list(history.events[:3])


def test_runs_started_through_the_api_start_eagerly_on_its_own_orchestrator(
    hub_up: HubUp, demo: Demo
) -> None:
    """hub up runs an orchestrator worker inside the API (HUB_API_ORCHESTRATOR): Temporal
    hands each run's first workflow task back with the start, in the same transaction."""
    api = api_pid(hub_up)
    for run in demo.runs:
        started, scheduled, task_started = asyncio.run(
            first_events(hub_up.temporal_port, run.run_id)
        )
        assert task_started.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED
        identity = task_started.workflow_task_started_event_attributes.identity
        assert identity.split("@")[0] == str(api), (identity, api)
        # One transaction with the start: consecutive task ids. A start through the task
        # queue records the task's start later, after the task queue's own writes.
        assert [e.task_id - started.task_id for e in (scheduled, task_started)] == [1, 2]


def test_sigterm_stops_every_child_and_frees_the_ports(hub_up: HubUp) -> None:
    children = child_pids(hub_up.process.pid)
    assert len(children) >= 4, f"expected temporal, agents, api and workers: {children}"
    ports = [hub_up.api_port, hub_up.temporal_port, hub_up.agents_port()]
    hub_up.process.send_signal(signal.SIGTERM)
    assert hub_up.process.wait(timeout=60) == 0, hub_up.output()
    assert "stopped." in hub_up.output()
    left = {pid for pid in children if pid_alive(pid)}
    assert not left, f"processes left behind: {left}"
    deadline = time.monotonic() + 10
    while not all(port_is_free(port) for port in ports) and time.monotonic() < deadline:
        time.sleep(0.1)  # the kernel frees a port a moment after its owner exits
    assert [port for port in ports if not port_is_free(port)] == []
