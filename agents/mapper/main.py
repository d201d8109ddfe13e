"""``uvicorn main:app`` (or ``uvicorn agents.mapper.main:app``): the mapper service."""

from agents.base.app import create_agent_app
from agents.mapper.agent import create_agent

app = create_agent_app(create_agent())
