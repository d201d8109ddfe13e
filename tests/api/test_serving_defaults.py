"""How ``hub api`` sizes itself when not told: worker processes by database and CPUs."""

from __future__ import annotations

import os

import pytest

from hub.cli import default_api_workers
from hub.settings import Settings


def _usable_cpus() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def test_sqlite_serves_from_one_process(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    monkeypatch.delenv("HUB_API_WORKERS", raising=False)
    monkeypatch.setenv("HUB_DATABASE_URL", f"sqlite:///{tmp_path}/hub.db")
    assert default_api_workers(Settings()) == 1


def test_postgresql_serves_from_half_the_cpus(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HUB_API_WORKERS", raising=False)
    monkeypatch.setenv("HUB_DATABASE_URL", "postgresql+psycopg://hub@db.example/hub")
    assert default_api_workers(Settings()) == max(1, _usable_cpus() // 2)


def test_an_explicit_worker_count_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUB_DATABASE_URL", "postgresql+psycopg://hub@db.example/hub")
    monkeypatch.setenv("HUB_API_WORKERS", "3")
    assert default_api_workers(Settings()) == 3
    monkeypatch.setenv("HUB_API_WORKERS", "1")
    assert default_api_workers(Settings()) == 1
