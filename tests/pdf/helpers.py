"""Helpers for reading PDFs back: pdftotext output normalised for comparison."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest

_BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def plain(text: str) -> str:
    """Drop bidi control marks and combining marks, collapse white space (for comparisons)."""
    text = _BIDI_CONTROLS.sub("", unicodedata.normalize("NFC", text))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return " ".join(text.split())


@dataclass(frozen=True)
class Word:
    """A word as pdftotext -bbox sees it: page (1-based), text and box (points, y downwards).

    Right-to-left words come out in visual order (letters reversed); compare with `visual`.
    """

    page: int
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: Word) -> bool:
        """True when the two boxes share an area (touching edges do not count)."""
        return (
            self.page == other.page
            and min(self.x1, other.x1) - max(self.x0, other.x0) > 0.3
            and min(self.y1, other.y1) - max(self.y0, other.y0) > 0.3
        )


def visual(text: str) -> str:
    """How pdftotext -bbox writes an Arabic word: its characters in visual (reversed) order."""
    return text[::-1]


def words(pdf: Path) -> list[Word]:
    """Every word of a PDF with its box (poppler's pdftotext -bbox; skip if not installed)."""
    exe = shutil.which("pdftotext")
    if exe is None:
        pytest.skip("pdftotext (Debian package poppler-utils) is not installed")
    out = subprocess.run(
        [exe, "-bbox", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True
    )
    found: list[Word] = []
    for number, page in enumerate(out.stdout.decode("utf-8").split("<page ")[1:], start=1):
        for match in _WORD.finditer(page):
            x0, y0, x1, y1 = (float(match.group(k)) for k in range(1, 5))
            found.append(Word(number, html.unescape(match.group(5)), x0, y0, x1, y1))
    return found


_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
)
