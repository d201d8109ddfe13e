"""The soak's traffic: the apps it creates and the runs it starts, follows and approves.

Everything goes through the REST API with an admin key bootstrapped by
``hub keys create`` (exchanged at ``POST /auth/token``, again on a 401). Calls are
retried while the stack is being shaken (connection errors, 502/503/504), and run
starts carry an ``Idempotency-Key``, so a start retried after a lost answer never
starts a second run.
"""

from __future__ import annotations

import asyncio
import random
import string
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx

TERMINAL_STATUSES = frozenset({"completed", "failed", "canceled", "terminated", "timed_out"})
RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})
APPROVAL_STEP = "sign_off"

#: Step retry policy of the soak apps: generous, so chaos (a service down for seconds,
#: Temporal restarting) is ridden out by retries, as an operator would configure.
RETRY = "{max_attempts: 60, initial_interval: 200ms, backoff_coefficient: 2, max_interval: 2s}"

APPROVAL_APP_YAML = f"""\
version: "1.0"
app_id: "$app_id"
name: soak with approval
agents:
  - {{id: "$fetch", type: "soak-a"}}
  - {{id: "$score", type: "soak-b"}}
  - {{id: "$report", type: "soak-a"}}
workflow:
  - step: fetch
    agent_id: "$fetch"
    inputs: [{{source: trigger, field: doc}}]
    outputs: [{{name: items}}, {{name: note}}]
    retry: {RETRY}
    timeout: 10s
  - step: score
    agent_id: "$score"
    foreach: {{source: fetch, field: items, max_concurrency: 2}}
    inputs: [{{source: fetch, field: note}}]
    outputs: [{{name: score}}]
    retry: {RETRY}
    timeout: 10s
  - step: {APPROVAL_STEP}
    inputs: [{{source: score, field: score}}]
    outputs: [{{name: decision}}]
    approval:
      timeout: 30m
      on_timeout: reject
      input_schema: {{type: object, required: [limit], properties: {{limit: {{type: number}}}}}}
  - step: report
    agent_id: "$report"
    inputs: [{{source: {APPROVAL_STEP}, field: decision}}, {{source: score, field: score}}]
    outputs: [{{name: report}}]
    retry: {RETRY}
    timeout: 10s
"""

CHAIN_APP_YAML = f"""\
version: "1.0"
app_id: "$app_id"
name: soak chain
agents:
  - {{id: "$fetch", type: "soak-a"}}
  - {{id: "$score", type: "soak-b"}}
  - {{id: "$report", type: "soak-a"}}
workflow:
  - step: fetch
    agent_id: "$fetch"
    inputs: [{{source: trigger, field: doc}}]
    outputs: [{{name: items}}, {{name: note}}]
    retry: {RETRY}
    timeout: 10s
  - step: score
    agent_id: "$score"
    foreach: {{source: fetch, field: items, max_concurrency: 3}}
    inputs: [{{source: fetch, field: note}}]
    outputs: [{{name: score}}]
    retry: {RETRY}
    timeout: 10s
  - step: report
    agent_id: "$report"
    inputs: [{{source: score, field: score}}]
    outputs: [{{name: report}}]
    retry: {RETRY}
    timeout: 10s
"""

#: Agent placeholders of both apps and their (custom) types.
APP_AGENTS = {"fetch": "soak-a", "score": "soak-b", "report": "soak-a"}
#: Which steps call an agent, and which of them fan out (``foreach``).
AGENT_STEPS = ("fetch", "score", "report")
FOREACH_STEPS = frozenset({"score"})


def soak_agent_config() -> dict[str, Any]:
    """A custom agent type's config: ``local`` as the provider name (the soak agent answers
    with its own provider whatever the name) and the prompts the registry always has."""
    return {
        "model": {"provider": "local", "model_name": "soak"},
        "prompts": {
            "system_prompt_uri": "mlflow:/prompts/extractor-system-v1",
            "task_prompt_uri": "mlflow:/prompts/extractor-task-v1",
        },
        "schemas": {"max_repairs": 0},
    }


class ApiUnavailable(RuntimeError):
    """The API kept failing for longer than the caller was willing to wait."""


