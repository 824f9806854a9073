"""Writing a sign-off record into a form file, changing nothing else in it."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from survey_app.errors import UserFacingError
from survey_app.forms.model import SignOff


class SignOffWriteError(UserFacingError):
    """The form file cannot take the record (no `languages:` entry for the language)."""


def language_entry_block(
    language: str, indent: int, note: str, record: SignOff | None, status: str
) -> list[str]:
    """Return the lines of one `languages:` entry, written in block style."""
    pad = " " * indent
    lines = [f"{pad}{language}:", f"{pad}  status: {status}"]
    if note:
        lines.append(f"{pad}  note: {_quote(note)}")
    if record is not None:
        lines += [
            f"{pad}  signoff:",
            f"{pad}    role: {_quote(record.role)}",
            f"{pad}    initials: {_quote(record.initials)}",
            f'{pad}    date: "{record.date}"',
            f"{pad}    steps: [{', '.join(record.steps)}]",
            f'{pad}    texts: "{record.texts}"',
        ]
        if record.source_texts:
            lines.append(f'{pad}    source_texts: "{record.source_texts}"')
    return lines


def replace_language_entry(
    text: str, language: str, note: str, record: SignOff | None, status: str
) -> str:
    """Return the file text with one language's entry rewritten (comments elsewhere kept)."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    languages = _child(root, "languages")
    if languages is None or not isinstance(languages, yaml.MappingNode):
        raise SignOffWriteError("the form has no `languages:` mapping")
    if languages.flow_style:
        raise SignOffWriteError(
            "write `languages:` with one language per line (block style) before signing off"
        )
    for key, value in languages.value:
        if key.value != language:
            continue
        lines = text.split("\n")
        first = key.start_mark.line
        end = value.end_mark
        last = end.line if lines[end.line][: end.column].strip() else end.line - 1
        while last > first and not lines[last].strip():
            last -= 1
        block = language_entry_block(language, key.start_mark.column, note, record, status)
        return "\n".join(lines[:first] + block + lines[last + 1 :])
    raise SignOffWriteError(f"the form has no `languages:` entry for '{language}'")


def write_signoff(path: Path, language: str, note: str, record: SignOff | None) -> None:
    """Write (or with record None: remove) a language's sign-off record, atomically."""
    text = path.read_text(encoding="utf-8")
    status = "validated" if record is not None else "draft"
    updated = replace_language_entry(text, language, note, record, status)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(updated, encoding="utf-8")
    temporary.replace(path)


def _child(node: yaml.Node, name: str) -> yaml.Node | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    return next((v for k, v in node.value if k.value == name), None)


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)
