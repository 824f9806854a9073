"""Last line of defence before an answer is stored: the value must fit the item's type."""

from __future__ import annotations

import math
import unicodedata
from datetime import date
from decimal import Decimal
from typing import Any

from survey_app.answers.validate import decimal_places
from survey_app.forms.model import Item, ItemType, ResultType
from survey_app.store.errors import InvalidAnswer

ANSWER_STATUSES = ("answered", "declined")


def checked_value(item: Item, value: Any, status: str) -> Any:
    """Return the value to store for an item (normalised), or raise InvalidAnswer."""
    if status not in ANSWER_STATUSES:
        raise InvalidAnswer()
    if item.calculated and status == "answered":
        return _calculated(item, value)
    if not item.answerable:
        raise InvalidAnswer()
    if status == "declined":
        if value is not None:
            raise InvalidAnswer()
        return None
    if value is None:
        raise InvalidAnswer()
    kind = item.type
    if kind is ItemType.MULTIPLE_CHOICE:
        return _codes(item, value)
    if kind is ItemType.TEXT:
        return _text(item, value)
    if kind is ItemType.DATE:
        return _date(value)
    if kind is ItemType.DECIMAL:
        return _decimal(item, value)
    return _number(item, value)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _bounds(item: Item) -> tuple[int | None, int | None]:
    if item.type is ItemType.CONSENT:
        return 0, 1
    if item.type is ItemType.INTEGER:
        return item.minimum, item.maximum
    if item.scale is not None:
        return item.scale.min, item.scale.max
    return item.minimum, item.maximum


def _number(item: Item, value: Any) -> int:
    if not _is_int(value):
        raise InvalidAnswer()
    low, high = _bounds(item)
    if (low is not None and value < low) or (high is not None and value > high):
        raise InvalidAnswer()
    scale = item.scale
    is_choice = item.type is ItemType.SINGLE_CHOICE and scale is not None and scale.options
    if is_choice and value not in scale.codes:
        raise InvalidAnswer()
    return value


def _decimal(item: Item, value: Any) -> float:
    """A decimal answer is stored as a float: finite, in range, no more places than allowed."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidAnswer()
    low, high = item.minimum, item.maximum
    if (low is not None and value < low) or (high is not None and value > high):
        raise InvalidAnswer()
    if item.decimals is not None and decimal_places(Decimal(repr(value))) > item.decimals:
        raise InvalidAnswer()
    return float(value)


def _codes(item: Item, value: Any) -> list[int]:
    if not isinstance(value, list | tuple) or not all(_is_int(v) for v in value):
        raise InvalidAnswer()
    codes = sorted(set(value))
    if len(codes) != len(value):
        raise InvalidAnswer()
    allowed = item.scale.codes if item.scale is not None else ()
    if allowed and any(c not in allowed for c in codes):
        raise InvalidAnswer()
    return codes


def _text(item: Item, value: Any) -> str:
    if not isinstance(value, str):
        raise InvalidAnswer()
    text = unicodedata.normalize("NFC", value)
    if item.max_length is not None and len(text) > item.max_length:
        raise InvalidAnswer()
    return text


def _date(value: Any) -> str:
    if not isinstance(value, str) or len(value) != 10:
        raise InvalidAnswer()
    try:
        date.fromisoformat(value)
    except ValueError:
        raise InvalidAnswer() from None
    return value


def _calculated(item: Item, value: Any) -> Any:
    result = item.logic.result or ResultType.NUMBER
    if result is ResultType.NUMBER:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InvalidAnswer()
        return value
    if result is ResultType.DATE:
        return _date(value)
    if not isinstance(value, str) or not value:
        raise InvalidAnswer()
    return unicodedata.normalize("NFC", value)