@dataclass
class HubClient:
    """The REST API with the admin key; retries what chaos makes fail for a while."""

    base_url: str
    api_key: str
    http: httpx.AsyncClient = field(init=False)
    token: str = ""
    retried_calls: int = 0

    def __post_init__(self) -> None:
        self.http = httpx.AsyncClient(
            base_url=self.base_url, timeout=httpx.Timeout(30.0, connect=5.0)
        )

    async def close(self) -> None:
        await self.http.aclose()

    async def _authenticate(self) -> None:
        answer = await self.http.post("/auth/token", json={"api_key": self.api_key})
        answer.raise_for_status()
        self.token = str(answer.json()["access_token"])

    async def call(
        self,
        method: str,
        path: str,
        *,
        limit: float = 60.0,
        **kwargs: Any,
    ) -> httpx.Response:
        """``method path``; retried on connection errors and 429/5xx until ``limit`` seconds.

        Returns the first answer whose status is not retryable; the caller checks it.
        """
        deadline = time.monotonic() + limit
        delay = 0.2
        last = ""
        extra_headers: dict[str, str] = kwargs.pop("headers", {})
        while True:
            try:
                if not self.token:
                    await self._authenticate()
                headers = {**extra_headers, "Authorization": f"Bearer {self.token}"}
                answer = await self.http.request(method, path, headers=headers, **kwargs)
                if answer.status_code == 401:
                    self.token = ""
                    last = "401"
                elif answer.status_code in RETRYABLE_STATUSES:
                    last = f"{answer.status_code}: {answer.text[:200]}"
                else:
                    return answer
            except httpx.HTTPError as exc:
                last = repr(exc)
            if time.monotonic() > deadline:
                raise ApiUnavailable(f"{method} {path} kept failing for {limit:.0f}s: {last}")
            self.retried_calls += 1
            await asyncio.sleep(delay)
            delay = min(2.0, delay * 1.5)

    async def json(self, method: str, path: str, status: int, **kwargs: Any) -> Any:
        answer = await self.call(method, path, **kwargs)
        if answer.status_code != status:
            raise RuntimeError(f"{method} {path}: {answer.status_code} {answer.text[:500]}")
        return answer.json() if answer.content else None


async def create_app(hub: HubClient, yaml_template: str, name: str) -> str:
    """Create an app with the soak agents, store its orchestration and deploy it."""
    app = await hub.json("POST", "/apps", 201, json={"name": f"{name} {uuid.uuid4().hex[:6]}"})
    app_id = str(app["id"])
    agents: dict[str, str] = {}
    for placeholder, agent_type in APP_AGENTS.items():
        body = {"name": placeholder, "type": agent_type, "config": soak_agent_config()}
        created = await hub.json("POST", f"/apps/{app_id}/agents", 201, json=body)
        agents[placeholder] = str(created["id"])
    text = string.Template(yaml_template).substitute(app_id=app_id, **agents)
    await hub.json(
        "PUT",
        f"/orchestration/{app_id}",
        200,
        content=text.encode(),
        headers={"Content-Type": "application/yaml"},
    )
    await hub.json("POST", f"/apps/{app_id}/deploy", 200)
    return app_id


@dataclass
class RunRecord:
    """One run the soak started and what became of it."""

    app_id: str
    with_approval: bool
    idempotency_key: str = field(default_factory=lambda: uuid.uuid4().hex)
    run_id: str | None = None
    start_error: str | None = None
    final: dict[str, Any] | None = None
    last_seen: dict[str, Any] | None = None
    approve: bool | None = None  # the decision the soak drew for this run
    decision: str | None = None  # "approved" | "rejected", once the API accepted it
    approval_errors: list[str] = field(default_factory=list)
    poll_errors: int = 0

    @property
    def status(self) -> str:
        if self.final is not None:
            return str(self.final["status"])
        if self.last_seen is not None:
            return str(self.last_seen.get("status", "unknown"))
        return "not started" if self.run_id is None else "unknown"


