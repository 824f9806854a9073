"""Arabic interface texts write their numbers in Arabic-Indic digits, as the app promises for ar.

Numbers passed as parameters are localised by `i18n.tr`; a number written into a translation
itself must be too. Kept in Western digits: formats to copy (a date like 2025-03-14) and names.
"""

from __future__ import annotations

import re

from babel.messages.pofile import read_po

from survey_app.assets import translations_dir

# Western digits that are not a number to read: names and formats typed as shown.
KEPT = re.compile(r"SHA-256|PCL-5|HSCL-25|\d{4}-\d\d-\d\d(T\d\d:\d\d)?|%\d")


def test_arabic_translations_write_their_numbers_in_arabic_indic_digits():
    with (translations_dir() / "ar" / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalog = read_po(fh, locale="ar")
    western = []
    for message in catalog:
        if not message.id:
            continue  # the catalog's header
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in forms:
            rest = KEPT.sub("", re.sub(r"\{[^}]*\}", "", text or ""))
            if re.search("[0-9]", rest):
                western.append(text)
    assert western == []
