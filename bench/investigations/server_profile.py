"""Where the Temporal dev server's CPU goes, per run, for each engine (``--only server``).

Each engine keeps ``in_flight`` three-step runs going while ``perf record`` samples the
dev server's process; every sample's call stack is put in the first category of
:data:`CATEGORIES` one of its frames belongs to, and each category's share of the
samples times the server's CPU per run (from ``/proc``, over the same window) gives
milliseconds per run. The two engines that use activities make the same handler
calls per step, so what differs between them and ``dispatch: local`` shows what a
remote step costs the server.

The ``temporal`` binary has no ELF symbol table (it is stripped), but a Go binary keeps
its own function table, ``.gopclntab``, which the runtime needs for stack traces:
:class:`GoSymbols` reads function names from it. Needs Linux ``perf`` (Debian:
``linux-perf``) and permission to profile the server (root, or
``kernel.perf_event_paranoid`` ≤ 1 for one's own processes).
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import shutil
import struct
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.engines import Engine
from bench.measure import cpu_ms

#: Categories of server work, first match wins; a frame matches when its function name
#: contains one of the fragments. History handlers are the per-step transactions.
CATEGORIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("visibility rows (start, close, build ids)", ("visibilityQueueTaskExecutor",)),
    ("workflow task completed", ("history.(*Handler).RespondWorkflowTaskCompleted",)),
    ("workflow task handed to a worker", ("history.(*Handler).RecordWorkflowTaskStarted",)),
    ("activity task completed", ("history.(*Handler).RespondActivityTaskCompleted",)),
    ("activity task handed to a worker", ("history.(*Handler).RecordActivityTaskStarted",)),
    ("run start", ("history.(*Handler).StartWorkflowExecution",)),
    (
        "run result (history long-poll)",
        ("history.(*Handler).GetWorkflowExecutionHistory", "history.(*Handler).PollMutableState"),
    ),
    ("transfer tasks (hand tasks to matching)", ("transferQueueActiveTaskExecutor",)),
    ("timer tasks (timeouts firing)", ("timerQueueActiveTaskExecutor",)),
    ("history task queues (reading, scheduling)", ("service/history/queues.",)),
    ("matching (polls, task hand-off)", ("service/matching.", "client/matching.")),
    ("frontend and gRPC", ("service/frontend.", "google.golang.org/grpc.")),
    ("Go garbage collector", ("runtime.gcBgMarkWorker", "runtime.bgsweep", "runtime.bgscavenge")),
)
OTHER = "other (idle loops, kernel, runtime)"
PERF_HZ = 499


def perf_available() -> str | None:
    """Why the section cannot run here, or None when ``perf`` can profile."""
    if shutil.which("perf") is None:
        return "`perf` is not installed (Debian: apt-get install linux-perf)"
    return None


@dataclass
class GoSymbols:
    """Function names of a Go binary from its ``.gopclntab`` (Go 1.18 and later)."""

    starts: list[int]
    names: list[str]
    #: Virtual address of file offset 0 (perf prints addresses relative to the file).
    load_base: int

    @classmethod
    def load(cls, binary: Path) -> GoSymbols:
        data = binary.read_bytes()
        if data[:4] != b"\x7fELF" or data[4] != 2:
            raise ValueError(f"{binary} is not a 64-bit ELF file")
        sections = _elf_sections(data)
        if ".gopclntab" not in sections:
            raise ValueError(f"{binary} has no .gopclntab: not a Go binary")
        _, offset, _ = sections[".gopclntab"]
        table = memoryview(data)[offset:]
        (magic,) = struct.unpack_from("<I", table, 0)
        if magic not in (0xFFFFFFF0, 0xFFFFFFF1):
            raise ValueError(f"unknown .gopclntab version {magic:#x} in {binary}")
        nfunc, _nfiles, text_start, names_at, _cu, _files, _pc, functab = struct.unpack_from(
            "<8Q", table, 8
        )
        text_start = text_start or sections[".text"][0]
        starts: list[int] = []
        names: list[str] = []
        for i in range(nfunc):
            entry, func = struct.unpack_from("<II", table, functab + 8 * i)
            (name_offset,) = struct.unpack_from("<i", table, functab + func + 4)
            begin = offset + names_at + name_offset
            starts.append(text_start + entry)
            names.append(data[begin : data.index(b"\0", begin)].decode(errors="replace"))
        order = sorted(range(len(starts)), key=starts.__getitem__)
        return cls([starts[i] for i in order], [names[i] for i in order], _load_base(data))

    def name(self, relative_address: int) -> str:
        i = bisect.bisect_right(self.starts, self.load_base + relative_address) - 1
        return self.names[i] if i >= 0 else "?"


def _elf_sections(data: bytes) -> dict[str, tuple[int, int, int]]:
    """Section name → (address, file offset, size) of a little-endian ELF64 file."""
    (shoff,) = struct.unpack_from("<Q", data, 0x28)
    entsize, count, names_index = struct.unpack_from("<HHH", data, 0x3A)
    headers = [struct.unpack_from("<IIQQQQ", data, shoff + i * entsize) for i in range(count)]
    names_offset = headers[names_index][4]
    sections: dict[str, tuple[int, int, int]] = {}
    for name_at, _type, _flags, address, offset, size in headers:
        start = names_offset + name_at
        name = data[start : data.index(b"\0", start)].decode()
        sections[name] = (address, offset, size)
    return sections


def _load_base(data: bytes) -> int:
    """Address minus file offset of the first loadable segment."""
    (phoff,) = struct.unpack_from("<Q", data, 0x20)
    entsize, count = struct.unpack_from("<HH", data, 0x36)
    for i in range(count):
        kind, _flags, offset, address = struct.unpack_from("<IIQQ", data, phoff + i * entsize)
        if kind == 1:  # PT_LOAD
            return int(address - offset)
    return 0


def stacks(perf_data: Path, binary: Path, symbols: GoSymbols) -> Iterator[list[str]]:
    """Each sample's frames (innermost first) as function names; kernel frames as ``[k]``."""
    script = subprocess.run(
        ["perf", "script", "-i", str(perf_data), "-F", "ip,sym,dso", "--no-inline"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    frames: list[str] = []
    for line in [*script.splitlines(), ""]:
        parts = line.split()
        if not parts:
            if frames:
                yield frames
            frames = []
            continue
        if Path(parts[-1].strip("()")).name == binary.name:
            frames.append(symbols.name(int(parts[0], 16)))
        else:
            frames.append("[k]" if "kernel" in parts[-1] else parts[-1])


def categorize(frames: list[str]) -> str:
    for category, fragments in CATEGORIES:
        if any(fragment in frame for frame in frames for fragment in fragments):
            return category
    return OTHER


async def profile_server(
    engine: Engine,
    server_pid: int,
    binary: Path,
    symbols: GoSymbols,
    in_flight: int,
    steps: int,
    seconds: float,
) -> dict[str, Any]:
    """Keep ``in_flight`` runs of ``engine`` going while ``perf`` samples the server."""
    stop = False
    finished = 0

    async def runner() -> None:
        nonlocal finished
        while not stop:
            await engine.finish(await engine.start(steps))
            finished += 1

    runners = [asyncio.create_task(runner()) for _ in range(in_flight)]
    try:
        await asyncio.sleep(2.0)  # past the ramp-up
        with tempfile.TemporaryDirectory(prefix="hub-perf-") as tmp:
            perf_data = Path(tmp) / "perf.data"
            began, runs_before, cpu_before = time.perf_counter(), finished, cpu_ms(server_pid)
            await asyncio.to_thread(
                subprocess.run,
                ["perf", "record", "-q", "-F", str(PERF_HZ), "-g", "-p", str(server_pid)]
                + ["-o", str(perf_data), "--", "sleep", str(seconds)],
                check=True,
                capture_output=True,
            )
            window, runs = time.perf_counter() - began, finished - runs_before
            server_ms = cpu_ms(server_pid) - cpu_before
            samples = Counter(
                categorize(frames)
                for frames in await asyncio.to_thread(
                    lambda: list(stacks(perf_data, binary, symbols))
                )
            )
    finally:
        stop = True
        with contextlib.suppress(Exception):
            await asyncio.gather(*runners)
    total = sum(samples.values()) or 1
    per_run = server_ms / max(1, runs)
    return {
        "runs": runs,
        "seconds": window,
        "runs_per_second": runs / window,
        "server_cpu_ms_per_run": per_run,
        "samples": total,
        "ms_per_run": {
            name: per_run * samples[name] / total for name in [*dict(CATEGORIES), OTHER]
        },
    }
