"""The AES-256-GCM payload codec: on a real run, with key rotation and bad keys."""

from __future__ import annotations

import base64
import stat
from pathlib import Path

import pytest
from temporalio.api.common.v1 import Payload
from temporalio.api.enums.v1 import EventType
from temporalio.testing import WorkflowEnvironment

from api.observability.history_payloads import decode_history_payloads
from tests.engine_support.agent_service import AgentService, Behaviour
from tests.engine_support.harness import history_text, running_engine
from tests.engine_support.plans import agent, plan, step, trigger, unique_agent_type
from workers.payload_codec import (
    ENCRYPTED_ENCODING,
    KEY_ID_METADATA,
    AesGcmPayloadCodec,
    PayloadKeyError,
    ensure_key_file,
    load_codec,
    new_key_line,
    parse_keys,
)
from workers.temporal_client import TemporalConnection, connect

SECRET_BORROWER = "Zanzibar Widget Holdings"
SECRET_FIGURE = "7431987"


def _ring(*lines: str) -> AesGcmPayloadCodec:
    return AesGcmPayloadCodec(parse_keys(lines, "test"))


def _clear(text: str) -> Payload:
    return Payload(metadata={"encoding": b"json/plain"}, data=f'"{text}"'.encode())


async def test_round_trip_names_the_key_and_hides_the_data() -> None:
    codec = _ring(new_key_line("k2"))
    (sealed,) = await codec.encode([_clear(SECRET_BORROWER)])
    assert sealed.metadata["encoding"] == ENCRYPTED_ENCODING
    assert sealed.metadata[KEY_ID_METADATA] == b"k2"
    assert SECRET_BORROWER.encode() not in sealed.SerializeToString()
    (opened,) = await codec.decode([sealed])
    assert opened == _clear(SECRET_BORROWER)


async def test_rotation_new_key_encrypts_old_key_still_decrypts() -> None:
    old_line, new_line = new_key_line("2026-01"), new_key_line("2026-06")
    (old_sealed,) = await _ring(old_line).encode([_clear("old run")])
    rotated = _ring(new_line, old_line)
    (new_sealed,) = await rotated.encode([_clear("new run")])
    assert new_sealed.metadata[KEY_ID_METADATA] == b"2026-06"
    assert [p.data for p in await rotated.decode([old_sealed, new_sealed])] == [
        b'"old run"',
        b'"new run"',
    ]


async def test_clear_payloads_of_older_histories_pass_through() -> None:
    assert await _ring(new_key_line()).decode([_clear("before encryption")]) == [
        _clear("before encryption")
    ]


async def test_a_dropped_key_is_named() -> None:
    (sealed,) = await _ring(new_key_line("gone")).encode([_clear("x")])
    with pytest.raises(PayloadKeyError, match="'gone'.*HUB_PAYLOAD_KEYS"):
        await _ring(new_key_line("other")).decode([sealed])


async def test_a_changed_key_value_or_tampering_is_refused() -> None:
    line = new_key_line("k1")
    (sealed,) = await _ring(line).encode([_clear("x")])
    with pytest.raises(PayloadKeyError, match="does not open"):
        await _ring(new_key_line("k1")).decode([sealed])
    tampered = Payload()
    tampered.CopyFrom(sealed)
    tampered.data = sealed.data[:-1] + bytes([sealed.data[-1] ^ 1])
    with pytest.raises(PayloadKeyError, match="tampered"):
        await _ring(line).decode([tampered])


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("no-equals-sign", "expected '<key id>="),
        ("k1=not base64!", "not base64"),
        (f"k1={base64.b64encode(b'short').decode()}", "has 5 bytes; AES-256 needs 32"),
        ("bad id=" + base64.b64encode(bytes(32)).decode(), "id of letters"),
    ],
)
def test_malformed_keys_are_refused_with_the_entry(entry: str, message: str) -> None:
    with pytest.raises(PayloadKeyError, match=message) as failure:
        load_codec(entry, None)
    assert "HUB_PAYLOAD_KEYS, entry 1" in str(failure.value)


def test_a_key_file_is_created_once_with_mode_0600(tmp_path: Path) -> None:
    path = tmp_path / "home" / "payload.keys"
    assert ensure_key_file(path)
    first = path.read_text()
    assert not ensure_key_file(path)
    assert path.read_text() == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    codec = load_codec(None, path)
    assert codec is not None and len(codec.key_ids) == 1


def test_environment_keys_win_over_the_file(tmp_path: Path) -> None:
    path = tmp_path / "payload.keys"
    ensure_key_file(path)
    codec = load_codec(new_key_line("from-env"), path)
    assert codec is not None and codec.key_ids == ["from-env"]
    assert load_codec(None, None) is None


async def test_a_run_with_the_codec_leaves_no_clear_payload_in_history(
    temporal_env: WorkflowEnvironment, agent_service: AgentService, tmp_path: Path
) -> None:
    codec = _ring(new_key_line("run-key"))
    address = temporal_env.client.service_client.config.target_host
    client = await connect(TemporalConnection(address=address, payload_codec=codec))
    kind = unique_agent_type("enc")
    agent_service.configure(kind, Behaviour())
    the_plan = plan(
        [agent("agent-e", kind)],
        [step("1", "agent-e", inputs=[trigger("borrower")], outputs=["memo"])],
        app_id="app-secret",
    )
    inputs = {"borrower": SECRET_BORROWER, "revenue": SECRET_FIGURE}
    async with running_engine(client, agent_service, tmp_path, [kind]) as engine:
        handle = await engine.start(the_plan, inputs)
        result = await handle.result()
    # The client decrypts what it reads back …
    assert result.outputs["1"] == {"memo": {"borrower": SECRET_BORROWER}}
    # … while the stored history holds only ciphertext (a reader without the key sees
    # neither the borrower nor the figure, even after base64-decoding every payload).
    stored = await temporal_env.client.get_workflow_handle(handle.id).fetch_history()
    text = await history_text(temporal_env.client.get_workflow_handle(handle.id))
    assert SECRET_BORROWER not in text and SECRET_FIGURE not in text
    started = stored.events[0].workflow_execution_started_event_attributes
    assert started.input.payloads[0].metadata["encoding"] == ENCRYPTED_ENCODING
    # The API's trace reader opens them with the same codec.
    await decode_history_payloads(stored.events, codec)
    scheduled = [
        e
        for e in stored.events
        if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
        and e.activity_task_scheduled_event_attributes.activity_type.name == "invoke_agent"
    ]
    request = scheduled[0].activity_task_scheduled_event_attributes.input.payloads[0]
    assert SECRET_BORROWER.encode() in request.data
