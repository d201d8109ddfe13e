"""The soak's agent service: a custom agent type served by our agent runtime (``agents.base``).

``python -m bench.soak_agent --type soak-a --port N --effects-dsn postgresql://…``
serves ``create_agent_app`` (the product's ``/invoke`` with its idempotency cache and
error mapping) for a custom agent type. Its "model" is :class:`SoakProvider`, a real
:class:`agents.base.llm.LLMProvider` that, for every call:

1. fails retryably (a ``ProviderError``, which the service answers with 503) with
   probability ``failure_rate / 2`` *before* doing anything;
2. applies the step's side effect: ``INSERT … ON CONFLICT DO NOTHING`` into
   ``soak_side_effects`` keyed by the invoke request's idempotency key — this is how an
   agent dedupes a retried call;
3. fails retryably with probability ``failure_rate / 2`` *after* the effect (the
   "reply lost" case: the retry must not apply it a second time);
4. answers after a short random delay, so SIGKILLs land on calls in flight.

Every call also appends a row to ``soak_attempts`` (the append-only log the soak uses
to show that attempts > 1 happened and still left one effect per step).
"""

from __future__ import annotations

import argparse
import asyncio
import contextvars
import hashlib
import json
import os
import random
from dataclasses import dataclass
from typing import Any

import psycopg
import uvicorn
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from agents.base.agent import Agent
from agents.base.app import create_agent_app
from agents.base.llm import CompletionRequest, CompletionResult, LLMProvider, ProviderError

#: Tables of the soak's side-effect database (not the hub's: the hub never sees them).
EFFECTS_SCHEMA = """
CREATE TABLE IF NOT EXISTS soak_side_effects (
    idempotency_key text PRIMARY KEY,
    run_id text NOT NULL,
    step_id text NOT NULL,
    item_index integer,
    agent_type text NOT NULL,
    attempt integer NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS soak_attempts (
    id bigserial PRIMARY KEY,
    idempotency_key text NOT NULL,
    run_id text NOT NULL,
    step_id text NOT NULL,
    item_index integer,
    agent_type text NOT NULL,
    attempt integer NOT NULL,
    pid integer NOT NULL,
    outcome text NOT NULL,
    at timestamptz NOT NULL DEFAULT now()
);
"""


@dataclass(frozen=True)
class CallIdentity:
    """What the invoke request says about the call (the provider does not see the request)."""

    idempotency_key: str
    run_id: str
    step_id: str
    item_index: int | None
    attempt: int


_current_call: contextvars.ContextVar[CallIdentity | None] = contextvars.ContextVar(
    "soak_current_call", default=None
)


def call_identity(body: dict[str, Any]) -> CallIdentity:
    """The identity of an invoke body; the item index is the key's third part (if any)."""
    key = str(body.get("idempotency_key", ""))
    parts = key.split("/")
    item = int(parts[2]) if len(parts) > 2 and parts[2].isdigit() else None
    return CallIdentity(
        idempotency_key=key,
        run_id=str(body.get("run_id", "")),
        step_id=str(body.get("step_id", "")),
        item_index=item,
        attempt=int(body.get("attempt", 1)),
    )


class InvokeIdentityMiddleware:
    """Reads the ``/invoke`` body once and keeps its identity in a context variable.

    Pure ASGI (not ``BaseHTTPMiddleware``) so the variable is set in the context the
    endpoint runs in; the body is replayed unchanged to the app.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not str(scope.get("path", "")).endswith("/invoke"):
            await self.app(scope, receive, send)
            return
        messages: list[Message] = []
        body = b""
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            body += message.get("body", b"")
            if not message.get("more_body", False):
                break
        try:
            parsed = json.loads(body or b"{}")
        except ValueError:
            parsed = {}
        token = _current_call.set(call_identity(parsed if isinstance(parsed, dict) else {}))

        async def replay() -> Message:
            if messages:
                return messages.pop(0)
            return await receive()

        try:
            await self.app(scope, replay, send)
        finally:
            _current_call.reset(token)


class SideEffectLedger:
    """The soak's side-effect database: one connection, writes serialised (low volume)."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self._conn: psycopg.AsyncConnection[Any] | None = None
        self._lock = asyncio.Lock()

    async def _connection(self) -> psycopg.AsyncConnection[Any]:
        if self._conn is None or self._conn.closed:
            self._conn = await psycopg.AsyncConnection.connect(self.dsn, autocommit=True)
        return self._conn

    async def apply(self, call: CallIdentity, agent_type: str) -> bool:
        """Apply the call's effect once per idempotency key; True when this call applied it."""
        async with self._lock:
            conn = await self._connection()
            cursor = await conn.execute(
                "INSERT INTO soak_side_effects "
                "(idempotency_key, run_id, step_id, item_index, agent_type, attempt) "
                "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (idempotency_key) DO NOTHING",
                (
                    call.idempotency_key,
                    call.run_id,
                    call.step_id,
                    call.item_index,
                    agent_type,
                    call.attempt,
                ),
            )
            return cursor.rowcount == 1

    async def log_attempt(self, call: CallIdentity, agent_type: str, outcome: str) -> None:
        async with self._lock:
            conn = await self._connection()
            await conn.execute(
                "INSERT INTO soak_attempts (idempotency_key, run_id, step_id, item_index, "
                "agent_type, attempt, pid, outcome) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                (
                    call.idempotency_key,
                    call.run_id,
                    call.step_id,
                    call.item_index,
                    agent_type,
                    call.attempt,
                    os.getpid(),
                    outcome,
                ),
            )


