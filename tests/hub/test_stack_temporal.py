"""What ``hub up`` hands its parts about Temporal: the payload key, the Web UI's codec
endpoint, and no TLS settings meant for a cluster (the embedded server is plaintext)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.settings import Settings
from hub.stack import TEMPORAL_TLS_SETTINGS, EmbeddedStack, StackPorts


def stack(tmp_path: Path, *, with_ui: bool = True) -> EmbeddedStack:
    settings = Settings(_env_file=None, home=tmp_path / "home")  # type: ignore[call-arg]
    return EmbeddedStack(
        settings=settings,
        ports=StackPorts(api=48001, temporal=47234, ui=48234, agents=48081),
        with_ui=with_ui,
    )


def test_the_web_ui_decodes_through_the_apis_codec_server(tmp_path: Path) -> None:
    argv = stack(tmp_path).build_parts()[0].argv
    assert argv[argv.index("--ui-codec-endpoint") + 1] == "http://127.0.0.1:48001/codec"
    assert "--ui-codec-endpoint" not in stack(tmp_path, with_ui=False).build_parts()[0].argv


def test_every_part_gets_the_payload_key_file_and_no_cluster_tls(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HUB_PAYLOAD_KEYS", raising=False)
    the_stack = stack(tmp_path)
    # Meant for a cluster, set in the shell that runs ``hub up``.
    for name in TEMPORAL_TLS_SETTINGS:
        monkeypatch.setenv(name, "true" if name == "HUB_TEMPORAL_TLS" else "/somewhere/else")
    env = the_stack.child_env()
    assert env["HUB_PAYLOAD_KEYS_FILE"] == str((tmp_path / "home" / "payload.keys").resolve())
    assert not set(TEMPORAL_TLS_SETTINGS) & set(env)
    # The UI's origin is what the API lets call its codec server.
    child = Settings(_env_file=None, **{"temporal_ui_url": env["HUB_TEMPORAL_UI_URL"]})  # type: ignore[arg-type]
    assert child.resolved_codec_cors_origins == ["http://127.0.0.1:48234"]
