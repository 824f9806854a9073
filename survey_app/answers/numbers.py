"""Numbers as people type them: any of four digit systems, either decimal separator.

Accepted: Western (0-9), Arabic-Indic (٠-٩), Eastern Arabic-Indic/Persian (۰-۹) and full-width
(０-９) digits; "," "." or the Arabic decimal separator "٫" as decimal separator; the Arabic
thousands separator "٬" or a space as thousands separator, but only between groups of exactly
three digits ("1 000", "١٬٠٠٠"); a leading "+", "-", "−" (U+2212) or full-width sign; spaces
around the number and bidi marks (LRM, RLM, ALM) anywhere.

Decisions, both made so that a slip is caught instead of silently stored:
- Digits of two systems in one number ("1٢") are refused (number.mixed_digits). Each system
  looks different on screen, so a mix is a keyboard switch or a paste from two places; asking
  again costs one retype, storing a wrong number costs a data point.
- "," and "." are always decimal separators, never thousands separators, so "1,500" is 1.5 for
  parse_decimal and refused by parse_int (number.not_whole) rather than read as 1500 in one
  language and 1.5 in another.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from survey_app.answers.digits import fold_digits, shown_number, strip_bidi
from survey_app.answers.errors import AnswerError

MAX_CHARACTERS = 40  # far beyond any answer; keeps absurd pastes out of int()

_DECIMAL_SEPARATORS = ",.\u066b"
# The decimal separator readers of a language write: the Arabic one (٫) in Arabic, the comma in
# Norwegian, the point otherwise. All three are read back by parse_decimal.
_WRITTEN_SEPARATOR = {"ar": "\u066b", "nb": ","}
_GROUP_SEPARATORS = "\u066c\u0020\u00a0\u2007\u2009\u202f"
# Full-width and small signs become "+" "-" through NFKC; U+2212 and the en dash do not.
_SIGNS = {"+": "", "-": "-", "\u2212": "-", "\u2013": "-"}

_NUMBER = re.compile(r"([0-9]{1,3}(?:_[0-9]{3})+|[0-9]+)(?:\.([0-9]+))?")


def _split(text: str) -> tuple[str, str, str]:
    """Return (sign, whole digits, fraction digits) or raise AnswerError."""
    if not isinstance(text, str):
        raise TypeError("expected the typed text as str")
    folded = fold_digits(strip_bidi(text))
    folded = unicodedata.normalize("NFKC", folded).strip()
    if not folded:
        raise AnswerError("number.empty")
    if len(folded) > MAX_CHARACTERS:
        raise AnswerError("number.format")
    sign = ""
    if folded[0] in _SIGNS:
        sign = _SIGNS[folded[0]]
        folded = folded[1:].lstrip()
    body = "".join(
        "_" if c in _GROUP_SEPARATORS or c.isspace() else "." if c in _DECIMAL_SEPARATORS else c
        for c in folded
    )
    match = _NUMBER.fullmatch(body)
    if match is None:
        raise AnswerError("number.format")
    whole, fraction = match.group(1).replace("_", ""), match.group(2) or ""
    return sign, whole, fraction


def parse_decimal(text: str) -> Decimal:
    """Parse a typed number in any supported digit system into a Decimal."""
    sign, whole, fraction = _split(text)
    value = Decimal(f"{sign}{whole}.{fraction}" if fraction else f"{sign}{whole}")
    return value if value else Decimal(0)


def parse_int(text: str) -> int:
    """Parse a typed whole number in any supported digit system."""
    sign, whole, fraction = _split(text)
    if fraction:
        raise AnswerError("number.not_whole")
    return int(f"{sign}{whole}")


def written_number(value: int | float | Decimal, language: str) -> str:
    """Write a stored number as a reader of the language types it ("٢٫٥" ar, "2,5" nb).

    Used to show an answer back in the participant's field; parse_int and parse_decimal read
    the result back to the same value, so a redrawn field stores unchanged on Next.
    """
    if isinstance(value, int):
        text = str(value)
    else:
        # repr keeps the float's shortest form (2.5, not 2.5000000000000001...).
        number = Decimal(repr(value)) if isinstance(value, float) else value
        text = format(number.normalize(), "f")
        text = text.replace(".", _WRITTEN_SEPARATOR.get(language, "."))
    return shown_number(text, language)
