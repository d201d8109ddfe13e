"""Log scrubbing for hub processes: the agent runtime's scrubber, shared.

The core lives in :mod:`agents.base.log_scrubbing` so agent containers (which may
not import the hub) install the very same filter; the hub re-exports it here.
"""

from __future__ import annotations

from agents.base.log_scrubbing import (
    MIN_SECRET_LENGTH,
    REDACTED,
    SECRET_ENV_NAME,
    SECRET_PATTERNS,
    SecretScrubber,
    install_secret_scrubbing,
)

__all__ = [
    "MIN_SECRET_LENGTH",
    "REDACTED",
    "SECRET_ENV_NAME",
    "SECRET_PATTERNS",
    "SecretScrubber",
    "install_secret_scrubbing",
]
