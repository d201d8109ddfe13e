"""Small building blocks shared by every contract."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, PlainSerializer, WithJsonSchema


def utc_text(value: datetime) -> str:
    """The API's one timestamp form: ISO-8601 in UTC with microseconds and a ``Z``
    (``2026-01-22T10:00:00.000000Z``). A naive ``datetime`` is taken as UTC."""
    utc = value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
    return utc.isoformat(timespec="microseconds") + "Z"


#: Every timestamp of the API's models: a ``datetime`` in Python, :func:`utc_text` in JSON
#: (declared ``format: date-time`` in the OpenAPI document's responses too).
UtcDatetime = Annotated[
    datetime,
    PlainSerializer(utc_text, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date-time"}, mode="serialization"),
]


class StrictModel(BaseModel):
    """A request body: unknown fields are an error, never silently dropped."""

    model_config = ConfigDict(extra="forbid")


class PublicModel(BaseModel):
    """A response body built from ORM rows or plain objects."""

    model_config = ConfigDict(from_attributes=True)
