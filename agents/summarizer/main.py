"""``uvicorn main:app`` (or ``uvicorn agents.summarizer.main:app``): the summarizer service."""

from agents.base.app import create_agent_app
from agents.summarizer.agent import create_agent

app = create_agent_app(create_agent())
