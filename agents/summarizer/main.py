"""``uvicorn main:app`` (or ``uvicorn agents.summarizer.main:app``): the summarizer service."""

from agents.base.app import create_agent_app
from agents.base.telemetry import setup_agent_logging
from agents.summarizer.agent import create_agent

setup_agent_logging("agent-summarizer")
app = create_agent_app(create_agent())
