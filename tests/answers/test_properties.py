"""Properties of the answer normaliser: every digit system, whitespace, bounds, idempotence.

Hypothesis plays the participant who types in any of four digit systems, pastes text with
direction marks, leaves spaces around a number, or types something that is no number at all:
whatever comes in, the result is the right stored value or an AnswerError with a message in
every language, never another exception.
"""

from __future__ import annotations

import math
import unicodedata
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from survey_app.answers.codes import (
    ALPHABET,
    CodeState,
    code_state,
    make_code,
    validate_code,
)
from survey_app.answers.digits import BIDI_CONTROLS, DIGIT_SYSTEMS
from survey_app.answers.errors import AnswerError
from survey_app.answers.messages import MESSAGES, message
from survey_app.answers.numbers import parse_decimal, parse_int
from survey_app.answers.validate import decimal_places, validate_answer
from survey_app.forms.model import (
    ANSWERABLE_TYPES,
    LANGUAGES,
    Item,
    ItemType,
    LocalText,
    Option,
    Scale,
)
from tests.properties import examples

TODAY = date(2025, 3, 14)
SYSTEMS = sorted(DIGIT_SYSTEMS)
GROUP_SEPARATORS = "\u066c \u00a0\u2007\u2009\u202f"
DECIMAL_SEPARATORS = ",.\u066b"
MINUS_SIGNS = ("-", "\u2212", "\u2013", "\uff0d", "\ufe63")
PLUS_SIGNS = ("", "+", "\uff0b")
SURROUNDING_SPACE = st.text(alphabet=" \t\n\u00a0\u202f\u2009", max_size=3)
BIDI_MARKS = sorted(BIDI_CONTROLS)
# Characters people type or paste into number fields, including look-alikes that are not digits
# of a supported system (superscripts, circled, mathematical, Devanagari) and letters.
NUMBERISH = st.sampled_from(
    [chr(DIGIT_SYSTEMS[s] + d) for s in SYSTEMS for d in range(10)]
    + list("²³¹⁰⁴₂①⑩𝟐𝟎४٫٬,. +-−–\u00a0\t")
    + BIDI_MARKS
    + list("aeOlI٠")
)


def in_system(digits: str, system: str) -> str:
    """Write Western digits in a digit system."""
    zero = DIGIT_SYSTEMS[system]
    return "".join(chr(zero + int(d)) if d.isdigit() else d for d in digits)


def grouped(digits: str, separator: str) -> str:
    """Group a run of digits by three from the right: "1234567" -> "1 234 567"."""
    head = len(digits) % 3 or 3
    parts = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return separator.join(parts)


@st.composite
def with_bidi_marks(draw: st.DrawFn, text: str) -> str:
    """Insert direction marks at random places, as keyboards and copy/paste do."""
    chars = list(text)
    for _ in range(draw(st.integers(0, 3))):
        chars.insert(draw(st.integers(0, len(chars))), draw(st.sampled_from(BIDI_MARKS)))
    return "".join(chars)


@st.composite
def typed_integers(draw: st.DrawFn) -> tuple[int, str]:
    """A whole number and one way a person could type it."""
    value = draw(st.integers(-(10**12), 10**12))
    system = draw(st.sampled_from(SYSTEMS))
    digits = str(abs(value))
    if abs(value) >= 1000 and draw(st.booleans()):
        digits = grouped(digits, draw(st.sampled_from(GROUP_SEPARATORS)))
    sign = draw(st.sampled_from(MINUS_SIGNS)) if value < 0 else draw(st.sampled_from(PLUS_SIGNS))
    typed = sign + in_system(digits, system)
    typed = draw(with_bidi_marks(typed))
    return value, draw(SURROUNDING_SPACE) + typed + draw(SURROUNDING_SPACE)


@settings(max_examples=examples(300))
@given(typed_integers())
def test_a_whole_number_typed_in_any_digit_system_reads_as_its_value(
    case: tuple[int, str],
) -> None:
    value, typed = case
    assert parse_int(typed) == value


