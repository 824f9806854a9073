"""Turn what a person chose or typed into the stored value of an answer, or refuse it clearly.

Stored values (docs/form-format.md): single choice, ladder, vas, integer -> int; decimal -> float
(typed with "," "." or "٫" in any digit system, at most the item's `decimals` places); multiple
choice -> sorted list of unique codes; text -> NFC string; date -> "YYYY-MM-DD"; consent -> 1 or 0.
A declined answer is not validated here: it has no value.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from survey_app.answers.digits import fold_digits, strip_bidi
from survey_app.answers.errors import AnswerError
from survey_app.answers.numbers import parse_decimal, parse_int
from survey_app.forms.model import Item, ItemType, Scale

AnswerValue = int | float | list[int] | str

EARLIEST_DATE = date(1900, 1, 1)
VAS_RANGE = (0, 100)

_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
# Day first, as written in Norway and in the Arabic-speaking countries of the study.
_DMY_DATE = re.compile(r"([0-9]{1,2})[./-]([0-9]{1,2})[./-]([0-9]{4})")
# C0/C1 controls other than tab and newline never belong in a typed answer.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not strip_bidi(raw).strip())


def _whole_number(raw: object) -> int:
    """Read an int from a widget value (int, integral float/Decimal) or typed text."""
    if isinstance(raw, bool):
        raise AnswerError("number.format")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float | Decimal):
        if not (raw.is_finite() if isinstance(raw, Decimal) else math.isfinite(raw)):
            raise AnswerError("number.format")
        if raw != int(raw):
            raise AnswerError("number.not_whole")
        return int(raw)
    if isinstance(raw, str):
        return parse_int(raw)
    raise AnswerError("number.format")


def _decimal(item: Item, raw: object) -> float:
    """Read a decimal answer: typed text in any digit system with either separator, or a number."""
    if isinstance(raw, bool):
        raise AnswerError("number.format")
    if isinstance(raw, str):
        number = parse_decimal(raw)
    elif isinstance(raw, int | float | Decimal):
        number = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
    else:
        raise AnswerError("number.format")
    if not number.is_finite():
        raise AnswerError("number.format")
    places = decimal_places(number)
    if item.decimals is not None and places > item.decimals:
        raise AnswerError("number.decimals", {"decimals": item.decimals})
    _in_range(number, item.minimum, item.maximum)
    value = float(number)
    if not math.isfinite(value):  # beyond any float: no real answer is this large
        raise AnswerError("number.format")
    return value


def decimal_places(number: Decimal) -> int:
    """Digits after the decimal separator, trailing zeros not counted ("2.50" has 1)."""
    exponent = number.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _in_range(value: Any, minimum: float | None, maximum: float | None) -> Any:
    too_small = minimum is not None and value < minimum
    too_large = maximum is not None and value > maximum
    if not (too_small or too_large):
        return value
    if minimum is not None and maximum is not None:
        raise AnswerError("number.range", {"minimum": minimum, "maximum": maximum})
    if too_small:
        raise AnswerError("number.too_small", {"minimum": minimum})
    raise AnswerError("number.too_large", {"maximum": maximum})


def _scale(item: Item) -> Scale:
    if item.scale is None:
        raise ValueError(f"item {item.id} has no scale")
    return item.scale


def _choice(item: Item, raw: object) -> int:
    try:
        code = _whole_number(raw)
    except AnswerError:
        raise AnswerError("choice.unknown") from None
    if code not in _scale(item).codes:
        raise AnswerError("choice.unknown")
    return code


def _multiple(item: Item, raw: object) -> list[int]:
    if isinstance(raw, str | bytes) or not isinstance(raw, Iterable):
        raise AnswerError("choice.unknown")
    codes = sorted({_choice(item, one) for one in raw})
    if not codes:
        raise AnswerError("answer.empty")
    return codes


def _text(item: Item, raw: object) -> str:
    if not isinstance(raw, str):
        raise AnswerError("text.format")
    text = unicodedata.normalize("NFC", strip_bidi(raw)).replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text).strip()
    if not text:
        raise AnswerError("answer.empty")
    if item.max_length is not None and len(text) > item.max_length:
        raise AnswerError("text.too_long", {"maximum": item.max_length, "length": len(text)})
    return text


def _date(raw: object, today: date, earliest: date) -> str:
    if isinstance(raw, datetime):
        raw = raw.date()
    if isinstance(raw, date):
        day = raw
    elif isinstance(raw, str):
        try:
            folded = fold_digits(strip_bidi(raw))
        except AnswerError as error:
            if error.code == "number.format":
                raise AnswerError("date.format") from None
            raise
        text = unicodedata.normalize("NFKC", folded).strip()
        text = "".join(text.split())
        if m := _ISO_DATE.fullmatch(text):
            year, month, dom = (int(g) for g in m.groups())
        elif m := _DMY_DATE.fullmatch(text):
            dom, month, year = (int(g) for g in m.groups())
        else:
            raise AnswerError("date.format")
        try:
            day = date(year, month, dom)
        except ValueError:
            raise AnswerError("date.invalid") from None
    else:
        raise AnswerError("date.format")
    if day > today:
        raise AnswerError("date.future")
    if day < earliest:
        raise AnswerError("date.too_early", {"year": earliest.year})
    return day.isoformat()


def _consent(raw: object) -> int:
    if isinstance(raw, bool):
        return int(raw)
    try:
        value = _whole_number(raw)
    except AnswerError:
        raise AnswerError("consent.invalid") from None
    if value not in (0, 1):
        raise AnswerError("consent.invalid")
    return value


def validate_answer(
    item: Item,
    raw: object,
    *,
    today: date | None = None,
    earliest: date = EARLIEST_DATE,
) -> AnswerValue:
    """Return the value to store for an answer to `item`, or raise AnswerError(code, params)."""
    if not item.answerable:
        raise ValueError(f"item {item.id} is a note and takes no answer")
    if _blank(raw):
        raise AnswerError("answer.empty")
    kind = item.type
    if kind is ItemType.SINGLE_CHOICE:
        return _choice(item, raw)
    if kind is ItemType.MULTIPLE_CHOICE:
        return _multiple(item, raw)
    if kind is ItemType.LADDER:
        scale = _scale(item)
        return _in_range(_whole_number(raw), scale.min, scale.max)
    if kind is ItemType.VAS:
        low, high = (item.scale.min, item.scale.max) if item.scale else VAS_RANGE
        return _in_range(_whole_number(raw), low, high)
    if kind is ItemType.INTEGER:
        return _in_range(_whole_number(raw), item.minimum, item.maximum)
    if kind is ItemType.DECIMAL:
        return _decimal(item, raw)
    if kind is ItemType.TEXT:
        return _text(item, raw)
    if kind is ItemType.DATE:
        return _date(raw, today or date.today(), earliest)
    if kind is ItemType.CONSENT:
        return _consent(raw)
    raise ValueError(f"unsupported item type {kind}")
