"""One ``/invoke`` call: check inputs, run tools, prompt the model, validate and repair output."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from opentelemetry import trace

from agents.base.agent import Agent
from agents.base.errors import AgentError
from agents.base.llm import (
    ChatMessage,
    CompletionRequest,
    CompletionResult,
    LLMProvider,
    ProviderError,
)
from agents.base.prompts import render_prompt
from agents.base.telemetry import SCHEMA_VIOLATIONS, record_llm_call
from schemas.agents import AgentConfig
from schemas.invoke import InvokeRequest, InvokeResponse, SchemaViolationRecord, Usage

logger = logging.getLogger(__name__)
_tracer = trace.get_tracer("agentic-hub.agents")

ProviderFactory = Callable[[str], LLMProvider]


def default_provider_factory(name: str) -> LLMProvider:
    """The provider registry of ``agents.base.providers`` (imported lazily: SDKs are heavy)."""
    if name == "local":
        from agents.base.providers.local import LocalProvider

        return LocalProvider()
    from agents.base.providers import get_provider

    return get_provider(name)


def json_pointer(path: Any) -> str:
    """RFC 6901 pointer of a jsonschema error path ('' is the whole document)."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


def schema_errors(schema: dict[str, Any], instance: Any) -> list[tuple[str, str]]:
    """(pointer, message) of every violation of ``schema`` by ``instance``, sorted by pointer."""
    try:
        Draft202012Validator.check_schema(schema)
        validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
        errors = list(validator.iter_errors(instance))
    except SchemaError as exc:
        raise AgentError(
            f"the schema is not valid JSON Schema 2020-12: {exc.message} "
            f"(at {json_pointer(exc.absolute_path) or '/'}); fix the schema the config names",
            status_code=400,
        ) from exc
    found = {(json_pointer(err.absolute_path), err.message) for err in errors}
    return sorted(found)


@dataclass
class _Attempt:
    output: dict[str, Any] | None
    errors: list[tuple[str, str]]
    text: str


