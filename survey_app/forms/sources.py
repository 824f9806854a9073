"""Reading located YAML nodes into typed values, recording every problem as a finding."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TypeVar

from survey_app.forms.findings import FindingSink
from survey_app.forms.model import DEFAULT_ADDRESSEE, LANGUAGES, Addressee, LocalText
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
    addressee: str | None = None  # "female"/"male" for a variant, None for a plain text

    @property
    def label(self) -> str:
        """Return `where [language]` or `where [language, addressee]` for messages."""
        suffix = f", {self.addressee}" if self.addressee else ""
        return f"{self.where} [{self.language}{suffix}]"


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
        variants: dict[str, Mapping[str, str]] = {}
        for language, child in mapping.items():
            if language not in LANGUAGES:
                self.sink.error(child.line, f"{where}: unknown language '{language}'")
                continue
            value, by_addressee = self.addressed_text(child, where, language, option_code)
            texts[language] = value
            if by_addressee:
                variants[language] = by_addressee
        for language in LANGUAGES:
            if language not in mapping and required:
                self.sink.error(node.line, f"{where}: missing the '{language}' text")
        return LocalText(MappingProxyType(texts), MappingProxyType(variants))

    def addressed_text(
        self, node: Node, where: str, language: str, option_code: int | None = None
    ) -> tuple[str, Mapping[str, str]]:
        """Read one language's text: a plain string or `{female: ..., male: ...}` variants.

        Returns the default text and the variants (empty for a plain text); records every
        text with its line for the checker.
        """
        is_option = option_code is not None
        if not node.is_map:
            value = self.text(node, f"{where} [{language}]")
            if not value.strip():
                self.sink.error(node.line, f"{where} [{language}]: text is empty")
            self.source.texts.append(
                TextEntry(where, language, value, node.line, is_option, option_code)
            )
            return value, {}
        mapping: dict[str, Node] = node.value  # type: ignore[assignment]
        known = [a.value for a in Addressee]
        for key, child in mapping.items():
            if key not in known:
                self.sink.error(
                    child.line,
                    f"{where} [{language}]: unknown addressee '{key}' "
                    f"(write {' and '.join(known)})",
                )
        by_addressee: dict[str, str] = {}
        for addressee in known:
            child = mapping.get(addressee)
            if child is None:
                self.sink.error(
                    node.line,
                    f"{where} [{language}]: the {addressee} variant is missing "
                    f"(a text with variants needs both {' and '.join(known)})",
                )
                continue
            value = self.text(child, f"{where} [{language}, {addressee}]")
            if not value.strip():
                self.sink.error(child.line, f"{where} [{language}, {addressee}]: text is empty")
            by_addressee[addressee] = value
            self.source.texts.append(
                TextEntry(where, language, value, child.line, is_option, option_code, addressee)
            )
        if len(set(by_addressee.values())) == 1 and len(by_addressee) == len(known):
            self.sink.warning(
                node.line,
                f"{where} [{language}]: the female and male variants are the same; "
                "write one plain text instead",
            )
        default = by_addressee.get(DEFAULT_ADDRESSEE.value) or next(iter(by_addressee.values()), "")
        return default, MappingProxyType(by_addressee)

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
