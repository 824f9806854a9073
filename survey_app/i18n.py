"""Interface-string translation from the Babel catalogs in translations/ (no Qt)."""

from __future__ import annotations

import gettext
from functools import lru_cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"
DOMAIN = "messages"


@lru_cache(maxsize=16)
def translator(language: str, directory: Path = TRANSLATIONS_DIR) -> gettext.NullTranslations:
    """Return the gettext translations for a language (compiling the .po in memory if needed)."""
    if language == "en":
        return gettext.NullTranslations()
    base = directory / language / "LC_MESSAGES"
    mo = base / f"{DOMAIN}.mo"
    po = base / f"{DOMAIN}.po"
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as fh:
            return Translations(fh, domain=DOMAIN)
    if not po.exists():
        return gettext.NullTranslations()
    import io

    with po.open("rb") as fh:
        catalog = read_po(fh, locale=language)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return Translations(buf, domain=DOMAIN)


def N_(message: str) -> str:
    """Mark a message for extraction where it is translated later (e.g. an error's msgid)."""
    return message


def tr(language: str, message: str, **params: object) -> str:
    """Translate an interface message and fill its `{name}` parameters."""
    text = translator(language).gettext(message)
    return text.format(**params) if params else text
