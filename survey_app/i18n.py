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
# store, sync and pull errors. Counted messages (a number of things) carry a singular and a plural
# msgid: trn(language, singular, plural, n) and Counted(singular, plural, name).
EXTRACT_KEYWORDS: tuple[str, ...] = (
    "_",
    "tr:2",
    "trn:2,3",
    "Counted:1,2",
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
    "TrialError",
    "ListError",
    "RegisterError",
)
DOMAIN = "messages"
# CLDR plural rules, applied whatever a catalog's Plural-Forms header says: older Babel versions
# wrote a wrong Arabic rule (11 as "other", 100 as "many"), and merges can bring it back.
PLURAL_RULES = {
    "nb": "(n != 1)",
    "ar": "(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : "
    "n%100>=11 && n%100<=99 ? 4 : 5)",
}


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
            return _with_plural_rule(gettext.GNUTranslations(fh), language)
    if not po.exists():
        return gettext.NullTranslations()
    data = _compile(po, language)
    _keep_compiled(mo, data)
    return _with_plural_rule(gettext.GNUTranslations(io.BytesIO(data)), language)


def _with_plural_rule(translations: gettext.GNUTranslations, language: str):
    rule = PLURAL_RULES.get(language)
    if rule is not None:
        translations.plural = gettext.c2py(rule)
    return translations


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


class Counted(str):
    """A counted message: its singular and plural msgids and the parameter holding the count.

    A str (the singular), so it travels wherever a msgid does (errors' `msgid`, notes, `ui`);
    `tr` picks the language's plural form from the count, and `format` picks the English one.
    """

    plural: str
    count: str

    def __new__(cls, singular: str, plural: str = "", count: str = "count") -> Counted:
        made = super().__new__(cls, singular)
        made.plural = plural or singular
        made.count = count
        return made

    def __reduce__(self):
        return (Counted, (str(self), self.plural, self.count))

    def format(self, *args: object, **params: object) -> str:
        """Fill the English singular or plural, chosen by the count parameter."""
        n = params.get(self.count)
        text = str(self) if n == 1 else self.plural
        return text.format(*args, **params)


def localize_digits(value: int, language: str) -> str:
    """Write a whole number in the digits the language's texts use (Arabic-Indic for ar)."""
    # The rule lives with the other digit rules; imported here, not at the top, because
    # survey_app.answers itself translates its messages through this module.
    from survey_app.answers.digits import shown_number

    return shown_number(value, language)


def tr(language: str, message: str, **params: object) -> str:
    """Translate an interface message and fill its `{name}` parameters (numbers localised).

    A Counted message takes the plural form its count parameter asks for in the language.
    """
    if isinstance(message, Counted):
        return trn(language, message, message.plural, _count(params[message.count]), **params)
    text = translator(language).gettext(message)
    if not params:
        return text
    return text.format(**_shown(params, language))


def trn(language: str, singular: str, plural: str, n: int, **params: object) -> str:
    """Translate a counted message in the plural form `n` asks for, then fill its parameters.

    `n` also fills `{n}` when no parameter of that name is given.
    """
    text = translator(language).ngettext(str(singular), plural, n)
    params.setdefault("n", n)
    return text.format(**_shown(params, language))


def _count(value: object) -> int:
    # Callers may pass a count already written out (e.g. in Arabic-Indic digits).
    if isinstance(value, int):
        return value
    digits = "".join(ch for ch in str(value).translate(_WESTERN_DIGITS) if ch.isdigit())
    return int(digits) if digits else 0


_WESTERN_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def _shown(params: dict[str, object], language: str) -> dict[str, object]:
    return {
        name: localize_digits(value, language)
        if isinstance(value, int) and not isinstance(value, bool)
        else value
        for name, value in params.items()
    }
