"""Every timestamp the API answers with is a ``UtcDatetime``: one type, one wire form.

A field left as ``str`` while its writer moved to ``datetime`` fails only when that code
path runs (an evaluation's ``finished_at`` did, in a worker activity, on every attempt);
this looks at every model the API's schemas declare instead.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from datetime import UTC, datetime
from typing import Annotated, Any, get_args, get_origin

from pydantic import BaseModel, PlainSerializer, TypeAdapter

import schemas
from schemas.common import UtcDatetime, utc_text

TIMESTAMP_NAME = re.compile(r"(_at|^since|^until|^at)$")


def api_models() -> list[type[BaseModel]]:
    found: dict[str, type[BaseModel]] = {}
    for info in pkgutil.iter_modules(schemas.__path__, "schemas."):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, BaseModel)
                and value.__module__ == info.name
            ):
                found[f"{info.name}.{value.__name__}"] = value
    return list(found.values())


def is_utc_datetime(annotation: Any) -> bool:
    """``UtcDatetime`` or ``UtcDatetime | None``: a datetime written by ``utc_text``."""
    if get_origin(annotation) is Annotated:
        base, *metadata = get_args(annotation)
        return base is datetime and any(
            isinstance(m, PlainSerializer) and m.func is utc_text for m in metadata
        )
    options = [a for a in get_args(annotation) if a is not type(None)]
    return bool(options) and all(is_utc_datetime(o) for o in options)


def test_every_timestamp_field_is_a_utc_datetime() -> None:
    fields = [
        (model.__name__, name, info)
        for model in api_models()
        for name, info in model.model_fields.items()
        if TIMESTAMP_NAME.search(name)
    ]
    assert len(fields) > 20, "the schemas declare timestamps; the walk found too few"
    wrong = [
        f"{model}.{name}: {info.annotation} {info.metadata}"
        for model, name, info in fields
        if not is_utc_datetime(
            Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
        )
    ]
    assert not wrong, wrong


def test_the_check_tells_a_str_from_a_utc_datetime() -> None:
    assert is_utc_datetime(UtcDatetime)
    assert is_utc_datetime(UtcDatetime | None)
    assert not is_utc_datetime(str | None)
    assert not is_utc_datetime(datetime)
    assert TypeAdapter(UtcDatetime).dump_json(datetime(2026, 1, 22, 10, tzinfo=UTC)) == (
        b'"2026-01-22T10:00:00.000000Z"'
    )
