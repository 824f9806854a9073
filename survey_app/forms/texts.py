"""Every text of a form under a stable key, for back-translations, sign-offs and reviews.

Keys are dotted paths that survive reordering and reformatting of the file:
`title`, `instructions`, `recall_period`, `scale.<id>.anchor_low`, `scale.<id>.anchor_high`,
`scale.<id>.option.<code>`, `section.<id>.title`, `item.<id>.text`, `item.<id>.help`,
`item.<id>.constraint_message`, `item.<id>.option.<code>`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from survey_app.forms.model import Addressee, Form, LocalText

SOURCE_LANGUAGE = "en"


@dataclass(frozen=True)
class TextRef:
    """One text of a form: its key, where the loader reported it, and its family.

    Texts of one family (all item texts, the options of one list, the anchors of one scale,
    the form's title and instructions) are what a copied or swapped text would be confused with.
    """

    key: str
    where: str
    text: LocalText
    family: str
    code: int | None = None


@dataclass(frozen=True)
class Version:
    """One written version of a text: a language, and the addressee for a variant."""

    language: str
    addressee: str | None = None

    @property
    def label(self) -> str:
        return f"{self.language}, {self.addressee}" if self.addressee else self.language


def form_texts(form: Form) -> list[TextRef]:
    """Return every text of a form in file order."""
    return list(_walk(form))


def _walk(form: Form) -> Iterator[TextRef]:
    for name in ("title", "instructions", "recall_period"):
        text = getattr(form, name)
        if text is not None and text.texts:
            yield TextRef(name, name, text, "form")
    for scale in form.scales.values():
        where = f"scale '{scale.id}'"
        for end in ("anchor_low", "anchor_high"):
            anchor = getattr(scale, end)
            if anchor is not None:
                yield TextRef(
                    f"scale.{scale.id}.{end}", f"{where} {end}", anchor, f"anchors:{scale.id}"
                )
        for option in scale.options:
            yield TextRef(
                f"scale.{scale.id}.option.{option.code}",
                f"{where} option {option.code}",
                option.label,
                f"options:scale.{scale.id}",
                option.code,
            )
    for section in form.sections:
        if section.title is not None:
            where = f"section '{section.id}' title"
            yield TextRef(f"section.{section.id}.title", where, section.title, "sections")
    for item in form.items:
        where = f"item '{item.id}'"
        yield TextRef(f"item.{item.id}.text", f"{where} text", item.text, "items")
        if item.help is not None:
            yield TextRef(f"item.{item.id}.help", f"{where} help", item.help, "help")
        message = item.logic.constraint_message
        if message is not None:
            key, label = f"item.{item.id}.constraint_message", f"{where} constraint_message"
            yield TextRef(key, label, message, "messages")
        if item.scale is not None and form.scales.get(item.scale.id) is not item.scale:
            for option in item.scale.options:
                yield TextRef(
                    f"item.{item.id}.option.{option.code}",
                    f"{where} option {option.code}",
                    option.label,
                    f"options:item.{item.id}",
                    option.code,
                )


def versions(text: LocalText, language: str) -> list[tuple[Version, str]]:
    """Return the written versions of a text in one language: its variants, or the plain text."""
    variants = text.variants.get(language)
    if variants:
        return [
            (Version(language, a.value), variants[a.value])
            for a in Addressee
            if a.value in variants
        ]
    if language in text.texts:
        return [(Version(language), text.texts[language])]
    return []
