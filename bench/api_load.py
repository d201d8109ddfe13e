"""API load on PostgreSQL: ``GET /apps/{id}``, ``GET /apps`` (50 of 10,000), ``POST /apps``.

The API runs as ``hub api`` in its own process, with authentication ON (an admin
service account created in the database, its key exchanged for a bearer token as a
client would); only the per-principal rate limit is raised, since the load generator
is one principal. The load comes from ``wrk`` (Debian package) in another process, with
a Lua script for the header and body, first with enough connections to saturate the
API, then at about half of that rate (a per-request delay on each connection).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import psycopg

from bench.processes import ChildProcess, free_port, http_ok
from hub.stack import hub_command
from storage.database import create_db_engine, create_session_factory, postgresql_conninfo
from storage.migrations import upgrade
from storage.repositories import AppRepository
from storage.security import ServiceAccountRepository

#: Where the bench creates (and drops) its own database.
POSTGRES_ADMIN_URL = os.environ.get(
    "HUB_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"
)
SEEDED_APPS = 10_000
WRK_THREADS = 2
WRK_CONNECTIONS = 16
#: Prints wrk's figures as one JSON line the bench parses.
_LUA_REPORT = """
done = function(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "errors": %d, "non_2xx": %d, '
    .. '"p50_us": %d, "p90_us": %d, "p99_us": %d, "mean_us": %.1f}\\n',
    summary.requests, summary.duration, errors, summary.errors.status,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean))
end
"""


def wrk_binary() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise RuntimeError("wrk is missing: apt-get install -y wrk")
    return found


@contextmanager
def bench_database() -> Iterator[str]:
    """A fresh PostgreSQL database (migrated), dropped afterwards; yields its URL."""
    name = f"hub_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
    url = f"{base}/{name}"
    try:
        upgrade(url)
        yield url
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def seed(url: str, apps: int) -> tuple[list[str], str]:
    """``apps`` draft apps and an admin service account; returns app ids and the key."""
    engine = create_db_engine(url)
    ids: list[str] = []
    try:
        with create_session_factory(engine)() as session:
            repo = AppRepository(session)
            for index in range(apps):
                ids.append(repo.create(name=f"bench app {index}", team_id="bench").id)
                if index % 1000 == 999:
                    session.commit()
            _, key = ServiceAccountRepository(session).create(
                name="bench-admin", role="admin", teams=["*"], created_by="bench"
            )
            session.commit()
    finally:
        engine.dispose()
    # The steady state autovacuum reaches within a minute or so: the planner's statistics
    # and visibility maps of the fresh rows, no dead versions of counter rows the seeding's
    # big transactions updated (the figures measured the first minute after a bulk load).
    with psycopg.connect(postgresql_conninfo(url), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return ids, key


def api_process(workdir: Path, url: str, port: int) -> ChildProcess:
    """``hub api`` on PostgreSQL with auth on; a rate limit the load never meets."""
    env = {
        "HUB_DATABASE_URL": url,
        "HUB_HOME": str(workdir / "hub-home"),
        "HUB_RATE_LIMIT_PER_MINUTE": "1000000000",
        "HUB_RATE_LIMIT_BURST": "1000000000",
        "HUB_ACCESS_TOKEN_TTL_SECONDS": "3600",
        "HUB_LOG_LEVEL": "WARNING",
        "HUB_AUTH_MODE": "enabled",
    }
    argv = [*hub_command(), "api", "--host", "127.0.0.1", "--port", str(port)]
    return ChildProcess(
        "api",
        argv,
        http_ok(f"http://127.0.0.1:{port}/ready"),
        workdir / "api.log",
        env={**os.environ, **env},
    )


def bearer_token(api_url: str, key: str) -> str:
    answer = httpx.post(f"{api_url}/auth/token", json={"api_key": key}, timeout=30)
    answer.raise_for_status()
    return str(answer.json()["access_token"])


#: A request function giving each POST a name of its own (app names are unique per team):
#: ``%s-%d`` in the body is replaced by a per-thread prefix and a counter.
_LUA_UNIQUE_BODY = """
local counter = 0
-- Each wrk thread has its own Lua state: the address of a fresh table tells them apart
-- (math.random would give every thread the same unseeded sequence).
local prefix = tostring({}):match("0x(%x+)") or tostring(os.time())
request = function()
  counter = counter + 1
  return wrk.format(nil, nil, nil, string.format(body_template, prefix, counter))
