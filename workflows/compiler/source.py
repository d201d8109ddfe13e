"""Spec text (YAML or JSON) → plain data plus the line/column of every node.

PyYAML's ``compose`` gives nodes with marks; we build the Python values ourselves so
duplicate keys are an error (PyYAML silently keeps the last one), aliases cannot
explode (node budget) or recurse, and every value and key is located by its JSON
pointer path. Pure: parses text only, no file or network access.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import yaml

from schemas.agents import ValidationIssue

#: Largest number of YAML nodes built (aliases count each time they are expanded).
MAX_NODES = 200_000
MAX_DEPTH = 100
MAX_TEXT = 2_000_000

Path = tuple[str | int, ...]


def pointer(path: Path) -> str:
    """The RFC 6901 JSON pointer of ``path``."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


@dataclass
class SourceMap:
    """Where each path sits in the text (1-based line and column)."""

    values: dict[Path, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)
    #: the scalar's style ("" plain, "'" or '"') and whether it fits on one line
    scalars: dict[Path, tuple[str, bool]] = field(default_factory=dict)

    def locate(self, path: Path, *, prefer_key: bool = False) -> tuple[int | None, int | None]:
        """Line and column for ``path``, falling back to the nearest located ancestor."""
        probe = path
        while True:
            if prefer_key and probe in self.keys:
                return self.keys[probe]
            if probe in self.values:
                return self.values[probe]
            if probe in self.keys:
                return self.keys[probe]
            if not probe:
                return None, None
            probe = probe[:-1]

    def issue(self, path: Path, message: str, *, prefer_key: bool = False) -> ValidationIssue:
        """A ``ValidationIssue`` at ``path`` with its position."""
        line, column = self.locate(path, prefer_key=prefer_key)
        return ValidationIssue(path=pointer(path), message=message, line=line, column=column)


@dataclass
class LoadedSource:
    data: Any = None
    source_map: SourceMap = field(default_factory=SourceMap)
    errors: list[ValidationIssue] = field(default_factory=list)
    #: problems that still leave usable data (duplicate keys)
    problems: list[ValidationIssue] = field(default_factory=list)
    is_text: bool = False


class _BuildError(Exception):
    def __init__(self, message: str, mark: yaml.Mark | None) -> None:
        super().__init__(message)
        self.message = message
        self.mark = mark


def _mark(m: yaml.Mark | None) -> tuple[int, int]:
    return (m.line + 1, m.column + 1) if m is not None else (1, 1)


class _Builder:
    def __init__(self) -> None:
        self.loader = yaml.SafeLoader("")
        self.count = 0
        self.map = SourceMap()
        self.active: set[int] = set()
        self.problems: list[ValidationIssue] = []

    def build(self, node: yaml.Node, path: Path, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise _BuildError(
                f"document too large (more than {MAX_NODES} nodes after expanding aliases)",
                node.start_mark,
            )
        if depth > MAX_DEPTH:
            raise _BuildError(f"document nested too deeply (limit {MAX_DEPTH})", node.start_mark)
        self.map.values.setdefault(path, _mark(node.start_mark))
        if isinstance(node, yaml.ScalarNode):
            one_line = node.start_mark.line == node.end_mark.line
            self.map.scalars.setdefault(path, (node.style or "", one_line))
            try:
                value = self.loader.construct_object(node, deep=True)
            except yaml.YAMLError as exc:
                raise _BuildError(
                    f"cannot read value: {_yaml_problem(exc)}", node.start_mark
                ) from exc
            return _unicode_text(value, node.start_mark) if isinstance(value, str) else value
        if id(node) in self.active:
            raise _BuildError("recursive alias", node.start_mark)
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                if node.tag not in ("tag:yaml.org,2002:seq",):
                    raise _BuildError(f"unsupported tag {node.tag}", node.start_mark)
                return [
                    self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)
                ]
            if isinstance(node, yaml.MappingNode):
                return self.build_mapping(node, path, depth)
        finally:
            self.active.discard(id(node))
        raise _BuildError("unsupported YAML node", node.start_mark)

    def build_mapping(self, node: yaml.MappingNode, path: Path, depth: int) -> dict[str, Any]:
        if node.tag != "tag:yaml.org,2002:map":
            raise _BuildError(f"unsupported tag {node.tag}", node.start_mark)
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise _BuildError("merge keys (<<) are not supported", key_node.start_mark)
            if not isinstance(key_node, yaml.ScalarNode):
                raise _BuildError("mapping keys must be plain strings", key_node.start_mark)
            try:
                raw_key = self.loader.construct_object(key_node, deep=True)
            except yaml.YAMLError as exc:
                raise _BuildError(
                    f"cannot read key: {_yaml_problem(exc)}", key_node.start_mark
                ) from exc
            key = raw_key if isinstance(raw_key, str) else str(key_node.value)
            key = _unicode_text(key, key_node.start_mark)
            if key in out:
                # reported, then the first value is kept so validation can go on
                first = self.map.keys.get((*path, key))
                where = f" (first defined at line {first[0]})" if first else ""
                line, column = _mark(key_node.start_mark)
                self.problems.append(
                    ValidationIssue(
                        path=pointer((*path, key)),
                        message=f"duplicate key {key!r}{where}",
                        line=line,
                        column=column,
                    )
                )
                continue
            self.map.keys[(*path, key)] = _mark(key_node.start_mark)
            out[key] = self.build(value_node, (*path, key), depth + 1)
        return out


