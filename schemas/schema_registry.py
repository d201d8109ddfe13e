"""The schema registry: JSON Schemas registered by name through ``/schemas``, and their URIs.

An agent config names a registered schema with a ``schema:`` URI (parsed by
:func:`parse_schema_registry_uri`, pure):

* ``schema:<name>`` — the newest version, pinned to its number when the app is deployed;
* ``schema:<name>/<version>`` — that version (what every deployed release carries).

Registering a name again adds a version; versions are never changed or removed, so a
release keeps the exact schema it was deployed with.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from schemas.common import PublicModel, UtcDatetime

SCHEMA_REGISTRY_SCHEME = "schema:"
SCHEMA_NAME_PATTERN = r"^[a-z0-9][a-z0-9._-]{0,127}$"
SCHEMA_NAME_MAX_LENGTH = 128
SCHEMA_URI_FORMS_HELP = (
    "use schema:<name> (the newest version, pinned at deploy) or schema:<name>/<version>"
)

_NAME_RE = re.compile(SCHEMA_NAME_PATTERN)


class SchemaRegistryUriError(ValueError):
    """A ``schema:`` URI is malformed; the message says which forms are accepted."""


class SchemaRegistryReference(BaseModel):
    """A parsed ``schema:`` URI: a name and, optionally, a version (``None``: the newest)."""

    model_config = ConfigDict(frozen=True)

    name: str
    version: int | None = None


def registry_schema_uri(name: str, version: int) -> str:
    """The pinned URI of one registered version: ``schema:<name>/<version>``."""
    return f"{SCHEMA_REGISTRY_SCHEME}{name}/{version}"


def parse_schema_registry_uri(uri: str) -> SchemaRegistryReference:
    """``schema:<name>[/<version>]`` → reference; :class:`SchemaRegistryUriError` otherwise."""
    if not uri.startswith(SCHEMA_REGISTRY_SCHEME):
        raise SchemaRegistryUriError(f"{uri!r} is not a schema: URI; {SCHEMA_URI_FORMS_HELP}")
    rest = uri[len(SCHEMA_REGISTRY_SCHEME) :]
    name, _, version_text = rest.partition("/")
    if not _NAME_RE.match(name):
        raise SchemaRegistryUriError(
            f"{uri!r} has an invalid schema name {name!r}: names are lower-case letters, "
            f"digits, '.', '_' and '-' (128 at most); {SCHEMA_URI_FORMS_HELP}"
        )
    if "/" not in rest:
        return SchemaRegistryReference(name=name)
    if not version_text.isdigit() or int(version_text) < 1 or len(version_text) > 9:
        raise SchemaRegistryUriError(
            f"{uri!r} has an invalid version {version_text!r}: versions are whole numbers "
            f"from 1; {SCHEMA_URI_FORMS_HELP}"
        )
    return SchemaRegistryReference(name=name, version=int(version_text))


class SchemaCreate(BaseModel):
    """Body of ``POST /schemas``: registers ``schema`` as the next version of ``name``."""

    # ``schema`` is the field's public name; in Python it is ``json_schema`` because
    # ``BaseModel.schema`` is a (deprecated) pydantic method.
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    name: str = Field(
        min_length=1,
        max_length=SCHEMA_NAME_MAX_LENGTH,
        pattern=SCHEMA_NAME_PATTERN,
        examples=["credit-memo-input"],
    )
    json_schema: dict[str, Any] = Field(
        alias="schema",
        description="A JSON Schema (draft 2020-12) object.",
        examples=[{"type": "object", "required": ["document"]}],
    )
    description: str = Field(default="", max_length=5000)


class SchemaVersionPublic(PublicModel):
    """One registered version of a schema."""

    model_config = ConfigDict(from_attributes=True, populate_by_name=True)

    name: str
    version: int
    uri: str = Field(description="The pinned URI to put in an agent config.")
    json_schema: dict[str, Any] = Field(alias="schema", serialization_alias="schema")
    description: str
    created_by: str
    created_at: UtcDatetime


class SchemaSummary(PublicModel):
    """A registered name with its newest version."""

    name: str
    latest_version: int
    description: str
    updated_at: UtcDatetime


class SchemaPage(PublicModel):
    """One page of ``GET /schemas``."""

    items: list[SchemaSummary]
    total: int


class SchemaDetail(PublicModel):
    """A registered name with every version, newest first."""

    name: str
    latest_version: int
    versions: list[SchemaVersionPublic]
