"""One hub-database pool per process for the workers, and the API's pool for the API's own
orchestrator worker: on SQLite every connection holds its own parsed copy of the schema,
so each extra pool costs memory without serving more work."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from hub import worker_processes
from hub.settings import Settings
from storage.database import create_db_engine, create_session_factory


def bound_engine(sessions: sessionmaker[Session]) -> Engine:
    engine = sessions.kw["bind"]
    assert isinstance(engine, Engine)
    return engine


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("HUB_HOME", str(tmp_path / "home"))
    return Settings()


def test_a_worker_process_opens_one_engine_for_every_consumer(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    engines: list[Engine] = []

    def counting_engine(url: str, **kwargs: Any) -> Engine:
        engines.append(create_db_engine(url, **kwargs))
        return engines[-1]

    built: dict[str, Any] = {}

    def fake_orchestrator(client: object, plans: Any, agents: Any, **kwargs: Any) -> str:
        built.update(kwargs, plans=plans, agents=agents)
        return "orchestrator"

    async def fake_connect(*_args: Any, **_kwargs: Any) -> object:
        return object()

    async def fake_run(workers: list[Any]) -> None:
        built["workers"] = workers

    monkeypatch.setattr(worker_processes, "create_db_engine", counting_engine)
    monkeypatch.setattr(worker_processes, "connect", fake_connect)
    monkeypatch.setattr(worker_processes, "temporal_runtime", lambda _s: None)
    monkeypatch.setattr(worker_processes, "setup_process", lambda _s, _n: None)
    monkeypatch.setattr(worker_processes, "build_orchestrator_worker", fake_orchestrator)
    monkeypatch.setattr(worker_processes, "build_agent_worker", lambda *_a, **_k: "agent")
    monkeypatch.setattr(worker_processes, "run_workers", fake_run)

    asyncio.run(
        worker_processes.run_worker_processes(settings, orchestrator=True, agent_types=["echo"])
    )

    assert built["workers"] == ["orchestrator", "agent"]
    assert len(engines) == 1
    assert bound_engine(built["batch_activities"]._sessions) is engines[0]
    assert built["run_records"]._engine is engines[0]
    assert bound_engine(built["evaluation_activities"]._sessions) is engines[0]
    for engine in engines:
        engine.dispose()


def test_the_apis_orchestrator_worker_uses_the_sessions_it_is_given(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = create_session_factory(create_db_engine(f"sqlite:///{tmp_path / 'hub.db'}"))
    given: list[sessionmaker[Session]] = []

    @asynccontextmanager
    async def fake_step_activities(
        _settings: Settings, sessions: sessionmaker[Session]
    ) -> AsyncIterator[str]:
        given.append(sessions)
        yield "activities"

    class FakeWorker:
        is_running = False

        async def run(self) -> None:
            return None

    def fake_worker(_s: Settings, _c: object, _a: str, sessions: sessionmaker[Session]) -> Any:
        given.append(sessions)
        return FakeWorker()

    monkeypatch.setattr(worker_processes, "step_activities", fake_step_activities)
    monkeypatch.setattr(worker_processes, "orchestrator_worker", fake_worker)

    async def connect() -> object:
        return object()

    async def start_and_stop() -> None:
        orchestrator = worker_processes.InProcessOrchestrator(settings)
        orchestrator.share_sessions(shared)
        await orchestrator.attach(connect)()
        await orchestrator.close()

    asyncio.run(start_and_stop())
    assert given == [shared, shared]
    bound_engine(shared).dispose()


def test_the_api_hands_its_sessions_to_its_orchestrator_worker(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hub import wiring

    shared: list[sessionmaker[Session]] = []
    monkeypatch.setattr(wiring, "prompt_registry", lambda _s: None)
    monkeypatch.setattr(
        worker_processes.InProcessOrchestrator,
        "share_sessions",
        lambda _self, sessions: shared.append(sessions),
    )
    app = wiring.build_api(settings.model_copy(update={"api_orchestrator": True}))
    assert shared == [app.state.session_factory]
    bound_engine(app.state.session_factory).dispose()