def _unicode_text(text: str, mark: yaml.Mark) -> str:
    """``text`` with UTF-16 surrogate escapes as JSON reads them (YAML decodes
    ``"\\ud800\\udc00"`` as two lone surrogates, JSON as U+10000); a lone surrogate is not
    text at all and is refused."""
    if not any("\ud800" <= ch <= "\udfff" for ch in text):
        return text
    try:
        return text.encode("utf-16", "surrogatepass").decode("utf-16")
    except UnicodeDecodeError:
        raise _BuildError(
            "the text has a lone UTF-16 surrogate (a \\ud800-\\udfff escape without its "
            "pair), which is not valid Unicode",
            mark,
        ) from None


def _yaml_problem(exc: yaml.YAMLError) -> str:
    problem = getattr(exc, "problem", None)
    context = getattr(exc, "context", None)
    if problem and context:
        return f"{problem} ({context})"
    return str(problem or context or exc).strip()


def _load_json(text: str) -> Any:
    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for k, v in pairs:
            if k in out:
                raise ValueError(f"duplicate key {k!r}")
            out[k] = v
        return out

    return json.loads(text, object_pairs_hook=no_duplicates)


def load_source(source: str | bytes) -> LoadedSource:
    """Parse YAML (or JSON) text; errors carry 1-based line and column."""
    result = LoadedSource(is_text=True)
    if isinstance(source, bytes):
        try:
            source = source.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            result.errors.append(
                ValidationIssue(path="", message=f"the spec is not UTF-8 text: {exc.reason}")
            )
            return result
    if len(source) > MAX_TEXT:
        result.errors.append(
            ValidationIssue(path="", message=f"the spec is larger than {MAX_TEXT} characters")
        )
        return result
    try:
        node = yaml.compose(source, Loader=yaml.SafeLoader)
        if node is None:
            result.errors.append(
                ValidationIssue(path="", message="the spec is empty", line=1, column=1)
            )
            return result
        builder = _Builder()
        result.data = builder.build(node, (), 0)
        result.source_map = builder.map
        result.problems = builder.problems
        return result
    except _BuildError as exc:
        line, column = _mark(exc.mark)
        result.errors.append(
            ValidationIssue(path="", message=exc.message, line=line, column=column)
        )
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        pos: tuple[int | None, int | None] = _mark(mark) if mark is not None else (None, None)
        result.errors.append(
            ValidationIssue(
                path="", message=f"invalid YAML: {_yaml_problem(exc)}", line=pos[0], column=pos[1]
            )
        )
    except RecursionError:
        result.errors.append(
            ValidationIssue(path="", message="the spec is nested too deeply", line=1, column=1)
        )
    # YAML 1.1 rejects a few valid JSON texts (e.g. tabs inside flow collections)
    if source.lstrip().startswith(("{", "[")):
        try:
            data = _load_json(source)
            # Lone surrogates (refused above with their line) are no text in JSON either.
            json.dumps(data, ensure_ascii=False).encode("utf-8")
        except RecursionError:
            return result
        except ValueError:  # UnicodeEncodeError included
            return result
        return LoadedSource(data=data, is_text=True)
    return result