@settings(max_examples=examples(200))
@given(
    st.integers(0, 10**9),
    st.text(alphabet="0123456789", min_size=1, max_size=6),
    st.sampled_from(SYSTEMS),
    st.sampled_from(DECIMAL_SEPARATORS),
    st.booleans(),
)
def test_a_decimal_typed_in_any_digit_system_with_any_separator_reads_as_its_value(
    whole: int, fraction: str, system: str, separator: str, negative: bool
) -> None:
    typed = ("-" if negative else "") + in_system(f"{whole}{separator}{fraction}", system)
    expected = Decimal(f"{'-' if negative else ''}{whole}.{fraction}")
    assert parse_decimal(typed) == expected


@settings(max_examples=examples(200))
@given(st.integers(10, 10**9), st.data())
def test_digits_of_two_systems_in_one_number_are_always_refused(
    value: int, data: st.DataObject
) -> None:
    digits = str(value)
    systems = data.draw(
        st.lists(st.sampled_from(SYSTEMS), min_size=len(digits), max_size=len(digits))
    )
    assume(len(set(systems)) > 1)
    typed = "".join(in_system(d, s) for d, s in zip(digits, systems, strict=True))
    with pytest.raises(AnswerError) as caught:
        parse_int(typed)
    assert caught.value.code == "number.mixed_digits"


@settings(max_examples=examples(400))
@given(st.one_of(st.text(), st.text(NUMBERISH, max_size=20)))
def test_any_typed_text_gives_a_number_or_an_answer_error_never_a_traceback(text: str) -> None:
    for parse in (parse_int, parse_decimal):
        try:
            parse(text)
        except AnswerError as error:
            assert error.code in MESSAGES


def _digit_characters(text: str) -> list[str]:
    return [c for c in text if unicodedata.numeric(c, None) is not None]


def _system_of(char: str) -> str | None:
    return next(
        (s for s, zero in DIGIT_SYSTEMS.items() if zero <= ord(char) <= zero + 9),
        None,
    )


@settings(max_examples=examples(400))
@given(st.text(NUMBERISH, min_size=1, max_size=12))
def test_an_accepted_number_is_written_in_exactly_one_supported_digit_system(text: str) -> None:
    """A superscript, circled or mathematical digit is no digit a person meant to type:
    "10²" must never be stored as 102, and "٤²" must not slip past the mixed-digits check."""
    try:
        parse_decimal(text)
    except AnswerError:
        return
    systems = {_system_of(c) for c in _digit_characters(text)}
    assert None not in systems, f"accepted a digit of no supported system in {text!r}"
    assert len(systems) == 1


@pytest.mark.parametrize("typed", ["10²", "1₂", "①", "٤²", "4𝟐", "⑩"])
def test_a_number_with_superscript_circled_or_mathematical_digits_is_refused(typed: str) -> None:
    with pytest.raises(AnswerError) as caught:
        parse_int(typed)
    assert caught.value.code == "number.format"


@pytest.mark.parametrize("typed", ["1².05.1990", "12.05.199⁰", "١٢.٠٥.١٩⁹٠"])
def test_a_date_with_superscript_digits_is_refused(typed: str) -> None:
    item = Item("bg_arrival", ItemType.DATE, _text("Arrival"))
    with pytest.raises(AnswerError) as caught:
        validate_answer(item, typed, today=TODAY)
    assert caught.value.code == "date.format"


# -- validate_answer over every item type ---------------------------------------------------------


def _text(label: str) -> LocalText:
    return LocalText({language: label for language in LANGUAGES})


def _scale(low: int, high: int, codes: list[int] | None = None) -> Scale:
    codes = codes if codes is not None else list(range(low, high + 1))
    return Scale("s", low, high, tuple(Option(c, _text(f"option {c}")) for c in codes))


