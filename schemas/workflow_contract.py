"""What the API and the workflows agree on about a run in Temporal, in one place.

The typed search-attribute keys (the names and types frozen in :mod:`schemas.names`),
the names of the workflow's query and update, how a failure's message is read, and how
a string is written as a visibility-query literal. Both sides import these; neither
spells a name itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from temporalio.common import SearchAttributeKey
from temporalio.exceptions import FailureError

from schemas.names import SEARCH_ATTRIBUTES

#: ``OrchestrationWorkflow``'s query: each step's state, attempts and usage.
PROGRESS_QUERY = "progress"
#: ``OrchestrationWorkflow``'s update: a person's decision on an approval step.
APPROVE_UPDATE = "approve"

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


_KEYS = hub_search_attribute_keys()
APP_ID_KEY: SearchAttributeKey[str] = _KEYS["AppId"]
APP_VERSION_KEY: SearchAttributeKey[str] = _KEYS["AppVersion"]
HUB_RUN_ID_KEY: SearchAttributeKey[str] = _KEYS["HubRunId"]
AGENT_TYPES_KEY: SearchAttributeKey[Sequence[str]] = _KEYS["AgentTypes"]
EVALUATION_ID_KEY: SearchAttributeKey[str] = _KEYS["HubEvaluationId"]
HUB_TRIGGER_KEY: SearchAttributeKey[str] = _KEYS["HubTrigger"]
HUB_TRIGGER_ID_KEY: SearchAttributeKey[str] = _KEYS["HubTriggerId"]


def failure_message(exc: BaseException) -> str:
    """The innermost failure message: the agent's own words, not Temporal's wrappers."""
    message = str(exc)
    current: BaseException | None = exc
    while current is not None:
        if isinstance(current, FailureError) and current.message:
            message = current.message
        current = current.__cause__
    return message


def visibility_literal(value: str) -> str:
    """``value`` as a visibility-query string literal.

    Temporal's visibility queries have no escape for a quote, so a value holding one (or
    a backslash) is refused with ``ValueError`` rather than altered.
    """
    if "'" in value or "\\" in value:
        raise ValueError(f"unsupported character in {value!r}")
    return f"'{value}'"