def soak_answer(key: str) -> dict[str, Any]:
    """A deterministic answer for a call: 2–4 list items (for ``foreach``), a score, a note."""
    digest = hashlib.sha256(key.encode()).digest()
    return {
        "items": [int(b) for b in digest[: 2 + digest[0] % 3]],
        "score": digest[1] / 255,
        "note": f"done {key}",
    }


class SoakProvider:
    """An :class:`LLMProvider` that fails retryably at random and applies side effects."""

    name = "soak"

    def __init__(
        self,
        agent_type: str,
        ledger: SideEffectLedger,
        failure_rate: float,
        delay_ms: tuple[float, float],
        rng: random.Random,
    ) -> None:
        self.agent_type = agent_type
        self.ledger = ledger
        self.failure_rate = failure_rate
        self.delay_ms = delay_ms
        self.rng = rng

    async def complete(self, request: CompletionRequest) -> CompletionResult:
        """Fail, or apply the effect (deduped) and answer; see the module docstring."""
        call = _current_call.get()
        if call is None or not call.idempotency_key:
            raise ProviderError("no idempotency key on this call", retryable=False)
        await asyncio.sleep(self.rng.uniform(*self.delay_ms) / 1000)
        if self.rng.random() < self.failure_rate / 2:
            await self.ledger.log_attempt(call, self.agent_type, "failed_before_effect")
            raise ProviderError("soak: injected failure before the effect", retryable=True)
        applied = await self.ledger.apply(call, self.agent_type)
        outcome = "applied" if applied else "deduplicated"
        if self.rng.random() < self.failure_rate / 2:
            await self.ledger.log_attempt(call, self.agent_type, f"{outcome}_then_failed")
            raise ProviderError("soak: injected failure after the effect", retryable=True)
        await self.ledger.log_attempt(call, self.agent_type, outcome)
        data = soak_answer(call.idempotency_key)
        text = json.dumps(data)
        return CompletionResult(
            text=text,
            data=data,
            input_tokens=len(request.system) // 4 + 10,
            output_tokens=len(text) // 4,
            model=request.model,
            provider="local",
        )


class SoakAgent(Agent):
    """A custom agent type: any object in, the provider's answer out."""

    version = "1.0.0"

    def __init__(self, agent_type: str) -> None:
        super().__init__()
        self.type = agent_type


def create_soak_app(
    agent_type: str, dsn: str, failure_rate: float, delay_ms: tuple[float, float], seed: int
) -> ASGIApp:
    """The agent service app: the product's agent app behind the identity middleware."""
    provider = SoakProvider(
        agent_type,
        SideEffectLedger(dsn),
        failure_rate,
        delay_ms,
        random.Random(f"{seed}/{agent_type}/{os.getpid()}"),
    )

    def provider_factory(_name: str) -> LLMProvider:
        return provider

    return InvokeIdentityMiddleware(create_agent_app(SoakAgent(agent_type), provider_factory))


def ensure_schema(dsn: str) -> None:
    """Create the side-effect tables (idempotent)."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(EFFECTS_SCHEMA)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--type", required=True, help="agent type served")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--effects-dsn", required=True, help="PostgreSQL DSN of the ledger")
    parser.add_argument("--failure-rate", type=float, default=0.2)
    parser.add_argument("--min-delay-ms", type=float, default=10.0)
    parser.add_argument("--max-delay-ms", type=float, default=150.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    app = create_soak_app(
        args.type,
        args.effects_dsn,
        args.failure_rate,
        (args.min_delay_ms, args.max_delay_ms),
        args.seed,
    )
    uvicorn.run(
        app, host=args.host, port=args.port, log_level="warning", access_log=False, lifespan="off"
    )


if __name__ == "__main__":
    main()
