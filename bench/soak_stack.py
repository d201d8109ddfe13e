"""The soak's split stack: every part a real OS process that the chaos loop can kill.

Parts, each in its own session (so a signal reaches exactly one of them): the Temporal
dev server persisting to one file (so it can be stopped and started again on it), the
API (``hub api``), the orchestrator worker (``hub worker orchestrator``) and, per soak
agent type, an agent service (``python -m bench.soak_agent``) and its worker
(``hub worker agent --type T``). The hub database is a fresh PostgreSQL database (the
deployment's database: several processes write to it at once and get SIGKILLed, which
is what PostgreSQL is for); the agents' side-effect ledger is a second fresh database,
so the hub's own schema stays untouched.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

from bench.processes import (
    REPO_ROOT,
    die_with_parent,
    free_port,
    http_ok,
    process_group_members,
    tcp_open,
    temporal_dev_server,
)

PG_HOST = os.environ.get("HUB_TEST_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("HUB_TEST_PG_PORT", "5432"))
PG_USER = os.environ.get("HUB_TEST_PG_USER", "postgres")
PG_ADMIN_DB = os.environ.get("HUB_TEST_PG_DB", "test")
START_LIMIT_SECONDS = 90.0
STOP_GRACE_SECONDS = 15.0
ONE_SHOT_LIMIT_SECONDS = 120.0
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


def rss_bytes(pid: int) -> int:
    """Resident set size of one process (0 when it is gone)."""
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_SIZE
    except (OSError, IndexError, ValueError):
        return 0


@dataclass
class SoakProcess:
    """One part: started, SIGKILLed, stopped and restarted by the soak; its RSS sampled."""

    name: str
    argv: list[str]
    env: dict[str, str]
    ready: Callable[[], bool]
    log_path: Path
    process: subprocess.Popen[bytes] | None = None
    #: One entry per start: the pid of that incarnation.
    incarnations: list[int] = field(default_factory=list)
    #: ``time.monotonic()`` of the latest start.
    started_at: float = 0.0

    def start(self, wait: bool = True) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            log.write(f"\n==== soak: start #{len(self.incarnations) + 1}\n".encode())
            log.flush()
            self.process = subprocess.Popen(  # noqa: S603 - argv is ours, never a shell
                self.argv,
                env=self.env,
                cwd=REPO_ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                preexec_fn=die_with_parent,
            )
        self.incarnations.append(self.process.pid)
        self.started_at = time.monotonic()
        if wait:
            self.wait_ready()

    def wait_ready(self, limit: float = START_LIMIT_SECONDS) -> None:
        deadline = time.monotonic() + limit
        while not self.ready():
            if not self.alive():
                raise RuntimeError(f"{self.name} exited while starting:\n{self.log_tail()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name} not ready after {limit:.0f}s:\n{self.log_tail()}")
            time.sleep(0.1)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.alive() and self.process else None

    def kill(self) -> None:
        """SIGKILL the whole process group: no shutdown code runs, as when a machine dies."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self, grace: float = STOP_GRACE_SECONDS) -> None:
        """SIGTERM the process group, SIGKILL what is left after ``grace``."""
        if self.process is None:
            return
        pgid = self.process.pid
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        while process_group_members(pgid) and time.monotonic() < deadline:
            self.process.poll()
            time.sleep(0.1)
        if process_group_members(pgid):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pgid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=10)

    def rss(self) -> int:
        """RSS of this part's process group (a part may have children)."""
        if not self.alive() or self.process is None:
            return 0
        return sum(rss_bytes(pid) for pid in process_group_members(self.process.pid))

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


def _admin_connection() -> psycopg.Connection[Any]:
    try:
        return psycopg.connect(
            host=PG_HOST, port=PG_PORT, user=PG_USER, dbname=PG_ADMIN_DB, autocommit=True
        )
    except psycopg.OperationalError as exc:
        raise RuntimeError(
            f"the soak needs PostgreSQL at {PG_HOST}:{PG_PORT} (user {PG_USER}, database "
            f"{PG_ADMIN_DB}; HUB_TEST_PG_* override them): {exc}"
        ) from exc


def create_database(name: str) -> None:
    with _admin_connection() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(name: str) -> None:
    with _admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def dsn(database: str) -> str:
    """libpq DSN of one database on the soak's server."""
    return f"host={PG_HOST} port={PG_PORT} user={PG_USER} dbname={database}"