end
"""


def _lua_script(
    workdir: Path, name: str, token: str, method: str, body: str | None, delay_ms: float
) -> Path:
    lines = [
        f'wrk.method = "{method}"',
        f'wrk.headers["Authorization"] = "Bearer {token}"',
    ]
    if body is not None:
        lines += ['wrk.headers["Content-Type"] = "application/json"']
        if "%s-%d" in body:
            lines += [f"body_template = {json.dumps(body)}", _LUA_UNIQUE_BODY]
        else:
            lines.append(f"wrk.body = {json.dumps(body)}")
    if delay_ms > 0:
        lines.append(f"delay = function() return {delay_ms:.1f} end")
    path = workdir / f"{name}.lua"
    path.write_text("\n".join(lines) + "\n" + _LUA_REPORT)
    return path


def later_page_cursor(api_url: str, token: str, pages: int) -> str:
    """The ``X-Next-Cursor`` after ``pages`` pages of 50, newest first."""
    headers = {"Authorization": f"Bearer {token}"}
    cursor = ""
    for _ in range(pages):
        params = {"limit": "50", **({"cursor": cursor} if cursor else {})}
        answer = httpx.get(f"{api_url}/apps", params=params, headers=headers, timeout=30)
        answer.raise_for_status()
        cursor = answer.headers["x-next-cursor"]
    return cursor


def run_wrk(url: str, script: Path, seconds: int, connections: int) -> dict[str, Any]:
    """One wrk run; req/s and latency percentiles in ms."""
    argv = [
        wrk_binary(),
        "-t",
        str(min(WRK_THREADS, connections)),
        "-c",
        str(connections),
        "-d",
        f"{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        url,
    ]
    output = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60).stdout
    match = re.search(r"^WRKJSON (.*)$", output, re.MULTILINE)
    if match is None:
        raise RuntimeError(f"wrk printed no figures:\n{output}")
    raw = json.loads(match.group(1))
    seconds_measured = raw["duration_us"] / 1e6
    return {
        "requests": raw["requests"],
        "errors": raw["errors"],
        "non_2xx": raw["non_2xx"],
        "requests_per_second": raw["requests"] / seconds_measured,
        "latency_ms_p50": raw["p50_us"] / 1000,
        "latency_ms_p90": raw["p90_us"] / 1000,
        "latency_ms_p99": raw["p99_us"] / 1000,
        "latency_ms_mean": raw["mean_us"] / 1000,
        "connections": connections,
    }


def endpoint_load(
    workdir: Path,
    name: str,
    url: str,
    token: str,
    method: str,
    body: str | None,
    seconds: int,
    progress: Callable[[str], None],
) -> dict[str, Any]:
    """Saturation (closed loop, ``WRK_CONNECTIONS``), then about half that rate."""
    script = _lua_script(workdir, name, token, method, body, 0)
    saturated = run_wrk(url, script, seconds, WRK_CONNECTIONS)
    progress(
        f"  {name}: saturation {saturated['requests_per_second']:.0f} req/s, "
        f"p50 {saturated['latency_ms_p50']:.1f} ms, p99 {saturated['latency_ms_p99']:.1f} ms"
    )
    # Half the rate: each connection waits between requests so that all of them together
    # send about half of the saturated rate (wrk's latency excludes the wait).
    target = saturated["requests_per_second"] / 2
    connections = WRK_CONNECTIONS
    delay_ms = max(0.0, connections * 1000.0 / target - saturated["latency_ms_mean"] / 2)
    half = run_wrk(
        url,
        _lua_script(workdir, f"{name}-half", token, method, body, delay_ms),
        seconds,
        connections,
    )
    half["target_requests_per_second"] = target
    progress(
        f"  {name}: half ({half['requests_per_second']:.0f} req/s) "
        f"p50 {half['latency_ms_p50']:.1f} ms, p99 {half['latency_ms_p99']:.1f} ms"
    )
    return {"saturation": saturated, "half": half}


def api_load(workdir: Path, seconds: int, progress: Callable[[str], None]) -> dict[str, Any]:
    """The whole section: database, seed, API process, three endpoints."""
    result: dict[str, Any] = {
        "database": "postgresql",
        "seeded_apps": SEEDED_APPS,
        "auth": "on (bearer token of an admin service account)",
        # hub api's processes: HUB_API_WORKERS from the bench's environment, else its default.
        "api_workers": int(os.environ.get("HUB_API_WORKERS", "1")),
    }
    with bench_database() as url:
        progress(f"api: seeding {SEEDED_APPS} apps in PostgreSQL")
        ids, key = seed(url, SEEDED_APPS)
        port = free_port()
        api = api_process(workdir, url, port)
        api.start()
        try:
            api_url = f"http://127.0.0.1:{port}"
            token = bearer_token(api_url, key)
            one = ids[len(ids) // 2]
            # A later page by cursor, as the console pages: the cursor of page 100.
            cursor = later_page_cursor(api_url, token, pages=100)
            cases = [
                ("get_app", f"{api_url}/apps/{one}", "GET", None),
                ("list_apps", f"{api_url}/apps?limit=50", "GET", None),
                ("list_apps_offset_5000", f"{api_url}/apps?limit=50&offset=5000", "GET", None),
                ("list_apps_cursor", f"{api_url}/apps?limit=50&cursor={cursor}", "GET", None),
                (
                    "create_app",
                    f"{api_url}/apps",
                    "POST",
                    '{"name": "bench created %s-%d", "team_id": "bench"}',
                ),
            ]
            for name, url_, method, body in cases:
                result[name] = endpoint_load(
                    workdir, name, url_, token, method, body, seconds, progress
                )
            single = result["get_app"]["saturation"]["requests_per_second"]
            ratios = {
                name: result[name]["saturation"]["requests_per_second"] / single
                for name, *_ in cases[1:]
            }
            result["ratios_to_get_app"] = ratios
            progress(
                "  req/s against GET /apps/{id}: "
                + ", ".join(f"{name} {ratio:.2f}x" for name, ratio in ratios.items())
            )
        finally:
            api.stop()
    return result