@st.composite
def items(draw: st.DrawFn) -> Item:
    """Any answerable item as a form could define it."""
    kind = draw(st.sampled_from(sorted(ANSWERABLE_TYPES)))
    low = draw(st.integers(-5, 10))
    high = low + draw(st.integers(1, 100))
    if kind in (ItemType.SINGLE_CHOICE, ItemType.MULTIPLE_CHOICE):
        codes = draw(st.lists(st.integers(low, high), min_size=1, max_size=12, unique=True))
        return Item("q", kind, _text("Q"), scale=_scale(min(codes), max(codes), codes))
    if kind in (ItemType.LADDER, ItemType.VAS):
        return Item("q", kind, _text("Q"), scale=Scale("s", low, high))
    if kind is ItemType.INTEGER:
        minimum = draw(st.one_of(st.none(), st.just(low)))
        maximum = draw(st.one_of(st.none(), st.just(high)))
        return Item("q", kind, _text("Q"), minimum=minimum, maximum=maximum)
    if kind is ItemType.DECIMAL:
        minimum = draw(st.one_of(st.none(), st.just(low - 0.5)))
        maximum = draw(st.one_of(st.none(), st.just(high + 0.25)))
        decimals = draw(st.one_of(st.none(), st.integers(1, 3)))
        return Item("q", kind, _text("Q"), minimum=minimum, maximum=maximum, decimals=decimals)
    if kind is ItemType.TEXT:
        limit = draw(st.one_of(st.none(), st.integers(1, 200)))
        return Item("q", kind, _text("Q"), max_length=limit, free_text=True)
    return Item("q", kind, _text("Q"))


def raw_answers() -> st.SearchStrategy[object]:
    """What a widget or a typing person could hand to validate_answer."""
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(10**6), 10**6),
        st.integers(),
        st.floats(allow_nan=True, allow_infinity=True),
        st.decimals(allow_nan=True, allow_infinity=True),
        st.text(),
        st.text(NUMBERISH, max_size=15),
        typed_integers().map(lambda case: case[1]),
        st.dates(),
        st.dates().map(lambda d: d.strftime("%d.%m.%Y")),
        st.dates().map(date.isoformat),
        st.binary(max_size=8),
    )
    return st.one_of(scalars, st.lists(scalars, max_size=5), st.sets(st.integers(-3, 30)))


def _check_stored(item: Item, value: object) -> None:
    """The stored value has the type and bounds docs/form-format.md promises."""
    kind = item.type
    if kind is ItemType.MULTIPLE_CHOICE:
        assert isinstance(value, list) and value == sorted(set(value)) and value
        assert set(value) <= set(item.scale.codes)
    elif kind is ItemType.TEXT:
        assert isinstance(value, str) and value == value.strip() and value
        assert unicodedata.is_normalized("NFC", value)
        assert not set(value) & BIDI_CONTROLS
        assert not any(unicodedata.category(c) == "Cc" and c not in "\t\n" for c in value)
        assert item.max_length is None or len(value) <= item.max_length
    elif kind is ItemType.DATE:
        assert isinstance(value, str)
        assert date(1900, 1, 1) <= date.fromisoformat(value) <= TODAY
    elif kind is ItemType.DECIMAL:
        assert type(value) is float and math.isfinite(value)
        assert item.minimum is None or value >= item.minimum
        assert item.maximum is None or value <= item.maximum
        places = decimal_places(Decimal(repr(value)))
        assert item.decimals is None or places <= item.decimals
    else:
        assert type(value) is int
        if kind is ItemType.SINGLE_CHOICE:
            assert value in item.scale.codes
        elif kind in (ItemType.LADDER, ItemType.VAS):
            assert item.scale.min <= value <= item.scale.max
        elif kind is ItemType.INTEGER:
            assert item.minimum is None or value >= item.minimum
            assert item.maximum is None or value <= item.maximum
        elif kind is ItemType.CONSENT:
            assert value in (0, 1)