def child_environment(overrides: dict[str, str]) -> dict[str, str]:
    """This environment without any ``HUB_*`` of the developer's, plus ``overrides``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    env["PYTHONUNBUFFERED"] = "1"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    env.update(overrides)
    return env


def hub_argv(*args: str) -> list[str]:
    return [sys.executable, "-m", "hub.cli", *args]


@dataclass
class SoakStack:
    """Every process of the soak and the values they share."""

    workdir: Path
    agent_types: list[str]
    failure_rate: float
    seed: int
    tag: str = field(default_factory=lambda: uuid.uuid4().hex[:10])
    api_port: int = field(default_factory=free_port)
    temporal_port: int = field(default_factory=free_port)
    agent_ports: dict[str, int] = field(default_factory=dict)
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(48))
    temporal: SoakProcess | None = None
    api: SoakProcess | None = None
    orchestrator: SoakProcess | None = None
    agent_services: dict[str, SoakProcess] = field(default_factory=dict)
    agent_workers: dict[str, SoakProcess] = field(default_factory=dict)
    databases_created: list[str] = field(default_factory=list)
    admin_key: str = ""

    @property
    def hub_database(self) -> str:
        return f"hub_soak_{self.tag}"

    @property
    def effects_database(self) -> str:
        return f"hub_soak_{self.tag}_effects"

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    @property
    def logs(self) -> Path:
        return self.workdir / "logs"

    def parts(self) -> list[SoakProcess]:
        found = [self.temporal, self.api, self.orchestrator]
        found += list(self.agent_services.values()) + list(self.agent_workers.values())
        return [p for p in found if p is not None]

    def hub_variables(self) -> dict[str, str]:
        """What every hub process gets (as an operator's ``.env`` would hold it)."""
        return {
            "HUB_ENV": "production",
            "HUB_SECRET_KEY": self.secret_key,
            "HUB_HOME": str(self.workdir / "home"),
            "HUB_DATABASE_URL": (
                f"postgresql+psycopg://{PG_USER}@{PG_HOST}:{PG_PORT}/{self.hub_database}"
            ),
            "HUB_TEMPORAL_ADDRESS": f"127.0.0.1:{self.temporal_port}",
            "HUB_TEMPORAL_NAMESPACE": "default",
            "HUB_TEMPORAL_UI_URL": "",
            "HUB_AGENT_URLS": json.dumps(
                {t: f"http://127.0.0.1:{port}" for t, port in self.agent_ports.items()}
            ),
            "HUB_API_URL": self.api_url,
            "HUB_LOG_LEVEL": "WARNING",
            # The soak is one principal polling many runs; the per-principal rate limit
            # and the per-team run cap are for tenants, not for this load generator.
            "HUB_RATE_LIMIT_PER_MINUTE": "1000000",
            "HUB_RATE_LIMIT_BURST": "100000",
            "HUB_MAX_CONCURRENT_RUNS_PER_TEAM": "100000",
        }

    def _part(
        self, name: str, argv: list[str], env: dict[str, str], ready: Callable[[], bool]
    ) -> SoakProcess:
        return SoakProcess(name, argv, child_environment(env), ready, self.logs / f"{name}.log")

    def one_shot(self, *args: str) -> str:
        done = subprocess.run(  # noqa: S603 - argv is ours
            hub_argv(*args),
            env=child_environment(self.hub_variables()),
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=ONE_SHOT_LIMIT_SECONDS,
        )
        if done.returncode != 0:
            raise RuntimeError(f"hub {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
        return done.stdout

    def start(self, progress: Callable[[str], None]) -> None:
        """Databases, Temporal, migrations and the admin key, then every long-running part."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        for name in (self.hub_database, self.effects_database):
            create_database(name)
            self.databases_created.append(name)
        from bench.soak_agent import ensure_schema

        ensure_schema(dsn(self.effects_database))
        self.agent_ports = {t: free_port() for t in self.agent_types}

        server = temporal_dev_server(self.workdir, self.temporal_port)
        self.temporal = SoakProcess(
            "temporal",
            server.argv,
            child_environment({}),
            tcp_open(self.temporal_port),
            self.logs / "temporal.log",
        )
        progress(
            f"starting temporal on 127.0.0.1:{self.temporal_port} ({self.workdir / 'temporal.db'})"
        )
        self.temporal.start(wait=False)

        progress(f"migrating the hub database {self.hub_database} and creating the admin key")
        self.one_shot("db", "upgrade")
        created = json.loads(
            self.one_shot(
                "keys", "create", "soak-admin", "--role", "admin", "--team", "*", "--json"
            )
        )
        self.admin_key = str(created["api_key"])

        hub = self.hub_variables()
        self.api = self._part(
            "api",
            hub_argv("api", "--host", "127.0.0.1", "--port", str(self.api_port)),
            hub,
            http_ok(f"{self.api_url}/ready"),
        )
        self.orchestrator = self._part(
            "worker-orchestrator", hub_argv("worker", "orchestrator"), hub, lambda: True
        )
        for agent_type, port in self.agent_ports.items():
            self.agent_services[agent_type] = self._part(
                f"agent-{agent_type}",
                [
                    sys.executable,
                    "-m",
                    "bench.soak_agent",
                    "--type",
                    agent_type,
                    "--port",
                    str(port),
                    "--effects-dsn",
                    dsn(self.effects_database),
                    "--failure-rate",
                    str(self.failure_rate),
                    "--seed",
                    str(self.seed),
                ],
                {},
                http_ok(f"http://127.0.0.1:{port}/ready"),
            )
            self.agent_workers[agent_type] = self._part(
                f"worker-{agent_type}",
                hub_argv("worker", "agent", "--type", agent_type),
                hub,
                lambda: True,
            )
        # Start the Python parts together (imports dominate), then wait for each.
        self.temporal.wait_ready()
        progress("temporal is up; starting the api, the workers and the agent services")
        for part in self.parts()[1:]:
            part.start(wait=False)
        for part in self.parts()[1:]:
            part.wait_ready()
        progress("every part is up")

    def stop(self, keep_databases: bool = False) -> list[str]:
        """Stop every part (workers first, Temporal last); returns parts that had to be killed."""
        lingering: list[str] = []
        order = list(self.agent_workers.values()) + (
            [self.orchestrator] if self.orchestrator else []
        )
        order += [self.api] if self.api else []
        order += list(self.agent_services.values())
        order += [self.temporal] if self.temporal else []
        for part in order:
            part.stop()
            if part.process is not None and process_group_members(part.process.pid):
                lingering.append(part.name)
        if not keep_databases:
            for name in self.databases_created:
                with contextlib.suppress(Exception):
                    drop_database(name)
        return lingering
