"""The languages forms are written in, and which read right to left (start-up imports it)."""

from __future__ import annotations

LANGUAGES: tuple[str, ...] = ("nb", "en", "ar")
RTL_LANGUAGES: frozenset[str] = frozenset({"ar"})


def is_rtl(language: str) -> bool:
    """Return True when the language is written right to left."""
    return language in RTL_LANGUAGES