@settings(max_examples=examples(600))
@given(items(), raw_answers())
def test_any_input_for_any_item_is_a_stored_value_in_bounds_or_an_answer_error(
    item: Item, raw: object
) -> None:
    try:
        value = validate_answer(item, raw, today=TODAY)
    except AnswerError as error:
        assert error.code in MESSAGES
        return
    _check_stored(item, value)


@settings(max_examples=examples(600))
@given(items(), raw_answers())
def test_validating_a_stored_value_again_gives_the_same_value(item: Item, raw: object) -> None:
    try:
        value = validate_answer(item, raw, today=TODAY)
    except AnswerError:
        return
    assert validate_answer(item, value, today=TODAY) == value


@settings(max_examples=examples(200))
@given(st.integers(0, 150), st.sampled_from(SYSTEMS), SURROUNDING_SPACE, SURROUNDING_SPACE)
def test_an_age_reads_the_same_in_every_digit_system_and_is_checked_against_its_bounds(
    age: int, system: str, before: str, after: str
) -> None:
    item = Item("bg_age", ItemType.INTEGER, _text("Age"), minimum=18, maximum=99)
    typed = before + in_system(str(age), system) + after
    if 18 <= age <= 99:
        assert validate_answer(item, typed) == age
    else:
        with pytest.raises(AnswerError) as caught:
            validate_answer(item, typed)
        assert caught.value.code == "number.range"
        assert dict(caught.value.params) == {"minimum": 18, "maximum": 99}


@settings(max_examples=examples(200))
@given(
    st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
    st.sampled_from(SYSTEMS),
    st.sampled_from(["{d}.{m}.{y}", "{d}/{m}/{y}", "{d}-{m}-{y}", "{y}-{m}-{d}"]),
    st.booleans(),
)
def test_a_date_typed_in_any_digit_system_and_order_is_stored_as_iso(
    day: date, system: str, pattern: str, padded: bool
) -> None:
    item = Item("bg_arrival", ItemType.DATE, _text("Arrival"))
    width = 2 if padded else 1
    typed = pattern.format(
        d=f"{day.day:0{width}d}", m=f"{day.month:0{width}d}", y=f"{day.year:04d}"
    )
    assert validate_answer(item, in_system(typed, system), today=TODAY) == day.isoformat()


@settings(max_examples=examples(100))
@given(st.integers(1, 3000))
def test_a_date_after_today_is_refused_as_in_the_future(days: int) -> None:
    item = Item("bg_arrival", ItemType.DATE, _text("Arrival"))
    future = TODAY + timedelta(days=days)
    with pytest.raises(AnswerError) as caught:
        validate_answer(item, future.isoformat(), today=TODAY)
    assert caught.value.code == "date.future"


@settings(max_examples=examples(300))
@given(st.text(max_size=300))
def test_a_text_answer_keeps_its_words_and_loses_only_direction_marks_and_controls(
    typed: str,
) -> None:
    item = Item("proc_comment", ItemType.TEXT, _text("Comment"), free_text=True)
    try:
        value = validate_answer(item, typed)
    except AnswerError as error:
        assert error.code == "answer.empty"
        return
    words = [w for w in unicodedata.normalize("NFC", typed).split() if w]
    kept = value.split()
    # Nothing visible is lost: each word typed survives, minus invisible marks and controls.
    for word in words:
        visible = "".join(
            c for c in word if c not in BIDI_CONTROLS and unicodedata.category(c) != "Cc"
        )
        if visible:
            assert any(visible in w for w in kept) or visible in value


# -- messages --------------------------------------------------------------------------------------


# The parameters each error is raised with (survey_app.answers.validate and .codes).
PARAMS: dict[str, tuple[str, ...]] = {
    "number.range": ("minimum", "maximum"),
    "number.too_small": ("minimum",),
    "number.too_large": ("maximum",),
    "number.decimals": ("decimals",),
    "text.too_long": ("maximum", "length"),
    "date.too_early": ("year",),
    "code.format": ("example",),
    "code.prefix": ("prefix",),
}


