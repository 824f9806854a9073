"""Folding of the digit systems people type (Western, Arabic-Indic, Persian, full-width)."""

from __future__ import annotations

import unicodedata

from survey_app.answers.errors import AnswerError

# Each digit system is a run of ten consecutive code points starting at zero.
DIGIT_SYSTEMS: dict[str, int] = {
    "western": 0x30,  # 0-9
    "arabic_indic": 0x660,  # ٠-٩
    "persian": 0x6F0,  # ۰-۹ (Eastern Arabic-Indic, also used for Urdu)
    "fullwidth": 0xFF10,  # ０-９
}

# Invisible direction marks that keyboards and copy/paste insert around numbers and codes.
BIDI_MARKS = frozenset("\u200e\u200f\u061c")
# Explicit embeddings, overrides and isolates: never meaningful in an answer.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069") | BIDI_MARKS


def digit_system(char: str) -> str | None:
    """Return the name of the digit system a character belongs to, or None for a non-digit."""
    cp = ord(char)
    for name, zero in DIGIT_SYSTEMS.items():
        if zero <= cp <= zero + 9:
            return name
    return None


def fold_digits(text: str, *, allow_mixed: bool = False) -> str:
    """Replace every supported digit by its Western digit.

    Reading a number (allow_mixed=False) refuses digits of two systems (number.mixed_digits)
    and any other character with a numeric value (number.format): superscript, subscript,
    circled or mathematical digits become plain digits under NFKC, so "10²" would otherwise
    be stored as 102 and "٤²" would slip past the mixed-digits check.
    """
    out: list[str] = []
    seen: set[str] = set()
    for char in text:
        system = digit_system(char)
        if system is None:
            if not allow_mixed and unicodedata.numeric(char, None) is not None:
                raise AnswerError("number.format")
            out.append(char)
            continue
        seen.add(system)
        out.append(chr(0x30 + ord(char) - DIGIT_SYSTEMS[system]))
    if len(seen) > 1 and not allow_mixed:
        raise AnswerError("number.mixed_digits")
    return "".join(out)


def strip_bidi(text: str) -> str:
    """Remove bidi marks and explicit direction controls."""
    return "".join(c for c in text if c not in BIDI_CONTROLS)


def to_arabic_indic(text: str) -> str:
    """Write the Western digits of a text with Arabic-Indic digits (٠-٩)."""
    return text.translate({0x30 + i: DIGIT_SYSTEMS["arabic_indic"] + i for i in range(10)})


# Languages whose readers are shown Arabic-Indic digits (٠-٩): most participants reading Arabic
# are from Syria, where these digits are taught and used. One rule for screen and paper.
ARABIC_INDIC_LANGUAGES = frozenset({"ar"})


def uses_arabic_indic(language: str) -> bool:
    """Return True when numbers shown in this language are written with Arabic-Indic digits."""
    return language in ARABIC_INDIC_LANGUAGES


def shown_number(value: int | str, language: str) -> str:
    """Write a number (or a string of Western digits) in the digits readers of a language use."""
    text = str(value)
    return to_arabic_indic(text) if uses_arabic_indic(language) else text
