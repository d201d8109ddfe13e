"""Starting agent services: ``hub agent serve TYPE --port N`` and the ``AGENT_TYPE`` entry."""

from __future__ import annotations

import importlib
import os
import re
from collections.abc import Sequence

from fastapi import FastAPI

from agents.base.agent import Agent
from agents.base.app import create_agent_app, create_multi_agent_app
from agents.base.telemetry import setup_agent_logging
from schemas.agents import AGENT_TYPE_PATTERN, BUILTIN_AGENT_TYPES

DEFAULT_PORT = 8080


def load_agent(agent_type: str) -> Agent:
    """The built-in agent of ``agent_type`` (``agents.<type>.agent.create_agent()``)."""
    if not re.fullmatch(AGENT_TYPE_PATTERN, agent_type) or agent_type not in BUILTIN_AGENT_TYPES:
        raise ValueError(
            f"unknown agent type {agent_type!r}; built-in types: {', '.join(BUILTIN_AGENT_TYPES)}"
        )
    module = importlib.import_module(f"agents.{agent_type}.agent")
    agent: Agent = module.create_agent()
    return agent


def app_from_environment() -> FastAPI:
    """The app named by ``AGENT_TYPE`` (one type, a comma-separated list, or ``all``)."""
    wanted = os.environ.get("AGENT_TYPE", "all").strip()
    setup_agent_logging(f"agent-{wanted or 'all'}")
    if wanted in ("", "all"):
        return create_multi_agent_app([load_agent(t) for t in BUILTIN_AGENT_TYPES])
    types = [t.strip() for t in wanted.split(",") if t.strip()]
    if len(types) == 1:
        return create_agent_app(load_agent(types[0]))
    return create_multi_agent_app([load_agent(t) for t in types])


def serve(agent_type: str, host: str = "127.0.0.1", port: int = DEFAULT_PORT) -> None:
    """Serve one agent type at ``http://host:port/`` (blocks)."""
    import uvicorn

    setup_agent_logging(f"agent-{agent_type}")
    # log_config=None: uvicorn's lines go through the JSON handler set up above.
    uvicorn.run(create_agent_app(load_agent(agent_type)), host=host, port=port, log_config=None)


def serve_many(
    agent_types: Sequence[str], host: str = "127.0.0.1", port: int = DEFAULT_PORT
) -> None:
    """Serve several agent types at ``http://host:port/{type}`` (blocks)."""
    import uvicorn

    setup_agent_logging("agents")
    uvicorn.run(
        create_multi_agent_app([load_agent(t) for t in agent_types]),
        host=host,
        port=port,
        log_config=None,
    )
