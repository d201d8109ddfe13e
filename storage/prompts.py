"""Prompts in MLflow's prompt registry: the adapter the API, the deploy and the hub use.

Every :class:`PromptRegistry` talks to the store named by its own tracking URI
(embedded default ``sqlite:///<HUB_HOME>/mlflow.db``, or any MLflow server) through its
own ``MlflowClient``; nothing touches MLflow's global tracking state, so registries
on different stores live side by side.

Prompt URI forms and how each resolves are documented in :mod:`schemas.prompts`.
Resolution always returns the pinned form ``prompts:/<name>/<version>``; deploying an
app pins every agent's prompts that way (:func:`resolve_agent_config`), so moving an
alias or registering a new version later never changes what a release runs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mlflow import MlflowClient
from mlflow.entities.model_registry.prompt_version import PromptVersion
from mlflow.exceptions import MlflowException

from schemas.agents import AgentConfig, PromptConfig
from schemas.default_prompts import DEFAULT_PROMPT_COMMIT_MESSAGE, DEFAULT_PROMPTS
from schemas.orchestration import ResolvedAgentConfig
from schemas.prompts import (
    PROMPT_ALIAS_MAX_LENGTH,
    PROMPT_ALIAS_PATTERN,
    PROMPT_NAME_MAX_LENGTH,
    PROMPT_NAME_PATTERN,
    PROMPT_TEMPLATE_MAX_LENGTH,
    RESERVED_ALIAS_PATTERN,
    PromptAliasPublic,
    PromptDetail,
    PromptPage,
    PromptReference,
    PromptSummary,
    PromptUriError,
    PromptVersionPublic,
    ResolvedPrompt,
    parse_prompt_uri,
    pinned_prompt_uri,
)

__all__ = [
    "InvalidPromptError",
    "PromptConflict",
    "PromptError",
    "PromptNotFound",
    "PromptRegistry",
    "PromptRegistryUnavailable",
    "PromptResolutionError",
    "PromptUriError",
    "ensure_default_prompts",
    "make_prompt_resolver",
    "make_prompt_uri_resolver",
    "resolve_agent_config",
]

_NAME_RE = re.compile(PROMPT_NAME_PATTERN)
_ALIAS_RE = re.compile(PROMPT_ALIAS_PATTERN)
_RESERVED_ALIAS_RE = re.compile(RESERVED_ALIAS_PATTERN)
_NOT_FOUND_CODES = {"RESOURCE_DOES_NOT_EXIST", "NOT_FOUND"}
_ALREADY_EXISTS_CODES = {"RESOURCE_ALREADY_EXISTS", "ALREADY_EXISTS"}
_INVALID_CODES = {"INVALID_PARAMETER_VALUE", "BAD_REQUEST", "INVALID_STATE"}
_VERSION_PAGE = 100


class PromptError(Exception):
    """A prompt operation failed; ``message`` says what to do, ``field`` names the bad input."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class PromptNotFound(PromptError, LookupError):
    """No such prompt, version or alias."""


class InvalidPromptError(PromptError):
    """Bad input: a prompt name, template, alias or page token MLflow would refuse."""


class PromptConflict(PromptError):
    """The name is taken by something that is not a prompt (an MLflow registered model)."""


class PromptRegistryUnavailable(PromptError):
    """The MLflow store could not be reached or failed unexpectedly."""


class PromptResolutionError(LookupError):
    """A URI-level resolver could not resolve a prompt, for whatever reason the message says."""


def _created_at(timestamp_ms: int | None) -> datetime | None:
    if timestamp_ms is None:
        return None
    return datetime.fromtimestamp(timestamp_ms / 1000, tz=UTC)


def _version_public(version: PromptVersion) -> PromptVersionPublic:
    return PromptVersionPublic(
        name=version.name,
        version=int(version.version),
        template=version.template,
        commit_message=version.commit_message or None,
        aliases=sorted(version.aliases or []),
        created_at=_created_at(version.creation_timestamp) or datetime.now(UTC),
        uri=pinned_prompt_uri(version.name, int(version.version)),
    )


