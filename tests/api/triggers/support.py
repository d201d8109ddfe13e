"""What the trigger tests share: their agent types, their app and the hub they drive."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from temporalio.client import Client

from hub.settings import Settings
from tests.e2e.hub_api import CreatedApp, create_app
from tests.engine_support.agent_service import AgentService
from tests.engine_support.fixtures import agent_service, temporal_env  # noqa: F401
from tests.engine_support.plans import unique_agent_type

#: Answers at once with its inputs.
ECHO = unique_agent_type("trigger-echo")
#: Takes a while (to see concurrency and to cancel mid-way).
SLOW = unique_agent_type("trigger-slow")
#: Costs $0.01 a call (to reach a cost cap).
COSTLY = unique_agent_type("trigger-costly")

#: Two echo steps: memo → analysis.
ECHO_YAML = """\
version: "1.0"
app_id: "$app_id"
name: "$name"
agents:
  - {id: "$a1", type: "$echo"}
  - {id: "$a2", type: "$echo"}
workflow:
  - step: 1
    agent_id: "$a1"
    inputs: [{source: trigger, field: memo}]
    outputs: [{name: extracted}]
  - step: 2
    agent_id: "$a2"
    inputs: [{source: "$a1", field: extracted}]
    outputs: [{name: analysis}]
"""


@dataclass
class TriggerHub:
    http: httpx.AsyncClient
    #: The same API without any token (what a webhook sender has).
    anonymous: httpx.AsyncClient
    temporal: Client
    agents: AgentService
    settings: Settings

    async def new_app(
        self, *, deploy: bool = True, name: str = "triggers", agent_type: str = ECHO
    ) -> CreatedApp:
        return await create_app(
            self.http,
            ECHO_YAML,
            {"a1": agent_type, "a2": agent_type},
            deploy=deploy,
            values={"echo": agent_type, "name": name},
        )
