"""Typed search-attribute keys for the names frozen in :mod:`schemas.names`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from temporalio.common import SearchAttributeKey

from schemas.names import SEARCH_ATTRIBUTES

_KEY_FACTORIES: dict[str, Callable[[str], SearchAttributeKey[Any]]] = {
    "Keyword": SearchAttributeKey.for_keyword,
    "KeywordList": SearchAttributeKey.for_keyword_list,
    "Text": SearchAttributeKey.for_text,
    "Int": SearchAttributeKey.for_int,
    "Double": SearchAttributeKey.for_float,
    "Bool": SearchAttributeKey.for_bool,
    "Datetime": SearchAttributeKey.for_datetime,
}


def hub_search_attribute_keys() -> dict[str, SearchAttributeKey[Any]]:
    """Every hub search attribute as a typed key (to register on a server or upsert)."""
    return {name: _KEY_FACTORIES[kind](name) for name, kind in SEARCH_ATTRIBUTES.items()}


APP_ID = SearchAttributeKey.for_keyword("AppId")
APP_VERSION = SearchAttributeKey.for_keyword("AppVersion")
HUB_RUN_ID = SearchAttributeKey.for_keyword("HubRunId")
AGENT_TYPES = SearchAttributeKey.for_keyword_list("AgentTypes")
