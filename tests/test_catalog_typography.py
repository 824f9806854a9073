"""Typography of the interface catalogs.

Arabic texts write their numbers in Arabic-Indic digits, as the app promises for ar: numbers
passed as parameters are localised by `i18n.tr`, a number written into a translation itself must
be too. Kept in Western digits: formats to copy (a date like 2025-03-14) and names.
Norwegian buttons that open something end in "…" without a space, as the source does (the
dashboard had "Bytt passordfrase…" beside "Register og studie …").
"""

from __future__ import annotations

import re

from babel.messages.pofile import read_po

from survey_app.assets import translations_dir

# Western digits that are not a number to read: names and formats typed as shown.
KEPT = re.compile(r"SHA-256|PCL-5|HSCL-25|\d{4}-\d\d-\d\d(T\d\d:\d\d)?|%\d")


def translations(language: str) -> list[str]:
    """Every translated text of a catalog (each plural form; not the header)."""
    with (translations_dir() / language / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalog = read_po(fh, locale=language)
    texts = []
    for message in catalog:
        if message.id:
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            texts += [text for text in strings if text]
    return texts


def test_norwegian_ellipses_follow_the_word_without_a_space():
    assert [text for text in translations("nb") if " …" in text] == []


def test_arabic_translations_write_their_numbers_in_arabic_indic_digits():
    western = []
    for text in translations("ar"):
        rest = KEPT.sub("", re.sub(r"\{[^}]*\}", "", text))
        if re.search("[0-9]", rest):
            western.append(text)
    assert western == []