def _ensure_sqlite_parent(tracking_uri: str) -> None:
    """MLflow creates the SQLite file but not its folder (``HUB_HOME`` may not exist yet)."""
    prefix = "sqlite:///"
    if tracking_uri.startswith(prefix) and ":memory:" not in tracking_uri:
        path = Path(tracking_uri[len(prefix) :].split("?", 1)[0])
        path.parent.mkdir(parents=True, exist_ok=True)


def validate_prompt_name(name: str, *, field: str = "name") -> None:
    """Refuse names MLflow would refuse, with a message that says the rule."""
    if not name or len(name) > PROMPT_NAME_MAX_LENGTH or not _NAME_RE.match(name):
        raise InvalidPromptError(
            f"invalid prompt name {name!r}: use 1 to {PROMPT_NAME_MAX_LENGTH} letters, digits, "
            "'_', '-' or '.'",
            field=field,
        )


def validate_alias(alias: str, *, field: str = "alias") -> None:
    """Refuse aliases MLflow would refuse, including its reserved ``latest`` and ``v<N>``."""
    if not alias or len(alias) > PROMPT_ALIAS_MAX_LENGTH or not _ALIAS_RE.match(alias):
        raise InvalidPromptError(
            f"invalid alias {alias!r}: use 1 to {PROMPT_ALIAS_MAX_LENGTH} letters, digits, "
            "'_' or '-'",
            field=field,
        )
    if _RESERVED_ALIAS_RE.match(alias):
        raise InvalidPromptError(
            f"alias {alias!r} is reserved by MLflow ('latest' always means the newest version "
            "and 'v<N>' version N); choose another name such as 'production'",
            field=field,
        )


