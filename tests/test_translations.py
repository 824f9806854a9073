"""Every interface string is translated into nb and ar, with the same placeholders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_keywords
from babel.messages.pofile import read_po

from survey_app.i18n import EXTRACT_KEYWORDS

ROOT = Path(__file__).resolve().parents[1]
PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)(?:[:!][^}]*)?\}")
# Placeholders that hold a number of things: a message with one needs plural forms (trn/Counted).
COUNTED = {"count", "n", "seconds", "minutes", "hours", "days", "length", "refused", "decimals"}
PLURAL_FORMS = {"nb": 2, "ar": 6}


def source_messages() -> list[str | tuple[str, ...]]:
    found = extract_from_dir(
        str(ROOT / "survey_app"),
        method_map=[("**.py", "python")],
        keywords=parse_keywords(list(EXTRACT_KEYWORDS)),
    )
    return [message for _, _, message, _, _ in found]


def source_msgids() -> set[str]:
    """The catalog key of every message: the msgid, or a counted message's singular."""
    return {m if isinstance(m, str) else m[0] for m in source_messages()}


def catalog(language: str):
    path = ROOT / "translations" / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as fh:
        return read_po(fh, locale=language)


def strings(message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


@pytest.mark.parametrize("language", ["nb", "ar"])
def test_catalog_translates_every_interface_string(language):
    translated = {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalog(language) if m.id}
    missing = sorted(
        msgid
        for msgid in source_msgids()
        if msgid not in translated or not all(strings(translated[msgid])) or translated[msgid].fuzzy
    )
    assert missing == [], f"{language}: {len(missing)} untranslated, e.g. {missing[:5]}"


@pytest.mark.parametrize("language", ["nb", "ar"])
def test_counted_messages_fill_every_plural_form(language):
    cat = catalog(language)
    assert cat.num_plurals == PLURAL_FORMS[language]
    wrong = [
        m.id[0]
        for m in cat
        if m.id and m.pluralizable and (len(m.string) != cat.num_plurals or not all(m.string))
    ]
    assert wrong == []


@pytest.mark.parametrize("language", ["nb", "ar"])
def test_translations_keep_placeholders(language):
    wrong = [
        m.id
        for m in catalog(language)
        if m.id and not m.pluralizable and m.string and _names(m.id) != _names(m.string)
    ]
    assert wrong == []


@pytest.mark.parametrize("language", ["nb", "ar"])
def test_plural_forms_keep_placeholders(language):
    # A form may leave the number out ("ثانية واحدة", one second), never another placeholder.
    wrong = [
        (m.id[0], form)
        for m in catalog(language)
        if m.id and m.pluralizable
        for form in m.string
        if form
        and _names(form) != _names(m.id[1])
        and not (_names(m.id[1]) - _names(form) <= COUNTED and _names(form) <= _names(m.id[1]))
    ]
    assert wrong == []


def test_every_counted_message_has_plural_forms():
    # "Vent 1 sekunder": a number of things shown through tr/N_ gets one form for every count.
    singular_only = sorted(
        m for m in source_messages() if isinstance(m, str) and _names(m) & COUNTED
    )
    assert singular_only == []


def _names(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


# The words that open "yes" and "no" in each language: a translator who swaps the consent
# tiles' texts (or the decline tile's) in a catalog must not make "yes" read as "no".
YES_NO_WORDS = {"nb": ("Ja", "Nei"), "ar": ("نعم", "لا"), "en": ("Yes", "No")}


@pytest.mark.parametrize("language", sorted(YES_NO_WORDS))
def test_the_consent_tiles_read_yes_and_no_in_each_language(language):
    from survey_app.i18n import tr

    yes_word, no_word = YES_NO_WORDS[language]
    yes, no = tr(language, "Yes, I agree"), tr(language, "No, I do not agree")
    assert yes.split()[0].strip(",،") == yes_word
    assert no.split()[0].strip(",،") == no_word
    assert tr(language, "Yes, I do not want to take part").split()[0].strip(",،") == yes_word
    assert tr(language, "No, I want to go back").split()[0].strip(",،") == no_word
