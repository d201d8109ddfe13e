"""Schema URIs of agent configs resolved to JSON Schemas, at deploy and draft-run time.

An agent config names its input and output schemas by URI. The API resolves them when
it builds a plan and pins the schema objects into the release (``ResolvedAgentConfig``),
so agents never fetch anything and a release keeps its schemas whatever happens to the
sources later. The forms, and what guards each (docs/security.md, "Outbound calls"):

========================  ============================================================
``builtin://schemas/…``   the built-in agents' schemas (``schemas.library``)
``schema:<name>[/<v>]``   the schema registry (``/schemas``); pinned to ``schema:<name>/<v>``
``file:///<path>``        a file under ``HUB_SCHEMA_DIR`` (default ``HUB_HOME/schemas``);
                          anything outside it (``..``, symlinks) is refused
``http(s)://…``           only under a prefix of ``HUB_SCHEMA_URL_ALLOWLIST`` (empty by
                          default: refused); no redirects, size and time limits
``s3://bucket/key``       through the artifact store's S3 client, only when
                          ``HUB_ARTIFACT_ROOT`` is S3 and the prefix is allowlisted
``artifact://art-…``      an artifact uploaded by the app's team (``POST /artifacts``)
========================  ============================================================

Every loaded document must be a JSON object of at most ``HUB_SCHEMA_MAX_BYTES`` and a
valid JSON Schema 2020-12. Failures raise :class:`SchemaSourceError` whose message says
what to do; the release code turns them into 422s at the agent's config path.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import httpx
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from sqlalchemy.orm import Session

from schemas.artifacts import ARTIFACT_URI_SCHEME, artifact_id_from_uri
from schemas.library import BUILTIN_SCHEMA_PREFIX, BUILTIN_SCHEMAS
from schemas.schema_registry import (
    SCHEMA_REGISTRY_SCHEME,
    SchemaRegistryUriError,
    parse_schema_registry_uri,
    registry_schema_uri,
)
from storage.artifacts import ArtifactNotFound, ArtifactStore, S3ArtifactStore
from storage.schema_registry import SchemaRegistryRepository
from storage.security import ArtifactOwnerRepository

#: The key under which ``create_app`` leaves the configured sources in ``Session.info``,
#: so code holding only a request's session (deploy, draft runs) resolves with them.
SCHEMA_SOURCES_INFO_KEY = "hub.schema_sources"

REGISTER_INSTEAD = (
    "register the schema with POST /schemas {name, schema} and use schema:<name> instead"
)
URI_FORMS_HELP = (
    "schema URIs are builtin://schemas/<file>, schema:<name>[/<version>], file:///<path> "
    "(under HUB_SCHEMA_DIR), http(s)://… (HUB_SCHEMA_URL_ALLOWLIST), s3://bucket/key "
    "(S3 artifact store, allowlisted) or artifact://art-…"
)


class SchemaSourceError(LookupError):
    """A schema URI could not be resolved; the message says why and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class SchemaSourcesConfig:
    """Where schema URIs may point (set by the composition root from ``HUB_SCHEMA_*``)."""

    #: ``file://`` URIs must point inside this folder; ``None``: ``file://`` is refused.
    schema_dir: Path | None = None
    #: ``scheme://host[:port][/path]`` prefixes (``http``, ``https``, ``s3``) fetched from.
    url_allowlist: tuple[str, ...] = ()
    max_bytes: int = 1024 * 1024
    fetch_timeout_seconds: float = 5.0


@dataclass(frozen=True)
class ResolvedSchema:
    """A loaded schema and the URI that names exactly it (registry names gain a version)."""

    schema: dict[str, Any]
    pinned_uri: str


def prefix_allowed(url: str, allowlist: tuple[str, ...] | list[str]) -> bool:
    """Whether ``url`` starts with an allowed ``scheme://host[:port][/path]`` prefix.

    Compared on parsed parts, so ``https://schemas.example.com.evil.io`` does not pass
    for ``https://schemas.example.com``, and a path prefix ends at a ``/``.
    """
    target = urlsplit(url)
    if _has_path_tricks(target.path):
        return False
    for allowed in allowlist:
        prefix = urlsplit(allowed)
        if (target.scheme, target.netloc.lower()) != (prefix.scheme, prefix.netloc.lower()):
            continue
        base = prefix.path.rstrip("/")
        if not base or target.path == base or target.path.startswith(base + "/"):
            return True
    return False


