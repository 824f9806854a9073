"""Comparison keys for texts: case, punctuation, digits and Arabic spelling variants folded away.

Two labels that a reader would take for the same words must get the same key, whatever
diacritics, tatweel, hamza seat or alef form the typist chose; otherwise a label written twice
("كثيرًا" and "كثيرا") or a lexicon lookup would depend on keyboard habits.
"""

from __future__ import annotations

import re
import unicodedata

from survey_app.forms.textrules import to_ascii_digits

# Harakat, tanween, shadda, sukun, superscript alef, Quranic marks, and tatweel.
_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_ARABIC_LETTERS = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ٲ": "ا",
        "ٳ": "ا",
        "ؤ": "و",
        "ئ": "ي",
        "ى": "ي",
        "ی": "ي",  # Persian yeh
        "ة": "ه",
        "ک": "ك",  # Persian keheh
        "ء": "",
    }
)
# Word characters survive; everything else (punctuation, quotes, slashes) becomes a space.
_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)


def fold(text: str) -> str:
    """Return the comparison key of a text: lower case, plain letters, single spaces."""
    text = unicodedata.normalize("NFKC", text)
    text = _ARABIC_MARKS.sub("", text).translate(_ARABIC_LETTERS)
    text = to_ascii_digits(text).casefold()
    return " ".join(_NON_WORD.sub(" ", text).split())


def words(text: str) -> tuple[str, ...]:
    """Return the folded words of a text."""
    return tuple(fold(text).split())
