"""Keeps secrets out of every log line: provider keys, bearer tokens, API keys.

Installed once per process: agent services through
``agents.base.telemetry.setup_agent_logging`` (every ``agents/<type>/main.py``,
``hub agent serve``, the ``AGENT_TYPE`` entry), hub processes through
``hub.telemetry.setup_process``. It lives in the agent runtime because agents may
import nothing of the hub, while the hub may import agents.

It wraps ``logging.Handler.format`` rather than adding a filter, because filters
on the root logger do not see records propagated from child loggers, and only
the formatted text also covers tracebacks and whatever a JSON formatter adds.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Iterable, Mapping

REDACTED = "[REDACTED]"

#: Environment variables whose values are secrets (provider keys and the like).
SECRET_ENV_NAME = re.compile(
    r"(KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|PRIVATE)", re.IGNORECASE
)
#: Shorter values are too likely to occur in ordinary text to be scrubbed verbatim.
MIN_SECRET_LENGTH = 8

#: Shapes of secrets that may show up without coming from our environment.
SECRET_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(r"(?i)\bBearer\s+[A-Za-z0-9._~+/=-]{8,}"),
    re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*"),  # JWTs
    re.compile(r"\bhubk_[A-Za-z0-9_-]{16,}"),  # our API keys
    re.compile(r"\bsk-(?:ant-)?[A-Za-z0-9_-]{16,}"),  # OpenAI / Anthropic keys
    re.compile(r"\bAKIA[0-9A-Z]{16}\b"),  # AWS access key ids
    re.compile(r"(?i)(api[_-]?key|secret|password|token)(\"?\s*[:=]\s*\"?)[^\s\"',;]{8,}"),
)


class SecretScrubber:
    """Replaces known secret values and secret-shaped strings with ``[REDACTED]``."""

    def __init__(self, values: Iterable[str] = ()) -> None:
        # Longest first, so a secret that contains another is replaced whole.
        self.values = sorted(
            {v for v in values if len(v) >= MIN_SECRET_LENGTH}, key=len, reverse=True
        )

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> SecretScrubber:
        env = os.environ if environ is None else environ
        return cls(value for name, value in env.items() if SECRET_ENV_NAME.search(name))

    def scrub(self, text: str) -> str:
        for value in self.values:
            if value in text:
                text = text.replace(value, REDACTED)
        for pattern in SECRET_PATTERNS:
            if pattern.groups >= 2:
                text = pattern.sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}", text)
            else:
                text = pattern.sub(REDACTED, text)
        return text


_original_format: Callable[[logging.Handler, logging.LogRecord], str] | None = None
_scrubber = SecretScrubber()


def install_secret_scrubbing(environ: Mapping[str, str] | None = None) -> SecretScrubber:
    """Scrub every handler's output in this process; idempotent (refreshes the values)."""
    global _original_format, _scrubber
    _scrubber = SecretScrubber.from_environment(environ)
    if _original_format is None:
        _original_format = logging.Handler.format

        def format_scrubbed(self: logging.Handler, record: logging.LogRecord) -> str:
            assert _original_format is not None
            return _scrubber.scrub(_original_format(self, record))

        logging.Handler.format = format_scrubbed  # type: ignore[method-assign]
    return _scrubber
