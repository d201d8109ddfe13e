"""invoke_agent against the real HTTP test agent, outside a workflow (ActivityEnvironment)."""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path

import pytest
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.agent_calls import AgentActivities, build_agent_http_client
from activities.plans import PlanActivities
from hub.telemetry import JsonFormatter
from schemas.agent_calls import InvokeAgentInput, LoadPlanInput
from storage.artifacts import LocalArtifactStore
from tests.engine_support.agent_service import AgentService, Behaviour
from tests.engine_support.plans import agent, unique_agent_type


def request(agent_type: str, inputs: dict) -> InvokeAgentInput:  # type: ignore[type-arg]
    return InvokeAgentInput(
        app_id="app-x",
        step_id=f"s-{agent_type}",  # idempotency keys must differ between tests
        agent_id="agent-1",
        agent_type=agent_type,
        config=agent("agent-1", agent_type).config,
        inputs=inputs,
    )


async def call(agents: AgentService, root: Path, req: InvokeAgentInput, inline_max: int = 65536):
    async with build_agent_http_client() as http:
        activities = AgentActivities(http, agents.url_for, LocalArtifactStore(root), inline_max)
        return await ActivityEnvironment().run(activities.invoke_agent, req)


@pytest.mark.parametrize(
    ("behaviour", "error_type", "non_retryable"),
    [
        (
            Behaviour(fail_times=1, fail_status=503, fail_retry_after="7"),
            "AgentRetryableStatus",
            False,
        ),
        (Behaviour(fail_times=1, fail_status=429), "AgentRetryableStatus", False),
        (Behaviour(fail_times=1, fail_status=408), "AgentRetryableStatus", False),
        (Behaviour(error_status=404, error_detail="no such thing"), "AgentRejectedRequest", True),
        (Behaviour(error_status=400, error_detail="bad field"), "AgentRejectedRequest", True),
    ],
)
async def test_http_failures_are_classified(
    behaviour: Behaviour,
    error_type: str,
    non_retryable: bool,
    agent_service: AgentService,
    tmp_path: Path,
) -> None:
    agent_type = unique_agent_type()
    agent_service.configure(agent_type, behaviour)
    with pytest.raises(ApplicationError) as caught:
        await call(agent_service, tmp_path, request(agent_type, {"x": 1}))
    assert caught.value.type == error_type
    assert caught.value.non_retryable is non_retryable
    if behaviour.error_detail:
        assert behaviour.error_detail in caught.value.message
    if behaviour.fail_retry_after:
        assert caught.value.next_retry_delay is not None
        assert caught.value.next_retry_delay.total_seconds() == 7


async def test_a_failed_attempt_logs_a_json_line_with_run_step_and_app(
    agent_service: AgentService, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    agent_type = unique_agent_type()
    agent_service.configure(agent_type, Behaviour(error_status=400, error_detail="bad field"))
    with caplog.at_level(logging.WARNING), pytest.raises(ApplicationError):
        await call(agent_service, tmp_path, request(agent_type, {"x": 1}))
    (line,) = [json.loads(JsonFormatter("worker").format(r)) for r in caplog.records]
    assert line["level"] == "WARNING" and "bad field" in line["message"]
    assert line["app_id"] == "app-x"
    assert line["step_id"] == f"s-{agent_type}"
    assert line["agent_type"] == agent_type
    assert line["error_type"] == "AgentRejectedRequest"
    assert line["run_id"] and line["attempt"] == 1


async def test_unreachable_agent_is_retryable(tmp_path: Path) -> None:
    unreachable = AgentService(base_url="http://127.0.0.1:9")
    with pytest.raises(ApplicationError) as caught:
        await call(unreachable, tmp_path, request("ghost", {}))
    assert caught.value.type == "AgentUnavailable"
    assert not caught.value.non_retryable


async def test_missing_artifact_is_not_retryable(
    agent_service: AgentService, tmp_path: Path
) -> None:
    agent_type = unique_agent_type()
    agent_service.configure(agent_type)
    with pytest.raises(ApplicationError) as caught:
        await call(
            agent_service, tmp_path, request(agent_type, {"doc": "artifact://art-" + "0" * 32})
        )
    assert caught.value.type == "ArtifactNotFound" and caught.value.non_retryable
    assert "POST /artifacts" in caught.value.message


async def test_large_outputs_become_references_and_rehydrate(
    agent_service: AgentService, tmp_path: Path
) -> None:
    agent_type = unique_agent_type()
    agent_service.configure(agent_type, Behaviour(output_bytes=5000))
    result = await call(agent_service, tmp_path, request(agent_type, {"small": 1}), inline_max=1000)
    assert result.outputs["small"] == 1
    reference = result.outputs["blob"]["$artifact"]
    echo = unique_agent_type()
    agent_service.configure(echo)
    again = await call(agent_service, tmp_path, request(echo, {"prior": {"$artifact": reference}}))
    assert again.outputs["prior"] == "x" * 5000


async def test_load_plan_without_release_names_the_fix() -> None:
    async def nothing(_app_id: str) -> None:
        return None

    with pytest.raises(ApplicationError) as caught:
        await ActivityEnvironment().run(
            PlanActivities(nothing).load_plan, LoadPlanInput(app_id="app-9")
        )
    assert caught.value.non_retryable
    assert (
        caught.value.message
        == "app app-9 has no deployed release; deploy it with POST /apps/app-9/deploy"
    )


async def serve_raw(answer: bytes) -> tuple[asyncio.Server, str]:
    """A TCP server that reads one request and writes ``answer`` (then closes)."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(answer)
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    return server, f"http://127.0.0.1:{port}"


@pytest.mark.parametrize(
    ("answer", "error_type", "non_retryable"),
    [
        # The connection breaks before a whole answer arrived: retried.
        (b'HTTP/1.1 200 OK\r\ncontent-length: 500\r\n\r\n{"outputs"', "AgentUnavailable", False),
        (b"", "AgentUnavailable", False),
        # A redirect is not followed: the agent URL is wrong.
        (
            b"HTTP/1.1 302 Found\r\nlocation: http://example.com/\r\ncontent-length: 0\r\n\r\n",
            "AgentBadResponse",
            True,
        ),
        # Not an invoke response.
        (
            b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 5\r\n\r\nhello",
            "AgentBadResponse",
            True,
        ),
        # Retry-After as an HTTP date.
        (
            b"HTTP/1.1 503 Service Unavailable\r\nretry-after: Wed, 21 Oct 2099 07:28:00 GMT\r\n"
            b"content-length: 0\r\n\r\n",
            "AgentRetryableStatus",
            False,
        ),
    ],
)
async def test_broken_and_odd_answers_are_classified(
    answer: bytes, error_type: str, non_retryable: bool, tmp_path: Path
) -> None:
    server, url = await serve_raw(answer)
    try:
        with pytest.raises(ApplicationError) as caught:
            await call(AgentService(base_url=url), tmp_path, request("raw", {}))
    finally:
        server.close()
        await server.wait_closed()
    assert caught.value.type == error_type
    assert caught.value.non_retryable is non_retryable
    if b"retry-after" in answer:
        assert caught.value.next_retry_delay is not None
        assert caught.value.next_retry_delay.total_seconds() > 86400


async def test_the_client_refuses_to_be_used_outside_its_block() -> None:
    client = build_agent_http_client()
    with pytest.raises(RuntimeError, match="async with"):
        await client.post("http://127.0.0.1:9/invoke", "{}", {})
