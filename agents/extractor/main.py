"""``uvicorn main:app`` (or ``uvicorn agents.extractor.main:app``): the extractor service."""

from agents.base.app import create_agent_app
from agents.base.telemetry import setup_agent_logging
from agents.extractor.agent import create_agent

setup_agent_logging("agent-extractor")
app = create_agent_app(create_agent())
