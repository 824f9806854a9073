"""Pure checks on single texts: digits, bidi controls, invisible characters and scripts."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Explicit embeddings/overrides (LRE RLE PDF LRO RLO) and isolates (LRI RLI FSI PDI).
EMBEDDING_OPENERS = {"\u202a", "\u202b", "\u202d", "\u202e"}
EMBEDDING_CLOSER = "\u202c"
ISOLATE_OPENERS = {"\u2066", "\u2067", "\u2068"}
ISOLATE_CLOSER = "\u2069"
BIDI_CONTROLS = EMBEDDING_OPENERS | ISOLATE_OPENERS | {EMBEDDING_CLOSER, ISOLATE_CLOSER}
DIRECTION_MARKS = {
    "\u200e": "LEFT-TO-RIGHT MARK",
    "\u200f": "RIGHT-TO-LEFT MARK",
    "\u061c": "ARABIC LETTER MARK",
}
ALLOWED_FORMAT_CHARS = {"\n"}
ODD_SPACES = {chr(c) for c in range(0x2000, 0x200B)} | {
    "\u3000",
    "\u205f",
    "\u1680",
    "\u2028",
    "\u2029",
}

# Digits of the Western, Arabic-Indic, Eastern Arabic-Indic and full-width systems.
_DIGIT_RANGES = (0x30, 0x660, 0x6F0, 0xFF10)
_NUMBER = re.compile(r"[0-9\u0660-\u0669\u06f0-\u06f9\uff10-\uff19]+")
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")

_PERSIAN_LOOKALIKES = {
    "\u06cc": "Persian yeh (ی) instead of Arabic yeh (ي)",
    "\u06a9": "Persian keheh (ک) instead of Arabic kaf (ك)",
    "\u06f0": "Persian digit",
}


_TO_ASCII = str.maketrans(
    {chr(base + d): chr(0x30 + d) for base in _DIGIT_RANGES if base != 0x30 for d in range(10)}
)


def to_ascii_digits(text: str) -> str:
    """Replace every digit of the supported digit systems by its Western digit."""
    return text.translate(_TO_ASCII)


def numbers_in(text: str) -> list[int]:
    """Return every number written in a text, whatever digits it uses, in order."""
    return [int(to_ascii_digits(m.group())) for m in _NUMBER.finditer(text)]


def edge_number(text: str) -> int | None:
    """Return the number a label starts or ends with (e.g. '4 = extremely', 'never (0)')."""
    stripped = text.strip().strip("()[].:-–=•*")
    tokens = re.split(r"[\s=:–\-()\[\]]+", stripped)
    tokens = [t for t in tokens if t]
    for token in (tokens[:1] + tokens[-1:]) if tokens else []:
        if _NUMBER.fullmatch(token):
            return int(to_ascii_digits(token))
    return None


def placeholders(text: str) -> set[str]:
    """Return the `{name}` placeholders used in a text."""
    return set(_PLACEHOLDER.findall(text))


@dataclass(frozen=True)
class TextProblem:
    """A problem found in one text; `error` False means a warning."""

    message: str
    error: bool = True


def bidi_problems(text: str) -> list[TextProblem]:
    """Find explicit direction controls and marks (direction comes from the language)."""
    problems: list[TextProblem] = []
    stack: list[str] = []
    unbalanced = False
    for ch in text:
        if ch in EMBEDDING_OPENERS or ch in ISOLATE_OPENERS:
            stack.append(ch)
        elif ch in (EMBEDDING_CLOSER, ISOLATE_CLOSER):
            want_isolate = ch == ISOLATE_CLOSER
            if not stack or (stack[-1] in ISOLATE_OPENERS) != want_isolate:
                unbalanced = True
            else:
                stack.pop()
    if stack:
        unbalanced = True
    present = sorted({f"U+{ord(c):04X}" for c in text if c in BIDI_CONTROLS})
    if unbalanced:
        problems.append(TextProblem(f"unbalanced bidirectional controls ({', '.join(present)})"))
    elif present:
        problems.append(
            TextProblem(
                f"bidirectional control characters are not allowed in form texts "
                f"({', '.join(present)}); direction comes from the language"
            )
        )
    for ch, name in DIRECTION_MARKS.items():
        if ch in text:
            problems.append(TextProblem(f"stray {name} (U+{ord(ch):04X})"))
    return problems


def invisible_problems(text: str, language: str) -> list[TextProblem]:
    """Find zero-width, control and other invisible characters."""
    problems: list[TextProblem] = []
    seen: set[str] = set()
    for ch in text:
        if ch in seen or ch in BIDI_CONTROLS or ch in DIRECTION_MARKS or ch in ALLOWED_FORMAT_CHARS:
            continue
        category = unicodedata.category(ch)
        name = unicodedata.name(ch, "unnamed")
        if ch == "\u200c" and language == "ar":
            seen.add(ch)
            problems.append(TextProblem("ZERO WIDTH NON-JOINER (U+200C) in Arabic text", False))
        elif ch == "\u0640":
            seen.add(ch)
            problems.append(
                TextProblem("ARABIC TATWEEL (U+0640) stretches letters; remove it", False)
            )
        elif category in ("Cf", "Cc", "Co", "Cn") or ch == "\u00ad":
            seen.add(ch)
            problems.append(TextProblem(f"invisible character {name} (U+{ord(ch):04X})"))
        elif ch in ODD_SPACES:
            seen.add(ch)
            problems.append(TextProblem(f"unusual space {name} (U+{ord(ch):04X})", False))
    return problems


def _script(ch: str) -> str | None:
    if not ch.isalpha():
        return None
    name = unicodedata.name(ch, "")
    for script in ("LATIN", "ARABIC", "CYRILLIC", "GREEK", "HEBREW", "ETHIOPIC"):
        if name.startswith(script):
            return script
    return "OTHER"


def script_problems(text: str, language: str) -> list[TextProblem]:
    """Find text in the wrong script for its language, mixed-script words and pre-shaped Arabic."""
    problems: list[TextProblem] = []
    expected = "ARABIC" if language == "ar" else "LATIN"
    shaped = [c for c in text if 0xFB50 <= ord(c) <= 0xFDFF or 0xFE70 <= ord(c) <= 0xFEFF]
    if shaped:
        problems.append(
            TextProblem(
                "Arabic presentation forms (pre-shaped glyphs, e.g. "
                f"U+{ord(shaped[0]):04X}): the text was pasted in visual order; use plain letters"
            )
        )
    foreign = sorted({s for c in text if (s := _script(c)) and s not in (expected, None)})
    letters = [c for c in text if _script(c)]
    if foreign:
        sample = next(c for c in text if _script(c) in foreign)
        problems.append(
            TextProblem(
                f"{'/'.join(s.title() for s in foreign)} letters in a '{language}' text "
                f"(first: '{sample}')"
            )
        )
    elif letters and not any(_script(c) == expected for c in letters):
        problems.append(TextProblem(f"no {expected.title()} letters in a '{language}' text"))
    for word in re.findall(r"\w+", text):
        scripts = {s for c in word if (s := _script(c))}
        if len(scripts) > 1:
            problems.append(
                TextProblem(f"word '{word}' mixes scripts ({', '.join(sorted(scripts))})")
            )
    if language == "ar":
        for ch, what in _PERSIAN_LOOKALIKES.items():
            if ch in text:
                problems.append(TextProblem(f"{what} in Arabic text", False))
    return problems


def whitespace_problems(text: str) -> list[TextProblem]:
    """Warn about leading/trailing spaces and tabs."""
    problems: list[TextProblem] = []
    if text != text.strip(" \t"):
        problems.append(TextProblem("leading or trailing spaces", False))
    if "\t" in text:
        problems.append(TextProblem("tab character in text", False))
    return problems
