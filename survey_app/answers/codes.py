"""Participant codes with a check character, e.g. "RJ-0042-K".

A code is a study prefix (1-4 letters), a number of at least four digits (zero-padded) and one
check character from the 36-character alphabet 0-9A-Z. The check character is computed with the
Damm algorithm over a totally anti-symmetric quasigroup of order 36, so every single-character
substitution and every swap of two adjacent different characters (including the check
character itself) is detected. ISO 7064 MOD 37,36 was rejected: it misses some adjacent
transpositions (for example "901Z" and "910Z" are both valid).

The quasigroup is x * y = phi(x) + y on the group Z2 x Z2 x Z3 x Z3, where phi multiplies the
Z2 x Z2 part by a generator of GF(4)* and the Z3 x Z3 part by 2. Both phi and phi - id are
bijections, which is exactly what makes (c * x) * y == (c * y) * x imply x == y.
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum

from survey_app.answers.digits import fold_digits, strip_bidi
from survey_app.answers.errors import AnswerError

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
NUMBER_WIDTH = 4

# Hyphen, non-breaking hyphen, figure dash, en/em dash, horizontal bar, minus sign, small and
# full-width hyphen-minus, Arabic tatweel: all typed or pasted where "-" was meant.
DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d\u0640"
_DASH_TABLE = {ord(c): "-" for c in DASHES}

# Prefix of 1-4 letters (MAX_PREFIX), number of >= 4 digits (NUMBER_WIDTH), check character.
_PREFIX = re.compile(r"[A-Z]{1,4}")
_FULL = re.compile(r"([A-Z]{1,4})-?([0-9]{4,})-?([0-9A-Z])")
# What a code can look like while it is still being typed.
_PARTIAL = (
    re.compile(r"[A-Z]{0,4}"),
    re.compile(r"[A-Z]{1,4}-?[0-9]*"),
    re.compile(r"[A-Z]{1,4}-?[0-9]{4,}-"),
)


class CodeState(StrEnum):
    """Live state of a participant code while it is being typed."""

    EMPTY = "empty"
    INCOMPLETE = "incomplete"
    INVALID = "invalid"
    VALID = "valid"


def _phi(x: int) -> int:
    a, rest = divmod(x, 18)
    b, rest = divmod(rest, 9)
    c, d = divmod(rest, 3)
    # (a, b) -> (b, a + b) is multiplication by a generator of GF(4); (c, d) -> (2c, 2d).
    return ((b * 2 + (a + b) % 2) * 9) + (2 * c % 3) * 3 + (2 * d % 3)


def _add(x: int, y: int) -> int:
    xa, xr = divmod(x, 9)
    ya, yr = divmod(y, 9)
    xc, xd = divmod(xr, 3)
    yc, yd = divmod(yr, 3)
    return (xa ^ ya) * 9 + ((xc + yc) % 3) * 3 + (xd + yd) % 3


def _neg(x: int) -> int:
    a, rest = divmod(x, 9)
    c, d = divmod(rest, 3)
    return a * 9 + (-c % 3) * 3 + (-d % 3)


def quasigroup(x: int, y: int) -> int:
    """The Damm operation x * y on symbol indexes 0..35."""
    return _add(_phi(x), y)


_TABLE: tuple[tuple[int, ...], ...] = tuple(
    tuple(quasigroup(x, y) for y in range(36)) for x in range(36)
)
_INDEX = {char: i for i, char in enumerate(ALPHABET)}


def _fold(text: str) -> int:
    interim = 0
    for char in text:
        interim = _TABLE[interim][_INDEX[char]]
    return interim


def check_character(body: str) -> str:
    """Return the check character for a compact body such as "RJ0042"."""
    return ALPHABET[_neg(_phi(_fold(body)))]


def has_valid_check(compact: str) -> bool:
    """Return True when a compact code (body + check character) folds to zero."""
    return bool(compact) and all(c in _INDEX for c in compact) and _fold(compact) == 0


def make_code(number: int, prefix: str = "P") -> str:
    """Return the canonical participant code for a number, e.g. make_code(42, "RJ") -> RJ-0042-?."""
    if isinstance(number, bool) or not isinstance(number, int) or number < 0:
        raise ValueError("participant number must be a non-negative int")
    if not _PREFIX.fullmatch(prefix):
        raise ValueError("prefix must be 1-4 capital letters A-Z")
    digits = f"{number:0{NUMBER_WIDTH}d}"
    return f"{prefix}-{digits}-{check_character(prefix + digits)}"


def format_example(prefix: str = "P") -> str:
    """Return an example of the code format that is deliberately NOT a valid code."""
    digits = "1234"
    right = check_character(prefix + digits)
    # A copied example must never be accepted as somebody's real code.
    wrong = "X" if right != "X" else "Y"
    return f"{prefix}-{digits}-{wrong}"


def normalise(text: str) -> str:
    """Fold case, width, digit systems and dash variants; drop spaces and bidi marks."""
    text = unicodedata.normalize("NFKC", strip_bidi(text)).translate(_DASH_TABLE)
    text = fold_digits(text, allow_mixed=True)
    return "".join(text.split()).upper()


def validate_code(text: str, expected_prefix: str | None = None) -> str:
    """Return the canonical code for typed text or raise AnswerError (code.empty/format/check)."""
    compact = normalise(text)
    if not compact:
        raise AnswerError("code.empty")
    match = _FULL.fullmatch(compact)
    if match is None:
        raise AnswerError("code.format", {"example": format_example(expected_prefix or "P")})
    prefix, digits, check = match.groups()
    if len(digits) > NUMBER_WIDTH and digits.startswith("0"):
        raise AnswerError("code.format", {"example": format_example(expected_prefix or "P")})
    if not has_valid_check(prefix + digits + check):
        raise AnswerError("code.check")
    if expected_prefix is not None and prefix != expected_prefix:
        raise AnswerError("code.prefix", {"prefix": expected_prefix})
    return f"{prefix}-{digits}-{check}"


def code_state(text: str, expected_prefix: str | None = None) -> CodeState:
    """Classify partial input while typing: empty, incomplete, invalid or valid."""
    compact = normalise(text)
    if not compact:
        return CodeState.EMPTY
    if expected_prefix is not None and not _prefix_possible(compact, expected_prefix):
        return CodeState.INVALID
    try:
        validate_code(compact, expected_prefix)
    except AnswerError as error:
        if error.code == "code.prefix":
            return CodeState.INVALID
    else:
        return CodeState.VALID
    if any(p.fullmatch(compact) for p in _PARTIAL):
        return CodeState.INCOMPLETE
    return CodeState.INVALID


def _prefix_possible(compact: str, expected_prefix: str) -> bool:
    letters = re.match(r"[A-Z]*", compact).group()
    if len(letters) == len(compact):
        return expected_prefix.startswith(letters)
    return letters == expected_prefix


def is_complete_code(text: str, expected_prefix: str | None = None) -> bool:
    """Return True when the typed text is a complete code with a correct check character."""
    return code_state(text, expected_prefix) is CodeState.VALID


def code_number(code: str) -> int:
    """Return the participant number of a valid code."""
    return int(validate_code(code).split("-")[1])
