"""Runtime values of expressions and the XPath 1.0 conversions between them.

A value is a number (float), a text (str), a truth value (bool), a date or a Selection (the
codes chosen in a multiple-choice item). An empty answer, a declined answer and the answer of an
item that does not apply are all the empty text "": as in XPath, it converts to the number NaN
(so every comparison with a number is false, and `!=` is true) and to the truth value false.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date

EPOCH = date(1970, 1, 1)
_NUMBER = re.compile(r"\s*-?([0-9]+(\.[0-9]*)?|\.[0-9]+)\s*")
_ISO_DATE = re.compile(r"\s*[0-9]{4}-[0-9]{2}-[0-9]{2}\s*")


@dataclass(frozen=True)
class Selection:
    """The codes chosen in a multiple-choice item, as texts, in stored order."""

    codes: tuple[str, ...]

    def __str__(self) -> str:
        return " ".join(self.codes)


Value = float | str | bool | date | Selection
EMPTY = ""


def is_empty(value: Value) -> bool:
    """True for the empty answer ("" or a Selection of nothing)."""
    return to_string(value) == ""


def to_number(value: Value) -> float:
    """XPath number(): texts that are not numbers and the empty answer become NaN."""
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, date):
        return float((value - EPOCH).days)
    text = str(value)
    if _NUMBER.fullmatch(text):
        return float(text)
    if _ISO_DATE.fullmatch(text):
        parsed = to_date(text)
        return float((parsed - EPOCH).days) if parsed else math.nan
    return math.nan


def to_string(value: Value) -> str:
    """XPath string(): whole numbers without a decimal point, dates as YYYY-MM-DD."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        number = float(value)
        if math.isnan(number):
            return "NaN"
        if math.isinf(number):
            return "Infinity" if number > 0 else "-Infinity"
        if number == int(number):
            return str(int(number))
        return repr(number)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def to_bool(value: Value) -> bool:
    """XPath boolean(): 0, NaN and the empty text are false."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return not (value == 0 or math.isnan(value))
    if isinstance(value, date):
        return True
    return to_string(value) != ""


def to_date(value: Value) -> date | None:
    """A date from a date value, an ISO text or a day count; None when it is none of them."""
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None
