"""``uvicorn main:app`` (or ``uvicorn agents.analyzer.main:app``): the analyzer service."""

from agents.analyzer.agent import create_agent
from agents.base.app import create_agent_app

app = create_agent_app(create_agent())