class PromptRegistry:
    """MLflow's prompt registry behind one tracking URI."""

    def __init__(self, tracking_uri: str, registry_uri: str | None = None) -> None:
        self.tracking_uri = tracking_uri
        self.registry_uri = registry_uri or tracking_uri
        _ensure_sqlite_parent(self.registry_uri)
        self._client = MlflowClient(tracking_uri=tracking_uri, registry_uri=self.registry_uri)

    # ------------------------------------------------------------------ errors

    @contextmanager
    def _translated(self, action: str) -> Iterator[None]:
        """Turn MLflow's and the transport's exceptions into :class:`PromptError` once, here."""
        try:
            yield
        except PromptError:
            raise
        except MlflowException as exc:
            code = str(exc.error_code)
            if code in _NOT_FOUND_CODES:
                raise PromptNotFound(f"{action}: {exc.message}") from exc
            if code in _INVALID_CODES:
                raise InvalidPromptError(f"{action}: {exc.message}") from exc
            if code in _ALREADY_EXISTS_CODES:
                raise PromptConflict(f"{action}: {exc.message}") from exc
            raise PromptRegistryUnavailable(
                f"{action}: the MLflow prompt registry at {self._safe_uri} failed ({code}): "
                f"{exc.message}; check that it is running and reachable"
            ) from exc
        except (ValueError, TypeError, KeyError) as exc:
            # MLflow's stores raise these on inputs they cannot parse (a forged page token).
            raise InvalidPromptError(f"{action}: MLflow refused the input ({exc})") from exc
        except Exception as exc:  # transport or database failures inside MLflow's store
            raise PromptRegistryUnavailable(
                f"{action}: the MLflow prompt registry at {self._safe_uri} is unavailable "
                f"({type(exc).__name__}); check HUB_MLFLOW_TRACKING_URI and that the server "
                "or file is reachable"
            ) from exc

    @property
    def _safe_uri(self) -> str:
        """The registry URI without credentials, for messages."""
        return re.sub(r"//[^/@]*@", "//***@", self.registry_uri)

    # ------------------------------------------------------------------ reads

    def _require_prompt(self, name: str) -> Any:
        with self._translated(f"reading prompt {name!r}"):
            prompt = self._client.get_prompt(name)
        if prompt is None:
            raise PromptNotFound(
                f"no prompt named {name!r}; list prompts with GET /prompts or register it "
                "with POST /prompts",
                field="name",
            )
        return prompt

    def _exists(self, name: str) -> bool:
        with self._translated(f"reading prompt {name!r}"):
            return self._client.get_prompt(name) is not None

    def _versions(self, name: str) -> list[PromptVersion]:
        versions: list[PromptVersion] = []
        token: str | None = None
        with self._translated(f"listing versions of prompt {name!r}"):
            while True:
                page = self._client.search_prompt_versions(
                    name, max_results=_VERSION_PAGE, page_token=token
                )
                versions.extend(page)
                token = page.token
                if not token:
                    break
            # Searched versions carry no aliases in MLflow's SQL store; single reads do.
            detailed = [self._client.get_prompt_version(name, v.version) or v for v in versions]
        return sorted(detailed, key=lambda v: int(v.version), reverse=True)

    def latest_version(self, name: str) -> int | None:
        """The newest version number of ``name``, ``None`` when it has none."""
        with self._translated(f"reading the latest version of prompt {name!r}"):
            page = self._client.search_prompt_versions(name, max_results=1)
        return int(page[0].version) if len(page) else None

    def list_prompts(
        self, search: str | None = None, page_size: int = 50, page_token: str | None = None
    ) -> PromptPage:
        """One page of prompts ordered by name; ``search`` matches a name part, any case."""
        filter_string = None
        if search:
            # Names hold only these characters, so nothing else can match; refusing the
            # rest also keeps quotes out of MLflow's filter language.
            if not _NAME_RE.match(search):
                raise InvalidPromptError(
                    f"invalid search {search!r}: prompt names contain only letters, digits, "
                    "'_', '-' and '.'",
                    field="q",
                )
            filter_string = f"name ILIKE '%{search}%'"
        try:
            with self._translated("listing prompts"):
                page = self._client.search_prompts(
                    filter_string=filter_string,
                    max_results=page_size,
                    page_token=page_token or None,
                    order_by=["name ASC"],
                )
        except InvalidPromptError as exc:
            if not page_token:
                raise
            # MLflow's message echoes the decoded token; ours does not repeat input.
            raise InvalidPromptError(
                "invalid page token: pass back the next_page_token of a previous page "
                "unchanged, or omit it for the first page",
                field="page_token",
            ) from exc
        items = [
            PromptSummary(
                name=prompt.name,
                latest_version=self.latest_version(prompt.name),
                created_at=_created_at(prompt.creation_timestamp),
            )
            for prompt in page
        ]
        return PromptPage(items=items, next_page_token=page.token or None)

    def get_prompt(self, name: str) -> PromptDetail:
        """A prompt with all its versions (newest first) and aliases."""
        prompt = self._require_prompt(name)
        versions = [_version_public(v) for v in self._versions(name)]
        aliases = {alias: v.version for v in versions for alias in v.aliases}
        return PromptDetail(
            name=name,
            created_at=_created_at(prompt.creation_timestamp),
            latest_version=versions[0].version if versions else None,
            aliases=dict(sorted(aliases.items())),
            versions=versions,
        )

    def get_version(self, name: str, version: int) -> PromptVersionPublic:
        """One version of a prompt."""
        return _version_public(self._load_version(name, version))

    def _load_version(self, name: str, version: int) -> PromptVersion:
        self._require_prompt(name)
        try:
            with self._translated(f"reading prompt {name!r} version {version}"):
                found = self._client.get_prompt_version(name, version)
        except PromptNotFound:
            found = None
        if found is None:
            latest = self.latest_version(name)
            raise PromptNotFound(
                f"prompt {name!r} has no version {version}; its versions are 1 to {latest} "
                f"(see GET /prompts/{name})",
                field="version",
            )
        return found

    def _load_alias(self, name: str, alias: str) -> PromptVersion:
        self._require_prompt(name)
        if alias.lower() == "latest":
            latest = self.latest_version(name)
            if latest is None:
                raise PromptNotFound(f"prompt {name!r} has no versions yet; register one")
            return self._load_version(name, latest)
        try:
            with self._translated(f"reading alias {alias!r} of prompt {name!r}"):
                found = self._client.get_prompt_version_by_alias(name, alias)
        except (PromptNotFound, InvalidPromptError):
            # The SQL store reports a missing alias as an invalid parameter.
            found = None
        if found is None:
            raise PromptNotFound(
                f"prompt {name!r} has no alias {alias!r}; set it with PUT /prompts/{name}/aliases "
                f"or use a version (see GET /prompts/{name})",
                field="alias",
            )
        return found

    # ------------------------------------------------------------------ writes

    def _create_prompt_if_absent(self, name: str, description: str | None) -> bool:
        """Create the prompt entry; ``False`` when it already existed (maybe made concurrently)."""
        try:
            with self._translated(f"creating prompt {name!r}"):
                self._client.create_prompt(name, description=description)
        except PromptConflict as exc:
            if not self._exists(name):
                raise PromptConflict(
                    f"the name {name!r} belongs to an MLflow registered model, not a prompt; "
                    "choose another prompt name",
                    field="name",
                ) from exc
            return False
        return True

    def register(
        self, name: str, template: str, commit_message: str | None = None
    ) -> PromptVersionPublic:
        """Register ``template`` as the next version of ``name`` (version 1 for a new prompt)."""
        validate_prompt_name(name)
        if not isinstance(template, str) or not template.strip():
            raise InvalidPromptError(
                "the template is empty; give the prompt text", field="template"
            )
        if len(template) > PROMPT_TEMPLATE_MAX_LENGTH:
            raise InvalidPromptError(
                f"the template is {len(template)} characters long; MLflow keeps at most "
                f"{PROMPT_TEMPLATE_MAX_LENGTH}",
                field="template",
            )
        # create_prompt + create_prompt_version rather than MlflowClient.register_prompt:
        # the latter links the prompt to MLflow's *global* active experiment from a
        # background thread, which is the global state this adapter avoids.
        self._create_prompt_if_absent(name, commit_message)
        with self._translated(f"registering a version of prompt {name!r}"):
            created = self._client.create_prompt_version(name, template, description=commit_message)
        return _version_public(created)

    def set_alias(self, name: str, alias: str, version: int) -> PromptAliasPublic:
        """Point ``alias`` at ``version`` (creating or moving it)."""
        validate_alias(alias)
        self._load_version(name, version)
        with self._translated(f"setting alias {alias!r} of prompt {name!r}"):
            self._client.set_prompt_alias(name, alias, version)
        return PromptAliasPublic(
            name=name, alias=alias, version=version, uri=f"prompts:/{name}@{alias}"
        )

    def delete_alias(self, name: str, alias: str) -> None:
        """Remove ``alias``; an unknown alias is :class:`PromptNotFound`."""
        validate_alias(alias)
        self._load_alias(name, alias)
        with self._translated(f"deleting alias {alias!r} of prompt {name!r}"):
            self._client.delete_prompt_alias(name, alias)

    # ------------------------------------------------------------------ resolution

    def resolve(self, uri: str) -> ResolvedPrompt:
        """Resolve any accepted prompt URI (see :mod:`schemas.prompts`) to one pinned version.

        The document form ``mlflow:/prompts/<name>`` means the newest version of the
        prompt ``<name>``; if no prompt has that name and it ends in ``-v<N>``, it means
        version ``N`` of ``<name>`` without the suffix (``extractor-system-v1`` →
        ``extractor-system`` version 1).
        """
        reference = parse_prompt_uri(uri)
        found = self._load_reference(reference)
        template = found.template
        if not isinstance(template, str):
            raise InvalidPromptError(
                f"prompt {found.name!r} version {found.version} is a chat prompt; agents take a "
                "text template: register a text version with POST /prompts",
                field="uri",
            )
        version = int(found.version)
        return ResolvedPrompt(
            uri=uri,
            name=found.name,
            version=version,
            template=template,
            uri_pinned=pinned_prompt_uri(found.name, version),
        )

    def _load_reference(self, reference: PromptReference) -> PromptVersion:
        if reference.version is not None:
            return self._load_version(reference.name, reference.version)
        if reference.alias is not None:
            return self._load_alias(reference.name, reference.alias)
        if self._exists(reference.name):
            return self._load_alias(reference.name, "latest")
        fallback = reference.document_version_fallback()
        if fallback is not None and fallback.version is not None and self._exists(fallback.name):
            return self._load_version(fallback.name, fallback.version)
        also = (
            f" (nor version {fallback.version} of {fallback.name!r})"
            if fallback is not None
            else ""
        )
        raise PromptNotFound(
            f"prompt URI {reference.uri!r} names no registered prompt: there is no prompt "
            f"{reference.name!r}{also}; register it with POST /prompts or fix the URI",
            field="uri",
        )


