"""The functions expressions may call: how many arguments each takes and what it computes."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from decimal import Context as DecimalContext

from survey_app.forms.expressions.values import (
    EMPTY,
    Selection,
    Value,
    is_empty,
    to_bool,
    to_number,
    to_string,
)


@dataclass(frozen=True)
class Function:
    """A callable of the expression language: arity bounds and implementation."""

    name: str
    min_args: int
    max_args: int | None
    impl: Callable[..., Value]
    result: str  # "number" | "text" | "boolean" | "date" | "any"
    doc: str


def _codes(value: Value) -> tuple[str, ...]:
    if isinstance(value, Selection):
        return value.codes
    return tuple(to_string(value).split())


def _selected(choices: Value, code: Value) -> bool:
    return to_string(code).strip() in _codes(choices)


def _count_selected(choices: Value) -> float:
    return float(len(_codes(choices)))


def _if(condition: Value, then: Value, otherwise: Value) -> Value:
    return then if to_bool(condition) else otherwise


def _coalesce(first: Value, second: Value) -> Value:
    return second if is_empty(first) else first


def _string_length(value: Value = EMPTY) -> float:
    return float(len(to_string(value)))


def _int(value: Value) -> float:
    number = to_number(value)
    if math.isnan(number) or math.isinf(number):
        return number
    return float(math.trunc(number))


# A double has at most 17 significant digits and exponents within about +-324: rounding to more
# places than that changes nothing, to fewer than -309 leaves 0.
_PLACES = 330
# Enough digits for quantize to write out any double at any of those places.
_ROUNDING = DecimalContext(prec=2 * _PLACES + 20, Emax=2 * _PLACES, Emin=-2 * _PLACES)


def _round(value: Value, places: Value = 0.0) -> float:
    number, digits = to_number(value), to_number(places)
    if math.isnan(number) or math.isinf(number) or math.isnan(digits):
        return math.nan if math.isnan(digits) else number
    places_kept = int(max(-_PLACES, min(_PLACES, digits)))
    # Half away from zero, as ODK does (not Python's banker's rounding).
    step = Decimal(1).scaleb(-places_kept)
    rounded = Decimal(repr(number)).quantize(step, rounding=ROUND_HALF_UP, context=_ROUNDING)
    return float(rounded)


def _not(value: Value) -> bool:
    return not to_bool(value)


def _concat(*parts: Value) -> str:
    return "".join(to_string(p) for p in parts)


FUNCTIONS: dict[str, Function] = {
    f.name: f
    for f in (
        Function(
            "selected",
            2,
            2,
            _selected,
            "boolean",
            "selected(${q}, '3'): true when option code 3 is chosen in ${q}",
        ),
        Function(
            "count-selected",
            1,
            1,
            _count_selected,
            "number",
            "count-selected(${q}): how many options are chosen in a multiple-choice item",
        ),
        Function(
            "if",
            3,
            3,
            _if,
            "any",
            "if(condition, a, b): a when the condition holds, else b",
        ),
        Function(
            "coalesce",
            2,
            2,
            _coalesce,
            "any",
            "coalesce(a, b): a unless it is empty, else b",
        ),
        Function(
            "string-length",
            0,
            1,
            _string_length,
            "number",
            "string-length(text): number of characters (of '.' without argument)",
        ),
        Function("int", 1, 1, _int, "number", "int(x): x without its fraction (towards zero)"),
        Function(
            "round",
            1,
            2,
            _round,
            "number",
            "round(x) or round(x, places): half away from zero",
        ),
        Function("today", 0, 0, lambda: date.min, "date", "today(): the date of the session"),
        Function("not", 1, 1, _not, "boolean", "not(x): the opposite truth value"),
        Function("true", 0, 0, lambda: True, "boolean", "true()"),
        Function("false", 0, 0, lambda: False, "boolean", "false()"),
        Function("number", 1, 1, to_number, "number", "number(x): x as a number (NaN if not)"),
        Function("string", 1, 1, to_string, "text", "string(x): x as text"),
        Function("concat", 1, None, _concat, "text", "concat(a, b, ...): texts joined"),
    )
}
