"""Helpers for reading PDFs back: pdftotext output normalised for comparison."""

from __future__ import annotations

import re
import unicodedata

_BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def plain(text: str) -> str:
    """Drop bidi control marks and combining marks, collapse white space (for comparisons)."""
    text = _BIDI_CONTROLS.sub("", unicodedata.normalize("NFC", text))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return " ".join(text.split())
