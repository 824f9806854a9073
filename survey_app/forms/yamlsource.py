"""Strict YAML reading that keeps the line of every value and reads every scalar as text."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

# libyaml's parser when PyYAML was built with it (several times faster), the same nodes and marks.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# A form definition is a few kilobytes; a file far larger than any form is refused before it is
# parsed (the pure-Python parser, used where libyaml is missing, is slow).
MAX_FILE_BYTES = 1024 * 1024
MAX_DEPTH = 40


class SourceError(Exception):
    """A file that cannot be read as a strict YAML document; carries the 1-based line."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass(frozen=True)
class Node:
    """A YAML value with its 1-based line: `value` is str, list[Node] or dict[str, Node]."""

    value: object
    line: int

    @property
    def is_map(self) -> bool:
        return isinstance(self.value, dict)

    @property
    def is_list(self) -> bool:
        return isinstance(self.value, list)

    @property
    def is_text(self) -> bool:
        return isinstance(self.value, str)


def read_yaml(path: Path) -> tuple[Node, bytes]:
    """Read a file into located nodes; raise SourceError on any syntax or strictness problem."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise SourceError(
                0, f"file is larger than {MAX_FILE_BYTES // 1024} KiB; a form is a few kilobytes"
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise SourceError(0, f"cannot read file: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SourceError(line, "file is not valid UTF-8") from None
    if text.startswith("\ufeff"):
        raise SourceError(1, "file starts with a byte-order mark; save as UTF-8 without BOM")
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        if "nesting depth" in str(exc.problem):  # libyaml's own limit, far above MAX_DEPTH
            message = f"values are nested more than {MAX_DEPTH} levels deep"
            raise SourceError(line, message) from None
        raise SourceError(line, f"YAML syntax error: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise SourceError(0, f"YAML error: {exc}") from None
    except RecursionError:
        raise SourceError(0, f"values are nested more than {MAX_DEPTH} levels deep") from None
    if root is None:
        raise SourceError(1, "file is empty")
    return _convert(root, set()), raw


_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}


def _convert(node: yaml.Node, seen: set[int], depth: int = 0) -> Node:
    line = node.start_mark.line + 1
    if depth > MAX_DEPTH:
        raise SourceError(line, f"values are nested more than {MAX_DEPTH} levels deep")
    if id(node) in seen:
        raise SourceError(line, "anchors and aliases are not allowed")
    seen.add(id(node))
    if node.tag not in _PLAIN_TAGS:
        raise SourceError(line, f"explicit YAML tags are not allowed ({node.tag})")
    if isinstance(node, yaml.ScalarNode):
        if node.tag == "tag:yaml.org,2002:null" and node.value in ("", "~", "null", "Null", "NULL"):
            return Node("", line)
        return Node(str(node.value), line)
    if isinstance(node, yaml.SequenceNode):
        return Node([_convert(child, seen, depth + 1) for child in node.value], line)
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise SourceError(key_node.start_mark.line + 1, "mapping keys must be plain text")
            if key_node.value == "<<":
                raise SourceError(key_node.start_mark.line + 1, "merge keys (<<) are not allowed")
            key = str(key_node.value)
            if key in result:
                raise SourceError(
                    key_node.start_mark.line + 1,
                    f"duplicate key '{key}' (first on line {result[key].line})",
                )
            result[key] = _convert(value_node, seen, depth + 1)
        return Node(result, line)
    raise SourceError(line, "unsupported YAML construct")
