"""What a user does over the REST API, shared by the runs API tests and the end-to-end tests:
create an app whose agents are test agent types, store its YAML, deploy, follow a run."""

from __future__ import annotations

import asyncio
import string
import uuid
from dataclasses import dataclass
from typing import Any

import httpx

TERMINAL_STATUSES = frozenset({"completed", "failed", "canceled", "terminated", "timed_out"})


def custom_agent_config() -> dict[str, Any]:
    """A config for a custom (test) agent type: the local provider and prompts that the
    API's prompt registry always has (the built-in extractor's defaults)."""
    return {
        "model": {"provider": "local", "model_name": "echo"},
        "prompts": {
            "system_prompt_uri": "mlflow:/prompts/extractor-system-v1",
            "task_prompt_uri": "mlflow:/prompts/extractor-task-v1",
        },
    }


@dataclass
class CreatedApp:
    app_id: str
    #: Placeholder name in the YAML (``a1``…) → agent id.
    agents: dict[str, str]


def expect(response: httpx.Response, status: int) -> Any:
    """The JSON body of ``response``, which must have ``status`` (its text on failure)."""
    assert response.status_code == status, f"{response.status_code}: {response.text}"
    return response.json() if response.content else None


async def create_app(
    http: httpx.AsyncClient,
    yaml_template: str,
    agent_types: dict[str, str],
    *,
    deploy: bool = True,
    values: dict[str, str] | None = None,
    builtin_configs: bool = False,
) -> CreatedApp:
    """POST the app and its agents, PUT the orchestration and deploy it unless told not to.

    The YAML is a :class:`string.Template`: ``$app_id``, each agent's placeholder (its
    id) and ``values`` are filled in. Agents get the tests' custom config, or with
    ``builtin_configs`` their type's default one.
    """
    app = expect(await http.post("/apps", json={"name": f"e2e {uuid.uuid4().hex[:8]}"}), 201)
    app_id = str(app["id"])
    agents: dict[str, str] = {}
    for placeholder, agent_type in agent_types.items():
        body: dict[str, object] = {"name": placeholder, "type": agent_type}
        if not builtin_configs:
            body["config"] = custom_agent_config()
        agents[placeholder] = expect(await http.post(f"/apps/{app_id}/agents", json=body), 201)[
            "id"
        ]
    text = string.Template(yaml_template).substitute(app_id=app_id, **agents, **(values or {}))
    expect(
        await http.put(
            f"/orchestration/{app_id}",
            content=text.encode(),
            headers={"Content-Type": "application/yaml"},
        ),
        200,
    )
    if deploy:
        expect(await http.post(f"/apps/{app_id}/deploy"), 200)
    return CreatedApp(app_id, agents)


async def start_run(
    http: httpx.AsyncClient, app_id: str, inputs: dict[str, Any], **body: Any
) -> dict[str, Any]:
    started = expect(await http.post(f"/apps/{app_id}/runs", json={"inputs": inputs, **body}), 202)
    return dict(started)


async def wait_for_run(
    http: httpx.AsyncClient,
    run_id: str,
    *,
    until: Any = None,
    what: str = "the run to finish",
    limit: float = 60.0,
) -> dict[str, Any]:
    """Poll ``GET /runs/{run_id}`` until ``until(run)`` holds (default: a terminal status)."""
    condition = until or (lambda run: run["status"] in TERMINAL_STATUSES)
    deadline = asyncio.get_running_loop().time() + limit
    while True:
        run = expect(await http.get(f"/runs/{run_id}"), 200)
        if condition(run):
            return dict(run)
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"gave up waiting for {what}; last seen: {run}")
        await asyncio.sleep(0.2)


def step_of(run: dict[str, Any], step_id: str) -> dict[str, Any]:
    """One step's progress in a ``GET /runs/{id}`` answer (``{}`` while unknown)."""
    return next((s for s in run.get("steps") or [] if s["step_id"] == step_id), {})


def step_in_state(step_id: str, state: str) -> Any:
    """A ``wait_for_run`` condition: ``step_id`` has reached ``state``."""
    return lambda run: step_of(run, step_id).get("state") == state
