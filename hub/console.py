"""The web console (``frontend/``) under ``hub up``: built when missing or stale, served by Node.

The console is a Next.js app with standalone output: ``node .next/standalone/server.js``
serves every page (deep links included) and proxies ``/api/*`` to the API named by
``HUB_API_URL``, so the console needs no setting of its own. Building needs Node ≥ 20.9
and npm; without them (or without ``frontend/``, as in an installed wheel) ``hub up``
runs without the console and says why.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Iterable
from pathlib import Path

from hub.stack import Part, StackError, http_ok, port_is_free

FRONTEND_DIR = Path(__file__).resolve().parents[1] / "frontend"
#: What the build depends on: a change to any of these rebuilds the console.
SOURCE_ENTRIES = (
    "app",
    "components",
    "hooks",
    "lib",
    "public",
    "next.config.ts",
    "package.json",
    "package-lock.json",
    "postcss.config.mjs",
    "tsconfig.json",
)
BUILD_TIMEOUT_SECONDS = 900.0


class ConsoleUnavailable(RuntimeError):
    """The console cannot be built or served here; the message says why and what to do."""


def server_script(frontend: Path = FRONTEND_DIR) -> Path:
    return frontend / ".next" / "standalone" / "server.js"


def _files(paths: Iterable[Path]) -> Iterable[Path]:
    for path in paths:
        if path.is_dir():
            yield from (p for p in path.rglob("*") if p.is_file())
        elif path.is_file():
            yield path


def newest_source_mtime(frontend: Path = FRONTEND_DIR) -> float:
    return max(
        (p.stat().st_mtime for p in _files(frontend / e for e in SOURCE_ENTRIES)), default=0.0
    )


def build_is_stale(frontend: Path = FRONTEND_DIR) -> bool:
    """True when there is no standalone build, or a source file is newer than it."""
    stamp = frontend / ".next" / "BUILD_ID"
    if not server_script(frontend).is_file() or not stamp.is_file():
        return True
    return newest_source_mtime(frontend) > stamp.stat().st_mtime


def _run(argv: list[str], frontend: Path, log: Path, what: str) -> None:
    with log.open("ab") as out:
        try:
            done = subprocess.run(  # noqa: S603 - argv is ours
                argv,
                cwd=frontend,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env={**os.environ, "NEXT_TELEMETRY_DISABLED": "1"},
                timeout=BUILD_TIMEOUT_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise ConsoleUnavailable(f"{what} took over {BUILD_TIMEOUT_SECONDS:.0f}s") from exc
    if done.returncode != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-15:])
        raise ConsoleUnavailable(f"{what} failed (see {log}):\n{tail}")


def ensure_console_build(
    logs: Path, progress: Callable[[str], None], frontend: Path = FRONTEND_DIR
) -> None:
    """Install the console's packages (``npm ci``) and build it when missing or stale."""
    if not (frontend / "package.json").is_file():
        raise ConsoleUnavailable(f"no console sources at {frontend} (run from a checkout)")
    npm = shutil.which("npm")
    if shutil.which("node") is None or npm is None:
        raise ConsoleUnavailable("Node.js ≥ 20.9 and npm are needed for the console")
    if not build_is_stale(frontend):
        return
    logs.mkdir(parents=True, exist_ok=True)
    log = logs / "console-build.log"
    lock = frontend / "package-lock.json"
    installed = frontend / "node_modules" / ".package-lock.json"
    if not installed.is_file() or lock.stat().st_mtime > installed.stat().st_mtime:
        progress("installing the console's packages (npm ci) …")
        _run([npm, "ci", "--no-audit", "--no-fund"], frontend, log, "npm ci")
    progress("building the console (npm run build, a minute or two) …")
    _run([npm, "run", "build"], frontend, log, "the console build")


def check_console_port(port: int, host: str) -> None:
    if not port_is_free(port, host):
        raise StackError(
            f"port {port} (--console-port) is in use; pass another --console-port or --no-console"
        )


def console_part(
    *,
    host: str,
    port: int,
    api_url: str,
    env: dict[str, str],
    logs: Path,
    frontend: Path = FRONTEND_DIR,
) -> Part:
    """The Node server of the built console, proxying ``/api/*`` to ``api_url``."""
    node = shutil.which("node") or "node"
    return Part(
        "console",
        [node, str(server_script(frontend))],
        {
            **env,
            "PORT": str(port),
            "HOSTNAME": host,
            "HUB_API_URL": api_url,
            "NODE_ENV": "production",
            "NEXT_TELEMETRY_DISABLED": "1",
        },
        http_ok(f"http://{host}:{port}/session"),
        logs / "console.log",
    )