def _has_path_tricks(path: str) -> bool:
    """Dot segments or encoded separators: clients and servers normalise them, so a path
    that passes a prefix check could still reach a file outside the prefix."""
    lowered = path.lower()
    if "\\" in path or "%2f" in lowered or "%5c" in lowered:
        return True
    return any(segment in (".", "..") for segment in unquote(path).split("/"))


@dataclass
class SchemaSources:
    """What schema URIs may reach in this process: the config and the artifact store."""

    config: SchemaSourcesConfig = field(default_factory=SchemaSourcesConfig)
    artifact_store: ArtifactStore | None = None
    #: Tests hand in a transport; production uses httpx's default.
    http_transport: httpx.BaseTransport | None = None

    def resolver(self, session: Session, team_id: str | None) -> SchemaResolver:
        """A resolver for one plan of an app of ``team_id`` (it caches by URI)."""
        return SchemaResolver(self, session, team_id)


def schema_sources_of(session: Session) -> SchemaSources:
    """The sources ``create_app`` configured, or built-ins and the registry only."""
    found = session.info.get(SCHEMA_SOURCES_INFO_KEY)
    return found if isinstance(found, SchemaSources) else SchemaSources()


class SchemaResolver:
    """Resolves schema URIs for the app of one team, each URI once."""

    def __init__(self, sources: SchemaSources, session: Session, team_id: str | None) -> None:
        self.sources = sources
        self.config = sources.config
        self.session = session
        self.team_id = team_id
        self._cache: dict[str, ResolvedSchema] = {}

    def resolve(self, uri: str) -> ResolvedSchema:
        """The schema ``uri`` names; :class:`SchemaSourceError` when it cannot be had."""
        if uri not in self._cache:
            self._cache[uri] = self._resolve(uri.strip())
        return self._cache[uri]

    def _resolve(self, uri: str) -> ResolvedSchema:
        if uri.startswith(BUILTIN_SCHEMA_PREFIX):
            builtin = BUILTIN_SCHEMAS.get(uri)
            if builtin is None:
                raise SchemaSourceError(
                    f"{uri!r} is not a built-in schema; built-in ones are: "
                    + ", ".join(sorted(BUILTIN_SCHEMAS))
                )
            return ResolvedSchema(dict(builtin), uri)
        if uri.startswith(SCHEMA_REGISTRY_SCHEME):
            return self._registered(uri)
        scheme = urlsplit(uri).scheme.lower()
        if scheme == "file":
            return ResolvedSchema(checked_schema_document(uri, self._file(uri)), uri)
        if scheme in ("http", "https"):
            return ResolvedSchema(checked_schema_document(uri, self._http(uri)), uri)
        if scheme == "s3":
            return ResolvedSchema(checked_schema_document(uri, self._s3(uri)), uri)
        if uri.startswith(ARTIFACT_URI_SCHEME):
            return ResolvedSchema(checked_schema_document(uri, self._artifact(uri)), uri)
        raise SchemaSourceError(f"{uri!r} has an unknown scheme; {URI_FORMS_HELP}")

    # ----------------------------------------------------------------- sources

    def _registered(self, uri: str) -> ResolvedSchema:
        try:
            reference = parse_schema_registry_uri(uri)
        except SchemaRegistryUriError as exc:
            raise SchemaSourceError(str(exc)) from exc
        repository = SchemaRegistryRepository(self.session)
        row = repository.get(reference.name, reference.version)
        if row is None:
            latest = repository.latest_version(reference.name)
            if latest is None:
                raise SchemaSourceError(
                    f"schema {reference.name!r} is not registered; register it with "
                    "POST /schemas {name, schema} (GET /schemas lists the registered ones)"
                )
            raise SchemaSourceError(
                f"schema {reference.name!r} has no version {reference.version} (the newest "
                f"is {latest}); use schema:{reference.name}/{latest} or schema:{reference.name}"
            )
        return ResolvedSchema(dict(row.schema), registry_schema_uri(row.name, row.version))

    def _file(self, uri: str) -> bytes:
        folder = self.config.schema_dir
        if folder is None:
            raise SchemaSourceError(
                f"{uri!r}: file:// schema URIs are off on this server (HUB_SCHEMA_DIR is not "
                f"set); {REGISTER_INSTEAD}"
            )
        parts = urlsplit(uri)
        if parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
            raise SchemaSourceError(
                f"{uri!r} is not an absolute file URI; write file:///<path> with a path "
                f"inside HUB_SCHEMA_DIR ({folder})"
            )
        root = folder.resolve()
        # Resolved first (``..`` and symlinks), then compared: nothing outside the folder.
        path = Path(unquote(parts.path)).resolve()
        if not path.is_relative_to(root):
            raise SchemaSourceError(
                f"{uri!r} is outside HUB_SCHEMA_DIR ({root}); schema files must live in that "
                f"folder, or {REGISTER_INSTEAD}"
            )
        if not path.is_file():
            raise SchemaSourceError(
                f"{uri!r}: no such file in HUB_SCHEMA_DIR ({root}); put the schema there "
                f"or {REGISTER_INSTEAD}"
            )
        if path.stat().st_size > self.config.max_bytes:
            raise self._too_large(uri)
        return path.read_bytes()

    def _http(self, uri: str) -> bytes:
        parts = urlsplit(uri)
        if parts.username is not None or parts.password is not None:
            raise SchemaSourceError(
                f"schema URL {parts.scheme}://{parts.hostname}{parts.path} carries credentials; "
                "schema URLs must not hold secrets (the URI is stored in the config)"
            )
        if not prefix_allowed(uri, self.config.url_allowlist):
            raise SchemaSourceError(
                f"{uri!r} is not under a prefix of HUB_SCHEMA_URL_ALLOWLIST, so it is not "
                f"fetched (the allowlist is set by the platform's operator); {REGISTER_INSTEAD}"
            )
        timeout = self.config.fetch_timeout_seconds
        try:
            # Redirects are never followed: an allowed host could bounce to any address.
            with (
                httpx.Client(
                    follow_redirects=False,
                    timeout=timeout,
                    transport=self.sources.http_transport,
                    trust_env=False,
                ) as client,
                client.stream("GET", uri, headers={"Accept": "application/json"}) as answer,
            ):
                if answer.is_redirect:
                    raise SchemaSourceError(
                        f"{uri!r} answered with a redirect ({answer.status_code}); redirects "
                        "are not followed: use the final URL (it must be allowlisted too)"
                    )
                if answer.status_code != 200:
                    raise SchemaSourceError(
                        f"{uri!r} answered HTTP {answer.status_code}; check the URL, or "
                        f"{REGISTER_INSTEAD}"
                    )
                declared = answer.headers.get("Content-Length", "")
                if declared.isdigit() and int(declared) > self.config.max_bytes:
                    raise self._too_large(uri)
                body = bytearray()
                for chunk in answer.iter_bytes():
                    body += chunk
                    if len(body) > self.config.max_bytes:
                        raise self._too_large(uri)
                return bytes(body)
        except httpx.TimeoutException as exc:
            raise SchemaSourceError(
                f"{uri!r} did not answer within {timeout:g} s (HUB_SCHEMA_FETCH_TIMEOUT_SECONDS);"
                f" try again, or {REGISTER_INSTEAD}"
            ) from exc
        except httpx.HTTPError as exc:
            raise SchemaSourceError(
                f"{uri!r} could not be fetched ({type(exc).__name__}); check the URL, or "
                f"{REGISTER_INSTEAD}"
            ) from exc

    def _s3(self, uri: str) -> bytes:
        store = self.sources.artifact_store
        if not isinstance(store, S3ArtifactStore):
            raise SchemaSourceError(
                f"{uri!r}: s3:// schema URIs are read with the artifact store's S3 client, and "
                f"this server's artifact store (HUB_ARTIFACT_ROOT) is not on S3; "
                f"{REGISTER_INSTEAD}, or upload it with POST /artifacts and use its artifact:// URI"
            )
        if not prefix_allowed(uri, self.config.url_allowlist):
            raise SchemaSourceError(
                f"{uri!r} is not under a prefix of HUB_SCHEMA_URL_ALLOWLIST (add s3://bucket or "
                f"s3://bucket/prefix there to allow it); {REGISTER_INSTEAD}"
            )
        parts = urlsplit(uri)
        bucket, key = parts.netloc, unquote(parts.path.lstrip("/"))
        if not bucket or not key:
            raise SchemaSourceError(f"{uri!r} names no object; write s3://bucket/key")
        try:
            answer = store.client.get_object(Bucket=bucket, Key=key)
            if int(answer.get("ContentLength") or 0) > self.config.max_bytes:
                raise self._too_large(uri)
            data: bytes = answer["Body"].read(self.config.max_bytes + 1)
        except SchemaSourceError:
            raise
        except Exception as exc:  # botocore's ClientError and connection errors alike
            code = getattr(exc, "response", {}).get("Error", {}).get("Code", type(exc).__name__)
            raise SchemaSourceError(
                f"{uri!r} could not be read from S3 ({code}); check the bucket and key, or "
                f"{REGISTER_INSTEAD}"
            ) from exc
        if len(data) > self.config.max_bytes:
            raise self._too_large(uri)
        return data

    def _artifact(self, uri: str) -> bytes:
        artifact_id = artifact_id_from_uri(uri) or ""
        not_found = SchemaSourceError(
            f"artifact {artifact_id!r} not found; upload the schema with POST /artifacts as a "
            f"member of the app's team and use the artifact:// URI it returns, or "
            f"{REGISTER_INSTEAD}"
        )
        store = self.sources.artifact_store
        if store is None:
            raise SchemaSourceError(
                f"{uri!r}: this server has no artifact store configured; {REGISTER_INSTEAD}"
            )
        owners = ArtifactOwnerRepository(self.session)
        owner = owners.get(artifact_id) if len(artifact_id) <= 100 else None
        # Another team's artifact reads exactly like one that does not exist; artifacts the
        # engine wrote (no owner row) are run outputs, never schemas.
        if owner is None or owner.team_id != self.team_id:
            raise not_found
        try:
            data, ref = store.get(artifact_id)
        except (ArtifactNotFound, ValueError) as exc:
            raise not_found from exc
        if ref.size > self.config.max_bytes or len(data) > self.config.max_bytes:
            raise self._too_large(uri)
        return data

    # ----------------------------------------------------------------- checks

    def _too_large(self, uri: str) -> SchemaSourceError:
        return SchemaSourceError(
            f"{uri!r} is larger than {self.config.max_bytes} bytes (HUB_SCHEMA_MAX_BYTES); "
            "split the schema or raise the limit"
        )


def checked_schema_document(uri: str, data: bytes) -> dict[str, Any]:
    """``data`` parsed as JSON and checked as a JSON Schema 2020-12 object."""
    try:
        document = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise SchemaSourceError(f"{uri!r} is not UTF-8 text; schemas are JSON documents") from exc
    except json.JSONDecodeError as exc:
        raise SchemaSourceError(
            f"{uri!r} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from exc
    if not isinstance(document, dict):
        raise SchemaSourceError(
            f"{uri!r} holds a JSON {type(document).__name__}, not an object; a schema is an "
            'object such as {"type": "object", ...}'
        )
    problem = json_schema_problem(document)
    if problem is not None:
        raise SchemaSourceError(f"{uri!r} is not a valid JSON Schema 2020-12: {problem}")
    return document


def json_schema_problem(document: dict[str, Any]) -> str | None:
    """Why ``document`` is not a valid JSON Schema 2020-12 (``None`` when it is)."""
    try:
        Draft202012Validator.check_schema(document)
    except SchemaError as exc:
        where = "".join(
            "/" + str(part).replace("~", "~0").replace("/", "~1") for part in exc.absolute_path
        )
        return f"{exc.message} (at {where or '/'})"
    return None
