"""Every error the API returns, mapped to HTTP once.

All errors use FastAPI's ``{"detail": ...}`` shape: a sentence for 404/409/413/503,
a list of items pointing at the offending field for 422 (``loc`` as FastAPI gives
it, ``path`` as a JSON pointer, and ``line``/``column`` for YAML and JSON text), and
the same list with one item for 400, a body that is not JSON at all (with the line and
column where parsing stopped).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, ValidationError
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from temporalio.service import RPCError, RPCStatusCode

from schemas.agents import ValidationIssue

logger = logging.getLogger(__name__)


class ErrorBody(BaseModel):
    """A failed request: ``detail`` says why and what to do."""

    detail: str


class ValidationErrorItem(BaseModel):
    """One invalid field."""

    loc: list[str | int] = Field(description="Where the error is, as FastAPI reports it.")
    msg: str
    type: str
    path: str = Field(default="", description="The same place as a JSON pointer (RFC 6901).")
    line: int | None = None
    column: int | None = None


class ValidationErrorBody(BaseModel):
    """422: the request was understood but some field is invalid."""

    detail: list[ValidationErrorItem]


class MalformedBodyError(Exception):
    """400: the body is not well-formed JSON; ``line`` and ``column`` are 1-based."""

    def __init__(self, reason: str, line: int, column: int) -> None:
        super().__init__(f"{reason} at line {line}, column {column}")
        self.reason, self.line, self.column = reason, line, column

    @classmethod
    def from_decode_error(cls, exc: json.JSONDecodeError) -> MalformedBodyError:
        return cls(exc.msg, exc.lineno, exc.colno)

    @classmethod
    def at_offset(cls, reason: str, document: str | bytes, offset: int) -> MalformedBodyError:
        """The error at character ``offset`` of ``document`` (what FastAPI reports)."""
        text = document.decode("utf-8", "replace") if isinstance(document, bytes) else document
        offset = max(0, min(offset, len(text)))
        line = text.count("\n", 0, offset) + 1
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        return cls(reason, line, column)

    def body(self) -> ValidationErrorBody:
        return ValidationErrorBody(
            detail=[
                ValidationErrorItem(
                    loc=["body"],
                    msg=f"Malformed JSON: {self.reason} at line {self.line}, column "
                    f"{self.column}; fix the body and send it again.",
                    type="json_invalid",
                    path="",
                    line=self.line,
                    column=self.column,
                )
            ]
        )


_DESCRIPTIONS: dict[int, str] = {
    400: "The body is not well-formed JSON; `detail` gives the line and column.",
    401: "No valid bearer token was sent (missing, expired, revoked or not trusted).",
    403: "The token's role is not enough for this action.",
    404: "The resource does not exist.",
    409: "The request conflicts with the resource's current state.",
    413: "The request body is larger than the server accepts.",
    415: "The request body's Content-Type is not supported here.",
    422: "A field is invalid; `detail` points at it.",
    429: "Too many requests from this caller; retry after `Retry-After` seconds.",
    503: "A dependency (the database) is unavailable.",
}


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries declaring the errors a route can return."""
    responses: dict[int | str, dict[str, Any]] = {}
    for code in codes:
        model = ValidationErrorBody if code in (400, 422) else ErrorBody
        responses[code] = {"model": model, "description": _DESCRIPTIONS[code]}
    return responses


class ApiError(Exception):
    """An error with a status code and a message meant for the user."""

    status_code = 400

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFoundError(ApiError):
    status_code = 404


class ConflictError(ApiError):
    status_code = 409


class UnsupportedMediaTypeError(ApiError):
    status_code = 415


class InvalidInputError(Exception):
    """422 raised by our own checks (YAML, compiler, cross-field rules)."""

    def __init__(self, items: Sequence[ValidationErrorItem]) -> None:
        super().__init__("; ".join(item.msg for item in items))
        self.items = list(items)

    @classmethod
    def at(
        cls, loc: Sequence[str | int], msg: str, type_: str = "value_error"
    ) -> InvalidInputError:
        """One error at ``loc`` (``("body", "config")``-style)."""
        return cls([item_at(loc, msg, type_)])

    @classmethod
    def from_issues(
        cls, issues: Iterable[ValidationIssue], prefix: Sequence[str | int] = ("body",)
    ) -> InvalidInputError:
        """422 from validator issues whose ``path`` is a JSON pointer."""
        return cls([item_from_issue(issue, prefix) for issue in issues])


def json_pointer(parts: Iterable[str | int]) -> str:
    """``["model", "temperature"]`` → ``/model/temperature`` (RFC 6901 escaping)."""
    escaped = [str(p).replace("~", "~0").replace("/", "~1") for p in parts]
    return "".join(f"/{p}" for p in escaped)


def pointer_parts(pointer: str) -> list[str | int]:
    """The inverse of :func:`json_pointer`; numeric segments become ints."""
    if not pointer or pointer == "/":
        return []
    parts: list[str | int] = []
    for raw in pointer.lstrip("/").split("/"):
        part = raw.replace("~1", "/").replace("~0", "~")
        parts.append(int(part) if part.isdigit() else part)
    return parts


def item_at(loc: Sequence[str | int], msg: str, type_: str = "value_error") -> ValidationErrorItem:
    """An error item at ``loc``; its pointer skips the leading ``body``/``query``/``path``."""
    loc = list(loc)
    pointer_loc = loc[1:] if loc and loc[0] in ("body", "query", "path", "header") else loc
    return ValidationErrorItem(loc=loc, msg=msg, type=type_, path=json_pointer(pointer_loc))


