"""Friendly, translated messages for AnswerError, with numbers written for the language.

Numbers in Arabic messages use Arabic-Indic digits (٠-٩) by default: most participants are from
Syria, where these digits are taught and used, and every input field accepts them. Babel's `ar`
locale formats with Latin digits, and even with numbering_system="arab" it changes only the
separators, so the digits are transliterated here. Participant codes stay in Latin letters and
digits in every language, because that is how they are printed on the cards.
"""

from __future__ import annotations

from collections.abc import Mapping

from babel.numbers import format_decimal

from survey_app.answers.digits import shown_number, to_arabic_indic, uses_arabic_indic
from survey_app.answers.errors import AnswerError
from survey_app.i18n import Counted, tr, trn

BABEL_LOCALES: Mapping[str, str] = {"nb": "nb", "en": "en", "ar": "ar"}
EXAMPLE_NUMBER = 25
EXAMPLE_DATE = ("17", "05", "1990")

# Isolates keep a left-to-right code intact inside a right-to-left sentence.
_LRI, _PDI = "\u2066", "\u2069"


def N_(message: str) -> str:
    """Mark a message for extraction into the catalogs (translated later by tr)."""
    return message


MESSAGES: Mapping[str, str] = {
    "answer.empty": N_("There is no answer here yet. You may also skip this question."),
    "number.empty": N_("Please write a number."),
    "number.format": N_("Please write a number with digits only, for example {example}."),
    "number.mixed_digits": N_("Please write the number with one kind of digits only."),
    "number.not_whole": N_("Please write a whole number, without a decimal point."),
    "number.range": N_("Please write a number between {minimum} and {maximum}."),
    "number.too_small": N_("Please write a number of at least {minimum}."),
    "number.too_large": N_("Please write a number of at most {maximum}."),
    "number.decimals": Counted(
        "Please write at most {decimals} digit after the decimal separator.",
        "Please write at most {decimals} digits after the decimal separator.",
        "decimals",
    ),
    "choice.unknown": N_("Please choose one of the answers shown."),
    "text.format": N_("Please write the answer as text."),
    "text.too_long": Counted(
        "The answer is too long: it has {length} character, please shorten it to {maximum}.",
        "The answer is too long: it has {length} characters, please shorten it to {maximum}.",
        "length",
    ),
    "date.format": N_("Please write the date as day.month.year, for example {example}."),
    "date.invalid": N_("This date does not exist. Please check the day and the month."),
    "date.future": N_("The date cannot be in the future."),
    "date.too_early": N_("Please write a date after the year {year}."),
    "consent.invalid": N_("Please answer yes or no."),
    "code.empty": N_("Please write the participant code."),
    "code.format": N_(
        "This is not a participant code. A code looks like {example}: "
        "letters, four digits and one check character."
    ),
    "code.check": N_(
        "This code has a typing error. Please compare it with the card, character by character."
    ),
    "code.prefix": N_(
        "This code belongs to another study. Codes in this study begin with {prefix}."
    ),
}
FALLBACK = N_("Please check this answer.")

# Parameters that are numbers to format, digits without grouping (years), or codes (kept Latin).
_NUMBERS = frozenset({"minimum", "maximum", "length", "decimals"})
_PLAIN_DIGITS = frozenset({"year"})
_CODES = frozenset({"prefix"})


def format_number(value: int | float, language: str, *, arabic_digits: bool = True) -> str:
    """Format a number for a message in nb, en or ar (Arabic-Indic digits unless disabled)."""
    locale = BABEL_LOCALES.get(language, "en")
    if uses_arabic_indic(language) and arabic_digits:
        return to_arabic_indic(format_decimal(value, locale=locale, numbering_system="arab"))
    return format_decimal(value, locale=locale)


def _digits(text: str, language: str, arabic_digits: bool) -> str:
    return shown_number(text, language) if arabic_digits else text


def _code(text: str, language: str) -> str:
    return f"{_LRI}{text}{_PDI}" if language == "ar" else text


def _example(error: AnswerError, language: str, arabic_digits: bool) -> str:
    if error.code == "code.format":
        return _code(str(error.params.get("example", "")), language)
    if error.code == "date.format":
        return _digits(".".join(EXAMPLE_DATE), language, arabic_digits)
    return format_number(EXAMPLE_NUMBER, language, arabic_digits=arabic_digits)


def message(error: AnswerError, language: str, *, arabic_digits: bool = True) -> str:
    """Return a clear message for an AnswerError in nb, en or ar."""
    msgid = MESSAGES.get(error.code, FALLBACK)
    params: dict[str, str] = {}
    for name, value in error.params.items():
        if name in _NUMBERS and isinstance(value, int | float):
            params[name] = format_number(value, language, arabic_digits=arabic_digits)
        elif name in _PLAIN_DIGITS:
            params[name] = _digits(str(value), language, arabic_digits)
        elif name in _CODES:
            params[name] = _code(str(value), language)
        else:
            params[name] = str(value)
    if "{example}" in msgid:
        params["example"] = _example(error, language, arabic_digits)
    if isinstance(msgid, Counted):
        # The count as a number picks the plural form; params hold it as written.
        count = error.params.get(msgid.count)
        if isinstance(count, int):
            return trn(language, msgid, msgid.plural, count, **params)
    return tr(language, msgid, **params)
