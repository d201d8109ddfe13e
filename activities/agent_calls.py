"""The ``invoke_agent`` activity: one HTTP call of an agent service, classified for Temporal.

Temporal owns retries: the HTTP client never retries, and every failure is raised
as an ``ApplicationError`` that is retryable (timeouts, connection errors, 408,
429, 5xx — honouring ``Retry-After``) or not (other 4xx, unreadable answers).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import email.utils
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any, NoReturn

import aiohttp
from opentelemetry import propagate
from pydantic import ValidationError
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.claim_check import externalize_large_outputs, hydrate
from activities.step_results import StepResultRecorder, attempt_record
from schemas.agent_calls import (
    AGENT_BAD_RESPONSE,
    AGENT_CONFIG_MISSING,
    AGENT_REJECTED_REQUEST,
    AGENT_RETRYABLE_STATUS,
    AGENT_TIMEOUT,
    AGENT_UNAVAILABLE,
    ARTIFACT_NOT_FOUND,
    INVOKE_AGENT_ACTIVITY,
    InvokeAgentInput,
    InvokeAgentResult,
)
from schemas.invoke import InvokeRequest, InvokeResponse
from storage.artifacts import ArtifactNotFound, ArtifactStore
from storage.observability import StepAttempt

RETRYABLE_STATUSES = frozenset({408, 429})
#: Connecting is quick or the service is down; the read may last the whole step.
CONNECT_TIMEOUT_SECONDS = 10.0
#: Without a heartbeat timeout (local activities) progress is still reported this often.
FALLBACK_HEARTBEAT_INTERVAL_SECONDS = 10.0
#: Agents' error bodies are echoed into history: keep them short.
MAX_DETAIL_CHARS = 1000


@dataclass(frozen=True)
class AgentResponse:
    """An agent service's answer, read whole (agents answer with one JSON document)."""

    status_code: int
    headers: Mapping[str, str]
    content: bytes
    reason_phrase: str = ""

    def json(self) -> Any:
        return json.loads(self.content)

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")


class AgentTimeout(Exception):
    """The agent did not accept the connection in time."""


class AgentUnreachable(Exception):
    """The connection to the agent failed or broke before a whole answer arrived."""


class AgentHttpClient:
    """The workers' one HTTP client for agents: keep-alive connections, no retries of its
    own (Temporal retries), no redirects, a connect timeout and no read timeout (the
    step's start-to-close timeout bounds the call).

    aiohttp rather than httpx: on this path httpx spent ~0.65 ms of CPU per call against
    aiohttp's ~0.19 ms (bench, same no-op agent), and every step of every run makes one.
    """

    def __init__(self, connect_timeout: float = CONNECT_TIMEOUT_SECONDS) -> None:
        self._timeout = aiohttp.ClientTimeout(total=None, sock_connect=connect_timeout)
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> AgentHttpClient:
        self._session = aiohttp.ClientSession(timeout=self._timeout)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def post(self, url: str, content: str, headers: Mapping[str, str]) -> AgentResponse:
        """POST ``content``: the whole answer, or AgentTimeout / AgentUnreachable."""
        if self._session is None:
            raise RuntimeError("use the agent HTTP client inside `async with`")
        try:
            async with self._session.post(
                url, data=content.encode(), headers=dict(headers), allow_redirects=False
            ) as response:
                body = await response.read()
                return AgentResponse(response.status, response.headers, body, response.reason or "")
        except (aiohttp.ServerTimeoutError, aiohttp.ConnectionTimeoutError, TimeoutError) as err:
            raise AgentTimeout(repr(err)) from err
        except aiohttp.ClientError as err:
            raise AgentUnreachable(repr(err)) from err


def build_agent_http_client() -> AgentHttpClient:
    """The workers' one HTTP client for agents (use it with ``async with``)."""
    return AgentHttpClient()


def idempotency_key(workflow_id: str, step_id: str, item_index: int | None) -> str:
    """``{workflow_id}/{step_id}[/{item}]``: the same for every attempt of one call."""
    base = f"{workflow_id}/{step_id}"
    return base if item_index is None else f"{base}/{item_index}"


def retry_after(response: AgentResponse) -> timedelta | None:
    """The ``Retry-After`` header (seconds or an HTTP date) as a delay, if any."""
    value = response.headers.get("retry-after")
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return timedelta(seconds=int(value))
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(timedelta(), when - datetime.now(UTC))


