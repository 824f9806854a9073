"""Dates and times on screen in the staff language, in that language's digits (٥ ديسمبر ٢٠٢٦)."""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date, format_datetime, format_time

from survey_app.answers.digits import shown_number

# Babel writes Arabic dates with Western digits (its `ar` locale counts in `latn`); the app
# promises Arabic-Indic digits in Arabic, so the digits are rewritten after formatting.
BABEL_LOCALES = {"nb": "nb_NO", "en": "en_GB", "ar": "ar"}


def babel_locale(language: str) -> str:
    """Return the Babel locale of an interface language."""
    return BABEL_LOCALES.get(language, "en_GB")


def parse_utc(stamp: str | None) -> dt.datetime | None:
    """Parse the store's ISO UTC timestamps into local time."""
    if not stamp:
        return None
    return dt.datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone()


def shown_date(day: dt.date | str, language: str, form: str = "long") -> str:
    """A calendar day as readers of the language write it: a date, an ISO date, or one of the
    store's UTC timestamps (its local day)."""
    if isinstance(day, str):
        try:
            moment = parse_utc(day) if "T" in day else None
            day = moment.date() if moment is not None else dt.date.fromisoformat(day)
        except ValueError:
            return shown_number(day, language)  # not a date after all: shown as written
    return shown_number(format_date(day, form, locale=babel_locale(language)), language)


def shown_time(moment: dt.datetime, language: str) -> str:
    """A clock time (short: hours and minutes) in the language's digits."""
    return shown_number(format_time(moment, "short", locale=babel_locale(language)), language)


def shown_datetime(moment: dt.datetime, language: str) -> str:
    """A date with its clock time (short) in the language's digits."""
    return shown_number(format_datetime(moment, "short", locale=babel_locale(language)), language)
