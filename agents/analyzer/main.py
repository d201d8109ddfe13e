"""``uvicorn main:app`` (or ``uvicorn agents.analyzer.main:app``): the analyzer service."""

from agents.analyzer.agent import create_agent
from agents.base.app import create_agent_app
from agents.base.telemetry import setup_agent_logging

setup_agent_logging("agent-analyzer")
app = create_agent_app(create_agent())
