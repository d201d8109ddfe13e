"""``uvicorn main:app`` (or ``uvicorn agents.extractor.main:app``): the extractor service."""

from agents.base.app import create_agent_app
from agents.extractor.agent import create_agent

app = create_agent_app(create_agent())
