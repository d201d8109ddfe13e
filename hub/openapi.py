"""``python -m hub.openapi [FILE]``: the API's OpenAPI document as JSON, without a server.

The web console generates its types and client from this document (``frontend/``,
``npm run gen:api``); ``make lint`` regenerates them and fails when the committed ones
differ. Nothing is connected: the app is built on an in-memory SQLite database.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from api.app import create_app
from hub.settings import Settings
from hub.wiring import api_config


def openapi_document() -> dict[str, object]:
    """The OpenAPI document of the API as ``hub api`` serves it."""
    config = api_config(Settings(database_url="sqlite://"))
    return create_app(config).openapi()


def main(argv: list[str]) -> None:
    text = json.dumps(openapi_document(), indent=2, sort_keys=True) + "\n"
    if argv:
        Path(argv[0]).write_text(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main(sys.argv[1:])
