"""The embedded admin key, the auth-mode guard, the agent URL allowlist and log scrubbing."""

from __future__ import annotations

import logging
import stat
from pathlib import Path

import pytest

from hub.api_keys import (
    AuthModeRefused,
    check_auth_mode,
    ensure_admin_key,
    is_loopback,
    read_api_key,
)
from hub.log_scrubbing import REDACTED, SecretScrubber, install_secret_scrubbing
from hub.settings import Settings, url_allowed
from storage.database import create_db_engine, create_session_factory
from storage.migrations import upgrade
from storage.security import ServiceAccountRepository


def _settings(home: Path, **values: object) -> Settings:
    return Settings(home=home, database_url=f"sqlite:///{home / 'hub.db'}", **values)  # type: ignore[arg-type]


def test_first_start_creates_an_admin_key_readable_only_by_the_user(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    upgrade(settings.resolved_database_url)
    key = ensure_admin_key(settings)
    assert key is not None and key.startswith("hubk_")
    mode = stat.S_IMODE(settings.admin_key_file.stat().st_mode)
    assert mode == 0o600
    assert read_api_key(settings) == key
    # Second start: nothing new, nothing printed.
    assert ensure_admin_key(settings) is None
    engine = create_db_engine(settings.resolved_database_url)
    with create_session_factory(engine)() as session:
        account = ServiceAccountRepository(session).by_key(key)
        assert account is not None and account.role == "admin" and account.teams == ["*"]
    engine.dispose()
    assert key.encode() not in (tmp_path / "hub.db").read_bytes()


def test_hub_api_key_overrides_the_key_file(tmp_path: Path) -> None:
    assert read_api_key(_settings(tmp_path, api_key="hubk_from_env_0000000000")) == (
        "hubk_from_env_0000000000"
    )


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("::1", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("10.0.0.5", False),
    ],
)
def test_loopback_detection(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_disabled_auth_only_on_loopback_and_loudly(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = _settings(tmp_path, auth_mode="disabled")
    with pytest.raises(AuthModeRefused, match="loopback"):
        check_auth_mode(settings, "0.0.0.0")
    with caplog.at_level(logging.WARNING):
        check_auth_mode(settings, "127.0.0.1")
    assert "AUTHENTICATION IS DISABLED" in caplog.text
    check_auth_mode(_settings(tmp_path), "0.0.0.0")  # enabled: any address


def test_production_refuses_default_or_short_secrets(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="HUB_SECRET_KEY"):
        _settings(tmp_path, env="production")
    with pytest.raises(ValueError, match="HUB_SECRET_KEY"):
        _settings(tmp_path, env="production", secret_key="short")
    assert _settings(tmp_path, env="production", secret_key="x" * 40).secret_key == "x" * 40


def test_wildcard_cors_setting_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="CORS"):
        _settings(tmp_path, cors_origins=["*"])


def test_agent_urls_must_be_in_the_allowlist(tmp_path: Path) -> None:
    allow = ["http://agents.internal:8080", "http://127.0.0.1:9000/agents"]
    assert url_allowed("http://agents.internal:8080/extractor", allow)
    assert url_allowed("http://127.0.0.1:9000/agents/mapper", allow)
    assert not url_allowed("http://agents.internal:8080.evil.test/x", allow)
    assert not url_allowed("http://169.254.169.254/latest/meta-data", allow)
    assert not url_allowed("https://agents.internal:8080/extractor", allow)  # other scheme
    assert not url_allowed("http://127.0.0.1:9000/admin", allow)
    with pytest.raises(ValueError, match="ALLOWLIST"):
        _settings(
            tmp_path,
            agent_url_allowlist=allow,
            agent_urls={"extractor": "http://169.254.169.254/"},
            agent_url_template="http://agents.internal:8080/{type}",
        )
    settings = _settings(
        tmp_path, agent_url_allowlist=allow, agent_url_template="http://agents.internal:8080/{type}"
    )
    assert settings.agent_url("mapper") == "http://agents.internal:8080/mapper"


PLANTED = "sk-planted-provider-key-0123456789abcdef"


def test_scrubber_removes_env_secrets_tokens_and_keys() -> None:
    scrubber = SecretScrubber.from_environment(
        {
            "OPENAI_API_KEY": PLANTED,
            "HOME": "/home/someone",
            "AWS_SECRET_ACCESS_KEY": "abcd1234efgh",
        }
    )
    text = (
        f"calling with {PLANTED} and Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.sig"
        " key hubk_AbCdEfGhIjKlMnOpQrStUv and secret abcd1234efgh at /home/someone"
    )
    clean = scrubber.scrub(text)
    assert PLANTED not in clean and "abcd1234efgh" not in clean
    assert "eyJhbGciOiJIUzI1NiJ9" not in clean and "hubk_AbCd" not in clean
    assert "/home/someone" in clean and REDACTED in clean


def test_installed_scrubbing_covers_every_logger_and_tracebacks(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", PLANTED)
    install_secret_scrubbing()
    logger = logging.getLogger("tests.scrub.child")
    handler = logging.StreamHandler()
    logger.addHandler(handler)
    try:
        logger.error("provider said %s", PLANTED)
        try:
            raise RuntimeError(f"bad key {PLANTED}")
        except RuntimeError:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)
    err = capsys.readouterr().err
    assert "provider said" in err and "bad key" in err
    assert PLANTED not in err
