"""Prompts in the MLflow prompt registry: the ``/prompts`` API bodies and prompt URIs.

Prompt URIs an agent config may carry (parsed by :func:`parse_prompt_uri`, pure):

* ``prompts:/<name>/<version>`` — MLflow's pinned form; what every resolved URI becomes.
* ``prompts:/<name>@<alias>`` — MLflow's alias form (``@latest`` is the newest version).
* ``prompts:/<name>`` — the newest version.
* ``mlflow:/prompts/<name>`` — the platform document's form. ``<name>`` is looked up
  as a prompt name first (newest version); when no prompt has that name and it ends
  in ``-v<N>``, it means version ``N`` of the prompt named without the suffix, so
  ``mlflow:/prompts/extractor-system-v1`` is version 1 of ``extractor-system``.
  ``mlflow:/prompts/<name>/<version>`` and ``mlflow:/prompts/<name>@<alias>`` work
  as their ``prompts:/`` twins.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from schemas.common import PublicModel, StrictModel, UtcDatetime

#: MLflow's prompt-name rule (``mlflow.prompt.constants.PROMPT_NAME_RULE``), kept equal by a test.
PROMPT_NAME_PATTERN = r"^[a-zA-Z0-9_.-]+$"
#: The registry's database refuses names longer than 200 characters (schemathesis found a
#: 201-character name answered with a data error), so the contract says 200.
PROMPT_NAME_MAX_LENGTH = 200
#: MLflow's alias rule (``_REGISTERED_MODEL_ALIAS_REGEX``, non-empty).
PROMPT_ALIAS_PATTERN = r"^[\w\-]+$"
PROMPT_ALIAS_MAX_LENGTH = 255
#: MLflow keeps a template in a registry tag whose value is limited to 100,000 characters.
PROMPT_TEMPLATE_MAX_LENGTH = 100_000
#: Aliases MLflow reserves: ``latest`` (any case) and ``v<N>``.
RESERVED_ALIAS_PATTERN = r"^(?i:latest)$|^[vV]\d+$"

PINNED_SCHEME = "prompts:/"
DOCUMENT_SCHEME = "mlflow:/prompts/"
URI_FORMS_HELP = (
    "use prompts:/<name>/<version>, prompts:/<name>@<alias> or mlflow:/prompts/<name> "
    "(a trailing -v<N> in the last form means version N of <name>)"
)

_NAME_RE = re.compile(PROMPT_NAME_PATTERN)
_ALIAS_RE = re.compile(PROMPT_ALIAS_PATTERN)
_DOCUMENT_VERSION_SUFFIX_RE = re.compile(r"^(?P<base>.+)-v(?P<version>[1-9]\d*)$")


class PromptUriError(ValueError):
    """A prompt URI is malformed; the message says which forms are accepted."""


class PromptReference(BaseModel):
    """A parsed prompt URI: a name plus at most one of version and alias.

    Neither set means the newest version. ``document_form`` marks the platform
    document's ``mlflow:/prompts/<name>`` form, whose ``-v<N>`` suffix rule needs
    the registry to decide (see the module docstring).
    """

    model_config = ConfigDict(frozen=True)

    uri: str
    name: str
    version: int | None = None
    alias: str | None = None
    document_form: bool = False

    def document_version_fallback(self) -> PromptReference | None:
        """``extractor-system-v1`` → (``extractor-system``, 1), for a document-form name."""
        if not self.document_form or self.version is not None or self.alias is not None:
            return None
        match = _DOCUMENT_VERSION_SUFFIX_RE.match(self.name)
        if match is None:
            return None
        return PromptReference(
            uri=self.uri, name=match["base"], version=int(match["version"]), document_form=True
        )


def pinned_prompt_uri(name: str, version: int) -> str:
    """The pinned URI of one prompt version: ``prompts:/<name>/<version>``."""
    return f"{PINNED_SCHEME}{name}/{version}"


def parse_prompt_uri(uri: str) -> PromptReference:
    """Parse any accepted prompt URI form (module docstring); raise :class:`PromptUriError`."""
    text = uri.strip()
    if text.startswith(DOCUMENT_SCHEME):
        rest, document_form = text[len(DOCUMENT_SCHEME) :], True
    elif text.startswith(PINNED_SCHEME):
        rest, document_form = text[len(PINNED_SCHEME) :], False
    else:
        raise PromptUriError(f"prompt URI {uri!r} has an unknown scheme: {URI_FORMS_HELP}")
    rest = rest.rstrip("/")
    name, version, alias = rest, None, None
    if "@" in rest:
        name, alias = rest.split("@", 1)
        if not _ALIAS_RE.match(alias) or len(alias) > PROMPT_ALIAS_MAX_LENGTH:
            raise PromptUriError(
                f"prompt URI {uri!r} has an invalid alias {alias!r}: aliases contain only "
                f"letters, digits, '_' and '-'; {URI_FORMS_HELP}"
            )
    elif "/" in rest:
        name, version_text = rest.split("/", 1)
        if not version_text.isdigit() or int(version_text) < 1:
            raise PromptUriError(
                f"prompt URI {uri!r} has an invalid version {version_text!r}: versions are "
                f"whole numbers from 1; {URI_FORMS_HELP}"
            )
        version = int(version_text)
    if not name or not _NAME_RE.match(name) or len(name) > PROMPT_NAME_MAX_LENGTH:
        raise PromptUriError(
            f"prompt URI {uri!r} has an invalid prompt name {name!r}: names contain only "
            f"letters, digits, '_', '-' and '.'; {URI_FORMS_HELP}"
        )
    return PromptReference(
        uri=uri, name=name, version=version, alias=alias, document_form=document_form
    )


# --------------------------------------------------------------------------- API bodies


class PromptCreate(StrictModel):
    """Body of ``POST /prompts``: registers a new version (creating the prompt if needed)."""

    name: str = Field(
        min_length=1,
        max_length=PROMPT_NAME_MAX_LENGTH,
        pattern=PROMPT_NAME_PATTERN,
        examples=["extractor-system"],
    )
    template: str = Field(
        min_length=1,
        max_length=PROMPT_TEMPLATE_MAX_LENGTH,
        description="Jinja2 text; agents render it with `inputs`, `context`, `output_schema`.",
    )
    commit_message: str | None = Field(default=None, max_length=5000)


class PromptAliasSet(StrictModel):
    """Body of ``PUT /prompts/{name}/aliases``: point ``alias`` at ``version``."""

    alias: str = Field(
        min_length=1,
        max_length=PROMPT_ALIAS_MAX_LENGTH,
        pattern=PROMPT_ALIAS_PATTERN,
        examples=["production"],
        description="Not `latest` and not `v<N>`: MLflow reserves those.",
    )
    version: int = Field(ge=1)


class PromptVersionPublic(PublicModel):
    name: str
    version: int
    template: str | list[dict[str, Any]] = Field(
        description="Text; a list of chat messages for chat prompts made elsewhere in MLflow."
    )
    commit_message: str | None = None
    aliases: list[str] = Field(default_factory=list)
    created_at: UtcDatetime
    uri: str = Field(examples=["prompts:/extractor-system/1"])


class PromptSummary(PublicModel):
    name: str
    latest_version: int | None = None
    created_at: UtcDatetime | None = None


class PromptPage(PublicModel):
    """``GET /prompts``: one page; pass ``next_page_token`` back as ``page_token``."""

    items: list[PromptSummary]
    next_page_token: str | None = None


class PromptDetail(PublicModel):
    """``GET /prompts/{name}``: every version, newest first, and the aliases."""

    name: str
    created_at: UtcDatetime | None = None
    latest_version: int | None = None
    aliases: dict[str, int] = Field(default_factory=dict, description="alias -> version")
    versions: list[PromptVersionPublic]


class PromptAliasPublic(PublicModel):
    name: str
    alias: str
    version: int
    uri: str = Field(examples=["prompts:/extractor-system@production"])


class ResolvedPrompt(BaseModel):
    """A prompt URI resolved to one version; ``uri_pinned`` always names that version."""

    model_config = ConfigDict(frozen=True)

    uri: str
    name: str
    version: int
    template: str
    uri_pinned: str
