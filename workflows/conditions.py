"""The ``when`` condition language: a small, safe expression language without ``eval``.

Grammar (lowest precedence first)::

    expr       := or_expr
    or_expr    := and_expr ("or" and_expr)*
    and_expr   := not_expr ("and" not_expr)*
    not_expr   := "not" not_expr | comparison
    comparison := primary [("==" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "not in") primary]
    primary    := literal | ref | "(" expr ")"
    literal    := number | 'string' | "string" | true | false | null | list
    list       := "[" [literal ("," literal)*] "]"
    ref        := ("inputs" | "steps") ("." segment)+      segment: letters, digits, "_" and "-"

Semantics:

- ``inputs.x.y`` reads the run's inputs; ``steps.<step_id>.<output>.<key>...`` reads an
  earlier step's output. A segment made of digits also indexes a list. A reference that
  does not resolve evaluates to ``null`` (never an error).
- ``==``/``!=`` compare JSON values strictly (``true`` is not ``1``; ``1 == 1.0``).
- ``<``, ``<=``, ``>``, ``>=`` compare two numbers or two strings; any other pair is false.
- ``a in b``: membership in a list, substring of a string, or key of an object; any other
  pair is false, and so is ``a not in b`` (a type mismatch is never true).
- ``and``/``or``/``not`` use JSON truthiness: ``null``, ``false``, ``0``, ``""``, ``[]``
  and ``{}`` are false. A bare reference is true when its value is truthy.
- Comparisons do not chain (``a < b < c`` is an error); nesting is limited to
  ``MAX_DEPTH`` levels so hostile input fails cleanly instead of exhausting the stack.

Everything here is pure and deterministic: it runs inside the Temporal workflow.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from schemas.orchestration import Condition

MAX_LENGTH = 2000
MAX_DEPTH = 50
REF_ROOTS = ("inputs", "steps")
COMPARISON_OPS = ("==", "!=", "<", "<=", ">", ">=", "in", "not in")
_KEYWORDS = {"and", "or", "not", "in", "true", "false", "null"}
_SEGMENT_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
_IDENT_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
_DIGITS = frozenset("0123456789")


class ConditionError(ValueError):
    """A condition that does not parse; ``position`` is the 0-based character offset."""

    def __init__(self, message: str, position: int) -> None:
        self.reason = message
        self.position = position
        super().__init__(f"{message} (at character {position + 1})")


@dataclass(frozen=True)
class _Token:
    kind: str  # "num", "str", "name", "op", "(", ")", "[", "]", ",", ".", "end"
    text: str
    pos: int
    value: Any = None


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(text)
    after_dot = False  # segments after a dot may start with a digit or contain "-"
    while i < n:
        if after_dot:
            token = _read_segment(text, i)
            after_dot = False
        elif text[i] in " \t\r\n":
            i += 1
            continue
        else:
            token = _read_token(text, i)
            after_dot = token.kind == "."
        tokens.append(token)
        i = token.pos + len(token.text)
    if after_dot:
        raise ConditionError("expected a name after '.'", n)
    tokens.append(_Token("end", "", n))
    return tokens


def _read_segment(text: str, start: int) -> _Token:
    """A path segment after a dot (``steps.1.score``, ``inputs.due-date``)."""
    i = start
    while i < len(text) and text[i] in _SEGMENT_CHARS:
        i += 1
    if i == start:
        raise ConditionError("expected a name after '.'", start)
    return _Token("name", text[start:i], start)


def _read_token(text: str, start: int) -> _Token:
    c = text[start]
    if c in "()[],.":
        return _Token(c, c, start)
    if c in "=!<>":
        return _read_operator(text, start)
    if c in "'\"":
        return _read_string(text, start)
    if c in _DIGITS or (c == "-" and start + 1 < len(text) and text[start + 1] in _DIGITS):
        return _read_number(text, start)
    if c in _IDENT_START:
        i = start
        while i < len(text) and (text[i] in _IDENT_START or text[i] in _DIGITS):
            i += 1
        return _Token("name", text[start:i], start)
    raise ConditionError(f"unexpected character {c!r}", start)


def _read_operator(text: str, start: int) -> _Token:
    two = text[start : start + 2]
    if two in ("==", "!=", "<=", ">="):
        return _Token("op", two, start)
    if text[start] in "<>":
        return _Token("op", text[start], start)
    raise ConditionError(f"unexpected character {text[start]!r} (use == or !=)", start)


def _read_string(text: str, start: int) -> _Token:
    quote = text[start]
    escapes = {"n": "\n", "t": "\t", "\\": "\\", "'": "'", '"': '"'}
    out: list[str] = []
    i = start + 1
    while i < len(text):
        c = text[i]
        if c == quote:
            return _Token("str", text[start : i + 1], start, "".join(out))
        if c == "\\":
            if i + 1 >= len(text) or text[i + 1] not in escapes:
                raise ConditionError("unknown escape in string", i)
            out.append(escapes[text[i + 1]])
            i += 2
            continue
        out.append(c)
        i += 1
    raise ConditionError("unterminated string", start)


def _read_number(text: str, start: int) -> _Token:
    i = start + 1 if text[start] == "-" else start
    n = len(text)
    while i < n and text[i] in _DIGITS:
        i += 1
    is_float = False
    if i + 1 < n and text[i] == "." and text[i + 1] in _DIGITS:
        is_float = True
        i += 1
        while i < n and text[i] in _DIGITS:
            i += 1
    if i < n and text[i] in "eE":
        j = i + 1
        if j < n and text[j] in "+-":
            j += 1
        if j < n and text[j] in _DIGITS:
            is_float = True
            i = j
            while i < n and text[i] in _DIGITS:
                i += 1
    if i < n and (text[i] in _IDENT_START or text[i] == "."):
        raise ConditionError("malformed number", start)
    raw = text[start:i]
    if len(raw) > 40:
        raise ConditionError("number too long", start)
    value: Any = float(raw) if is_float else int(raw)
    if isinstance(value, float) and not math.isfinite(value):
        raise ConditionError("number out of range", start)
    return _Token("num", raw, start, value)


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokenize(text)
        self.i = 0
        self.depth = 0

    def peek(self) -> _Token:
        return self.tokens[self.i]

    def take(self) -> _Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def is_keyword(self, word: str) -> bool:
        tok = self.peek()
        return tok.kind == "name" and tok.text == word

    def enter(self, pos: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ConditionError(f"expression nested too deeply (limit {MAX_DEPTH})", pos)

    def parse(self) -> Condition:
        cond = self.or_expr()
        tok = self.peek()
        if tok.kind != "end":
            raise ConditionError(f"unexpected {tok.text!r}", tok.pos)
        return cond

    def or_expr(self) -> Condition:
        left = self.and_expr()
        args = [left]
        while self.is_keyword("or"):
            self.take()
            args.append(self.and_expr())
        return args[0] if len(args) == 1 else Condition(op="or", args=args)

    def and_expr(self) -> Condition:
        args = [self.not_expr()]
        while self.is_keyword("and"):
            self.take()
            args.append(self.not_expr())
        return args[0] if len(args) == 1 else Condition(op="and", args=args)

    def not_expr(self) -> Condition:
        if self.is_keyword("not"):
            tok = self.take()
            self.enter(tok.pos)
            inner = self.not_expr()
            self.depth -= 1
            return Condition(op="not", args=[inner])
        return self.comparison()

    def comparison_op(self) -> str | None:
        tok = self.peek()
        if tok.kind == "op":
            return tok.text
        if tok.kind == "name" and tok.text == "in":
            return "in"
        if tok.kind == "name" and tok.text == "not":
            nxt = self.tokens[self.i + 1]
            if nxt.kind == "name" and nxt.text == "in":
                return "not in"
        return None

    def comparison(self) -> Condition:
        left = self.primary()
        op = self.comparison_op()
        if op is None:
            return left
        self.take()
        if op == "not in":
            self.take()
        right = self.primary()
        if self.comparison_op() is not None:
            tok = self.peek()
            raise ConditionError("comparisons do not chain; use 'and'", tok.pos)
        return Condition(op=op, args=[left, right])

    def primary(self) -> Condition:
        tok = self.peek()
        if tok.kind == "(":
            self.take()
            self.enter(tok.pos)
            inner = self.or_expr()
            self.depth -= 1
            close = self.take()
            if close.kind != ")":
                raise ConditionError("expected ')'", close.pos)
            return inner
        if tok.kind == "name" and tok.text in REF_ROOTS:
            return self.ref()
        if tok.kind in ("num", "str", "[") or (
            tok.kind == "name" and tok.text in ("true", "false", "null")
        ):
            return Condition(op="lit", value=self.literal())
        if tok.kind == "end":
            raise ConditionError("unexpected end of condition", tok.pos)
        if tok.kind == "name" and tok.text not in _KEYWORDS:
            raise ConditionError(
                f"unknown name {tok.text!r}; references start with 'inputs.' or 'steps.'", tok.pos
            )
        raise ConditionError(f"unexpected {tok.text!r}", tok.pos)

    def ref(self) -> Condition:
        root = self.take()
        path = [root.text]
        while self.peek().kind == ".":
            self.take()
            seg = self.take()  # the tokenizer guarantees a name after "."
            path.append(seg.text)
        if len(path) < 2:
            raise ConditionError(f"'{root.text}' needs a field, e.g. {root.text}.name", root.pos)
        if root.text == "steps" and len(path) < 3:
            raise ConditionError("step references look like steps.<step_id>.<output>", root.pos)
        return Condition(op="ref", path=path)

    def literal(self) -> Any:
        tok = self.take()
        if tok.kind in ("num", "str"):
            return tok.value
        if tok.kind == "name":
            return {"true": True, "false": False, "null": None}[tok.text]
        # a list literal
        self.enter(tok.pos)
        items: list[Any] = []
        if self.peek().kind == "]":
            self.take()
            self.depth -= 1
            return items
        while True:
            nxt = self.peek()
            if not (
                nxt.kind in ("num", "str", "[")
                or (nxt.kind == "name" and nxt.text in ("true", "false", "null"))
            ):
                raise ConditionError("list items must be literals", nxt.pos)
            items.append(self.literal())
            sep = self.take()
            if sep.kind == "]":
                break
            if sep.kind != ",":
                raise ConditionError("expected ',' or ']'", sep.pos)
        self.depth -= 1
        return items


def parse_condition(text: str) -> Condition:
    """Parse a ``when`` expression; raises ``ConditionError`` (with a position) on bad input."""
    if not isinstance(text, str):
        raise ConditionError("a condition must be a string", 0)
    if len(text) > MAX_LENGTH:
        raise ConditionError(f"condition longer than {MAX_LENGTH} characters", MAX_LENGTH)
    if not text.strip():
        raise ConditionError("empty condition", 0)
    cond = _Parser(text).parse()
    return cond.model_copy(update={"source": text})


def condition_refs(cond: Condition) -> list[list[str]]:
    """Every reference path in ``cond``, in order of appearance."""
    found: list[list[str]] = []
    stack = [cond]
    while stack:
        node = stack.pop()
        if node.op == "ref":
            found.append(list(node.path))
        stack.extend(reversed(node.args))
    return found


def _resolve(path: list[str], inputs: Mapping[str, Any], outputs: Mapping[str, Any]) -> Any:
    if not path:
        return None
    if path[0] == "inputs":
        value: Any = inputs
    elif path[0] == "steps":
        value = outputs
    else:
        return None
    for seg in path[1:]:
        if isinstance(value, Mapping):
            if seg not in value:
                return None
            value = value[seg]
        elif isinstance(value, list | tuple) and seg.isdigit():
            idx = int(seg)
            if idx >= len(value):
                return None
            value = value[idx]
        else:
            return None
    return value


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _json_equal(a: Any, b: Any) -> bool:
    if _is_number(a) and _is_number(b):
        return bool(a == b)
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a is b
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, str) or isinstance(b, str):
        return isinstance(a, str) and isinstance(b, str) and a == b
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_json_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return set(a) == set(b) and all(_json_equal(a[k], b[k]) for k in a)
    return False


def _truthy(v: Any) -> bool:
    if v is None or v is False:
        return False
    if _is_number(v):
        return bool(v != 0)
    if isinstance(v, str | list | tuple | Mapping):
        return len(v) > 0
    return bool(v is True)


def _membership(item: Any, container: Any) -> bool | None:
    """``True``/``False`` for a meaningful test, ``None`` when the types do not fit."""
    if isinstance(container, list | tuple):
        return any(_json_equal(item, x) for x in container)
    if isinstance(container, str):
        return container.find(item) >= 0 if isinstance(item, str) else None
    if isinstance(container, Mapping):
        return item in container if isinstance(item, str) else None
    return None


def _compare(op: str, a: Any, b: Any) -> bool:
    if op == "==":
        return _json_equal(a, b)
    if op == "!=":
        return not _json_equal(a, b)
    if op in ("in", "not in"):
        found = _membership(a, b)
        if found is None:
            return False
        return found if op == "in" else not found
    ordered = (_is_number(a) and _is_number(b)) or (isinstance(a, str) and isinstance(b, str))
    if not ordered:
        return False
    if op == "<":
        return bool(a < b)
    if op == "<=":
        return bool(a <= b)
    if op == ">":
        return bool(a > b)
    if op == ">=":
        return bool(a >= b)
    return False


def _value(
    cond: Condition, inputs: Mapping[str, Any], outputs: Mapping[str, Any], depth: int
) -> Any:
    if depth > 4 * MAX_DEPTH:
        return None  # only reachable for hand-built trees; parsed ones are bounded
    op = cond.op
    if op == "lit":
        return cond.value
    if op == "ref":
        return _resolve(cond.path, inputs, outputs)
    if op == "not":
        return not (cond.args and _truthy(_value(cond.args[0], inputs, outputs, depth + 1)))
    if op == "and":
        return all(_truthy(_value(a, inputs, outputs, depth + 1)) for a in cond.args)
    if op == "or":
        return any(_truthy(_value(a, inputs, outputs, depth + 1)) for a in cond.args)
    if op in COMPARISON_OPS and len(cond.args) == 2:
        left = _value(cond.args[0], inputs, outputs, depth + 1)
        right = _value(cond.args[1], inputs, outputs, depth + 1)
        return _compare(op, left, right)
    return None


def evaluate_condition(
    cond: Condition, inputs: Mapping[str, Any], outputs: Mapping[str, Mapping[str, Any]]
) -> bool:
    """Evaluate ``cond`` against run ``inputs`` and ``outputs`` (step id → output name → value)."""
    return _truthy(_value(cond, inputs, outputs, 0))
