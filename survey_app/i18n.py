"""Interface-string translation from the Babel catalogs in translations/ (no Qt)."""

from __future__ import annotations

import gettext
import io
import os
import tempfile
from functools import lru_cache
from pathlib import Path

from survey_app.assets import translations_dir

# How interface messages are marked in the source, for `pybabel extract -k` (GNU gettext style):
# tr(language, msg); ctx.ui(msg), often aliased `_ = ctx.ui`; langs.ui(msg), langs.ui_joined(msg);
# text_label_joined(langs, msg, role); N_(msg) where a message is translated later;
# store, sync and pull errors.
EXTRACT_KEYWORDS: tuple[str, ...] = (
    "_",
    "tr:2",
    "ui",
    "ui_joined",
    "text_label_joined:2",
    "N_",
    "StoreError",
    "InvalidSessionState",
    "InvalidAnswer",
    "SyncError",
    "SyncAuthError",
    "SubmissionRefused",
    "PullError",
)
DOMAIN = "messages"


@lru_cache(maxsize=16)
def translator(language: str, directory: Path | None = None) -> gettext.NullTranslations:
    """Return the gettext translations for a language (compiling the .po if needed)."""
    if language == "en":
        return gettext.NullTranslations()
    directory = directory or translations_dir()
    base = directory / language / "LC_MESSAGES"
    mo = base / f"{DOMAIN}.mo"
    po = base / f"{DOMAIN}.po"
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as fh:
            return gettext.GNUTranslations(fh)
    if not po.exists():
        return gettext.NullTranslations()
    data = _compile(po, language)
    _keep_compiled(mo, data)
    return gettext.GNUTranslations(io.BytesIO(data))


def _compile(po: Path, language: str) -> bytes:
    # Babel is imported only here: with compiled catalogs the app starts without it.
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as fh:
        catalog = read_po(fh, locale=language)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    return buf.getvalue()


def _keep_compiled(mo: Path, data: bytes) -> None:
    """Write the compiled catalog beside the .po (atomically), so the next start reads it.

    Best effort: an installation folder may be read-only, and then each start compiles.
    """
    try:
        fd, tmp = tempfile.mkstemp(dir=mo.parent, prefix=f".{mo.name}.", suffix=".partial")
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, mo)
    except OSError:
        Path(tmp).unlink(missing_ok=True)


def N_(message: str) -> str:
    """Mark a message for extraction where it is translated later (e.g. an error's msgid)."""
    return message


def localize_digits(value: int, language: str) -> str:
    """Write a whole number in the digits the language's texts use (Arabic-Indic for ar)."""
    # The rule lives with the other digit rules; imported here, not at the top, because
    # survey_app.answers itself translates its messages through this module.
    from survey_app.answers.digits import shown_number

    return shown_number(value, language)


def tr(language: str, message: str, **params: object) -> str:
    """Translate an interface message and fill its `{name}` parameters (numbers localised)."""
    text = translator(language).gettext(message)
    if not params:
        return text
    shown = {
        name: localize_digits(value, language)
        if isinstance(value, int) and not isinstance(value, bool)
        else value
        for name, value in params.items()
    }
    return text.format(**shown)