class AgentRuntime:
    """Runs one agent type's calls; stateless apart from the provider factory."""

    def __init__(self, agent: Agent, provider_factory: ProviderFactory | None = None) -> None:
        self.agent = agent
        self.provider_factory = provider_factory or default_provider_factory

    async def invoke(self, request: InvokeRequest) -> InvokeResponse:
        """Do the call; raises :class:`AgentError` or :class:`ProviderError` on failure."""
        started = time.perf_counter()
        resolved = request.config
        config = resolved.config
        input_schema = resolved.input_schema or self.agent.input_schema
        output_schema = self.agent.output_schema_for(request.inputs, resolved.output_schema)

        input_errors = schema_errors(input_schema, request.inputs)
        if input_errors:
            listing = "; ".join(f"/inputs{p}: {m}" for p, m in input_errors)
            raise AgentError(
                f"the inputs do not match the agent's input schema: {listing}",
                status_code=422,
                extra={
                    "errors": [{"pointer": "/inputs" + p, "message": m} for p, m in input_errors]
                },
            )

        toolbox = self.agent.tools.toolbox(config.tools)
        context = await self.agent.prepare(request.inputs, toolbox)
        variables = {"inputs": request.inputs, "context": context, "output_schema": output_schema}
        system = render_prompt(
            resolved.system_prompt or self.agent.default_system_prompt, variables, which="system"
        )
        task = render_prompt(
            resolved.task_prompt or self.agent.default_task_prompt, variables, which="task"
        )
        messages = self._memory(request, config) + [ChatMessage(role="user", content=task)]

        usage = Usage()
        violations: list[SchemaViolationRecord] = []
        attempt = self._attempt_count(config)
        last: _Attempt | None = None
        for number in range(1, attempt + 1):
            result = await self._complete(
                config,
                CompletionRequest(
                    model=config.model.model_name,
                    messages=list(messages),
                    system=system,
                    temperature=config.model.temperature,
                    max_tokens=config.model.max_tokens,
                    output_schema=output_schema,
                    context={**context, "agent_type": self.agent.type, "attempt": number},
                ),
            )
            usage.input_tokens += result.input_tokens
            usage.output_tokens += result.output_tokens
            usage.model, usage.provider = result.model, result.provider
            last = self._check(result, output_schema)
            violations += [
                SchemaViolationRecord(pointer=p, message=m, attempt=number) for p, m in last.errors
            ]
            if not last.errors:
                break
            messages += [
                ChatMessage(role="assistant", content=last.text),
                ChatMessage(role="user", content=self._repair_prompt(last.errors)),
            ]

        usage.latency_ms = round((time.perf_counter() - started) * 1000.0, 3)
        if violations:
            SCHEMA_VIOLATIONS.labels(self.agent.type).inc(len(violations))
        logger.info(
            "invoke of step %s took %.1f ms (%d model call(s), %d violation(s))",
            request.step_id,
            usage.latency_ms,
            number,
            len(violations),
            extra={
                "run_id": request.run_id,
                "step_id": request.step_id,
                "attempt": request.attempt,
                "agent_type": self.agent.type,
            },
        )
        assert last is not None  # the loop runs at least once
        if not last.errors and last.output is not None:
            violations += [
                SchemaViolationRecord(pointer=p, message=m, attempt=number, severity="warning")
                for p, m in self.agent.output_warnings(request.inputs, last.output)
            ]
        if last.errors and (config.schemas.on_violation == "fail" or last.output is None):
            listing = "; ".join(f"{p or '/'}: {m}" for p, m in last.errors)
            raise AgentError(
                f"the output does not satisfy the output schema after {attempt} attempt(s): "
                f"{listing}. Fix the schema or the prompt, raise schemas.max_repairs, or set "
                "schemas.on_violation to 'warn'",
                status_code=422,
                extra={"violations": [v.model_dump() for v in violations]},
            )
        return InvokeResponse(
            outputs=last.output or {},
            usage=usage,
            violations=violations,
            tools_used=list(toolbox.used),
        )

    @staticmethod
    def _attempt_count(config: AgentConfig) -> int:
        return 1 + config.schemas.max_repairs

    @staticmethod
    def _memory(request: InvokeRequest, config: AgentConfig) -> list[ChatMessage]:
        if not config.memory.enabled:
            return []
        kept = request.memory[-config.memory.max_messages :]
        return [ChatMessage(role=m.role, content=m.content) for m in kept]

    async def _complete(self, config: AgentConfig, request: CompletionRequest) -> CompletionResult:
        """The primary model, then each fallback in order while errors are retryable."""
        candidates = [
            (config.model.provider, config.model.model_name, config.model.api_key_ref)
        ] + [(f.provider, f.model_name, f.api_key_ref) for f in config.model.fallbacks]
        error: ProviderError | None = None
        for provider_name, model_name, api_key_ref in candidates:
            try:
                provider = self.provider_factory(provider_name)
                # One span per model call, with OpenTelemetry GenAI attribute names.
                with _tracer.start_as_current_span(f"chat {model_name}") as span:
                    span.set_attribute("gen_ai.operation.name", "chat")
                    span.set_attribute("gen_ai.system", provider_name)
                    span.set_attribute("gen_ai.request.model", model_name)
                    result = await provider.complete(_with_model(request, model_name, api_key_ref))
                    span.set_attribute("gen_ai.response.model", result.model or model_name)
                    span.set_attribute("gen_ai.usage.input_tokens", result.input_tokens)
                    span.set_attribute("gen_ai.usage.output_tokens", result.output_tokens)
                record_llm_call(
                    self.agent.type,
                    provider_name,
                    model_name,
                    "ok",
                    result.input_tokens,
                    result.output_tokens,
                )
                return result
            except ProviderError as exc:
                exc.provider = exc.provider or provider_name
                record_llm_call(self.agent.type, provider_name, model_name, "error")
                logger.warning(
                    "provider %s model %s failed (retryable=%s): %s",
                    provider_name,
                    model_name,
                    exc.retryable,
                    exc.message,
                )
                if not exc.retryable:
                    raise
                error = exc
        assert error is not None
        raise error

    @staticmethod
    def _check(result: CompletionResult, schema: dict[str, Any]) -> _Attempt:
        output: Any = result.data
        if output is None:
            try:
                output = json.loads(result.text)
            except ValueError as exc:
                return _Attempt(None, [("", f"the answer is not JSON: {exc}")], result.text)
        if not isinstance(output, dict):
            return _Attempt(None, [("", "the answer must be a JSON object")], result.text)
        text = result.text or json.dumps(output, default=str)
        return _Attempt(output, schema_errors(schema, output), text)

    @staticmethod
    def _repair_prompt(errors: list[tuple[str, str]]) -> str:
        lines = "\n".join(f"- at {p or '/'}: {m}" for p, m in errors)
        return (
            "Your previous answer does not satisfy the output schema:\n"
            f"{lines}\nAnswer again with one corrected JSON object only."
        )


def _with_model(
    request: CompletionRequest, model: str, api_key_ref: str | None
) -> CompletionRequest:
    return replace(request, model=model, api_key_env=env_variable_of(api_key_ref))


def env_variable_of(reference: str | None) -> str | None:
    """``env:NAME`` → ``NAME``: the variable of this agent's environment a reference names.

    Resolved here, inside the agent, and nowhere else: the hub only ever handles the
    reference. The config schema already allows nothing but ``env:`` references.
    """
    if reference is None:
        return None
    scheme, _, name = reference.partition(":")
    if scheme != "env" or not name:
        raise AgentError(
            "api_key_ref must name an environment variable as env:NAME", status_code=400
        )
    return name
