"""Back-translations: an independent translation of every translated text back into the source
language, kept beside the form in `<id>.backtranslation.yaml` and compared with the source.

Each entry records (`of`) a stamp of exactly the translated text it translates, so a text that
changes afterwards leaves its back-translation stale until it is redone.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from survey_app.forms.findings import Finding, FindingSink
from survey_app.forms.model import LANGUAGES, Addressee, Form
from survey_app.forms.texts import SOURCE_LANGUAGE, TextRef, Version, form_texts, versions
from survey_app.forms.yamlsource import Node, SourceError, read_yaml
from survey_app.program_name import SOURCE

BACKTRANSLATION_SUFFIX = ".backtranslation.yaml"
STAMP_LENGTH = 16


def text_stamp(text: str) -> str:
    """Return the stamp of a translated text: the first 16 hex digits of its SHA-256 (NFC)."""
    return hashlib.sha256(unicodedata.normalize("NFC", text).encode("utf-8")).hexdigest()[
        :STAMP_LENGTH
    ]


def backtranslation_path(form_path: Path) -> Path:
    """Return the back-translation file that belongs to a form file."""
    return form_path.with_name(form_path.stem + BACKTRANSLATION_SUFFIX)


@dataclass
class BackEntry:
    """One back-translation: the text in the source language and the stamp of its original."""

    key: str
    version: Version
    back: str
    of: str
    line: int = 0
    review: str = ""  # the reviewer's note that a flagged difference keeps the meaning


@dataclass
class BackTranslations:
    """The back-translation file of one form."""

    path: Path
    form_id: str = ""
    by: dict[str, str] = field(default_factory=dict)
    entries: dict[tuple[str, Version], BackEntry] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    def get(self, key: str, version: Version) -> BackEntry | None:
        """Return the back-translation of one version of one text, if any."""
        return self.entries.get((key, version))

    def written_for(self, language: str) -> int:
        """Return how many texts of a language have a back-translation written."""
        return sum(1 for (_, v), e in self.entries.items() if v.language == language and e.back)


def read_backtranslations(path: Path) -> BackTranslations | None:
    """Read a back-translation file (None when there is none); problems become findings."""
    if not path.exists():
        return None
    result = BackTranslations(path)
    sink = FindingSink(str(path), result.findings)
    try:
        root, _ = read_yaml(path)
    except SourceError as exc:
        sink.error(exc.line, exc.message)
        return result
    if not root.is_map:
        sink.error(root.line, "expected `form:`, `by:` and `texts:`")
        return result
    top: dict[str, Node] = root.value  # type: ignore[assignment]
    for key, node in top.items():
        if key not in ("form", "by", "texts"):
            sink.error(node.line, f"unknown key '{key}' (expected form, by, texts)")
    form_node = top.get("form")
    result.form_id = str(form_node.value) if form_node is not None and form_node.is_text else ""
    by = top.get("by")
    if by is not None and by.is_map:
        result.by = {k: str(v.value) for k, v in by.value.items() if v.is_text}  # type: ignore[union-attr]
    texts = top.get("texts")
    if texts is None or not texts.is_map:
        sink.error(root.line if texts is None else texts.line, "texts: expected key -> languages")
        return result
    for key, node in texts.value.items():  # type: ignore[union-attr]
        _read_key(sink, result, key, node)
    return result


def _read_key(sink: FindingSink, result: BackTranslations, key: str, node: Node) -> None:
    if not node.is_map:
        sink.error(node.line, f"{key}: expected one entry per language")
        return
    for language, child in node.value.items():  # type: ignore[union-attr]
        if language not in LANGUAGES:
            sink.error(child.line, f"{key}: unknown language '{language}'")
            continue
        if not child.is_map:
            sink.error(child.line, f"{key} [{language}]: expected {{back: ..., of: ...}}")
            continue
        fields: dict[str, Node] = child.value  # type: ignore[assignment]
        if set(fields) <= {a.value for a in Addressee}:
            for addressee, entry in fields.items():
                _read_entry(sink, result, key, Version(language, addressee), entry)
        else:
            _read_entry(sink, result, key, Version(language), child)


def _read_entry(
    sink: FindingSink, result: BackTranslations, key: str, version: Version, node: Node
) -> None:
    where = f"{key} [{version.label}]"
    if not node.is_map:
        sink.error(node.line, f"{where}: expected {{back: ..., of: ...}}")
        return
    fields: dict[str, Node] = node.value  # type: ignore[assignment]
    for name, child in fields.items():
        if name not in ("back", "of", "review"):
            sink.error(child.line, f"{where}: unknown key '{name}' (expected back, of, review)")
        elif not child.is_text:
            sink.error(child.line, f"{where}: {name} must be text")

    def text(name: str) -> str:
        node = fields.get(name)
        return str(node.value) if node is not None and node.is_text else ""

    result.entries[(key, version)] = BackEntry(
        key, version, text("back"), text("of").strip(), node.line, text("review")
    )


def current_versions(form: Form) -> dict[tuple[str, Version], tuple[TextRef, str]]:
    """Return every translated version of every text that has words to back-translate.

    The source language's texts and texts without letters (a label "7") are left out.
    """
    found: dict[tuple[str, Version], tuple[TextRef, str]] = {}
    for ref in form_texts(form):
        for language in LANGUAGES:
            if language == SOURCE_LANGUAGE:
                continue
            for version, text in versions(ref.text, language):
                if any(c.isalpha() for c in text):
                    found[(ref.key, version)] = (ref, text)
    return found


def render(form: Form, backs: BackTranslations, program: str = SOURCE) -> str:
    """Write a back-translation file in its canonical layout (form order, comments regenerated).

    program: how the command line is run, for the stamp command in the file's head comment.
    """
    out = [
        f"# Back-translations of {form.id}.yaml into '{SOURCE_LANGUAGE}', for the reviewer "
        "(docs/translation.md).",
        "# Write or correct the `back:` texts only (a reviewer may add `review:` notes). `of:`",
        "# stamps the exact translation each one translates; after a delivery run:",
        f"#   {program} forms back-translation stamp {form.id}",
        "# The comment above each entry shows the translation as it stands in the form now.",
        f"form: {form.id}",
        "by:",
    ]
    for language in LANGUAGES:
        if language in backs.by:
            out.append(f"  {language}: {_quote(backs.by[language])}")
    out.append("texts:")
    current = current_versions(form)
    keys = list(dict.fromkeys([k for k, _ in current] + [k for k, _ in backs.entries]))
    for key in keys:
        block = _render_key(key, current, backs)
        if block:
            out.append(f"  {key}:")
            out.extend(block)
    return "\n".join(out) + "\n"


def _render_key(
    key: str,
    current: dict[tuple[str, Version], tuple[TextRef, str]],
    backs: BackTranslations,
) -> list[str]:
    lines: list[str] = []
    for language in LANGUAGES:
        here = [
            (v, e) for (k, v), e in backs.entries.items() if k == key and v.language == language
        ]
        if not here:
            continue
        variants = sorted((v for v, _ in here if v.addressee), key=lambda v: str(v.addressee))
        plain = [e for v, e in here if not v.addressee]
        if plain:
            entry = plain[0]
            lines.extend(_comment(current.get((key, entry.version)), entry, "    "))
            lines.append(f"    {language}: {_entry(entry)}")
        elif variants:
            lines.append(f"    {language}:")
            for version in variants:
                entry = backs.entries[(key, version)]
                lines.extend(_comment(current.get((key, version)), entry, "      "))
                lines.append(f"      {version.addressee}: {_entry(entry)}")
    return lines


def _comment(found: tuple[TextRef, str] | None, entry: BackEntry, indent: str) -> list[str]:
    label = entry.version.label
    if found is None:
        return [f"{indent}# ({label}: no such text in the form any more)"]
    text = " ".join(found[1].split())
    stale = entry.of and entry.of != text_stamp(found[1])
    return [f"{indent}# {label}: {text}" + ("   [CHANGED since back-translated]" if stale else "")]


def stamp_entries(
    form: Form, backs: BackTranslations, keys: set[str], everything: bool, language: str | None
) -> list[str]:
    """Stamp back-translations with the translation they translate; return what was stamped.

    Unstamped entries are stamped always; stale ones only when named in `keys` (or with
    `everything`), because restamping declares that the back-translation was redone.
    """
    current = current_versions(form)
    done: list[str] = []
    for (key, version), entry in backs.entries.items():
        found = current.get((key, version))
        if found is None or not entry.back or (language and version.language != language):
            continue
        stamp = text_stamp(found[1])
        if entry.of == stamp:
            continue
        if not entry.of or everything or key in keys:
            if entry.of:
                entry.review = ""  # a review of the earlier translation does not carry over
            entry.of = stamp
            done.append(f"{key} [{version.label}]")
    return done


def add_missing(form: Form, backs: BackTranslations, language: str | None) -> list[str]:
    """Add an empty entry for every translated text without a back-translation; return them."""
    added: list[str] = []
    for (key, version), _ in current_versions(form).items():
        if language and version.language != language:
            continue
        if (key, version) not in backs.entries:
            backs.entries[(key, version)] = BackEntry(key, version, "", "")
            added.append(f"{key} [{version.label}]")
    return added


def _entry(entry: BackEntry) -> str:
    review = f", review: {_quote(entry.review)}" if entry.review else ""
    return f"{{back: {_quote(entry.back)}, of: {_quote(entry.of)}{review}}}"


def _quote(text: str) -> str:
    """A YAML double-quoted scalar (JSON string syntax is valid YAML)."""
    return json.dumps(text, ensure_ascii=False)
