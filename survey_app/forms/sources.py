"""Reading located YAML nodes into typed values, recording every problem as a finding."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TypeVar

from survey_app.forms.findings import FindingSink
from survey_app.forms.model import LANGUAGES, LocalText
from survey_app.forms.yamlsource import Node, SourceError, read_yaml

T = TypeVar("T")


@dataclass(frozen=True)
class TextEntry:
    """One text in one language, with where it stands (for the checker)."""

    where: str
    language: str
    text: str
    line: int
    is_option_label: bool = False
    code: int | None = None


@dataclass(frozen=True)
class OptionBlock:
    """One language's option list as written in the file, codes in written order."""

    where: str
    language: str
    codes: tuple[int, ...]
    line: int
    declared_min: int | None
    declared_max: int | None


@dataclass
class FormSource:
    """What the checker needs beyond the model: every text and option list with its line."""

    texts: list[TextEntry] = field(default_factory=list)
    option_blocks: list[OptionBlock] = field(default_factory=list)
    expressions: list = field(default_factory=list)  # logic_loader.ExpressionEntry


def content_hash(raw: bytes) -> str:
    """Return the hex SHA-256 of a definition file with line endings normalised."""
    return hashlib.sha256(raw.replace(b"\r\n", b"\n")).hexdigest()


class NodeReader:
    """Shared helpers that turn located nodes into typed values, recording findings."""

    def __init__(self, sink: FindingSink, source: FormSource) -> None:
        self.sink = sink
        self.source = source

    def keys(self, node: Node, allowed: set[str], required: set[str], where: str) -> bool:
        if not node.is_map:
            self.sink.error(node.line, f"{where}: expected a mapping")
            return False
        mapping: dict[str, Node] = node.value  # type: ignore[assignment]
        for key, child in mapping.items():
            if key not in allowed:
                self.sink.error(child.line, f"{where}: unknown key '{key}'")
        for key in sorted(required - mapping.keys()):
            self.sink.error(node.line, f"{where}: missing required key '{key}'")
        return True

    def text(self, node: Node | None, where: str, default: str = "") -> str:
        if node is None:
            return default
        if not node.is_text:
            self.sink.error(node.line, f"{where}: expected a text value")
            return default
        return node.value  # type: ignore[return-value]

    def integer(self, node: Node | None, where: str) -> int | None:
        if node is None:
            return None
        value = self.text(node, where)
        if not re.fullmatch(r"-?[0-9]+", value.strip()):
            self.sink.error(node.line, f"{where}: '{value}' is not a whole number")
            return None
        return int(value)

    def boolean(self, node: Node | None, where: str, default: bool) -> bool:
        if node is None:
            return default
        value = self.text(node, where)
        if value not in ("true", "false"):
            self.sink.error(node.line, f"{where}: write true or false, not '{value}'")
            return default
        return value == "true"

    def local_text(
        self,
        node: Node | None,
        where: str,
        required: bool = True,
        option_code: int | None = None,
    ) -> LocalText | None:
        if node is None:
            return None
        if not node.is_map:
            self.sink.error(node.line, f"{where}: expected one text per language (nb, en, ar)")
            return None
        mapping: dict[str, Node] = node.value  # type: ignore[assignment]
        texts: dict[str, str] = {}
        for language, child in mapping.items():
            if language not in LANGUAGES:
                self.sink.error(child.line, f"{where}: unknown language '{language}'")
                continue
            value = self.text(child, f"{where} [{language}]")
            if not value.strip():
                self.sink.error(child.line, f"{where} [{language}]: text is empty")
            texts[language] = value
            self.source.texts.append(
                TextEntry(where, language, value, child.line, option_code is not None, option_code)
            )
        for language in LANGUAGES:
            if language not in mapping and required:
                self.sink.error(node.line, f"{where}: missing the '{language}' text")
        return LocalText(MappingProxyType(texts))

    def listed(
        self, node: Node | None, where: str, read: Callable[[Node, int], T | None]
    ) -> list[T]:
        if node is None:
            return []
        if not node.is_list:
            self.sink.error(node.line, f"{where}: expected a list")
            return []
        out: list[T] = []
        for index, child in enumerate(node.value):  # type: ignore[arg-type]
            value = read(child, index)
            if value is not None:
                out.append(value)
        return out


def open_source(path: Path) -> tuple[NodeReader, Node | None, bytes]:
    """Read a file into located nodes, recording an unreadable file as a finding."""
    reader = NodeReader(FindingSink(str(path), []), FormSource())
    try:
        root, raw = read_yaml(path)
    except SourceError as exc:
        reader.sink.error(exc.line, exc.message)
        return reader, None, b""
    return reader, root, raw
