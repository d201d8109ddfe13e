"""Small building blocks shared by every contract."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, PlainSerializer

#: UTC timestamps always serialise as ISO-8601 with a trailing ``Z``.
UtcDatetime = Annotated[
    datetime,
    PlainSerializer(
        lambda v: (
            v.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
            if v.tzinfo
            else v.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        ),
        return_type=str,
        when_used="json",
    ),
]


class StrictModel(BaseModel):
    """A request body: unknown fields are an error, never silently dropped."""

    model_config = ConfigDict(extra="forbid")


class PublicModel(BaseModel):
    """A response body built from ORM rows or plain objects."""

    model_config = ConfigDict(from_attributes=True)
