"""TLS, mutual TLS and API keys to Temporal, through the one client factory.

The dev server sits behind a TLS terminator the test starts (its own CA, server and
client certificates): a run completes through it, and each wrong setting fails at
connect, at once, with a message naming the setting — no hang, no retry loop.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from hub.settings import Settings
from tests.engine_support.agent_service import AgentService, Behaviour
from tests.engine_support.harness import running_engine
from tests.engine_support.plans import agent, plan, step, trigger, unique_agent_type
from tests.engine_support.tls_proxy import Pki, TlsTerminator, make_pki
from workers.temporal_client import (
    TemporalConnection,
    TemporalConnectionError,
    connect,
    explain_connect_failure,
)

#: "At start, within seconds": every bad case must be reported well inside this.
FAIL_FAST_LIMIT_SECONDS = 8.0


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


def _dev_server_address(env: WorkflowEnvironment) -> str:
    return env.client.service_client.config.target_host


@pytest.fixture(scope="module")
def mtls_front(temporal_env: WorkflowEnvironment, pki: Pki) -> Iterator[TlsTerminator]:
    """The dev server behind TLS that requires a client certificate (mutual TLS)."""
    proxy = TlsTerminator(pki, _dev_server_address(temporal_env), require_client_cert=True)
    proxy.start()
    yield proxy
    proxy.stop()


@pytest.fixture(scope="module")
def tls_front(temporal_env: WorkflowEnvironment, pki: Pki) -> Iterator[TlsTerminator]:
    """The dev server behind server-only TLS (what Temporal Cloud's API-key endpoint is)."""
    proxy = TlsTerminator(pki, _dev_server_address(temporal_env), require_client_cert=False)
    proxy.start()
    yield proxy
    proxy.stop()


def _settings(**env: str) -> Settings:
    """Settings read from ``HUB_*`` variables exactly as a process reads them."""
    saved = dict(os.environ)
    try:
        os.environ.update(env)
        return Settings(_env_file=None)  # type: ignore[call-arg]
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _mtls_env(front: TlsTerminator, pki: Pki) -> dict[str, str]:
    return {
        "HUB_TEMPORAL_ADDRESS": front.address,
        "HUB_TEMPORAL_TLS": "true",
        "HUB_TEMPORAL_TLS_CA": str(pki.ca),
        "HUB_TEMPORAL_TLS_CERT": str(pki.client_cert),
        "HUB_TEMPORAL_TLS_KEY": str(pki.client_key),
    }


async def _connect_fails(connection: TemporalConnection) -> str:
    started = time.monotonic()
    with pytest.raises(TemporalConnectionError) as failure:
        await connect(connection)
    assert time.monotonic() - started < FAIL_FAST_LIMIT_SECONDS
    return str(failure.value)


async def test_run_completes_over_mutual_tls(
    mtls_front: TlsTerminator, pki: Pki, agent_service: AgentService, tmp_path: Path
) -> None:
    settings = _settings(**_mtls_env(mtls_front, pki))
    client = await connect(settings.temporal_connection())
    assert client.service_client.config.tls
    kind = unique_agent_type("tls")
    agent_service.configure(kind, Behaviour())
    the_plan = plan(
        [agent("agent-t", kind)], [step("1", "agent-t", inputs=[trigger("x")], outputs=["y"])]
    )
    async with running_engine(client, agent_service, tmp_path, [kind]) as engine:
        result = await (await engine.start(the_plan, {"x": 7})).result()
    assert result.outputs["1"] == {"y": {"x": 7}}
    assert agent_service.calls_of(kind)


async def test_wrong_ca_fails_at_once_naming_the_ca_setting(
    mtls_front: TlsTerminator, pki: Pki
) -> None:
    env = _mtls_env(mtls_front, pki) | {"HUB_TEMPORAL_TLS_CA": str(pki.other_ca)}
    message = await _connect_fails(_settings(**env).temporal_connection())
    assert "HUB_TEMPORAL_TLS_CA" in message
    assert "not signed by a trusted CA" in message


async def test_missing_client_certificate_fails_at_once_naming_the_cert_setting(
    mtls_front: TlsTerminator, pki: Pki
) -> None:
    env = _mtls_env(mtls_front, pki)
    del env["HUB_TEMPORAL_TLS_CERT"], env["HUB_TEMPORAL_TLS_KEY"]
    message = await _connect_fails(_settings(**env).temporal_connection())
    assert "HUB_TEMPORAL_TLS_CERT" in message and "HUB_TEMPORAL_TLS_KEY" in message
    assert "client certificate" in message


async def test_wrong_server_name_fails_at_once_naming_the_server_name_setting(
    mtls_front: TlsTerminator, pki: Pki
) -> None:
    env = _mtls_env(mtls_front, pki) | {"HUB_TEMPORAL_TLS_SERVER_NAME": "temporal.example.com"}
    message = await _connect_fails(_settings(**env).temporal_connection())
    assert "HUB_TEMPORAL_TLS_SERVER_NAME" in message
    assert "temporal.example.com" in message


async def test_right_server_name_overrides_the_address_host(
    mtls_front: TlsTerminator, pki: Pki
) -> None:
    # The certificate names localhost; the address is 127.0.0.1 (also in the cert) —
    # verify against "localhost" explicitly.
    env = _mtls_env(mtls_front, pki) | {"HUB_TEMPORAL_TLS_SERVER_NAME": "localhost"}
    client = await connect(_settings(**env).temporal_connection())
    assert (await client.count_workflows()).count >= 0


async def test_plaintext_client_against_tls_fails_naming_the_tls_setting(
    tls_front: TlsTerminator,
) -> None:
    message = await _connect_fails(
        _settings(HUB_TEMPORAL_ADDRESS=tls_front.address).temporal_connection()
    )
    assert "HUB_TEMPORAL_TLS" in message


async def test_api_key_implies_tls_and_is_sent(tls_front: TlsTerminator, pki: Pki) -> None:
    settings = _settings(
        HUB_TEMPORAL_ADDRESS=tls_front.address,
        HUB_TEMPORAL_API_KEY="cloud-key-123",
        HUB_TEMPORAL_TLS_CA=str(pki.ca),
    )
    connection = settings.temporal_connection()
    assert connection.uses_tls
    assert "cloud-key-123" not in repr(settings) and "cloud-key-123" not in repr(connection)
    client = await connect(connection)
    assert client.service_client.config.api_key == "cloud-key-123"
    assert client.service_client.config.tls
    assert (await client.count_workflows()).count >= 0


async def test_api_key_with_tls_off_is_refused(tls_front: TlsTerminator) -> None:
    settings = _settings(
        HUB_TEMPORAL_ADDRESS=tls_front.address,
        HUB_TEMPORAL_API_KEY="cloud-key-123",
        HUB_TEMPORAL_TLS="false",
    )
    message = await _connect_fails(settings.temporal_connection())
    assert "HUB_TEMPORAL_API_KEY" in message and "HUB_TEMPORAL_TLS" in message
    assert "cloud-key-123" not in message


async def test_api_key_with_the_wrong_ca_fails_naming_the_ca(
    tls_front: TlsTerminator, pki: Pki
) -> None:
    settings = _settings(
        HUB_TEMPORAL_ADDRESS=tls_front.address,
        HUB_TEMPORAL_API_KEY="cloud-key-123",
        HUB_TEMPORAL_TLS_CA=str(pki.other_ca),
    )
    assert "HUB_TEMPORAL_TLS_CA" in await _connect_fails(settings.temporal_connection())


async def test_unreadable_certificate_file_is_named(mtls_front: TlsTerminator, pki: Pki) -> None:
    env = _mtls_env(mtls_front, pki) | {"HUB_TEMPORAL_TLS_KEY": "/nonexistent/client.key"}
    message = await _connect_fails(_settings(**env).temporal_connection())
    assert "HUB_TEMPORAL_TLS_KEY" in message and "/nonexistent/client.key" in message


async def test_certificate_without_key_is_refused(mtls_front: TlsTerminator, pki: Pki) -> None:
    env = _mtls_env(mtls_front, pki)
    del env["HUB_TEMPORAL_TLS_KEY"]
    message = await _connect_fails(_settings(**env).temporal_connection())
    assert "HUB_TEMPORAL_TLS_CERT" in message and "HUB_TEMPORAL_TLS_KEY" in message


def test_worker_process_exits_at_start_naming_the_setting(
    mtls_front: TlsTerminator, pki: Pki, tmp_path: Path
) -> None:
    """``hub worker orchestrator`` with a wrong CA exits 1 within seconds, no traceback."""
    env = dict(os.environ) | _mtls_env(mtls_front, pki)
    env |= {"HUB_TEMPORAL_TLS_CA": str(pki.other_ca), "HUB_HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "hub.cli", "worker", "orchestrator"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "HUB_TEMPORAL_TLS_CA" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_refused_api_key_is_named() -> None:
    """What the SDK reports when Temporal Cloud refuses a key (no Cloud in tests: the
    failure text is classified by the same function every connect uses)."""
    connection = TemporalConnection(address="ns.a1b2c.tmprl.cloud:7233", api_key="expired")
    refused = RuntimeError(
        "Failed client connect: `get_system_info` call error after connection: "
        'Status { code: Unauthenticated, message: "Request unauthorized." }'
    )
    message = explain_connect_failure(connection, refused)
    assert "HUB_TEMPORAL_API_KEY" in message and "expired" not in message


def test_empty_settings_mean_unset() -> None:
    """Compose passes ``${HUB_TEMPORAL_TLS_CA:-}`` through as an empty string."""
    settings = _settings(
        HUB_TEMPORAL_TLS="", HUB_TEMPORAL_TLS_CA="", HUB_TEMPORAL_API_KEY="", HUB_PAYLOAD_KEYS=""
    )
    connection = settings.temporal_connection()
    assert not connection.uses_tls and connection.tls_config() is False