@dataclass
class Traffic:
    """Starts runs at a target rate and follows each one to its end, answering approvals."""

    hub: HubClient
    apps: dict[bool, str]
    rate_per_second: float
    max_runs: int
    max_in_flight: int
    reject_fraction: float
    approval_delay: tuple[float, float]
    rng: random.Random
    poll_interval: float = 1.0
    runs: list[RunRecord] = field(default_factory=list)
    tasks: set[asyncio.Task[None]] = field(default_factory=set)
    stop_following_at: float = float("inf")

    def in_flight(self) -> int:
        return sum(1 for r in self.runs if r.final is None and r.start_error is None)

    async def stream(self, until: float) -> None:
        """Start runs at the target rate until ``until`` (monotonic) or ``max_runs``."""
        interval = 1.0 / self.rate_per_second
        next_start = time.monotonic()
        while time.monotonic() < until and len(self.runs) < self.max_runs:
            if self.in_flight() < self.max_in_flight:
                record = RunRecord(app_id="", with_approval=self.rng.random() < 0.5)
                record.app_id = self.apps[record.with_approval]
                self.runs.append(record)
                task = asyncio.create_task(self.follow(record))
                self.tasks.add(task)
                task.add_done_callback(self.tasks.discard)
            next_start += interval
            await asyncio.sleep(max(0.0, next_start - time.monotonic()))

    async def follow(self, record: RunRecord) -> None:
        """Start the run (idempotently), poll it, approve or reject when it waits."""
        try:
            started = await self.hub.call(
                "POST",
                f"/apps/{record.app_id}/runs",
                json={"inputs": {"doc": f"soak document {record.idempotency_key}"}},
                headers={"Idempotency-Key": record.idempotency_key},
                limit=120.0,
            )
        except ApiUnavailable as exc:
            record.start_error = str(exc)
            return
        if started.status_code not in (200, 202):
            record.start_error = f"{started.status_code}: {started.text[:300]}"
            return
        record.run_id = str(started.json()["run_id"])
        answering: asyncio.Task[None] | None = None
        while time.monotonic() < self.stop_following_at:
            await asyncio.sleep(self.poll_interval * self.rng.uniform(0.8, 1.2))
            try:
                answer = await self.hub.call("GET", f"/runs/{record.run_id}", limit=30.0)
            except ApiUnavailable:
                record.poll_errors += 1
                continue
            if answer.status_code != 200:
                record.poll_errors += 1
                continue
            run = answer.json()
            record.last_seen = run
            if run["status"] in TERMINAL_STATUSES:
                record.final = run
                break
            waiting = any(
                s["step_id"] == APPROVAL_STEP and s["state"] == "waiting_approval"
                for s in run.get("steps") or []
            )
            # A failed answer (the API or Temporal was down) is given again while the
            # step still waits; an answer that landed leaves it waiting no longer.
            if waiting and (answering is None or (answering.done() and record.decision is None)):
                answering = asyncio.create_task(self.answer_approval(record))
        if answering is not None and not answering.done():
            answering.cancel()

    async def answer_approval(self, record: RunRecord) -> None:
        """After a random delay, approve (or sometimes reject) the waiting step."""
        await asyncio.sleep(self.rng.uniform(*self.approval_delay))
        if record.approve is None:
            record.approve = self.rng.random() >= self.reject_fraction
        approve = record.approve
        body = {
            "step_id": APPROVAL_STEP,
            "approved": approve,
            "payload": {"limit": 1000} if approve else {},
            "comment": "soak decision",
            "approver": "soak",
        }
        try:
            answer = await self.hub.call(
                "POST", f"/runs/{record.run_id}/approvals", json=body, limit=120.0
            )
        except ApiUnavailable as exc:
            record.approval_errors.append(str(exc))
            return
        if answer.status_code == 200:
            record.decision = "approved" if approve else "rejected"
        else:
            record.approval_errors.append(f"{answer.status_code}: {answer.text[:300]}")

    async def drain(self, deadline: float) -> None:
        """Wait for every followed run to end, at most until ``deadline`` (monotonic)."""
        self.stop_following_at = deadline
        while self.tasks and time.monotonic() < deadline:
            await asyncio.sleep(0.5)
        for task in list(self.tasks):
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
