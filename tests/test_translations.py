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


def source_msgids() -> set[str]:
    found = extract_from_dir(
        str(ROOT / "survey_app"),
        method_map=[("**.py", "python")],
        keywords=parse_keywords(list(EXTRACT_KEYWORDS)),
    )
    return {message for _, _, message, _, _ in found if isinstance(message, str)}


def catalog(language: str):
    path = ROOT / "translations" / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as fh:
        return read_po(fh, locale=language)


@pytest.mark.parametrize("language", ["nb", "ar"])
def test_catalog_translates_every_interface_string(language):
    translated = {m.id: m for m in catalog(language) if m.id}
    missing = sorted(
        msgid
        for msgid in source_msgids()
        if msgid not in translated or not translated[msgid].string or translated[msgid].fuzzy
    )
    assert missing == [], f"{language}: {len(missing)} untranslated, e.g. {missing[:5]}"


@pytest.mark.parametrize("language", ["nb", "ar"])
def test_translations_keep_placeholders(language):
    wrong = [
        m.id
        for m in catalog(language)
        if m.id
        and m.string
        and set(PLACEHOLDER.findall(m.id)) != set(PLACEHOLDER.findall(m.string))
    ]
    assert wrong == []