def item_from_issue(
    issue: ValidationIssue, prefix: Sequence[str | int] = ("body",)
) -> ValidationErrorItem:
    return ValidationErrorItem(
        loc=[*prefix, *pointer_parts(issue.path)],
        msg=issue.message,
        type="value_error",
        path=issue.path,
        line=issue.line,
        column=issue.column,
    )


def issues_from_pydantic(error: ValidationError) -> list[ValidationIssue]:
    """Pydantic errors as JSON-pointer issues (the input values are never echoed)."""
    return [ValidationIssue(path=json_pointer(e["loc"]), message=e["msg"]) for e in error.errors()]


def _items_from_request_validation(exc: RequestValidationError) -> list[ValidationErrorItem]:
    items = []
    for error in exc.errors():
        loc = [p if isinstance(p, int) else str(p) for p in error.get("loc", ())]
        item = item_at(loc, str(error.get("msg", "invalid value")), str(error.get("type", "")))
        items.append(item)
    return items


def _malformed_json(exc: RequestValidationError) -> MalformedBodyError | None:
    """FastAPI reports a body that is not JSON as a validation error at a character
    offset (``loc: ["body", 13]``); it is a 400 with the line and column instead."""
    for error in exc.errors():
        if error.get("type") == "json_invalid":
            loc = error.get("loc", ())
            offset = loc[1] if len(loc) > 1 and isinstance(loc[1], int) else 0
            reason = str((error.get("ctx") or {}).get("error") or "not valid JSON")
            return MalformedBodyError.at_offset(reason, exc.body or "", offset)
    return None


def install_error_handlers(app: FastAPI) -> None:
    """Map every exception type to its response, once, for the whole app."""

    @app.exception_handler(RPCError)
    async def _temporal_error(_: Request, exc: RPCError) -> JSONResponse:
        # Temporal going away after the client connected (schedules, batches; runs have
        # their own wording) is a 503 that says what to do, not a 500.
        if exc.status in (RPCStatusCode.UNAVAILABLE, RPCStatusCode.DEADLINE_EXCEEDED):
            return JSONResponse(
                {
                    "detail": f"Temporal is not answering ({exc.message}); check that it is "
                    "running (`hub up` starts it) and retry"
                },
                status_code=503,
            )
        logger.error("Temporal refused a request: %s (%s)", exc.message, exc.status)
        return JSONResponse(
            {"detail": f"Temporal refused the request ({exc.message})."}, status_code=500
        )

    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)

    @app.exception_handler(InvalidInputError)
    async def _invalid_input(_: Request, exc: InvalidInputError) -> JSONResponse:
        body = ValidationErrorBody(detail=exc.items)
        return JSONResponse(body.model_dump(mode="json"), status_code=422)

    @app.exception_handler(MalformedBodyError)
    async def _malformed(_: Request, exc: MalformedBodyError) -> JSONResponse:
        return JSONResponse(exc.body().model_dump(mode="json"), status_code=400)

    @app.exception_handler(RequestValidationError)
    async def _request_validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        malformed = _malformed_json(exc)
        if malformed is not None:
            return JSONResponse(malformed.body().model_dump(mode="json"), status_code=400)
        # Inputs are not echoed back: they may be huge or hold something secret.
        body = ValidationErrorBody(detail=_items_from_request_validation(exc))
        return JSONResponse(body.model_dump(mode="json"), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:
            # Only the framework raises 400 (our errors have their own types): a body it
            # cannot decode (bytes that are not UTF-8, broken multipart) is a bad body like
            # any other, so 422 pointing at the body.
            body = ValidationErrorBody(
                detail=[
                    item_at(
                        ["body"],
                        f"The body cannot be read ({exc.detail}); send it in the declared "
                        "format (UTF-8 JSON unless the operation says otherwise).",
                        "body_decode_error",
                    )
                ]
            )
            return JSONResponse(body.model_dump(mode="json"), status_code=422)
        return JSONResponse(
            {"detail": str(exc.detail)}, status_code=exc.status_code, headers=exc.headers
        )

    @app.exception_handler(IntegrityError)
    async def _integrity(_: Request, exc: IntegrityError) -> JSONResponse:
        logger.info("integrity error mapped to 409: %s", exc.orig)
        return JSONResponse(
            {
                "detail": "The change conflicts with existing data (a duplicate or a missing "
                "reference); reload the resource and try again."
            },
            status_code=409,
        )

    @app.exception_handler(DataError)
    async def _data(_: Request, exc: DataError) -> JSONResponse:
        # e.g. PostgreSQL refuses NUL characters in text; SQLite stores them.
        logger.info("data error mapped to 422: %s", exc.orig)
        body = ValidationErrorBody(
            detail=[
                item_at(
                    ["body"],
                    "A value cannot be stored by the database (for example a NUL character "
                    "in a text field); remove it and retry.",
                    "data_error",
                )
            ]
        )
        return JSONResponse(body.model_dump(mode="json"), status_code=422)

    @app.exception_handler(OperationalError)
    async def _database_down(_: Request, exc: OperationalError) -> JSONResponse:
        logger.error("database unavailable: %s", exc.orig)
        return JSONResponse(
            {"detail": "The database is unavailable; check HUB_DATABASE_URL and retry."},
            status_code=503,
        )
