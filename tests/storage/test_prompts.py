"""The MLflow prompt registry adapter against a real MLflow SQLite store."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from mlflow.prompt.constants import PROMPT_NAME_RULE

from schemas.agents import AgentConfig, ModelConfig, PromptConfig, SchemaConfig
from schemas.default_prompts import DEFAULT_PROMPT_COMMIT_MESSAGE, DEFAULT_PROMPTS
from schemas.library import BUILTIN_LIBRARY
from schemas.prompts import PROMPT_NAME_PATTERN, PromptUriError, parse_prompt_uri
from storage.prompts import (
    InvalidPromptError,
    PromptNotFound,
    PromptRegistry,
    PromptResolutionError,
    ensure_default_prompts,
    make_prompt_resolver,
    make_prompt_uri_resolver,
    resolve_agent_config,
)


@pytest.fixture(scope="session")
def registry(tmp_path_factory: pytest.TempPathFactory) -> PromptRegistry:
    """One MLflow store per session: its first use runs MLflow's migrations (slow).

    The path is shared with tests/api/test_prompts_api.py, so the migrations run once.
    """
    db = Path(tmp_path_factory.getbasetemp()) / "mlflow-prompts" / "mlflow.db"
    return PromptRegistry(f"sqlite:///{db}")


@pytest.fixture
def name() -> str:
    """A prompt name no other test uses (the store is shared by the session)."""
    return f"test-{uuid.uuid4().hex[:10]}"


def _config(system_uri: str, task_uri: str) -> AgentConfig:
    return AgentConfig(
        model=ModelConfig(provider="local", model_name="local-rules"),
        prompts=PromptConfig(system_prompt_uri=system_uri, task_prompt_uri=task_uri),
    )


# --------------------------------------------------------------------------- URIs (pure)


def test_name_pattern_is_mlflows_rule() -> None:
    assert PROMPT_NAME_RULE.pattern == PROMPT_NAME_PATTERN


@pytest.mark.parametrize(
    ("uri", "name", "version", "alias", "document_form"),
    [
        ("prompts:/credit/3", "credit", 3, None, False),
        ("prompts:/credit@production", "credit", None, "production", False),
        ("prompts:/credit", "credit", None, None, False),
        ("mlflow:/prompts/extractor-system-v1", "extractor-system-v1", None, None, True),
        ("mlflow:/prompts/a.b_c/12", "a.b_c", 12, None, True),
        ("mlflow:/prompts/x@staging", "x", None, "staging", True),
    ],
)
def test_parse_prompt_uri_forms(
    uri: str, name: str, version: int | None, alias: str | None, document_form: bool
) -> None:
    reference = parse_prompt_uri(uri)
    assert (reference.name, reference.version, reference.alias, reference.document_form) == (
        name,
        version,
        alias,
        document_form,
    )


@pytest.mark.parametrize(
    ("uri", "complaint"),
    [
        ("file:///prompts/x", "unknown scheme"),
        ("extractor-system-v1", "unknown scheme"),
        ("prompts:/", "invalid prompt name"),
        ("prompts:/has space/1", "invalid prompt name"),
        ("prompts:/x/0", "invalid version"),
        ("prompts:/x/one", "invalid version"),
        ("prompts:/x@", "invalid alias"),
        ("prompts:/x@bad alias", "invalid alias"),
    ],
)
def test_malformed_uris_say_which_forms_work(uri: str, complaint: str) -> None:
    with pytest.raises(PromptUriError) as caught:
        parse_prompt_uri(uri)
    assert complaint in str(caught.value)
    assert "prompts:/<name>/<version>" in str(caught.value)


def test_document_suffix_fallback_only_for_document_form() -> None:
    fallback = parse_prompt_uri("mlflow:/prompts/extractor-system-v12").document_version_fallback()
    assert fallback is not None
    assert (fallback.name, fallback.version) == ("extractor-system", 12)
    assert parse_prompt_uri("prompts:/extractor-system-v1").document_version_fallback() is None
    assert parse_prompt_uri("mlflow:/prompts/extractor-system").document_version_fallback() is None


# --------------------------------------------------------------------------- registration


def test_register_creates_versions_in_order(registry: PromptRegistry, name: str) -> None:
    first = registry.register(name, "Hello {{ inputs }}", "first draft")
    second = registry.register(name, "Hi {{ inputs }}", "shorter")
    assert (first.version, second.version) == (1, 2)
    assert first.uri == f"prompts:/{name}/1"

    detail = registry.get_prompt(name)
    assert detail.latest_version == 2
    assert [v.version for v in detail.versions] == [2, 1]
    assert [v.template for v in detail.versions] == ["Hi {{ inputs }}", "Hello {{ inputs }}"]
    assert [v.commit_message for v in detail.versions] == ["shorter", "first draft"]
    assert detail.versions[1].created_at <= detail.versions[0].created_at
    assert detail.created_at is not None


def test_register_refuses_bad_names_and_templates(registry: PromptRegistry) -> None:
    with pytest.raises(InvalidPromptError) as caught:
        registry.register("has space", "text")
    assert caught.value.field == "name"
    with pytest.raises(InvalidPromptError) as caught:
        registry.register(f"ok-{uuid.uuid4().hex[:6]}", "   ")
    assert caught.value.field == "template"


def test_unknown_prompt_is_not_found(registry: PromptRegistry, name: str) -> None:
    with pytest.raises(PromptNotFound) as caught:
        registry.get_prompt(name)
    assert "POST /prompts" in caught.value.message


def test_list_prompts_searches_and_pages(registry: PromptRegistry) -> None:
    stem = f"list-{uuid.uuid4().hex[:8]}"
    names = [f"{stem}-{letter}" for letter in "abc"]
    for index, prompt_name in enumerate(names):
        for version in range(index + 1):
            registry.register(prompt_name, f"text {version}")

    page = registry.list_prompts(search=stem.upper(), page_size=2)
    assert [p.name for p in page.items] == names[:2]
    assert [p.latest_version for p in page.items] == [1, 2]
    assert page.next_page_token
    rest = registry.list_prompts(search=stem, page_size=2, page_token=page.next_page_token)
    assert [p.name for p in rest.items] == names[2:]
    assert rest.items[0].latest_version == 3
    assert rest.next_page_token is None

    with pytest.raises(InvalidPromptError) as caught:
        registry.list_prompts(search="x' OR '1'='1")
    assert caught.value.field == "q"
    with pytest.raises(InvalidPromptError) as caught:
        registry.list_prompts(page_token="not-a-token")
    assert caught.value.field == "page_token"


# --------------------------------------------------------------------------- aliases


def test_alias_create_move_delete(registry: PromptRegistry, name: str) -> None:
    registry.register(name, "one")
    registry.register(name, "two")

    created = registry.set_alias(name, "production", 1)
    assert created.uri == f"prompts:/{name}@production"
    assert registry.get_prompt(name).aliases == {"production": 1}
    assert registry.resolve(f"prompts:/{name}@production").template == "one"

    registry.set_alias(name, "production", 2)
    detail = registry.get_prompt(name)
    assert detail.aliases == {"production": 2}
    assert [v.aliases for v in detail.versions] == [["production"], []]
    assert registry.resolve(f"prompts:/{name}@production").template == "two"

    registry.delete_alias(name, "production")
    assert registry.get_prompt(name).aliases == {}
    with pytest.raises(PromptNotFound) as caught:
        registry.resolve(f"prompts:/{name}@production")
    assert caught.value.field == "alias"


def test_alias_errors(registry: PromptRegistry, name: str) -> None:
    registry.register(name, "one")
    with pytest.raises(PromptNotFound) as caught:
        registry.set_alias(name, "production", 5)
    assert "no version 5" in caught.value.message
    for reserved in ("latest", "LATEST", "v2"):
        with pytest.raises(InvalidPromptError) as invalid:
            registry.set_alias(name, reserved, 1)
        assert "reserved" in invalid.value.message
    with pytest.raises(InvalidPromptError):
        registry.set_alias(name, "bad alias", 1)
    with pytest.raises(PromptNotFound):
        registry.delete_alias(name, "never-set")
    with pytest.raises(PromptNotFound):
        registry.set_alias(f"{name}-missing", "production", 1)


# --------------------------------------------------------------------------- resolution


def test_resolve_every_uri_form(registry: PromptRegistry, name: str) -> None:
    registry.register(name, "version one")
    registry.register(name, "version two")
    registry.set_alias(name, "staging", 1)

    expectations = {
        f"prompts:/{name}/1": 1,
        f"prompts:/{name}/2": 2,
        f"prompts:/{name}@staging": 1,
        f"prompts:/{name}@latest": 2,
        f"prompts:/{name}": 2,
        f"mlflow:/prompts/{name}": 2,
        f"mlflow:/prompts/{name}-v1": 1,
        f"mlflow:/prompts/{name}/2": 2,
        f"mlflow:/prompts/{name}@staging": 1,
    }
    for uri, version in expectations.items():
        resolved = registry.resolve(uri)
        assert resolved.uri == uri
        assert (resolved.name, resolved.version) == (name, version), uri
        assert resolved.template == f"version {'one' if version == 1 else 'two'}"
        assert resolved.uri_pinned == f"prompts:/{name}/{version}"


def test_document_form_prefers_an_exact_name(registry: PromptRegistry, name: str) -> None:
    registry.register(name, "base v1")
    registry.register(f"{name}-v1", "literal one")
    registry.register(f"{name}-v1", "literal two")
    resolved = registry.resolve(f"mlflow:/prompts/{name}-v1")
    assert (resolved.name, resolved.version, resolved.template) == (f"{name}-v1", 2, "literal two")


def test_resolve_errors_say_what_to_do(registry: PromptRegistry, name: str) -> None:
    registry.register(name, "only")
    with pytest.raises(PromptNotFound) as caught:
        registry.resolve(f"mlflow:/prompts/{name}-v7")
    assert "no version 7" in caught.value.message
    with pytest.raises(PromptNotFound) as caught:
        registry.resolve("mlflow:/prompts/nothing-here-v1")
    assert "nor version 1 of 'nothing-here'" in caught.value.message
    assert "POST /prompts" in caught.value.message
    with pytest.raises(PromptNotFound) as caught:
        registry.resolve(f"prompts:/{name}/3")
    assert "versions are 1 to 1" in caught.value.message
    with pytest.raises(PromptNotFound) as caught:
        registry.resolve(f"prompts:/{name}@production")
    assert f"PUT /prompts/{name}/aliases" in caught.value.message
    with pytest.raises(PromptUriError):
        registry.resolve("s3://bucket/prompt.txt")


# --------------------------------------------------------------------------- pinning


def test_resolve_agent_config_pins_versions(registry: PromptRegistry, name: str) -> None:
    system, task = f"{name}-system", f"{name}-task"
    registry.register(system, "system one")
    registry.register(task, "task one")
    registry.set_alias(system, "production", 1)
    config = _config(f"prompts:/{system}@production", f"mlflow:/prompts/{task}")

    resolved = resolve_agent_config(registry, config)
    assert resolved.config.prompts.system_prompt_uri == f"prompts:/{system}/1"
    assert resolved.config.prompts.task_prompt_uri == f"prompts:/{task}/1"
    assert (resolved.system_prompt, resolved.task_prompt) == ("system one", "task one")
    assert resolved.prompt_versions == {
        f"prompts:/{system}@production": f"{system}/1",
        f"mlflow:/prompts/{task}": f"{task}/1",
    }
    assert resolved.config.model == config.model

    # Moving the alias and adding versions after the deploy changes new deploys only.
    registry.register(system, "system two")
    registry.register(task, "task two")
    registry.set_alias(system, "production", 2)
    again = resolve_agent_config(registry, resolved.config)
    assert (again.system_prompt, again.task_prompt) == ("system one", "task one")
    fresh = resolve_agent_config(registry, config)
    assert (fresh.system_prompt, fresh.task_prompt) == ("system two", "task two")
    assert fresh.prompt_versions[f"prompts:/{system}@production"] == f"{system}/2"


def test_resolve_agent_config_errors_name_the_field(registry: PromptRegistry, name: str) -> None:
    registry.register(name, "system")
    with pytest.raises(PromptNotFound) as caught:
        resolve_agent_config(registry, _config(f"prompts:/{name}/1", f"prompts:/{name}-gone/1"))
    assert caught.value.field == "prompts.task_prompt_uri"
    assert caught.value.message.startswith("prompts.task_prompt_uri: ")
    with pytest.raises(PromptUriError, match=r"^prompts\.system_prompt_uri: "):
        resolve_agent_config(registry, _config("nonsense", f"prompts:/{name}/1"))


def test_resolver_loads_schemas_through_the_given_loader(
    registry: PromptRegistry, name: str
) -> None:
    registry.register(name, "text")
    schemas = {"mem://in": {"type": "object"}, "mem://out": {"type": "object", "required": ["a"]}}
    resolver = make_prompt_resolver(registry, resolve_schema=schemas.__getitem__)
    config = _config(f"prompts:/{name}/1", f"prompts:/{name}/1").model_copy(
        update={"schemas": SchemaConfig(input_schema_uri="mem://in", output_schema_uri="mem://out")}
    )
    resolved = resolver(config)
    assert resolved.input_schema == schemas["mem://in"]
    assert resolved.output_schema == schemas["mem://out"]
    assert resolved.prompt_versions == {f"prompts:/{name}/1": f"{name}/1"}


# --------------------------------------------------------------------------- defaults


def test_ensure_default_prompts_is_idempotent(registry: PromptRegistry, name: str) -> None:
    prompts = {f"{name}-a": "alpha", f"{name}-b": "beta"}
    assert ensure_default_prompts(registry, prompts) == list(prompts)
    assert ensure_default_prompts(registry, prompts) == []
    for prompt_name, text in prompts.items():
        detail = registry.get_prompt(prompt_name)
        assert [v.template for v in detail.versions] == [text]
        assert detail.versions[0].commit_message == DEFAULT_PROMPT_COMMIT_MESSAGE

    # A user's newer version survives the next start.
    registry.register(f"{name}-a", "alpha edited")
    assert ensure_default_prompts(registry, prompts) == []
    assert registry.get_prompt(f"{name}-a").latest_version == 2


def test_library_default_configs_resolve_to_the_default_texts(registry: PromptRegistry) -> None:
    ensure_default_prompts(registry)
    assert ensure_default_prompts(registry) == []
    for agent in BUILTIN_LIBRARY:
        resolved = resolve_agent_config(registry, agent.default_config)
        assert resolved.system_prompt == DEFAULT_PROMPTS[f"{agent.type}-system"]
        assert resolved.task_prompt == DEFAULT_PROMPTS[f"{agent.type}-task"]
        assert resolved.config.prompts.system_prompt_uri == f"prompts:/{agent.type}-system/1"
        task_uri = agent.default_config.prompts.task_prompt_uri
        assert resolved.prompt_versions[task_uri] == f"{agent.type}-task/1"


def test_uri_resolver_returns_text_and_pinned_version(registry: PromptRegistry, name: str) -> None:
    registry.register(name, "first")
    registry.register(name, "second")
    registry.set_alias(name, "production", 1)
    resolve = make_prompt_uri_resolver(registry)
    assert resolve(f"prompts:/{name}@production") == ("first", f"{name}/1")
    assert resolve(f"mlflow:/prompts/{name}") == ("second", f"{name}/2")
    for bad in (f"prompts:/{name}/9", "not a uri", f"prompts:/{name}@gone"):
        with pytest.raises(LookupError) as caught:
            resolve(bad)
        assert isinstance(caught.value, PromptResolutionError)
        assert str(caught.value)
