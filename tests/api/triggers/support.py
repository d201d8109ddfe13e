"""What the trigger tests share: their agent types, their app and the hub they drive."""

from __future__ import annotations

import asyncio
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import httpx
from temporalio.client import Client

from hub.settings import Settings
from tests.auth_support import token_for
from tests.e2e.hub_api import CreatedApp, create_app
from tests.engine_support.agent_service import AgentService
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
    #: The same API served on a socket (for the CLI in a child process).
    api_url: str

    def cli_env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
        env.update(
            {
                "HUB_HOME": str(self.settings.home),
                "HUB_API_URL": self.api_url,
                "NO_COLOR": "1",
                "HUB_API_TOKEN": token_for("admin", ["*"]),
            }
        )
        return env

    async def cli(self, *args: str, cwd: Path | None = None) -> tuple[int, str, str]:
        """Run ``hub ARGS`` in a child process to the end: exit code, stdout, stderr."""
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "hub.cli",
            *args,
            env=self.cli_env(),
            cwd=cwd,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await process.communicate()
        return int(process.returncode or 0), out.decode(), err.decode()

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