# --------------------------------------------------------------------------- defaults


def ensure_default_prompts(
    registry: PromptRegistry, prompts: dict[str, str] | None = None
) -> list[str]:
    """Register the built-in agents' prompts that are absent; return the names registered.

    Idempotent and safe when several processes start at once: a prompt that exists
    (with at least one version) is left alone, so user edits are never overwritten.
    """
    registered: list[str] = []
    for name, template in (prompts if prompts is not None else DEFAULT_PROMPTS).items():
        created = registry._create_prompt_if_absent(name, DEFAULT_PROMPT_COMMIT_MESSAGE)
        # An entry without versions is left by a process that died between the two calls.
        if created or registry.latest_version(name) is None:
            registry.register(name, template, DEFAULT_PROMPT_COMMIT_MESSAGE)
            registered.append(name)
    return registered


# --------------------------------------------------------------------------- deploy


SchemaResolver = Callable[[str], dict[str, Any]]
PromptResolver = Callable[[AgentConfig], ResolvedAgentConfig]


def resolve_agent_config(
    registry: PromptRegistry,
    config: AgentConfig,
    *,
    resolve_schema: SchemaResolver | None = None,
) -> ResolvedAgentConfig:
    """Pin an agent config's prompts to versions and load their texts (what deploy stores).

    The returned config carries ``prompts:/<name>/<version>`` URIs, so a release runs
    the same texts whatever happens to aliases later; ``prompt_versions`` maps each
    URI as written to ``"<name>/<version>"`` and travels with the plan into every run.
    ``resolve_schema``, when given, loads the input and output schemas by URI.
    Errors carry ``field`` as the config path (``prompts.system_prompt_uri``).
    """
    by_uri: dict[str, ResolvedPrompt] = {}
    resolved: dict[str, ResolvedPrompt] = {}
    for field_name in ("system_prompt_uri", "task_prompt_uri"):
        uri: str = getattr(config.prompts, field_name)
        path = f"prompts.{field_name}"
        try:
            if uri not in by_uri:
                by_uri[uri] = registry.resolve(uri)
        except PromptError as exc:
            raise type(exc)(f"{path}: {exc.message}", field=path) from exc
        except PromptUriError as exc:
            raise PromptUriError(f"{path}: {exc}") from exc
        resolved[field_name] = by_uri[uri]
    system, task = resolved["system_prompt_uri"], resolved["task_prompt_uri"]
    pinned = config.model_copy(
        update={
            "prompts": PromptConfig(
                system_prompt_uri=system.uri_pinned, task_prompt_uri=task.uri_pinned
            )
        }
    )
    input_schema = output_schema = None
    if resolve_schema is not None:
        if config.schemas.input_schema_uri:
            input_schema = resolve_schema(config.schemas.input_schema_uri)
        if config.schemas.output_schema_uri:
            output_schema = resolve_schema(config.schemas.output_schema_uri)
    return ResolvedAgentConfig(
        config=pinned,
        system_prompt=system.template,
        task_prompt=task.template,
        prompt_versions={
            system.uri: f"{system.name}/{system.version}",
            task.uri: f"{task.name}/{task.version}",
        },
        input_schema=input_schema,
        output_schema=output_schema,
    )


def make_prompt_resolver(
    registry: PromptRegistry, *, resolve_schema: SchemaResolver | None = None
) -> PromptResolver:
    """The callable the API's deploy uses as ``app.state.prompt_resolver(config)``.

    It blocks on the MLflow store: call it from a sync route or a worker thread.
    """

    def resolve(config: AgentConfig) -> ResolvedAgentConfig:
        return resolve_agent_config(registry, config, resolve_schema=resolve_schema)

    return resolve


def make_prompt_uri_resolver(registry: PromptRegistry) -> Callable[[str], tuple[str, str]]:
    """A resolver by URI: ``uri -> (text, "<name>/<version>")`` for callers that pin per URI.

    Every failure (unknown prompt, malformed URI, registry down) is raised as
    :class:`PromptResolutionError`, a ``LookupError``, with the message saying what to do.
    """

    def resolve(uri: str) -> tuple[str, str]:
        try:
            resolved = registry.resolve(uri)
        except PromptError as exc:
            raise PromptResolutionError(exc.message) from exc
        except PromptUriError as exc:
            raise PromptResolutionError(str(exc)) from exc
        return resolved.template, f"{resolved.name}/{resolved.version}"

    return resolve
