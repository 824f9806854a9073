"""Interface strings printed on paper (translated through the app's message catalogs)."""

from __future__ import annotations

from collections.abc import Sequence

from survey_app.forms.model import is_rtl
from survey_app.i18n import N_, tr

PARTICIPANT_CODE = N_("Participant code")
PAGE_OF = N_("Page {page} of {pages}")
DRAFT = N_("DRAFT translation")
DECLINE = N_("I don't want to answer")
YES = N_("Yes")
NO = N_("No")
TICK_ALL = N_("Tick all that apply")
TICK_ONE = N_("Tick one box")
WRITE_NUMBER = N_("Write the number you marked here")
DATE_HINT = N_("day . month . year")
VAS_INSTRUCTION = N_("Mark an X on the scale, then write the number in the box.")
SIGNATURE = N_("Signature")
DATE = N_("Date")


def text(language: str, msgid: str, **params: object) -> str:
    """Translate a printed interface string into a form language."""
    return tr(language, msgid, **params)


def each_language(languages: Sequence[str], msgid: str, **params: object) -> list[tuple[str, bool]]:
    """The string once per language (a text shared by languages once), each with its direction."""
    out: list[tuple[str, bool]] = []
    for language in languages:
        translated = text(language, msgid, **params)
        if translated not in (t for t, _rtl in out):
            out.append((translated, is_rtl(language)))
    return out


def written_day(stamp: str, language: str) -> str:
    """A calendar day (ISO date or timestamp) as the language writes it, in its digits
    (nb: 14. januar 2025, ar: ١٤ يناير ٢٠٢٥).

    Babel's `ar` locale writes Western digits; paper promises the language's own, as the
    screen does. A long date with month names also keeps its order in a right-to-left line,
    where ٢٠٢٥-٠١-١٤ would not.
    """
    from datetime import date

    from babel.dates import format_date

    from survey_app.answers.digits import shown_number

    locale = {"nb": "nb_NO", "en": "en_GB", "ar": "ar"}.get(language, "en_GB")
    return shown_number(
        format_date(date.fromisoformat(stamp[:10]), "long", locale=locale), language
    )