@st.composite
def answer_errors(draw: st.DrawFn) -> AnswerError:
    """Any AnswerError as the normaliser raises it, with limits of any size."""
    code = draw(st.sampled_from([*sorted(MESSAGES), "no.such.code"]))
    params: dict[str, object] = {}
    for name in PARAMS.get(code, ()):
        if name == "prefix":
            params[name] = draw(
                st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=4)
            )
        elif name == "example":
            params[name] = "P-1234-X"
        else:
            params[name] = draw(st.integers(-(10**9), 10**9))
    return AnswerError(code, params)


@settings(max_examples=examples(300))
@given(answer_errors(), st.sampled_from(LANGUAGES), st.booleans())
def test_every_answer_error_has_a_message_in_every_language(
    error: AnswerError, language: str, arabic_digits: bool
) -> None:
    text = message(error, language, arabic_digits=arabic_digits)
    assert text.strip()
    assert "{" not in text  # every placeholder filled
    numbers_only = all(isinstance(v, int) for v in error.params.values())
    if language == "ar" and arabic_digits and numbers_only and not error.code.startswith("code."):
        assert not any(c in "0123456789" for c in text), "Western digits in an Arabic message"


# -- participant codes ----------------------------------------------------------------------------

PREFIXES = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=4)


@settings(max_examples=examples(300))
@given(
    st.integers(0, 10**7),
    PREFIXES,
    st.sampled_from(SYSTEMS),
    st.sampled_from(["-", "", " ", "\u2013", "\u2212", "\u0640", "\uff0d"]),
    st.booleans(),
    st.data(),
)
def test_a_code_typed_in_any_digit_system_case_or_dash_reads_as_the_printed_code(
    number: int, prefix: str, system: str, dash: str, lower: bool, data: st.DataObject
) -> None:
    code = make_code(number, prefix)
    letters, digits, check = code.split("-")
    typed = dash.join([letters, in_system(digits, system), check])
    typed = data.draw(with_bidi_marks(typed.lower() if lower else typed))
    assert validate_code(typed) == code
    assert validate_code(typed, prefix) == code
    assert code_state(typed, prefix) is CodeState.VALID


@settings(max_examples=examples(300))
@given(st.integers(0, 10**6), PREFIXES, st.data())
def test_one_wrong_character_in_a_code_is_always_caught(
    number: int, prefix: str, data: st.DataObject
) -> None:
    compact = make_code(number, prefix).replace("-", "")
    at = data.draw(st.integers(0, len(compact) - 1))
    wrong = data.draw(st.sampled_from(ALPHABET).filter(lambda c: c != compact[at]))
    typed = compact[:at] + wrong + compact[at + 1 :]
    with pytest.raises(AnswerError):
        validate_code(typed)


@settings(max_examples=examples(300))
@given(st.integers(0, 10**6), PREFIXES, st.data())
def test_two_swapped_neighbours_in_a_code_are_always_caught(
    number: int, prefix: str, data: st.DataObject
) -> None:
    compact = make_code(number, prefix).replace("-", "")
    at = data.draw(st.integers(0, len(compact) - 2))
    assume(compact[at] != compact[at + 1])
    typed = compact[:at] + compact[at + 1] + compact[at] + compact[at + 2 :]
    with pytest.raises(AnswerError):
        validate_code(typed)


@settings(max_examples=examples(400))
@given(
    st.one_of(st.text(max_size=20), st.text(NUMBERISH, max_size=12)), st.one_of(st.none(), PREFIXES)
)
def test_typing_anything_into_the_code_field_never_raises_and_agrees_with_validation(
    typed: str, prefix: str | None
) -> None:
    state = code_state(typed, prefix)
    try:
        canonical = validate_code(typed, prefix)
    except AnswerError as error:
        assert error.code in MESSAGES
        assert state is not CodeState.VALID
        return
    assert state is CodeState.VALID
    assert validate_code(canonical, prefix) == canonical
