"""The query parameters of the list routes: page size, rows to skip, cursors.

Each list keeps its own bounds and words (they are part of the documented API); these
write the declarations once, so a list route says only what is its own.
"""

from __future__ import annotations

from typing import Any

from fastapi import Query

#: A cursor the API issued: opaque base64url text (anything else is a 422).
CURSOR_PATTERN = r"^[A-Za-z0-9_-]+={0,2}$"
#: A cursor that is the id of a page's last row.
ROW_ID_CURSOR_PATTERN = r"^[A-Za-z0-9_-]+$"
#: The deepest ``offset`` (larger ones overflow the databases' integers).
MAX_OFFSET = 2_000_000_000


def limit_query(most: int, description: str | None = "Page size.") -> Any:
    """``limit``: 1 to ``most`` rows a page."""
    return Query(ge=1, le=most, description=description)


def offset_query(description: str | None = None, most: int | None = MAX_OFFSET) -> Any:
    """``offset``: rows to skip, 0 to ``most``."""
    return Query(ge=0, le=most, description=description)


def cursor_query(max_length: int, description: str, pattern: str = CURSOR_PATTERN) -> Any:
    """``cursor``: where the previous page ended, as the API wrote it."""
    return Query(max_length=max_length, pattern=pattern, description=description)
