"""``uvicorn main:app`` (or ``uvicorn agents.mapper.main:app``): the mapper service."""

from agents.base.app import create_agent_app
from agents.base.telemetry import setup_agent_logging
from agents.mapper.agent import create_agent

setup_agent_logging("agent-mapper")
app = create_agent_app(create_agent())