class _Heartbeat:
    """Calls ``activity.heartbeat()`` every ``interval`` seconds until stopped.

    The timer callbacks run in a copy of the activity's context, where
    ``activity.heartbeat`` finds its activity.
    """

    def __init__(self, interval: float) -> None:
        self._interval = interval
        self._loop = asyncio.get_running_loop()
        self._context = contextvars.copy_context()
        self._timer = self._loop.call_later(interval, self._beat, context=self._context)

    def _beat(self) -> None:
        activity.heartbeat()
        self._timer = self._loop.call_later(self._interval, self._beat, context=self._context)

    def stop(self) -> None:
        self._timer.cancel()


def _detail(response: AgentResponse) -> str:
    """The agent's own message: FastAPI's ``detail`` when present, else the body text."""
    try:
        body: Any = response.json()
    except ValueError:
        body = None
    detail = body.get("detail") if isinstance(body, dict) else None
    if detail is None:
        detail = response.text or response.reason_phrase
    text = detail if isinstance(detail, str) else str(detail)
    return text[:MAX_DETAIL_CHARS]


class AgentActivities:
    """Calls agent services; dependencies come from the worker that builds it."""

    def __init__(
        self,
        http_client: AgentHttpClient,
        agent_url: Callable[[str], str],
        artifact_store: ArtifactStore,
        inline_max_bytes: int,
        step_results: StepResultRecorder | None = None,
    ) -> None:
        self._http = http_client
        self._agent_url = agent_url
        self._artifacts = artifact_store
        self._inline_max_bytes = inline_max_bytes
        self._step_results = step_results

    @activity.defn(name=INVOKE_AGENT_ACTIVITY)
    async def invoke_agent(self, req: InvokeAgentInput) -> InvokeAgentResult:
        """POST the step's request to ``{agent_url(type)}/invoke`` and return its answer.

        With a step-result recorder, the attempt's outcome is written before Temporal
        hears of it (see :mod:`activities.step_results`).
        """
        if self._step_results is None:
            try:
                return await self._invoke(req)
            except Exception as err:
                _log_failed_attempt(req, err)
                raise
        info = activity.info()
        started = datetime.now(UTC)
        prompt_versions = dict(req.config.prompt_versions) if req.config else {}

        def record(
            status: str, result: InvokeAgentResult | None, error: BaseException | None
        ) -> StepAttempt:
            return attempt_record(
                run_id=info.workflow_id or info.activity_id,
                app_id=req.app_id,
                app_version=req.app_version,
                step_id=req.step_id,
                item_index=req.item_index,
                activity_id=info.activity_id,
                agent_id=req.agent_id,
                agent_type=req.agent_type,
                task_queue=info.task_queue,
                attempt=info.attempt,
                status=status,
                started_at=started,
                ended_at=datetime.now(UTC),
                usage=result.usage if result else None,
                prompt_versions=prompt_versions,
                error_type=getattr(error, "type", None)
                or (type(error).__name__ if error else None),
                error=str(error)[:MAX_DETAIL_CHARS] if error else None,
            )

        try:
            result = await self._invoke(req)
        except asyncio.CancelledError as err:
            with contextlib.suppress(Exception):
                await asyncio.shield(self._step_results.record(record("canceled", None, err), []))
            raise
        except Exception as err:
            _log_failed_attempt(req, err)
            try:
                await self._step_results.record(record("failed", None, err), [])
            except Exception:  # the agent's error matters more than a lost bookkeeping row
                activity.logger.exception("could not record the failed attempt")
            raise
        result.usage = self._step_results.price(result.usage)
        try:
            await self._step_results.record(record("completed", result, None), result.violations)
        except Exception as err:
            # Fail the attempt (retryably) rather than lose its record; the agent's
            # idempotency cache answers the retry without a second model call.
            raise ApplicationError(
                f"could not record step '{req.step_id}' in the hub database: {err!r}",
                {"attempt": info.attempt, "status": None},
                type="StepResultNotRecorded",
            ) from err
        return result

    async def _invoke(self, req: InvokeAgentInput) -> InvokeAgentResult:
        info = activity.info()
        attempt = info.attempt
        workflow_id = info.workflow_id or info.activity_id
        if req.config is None:
            self._fail(
                f"agent '{req.agent_id}' of step '{req.step_id}' has no resolved config in the "
                "plan; deploy the app (POST /apps/{id}/deploy) so its release pins the configs",
                AGENT_CONFIG_MISSING,
                attempt,
                non_retryable=True,
            )
        try:
            inputs = await hydrate(req.inputs, self._artifacts)
        except ArtifactNotFound as err:
            self._fail(str(err), ARTIFACT_NOT_FOUND, attempt, non_retryable=True)
        body = InvokeRequest(
            run_id=workflow_id,
            step_id=req.step_id,
            attempt=attempt,
            idempotency_key=idempotency_key(workflow_id, req.step_id, req.item_index),
            agent_id=req.agent_id,
            agent_type=req.agent_type,
            config=req.config,
            inputs=inputs,
        )
        url = f"{self._agent_url(req.agent_type).rstrip('/')}/invoke"
        response = await self._post_with_heartbeats(url, body, attempt, info.is_local)
        answer = self._parse(response, req, attempt)
        name_hint = (
            f"{req.step_id}" if req.item_index is None else f"{req.step_id}-{req.item_index}"
        )
        outputs = await externalize_large_outputs(
            answer.outputs, self._artifacts, self._inline_max_bytes, name_hint=name_hint
        )
        return InvokeAgentResult(
            outputs=outputs,
            usage=answer.usage,
            violations=answer.violations,
            tools_used=answer.tools_used,
            attempt=attempt,
        )

    async def _post_with_heartbeats(
        self, url: str, body: InvokeRequest, attempt: int, is_local: bool
    ) -> AgentResponse:
        info = activity.info()
        interval = FALLBACK_HEARTBEAT_INTERVAL_SECONDS
        if info.heartbeat_timeout:
            interval = max(0.2, info.heartbeat_timeout.total_seconds() / 4)
        headers = {
            "content-type": "application/json",
            "idempotency-key": body.idempotency_key,
        }
        # W3C traceparent: the agent's spans join the run's trace.
        propagate.inject(headers)
        # Heartbeats keep a long agent call alive and are how a cancellation of the run
        # reaches this activity (local activities have none). A timer sends them, so a
        # quick call costs no task and no wait of its own.
        beat = None if is_local else _Heartbeat(interval)
        try:
            return await self._http.post(url, content=body.model_dump_json(), headers=headers)
        except AgentTimeout as err:
            self._fail(f"agent at {url} timed out: {err}", AGENT_TIMEOUT, attempt)
        except AgentUnreachable as err:
            self._fail(f"agent at {url} is unreachable: {err}", AGENT_UNAVAILABLE, attempt)
        finally:
            # On cancellation (run canceled, worker shutting down) the HTTP call is
            # abandoned, which closes the connection so the agent sees it too.
            if beat is not None:
                beat.stop()

    def _parse(
        self, response: AgentResponse, req: InvokeAgentInput, attempt: int
    ) -> InvokeResponse:
        status = response.status_code
        who = f"agent '{req.agent_type}' (step '{req.step_id}')"
        if status in RETRYABLE_STATUSES or status >= 500:
            self._fail(
                f"{who} answered {status}: {_detail(response)}",
                AGENT_RETRYABLE_STATUS,
                attempt,
                status=status,
                next_retry_delay=retry_after(response),
            )
        if status >= 400:
            self._fail(
                f"{who} rejected the request with {status}: {_detail(response)}",
                AGENT_REJECTED_REQUEST,
                attempt,
                status=status,
                non_retryable=True,
            )
        if status >= 300:
            self._fail(
                f"{who} answered {status} instead of a result; check the agent URL",
                AGENT_BAD_RESPONSE,
                attempt,
                status=status,
                non_retryable=True,
            )
        try:
            return InvokeResponse.model_validate_json(response.content)
        except ValidationError as err:
            self._fail(
                f"{who} answered {status} with a body that is not an invoke response: "
                f"{str(err)[:MAX_DETAIL_CHARS]}",
                AGENT_BAD_RESPONSE,
                attempt,
                status=status,
                non_retryable=True,
            )

    @staticmethod
    def _fail(
        message: str,
        error_type: str,
        attempt: int,
        *,
        status: int | None = None,
        non_retryable: bool = False,
        next_retry_delay: timedelta | None = None,
    ) -> NoReturn:
        raise ApplicationError(
            message,
            {"attempt": attempt, "status": status},
            type=error_type,
            non_retryable=non_retryable,
            next_retry_delay=next_retry_delay,
        )


def _log_failed_attempt(req: InvokeAgentInput, error: BaseException) -> None:
    """One JSON line per failed attempt, joinable to its run, step and app (docs/runbooks.md)."""
    activity.logger.warning(
        "step %s attempt %d failed: %s",
        req.step_id,
        activity.info().attempt,
        str(error)[:MAX_DETAIL_CHARS],
        extra={
            "app_id": req.app_id,
            "step_id": req.step_id,
            "agent_type": req.agent_type,
            "error_type": getattr(error, "type", None) or type(error).__name__,
        },
    )
