"""Typed numbers: every digit system, separators, signs, marks, and the refusals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from survey_app.answers.errors import AnswerError
from survey_app.answers.numbers import parse_decimal, parse_int, written_number

FORTY_TWO = ["42", "٤٢", "۴۲", "４２"]


@pytest.mark.parametrize("typed", FORTY_TWO)
def test_parse_int_reads_every_digit_system_as_the_same_value(typed: str) -> None:
    assert parse_int(typed) == 42


@pytest.mark.parametrize("typed", ["3,5", "3.5", "3٫5", "٣٫٥", "۳,۵", "３．５"])
def test_parse_decimal_accepts_every_decimal_separator_and_digit_system(typed: str) -> None:
    assert parse_decimal(typed) == Decimal("3.5")


@pytest.mark.parametrize("typed", ["-5", "\u22125", "－５", "- 5", "-٥"])
def test_parse_int_accepts_a_leading_minus_of_any_kind(typed: str) -> None:
    assert parse_int(typed) == -5


def test_parse_int_accepts_a_leading_plus() -> None:
    assert parse_int("+7") == 7


@pytest.mark.parametrize(
    "typed", [" 42 ", "\t42\n", "\u00a042\u202f", "\u200f٤٢\u200e", "\u061c42"]
)
def test_parse_int_ignores_surrounding_spaces_and_bidi_marks(typed: str) -> None:
    assert parse_int(typed) == 42


@pytest.mark.parametrize("typed", ["1 000", "1\u00a0000", "1\u202f000", "١٬٠٠٠", "12 345 678"])
def test_parse_int_accepts_thousands_groups_of_three(typed: str) -> None:
    assert parse_int(typed) in {1000, 12345678}


@pytest.mark.parametrize("typed", ["1 00", "10 0000", "1٬00", "1  000"])
def test_parse_int_refuses_groups_that_are_not_three_digits(typed: str) -> None:
    with pytest.raises(AnswerError) as caught:
        parse_int(typed)
    assert caught.value.code == "number.format"


@pytest.mark.parametrize("typed", ["٤2", "4٢", "۴٢", "４2"])
def test_mixed_digit_systems_in_one_number_are_refused(typed: str) -> None:
    with pytest.raises(AnswerError) as caught:
        parse_int(typed)
    assert caught.value.code == "number.mixed_digits"


@pytest.mark.parametrize("typed", ["", "   ", "\u200f"])
def test_empty_input_is_reported_as_empty(typed: str) -> None:
    with pytest.raises(AnswerError) as caught:
        parse_int(typed)
    assert caught.value.code == "number.empty"


@pytest.mark.parametrize(
    "typed", ["12a", "abc", "1.2.3", "1,000.5", "5,", ",5", "5-", "--5", "1e3"]
)
def test_text_that_is_not_a_number_is_refused(typed: str) -> None:
    with pytest.raises(AnswerError) as caught:
        parse_decimal(typed)
    assert caught.value.code == "number.format"


@pytest.mark.parametrize("typed", ["1,500", "12.0", "٣٫٥"])
def test_parse_int_refuses_a_decimal_part_rather_than_guessing(typed: str) -> None:
    with pytest.raises(AnswerError) as caught:
        parse_int(typed)
    assert caught.value.code == "number.not_whole"


def test_absurdly_long_input_is_refused_as_not_a_number() -> None:
    with pytest.raises(AnswerError) as caught:
        parse_int("9" * 5000)
    assert caught.value.code == "number.format"


def test_negative_zero_is_plain_zero() -> None:
    assert str(parse_decimal("-0")) == "0"


def test_parse_decimal_keeps_the_typed_precision() -> None:
    assert parse_decimal("٠٫٢٥") == Decimal("0.25")


@pytest.mark.parametrize(
    ("value", "language", "written"),
    [
        (45, "ar", "٤٥"),
        (45, "nb", "45"),
        (-3, "ar", "-٣"),
        (12.5, "ar", "١٢٫٥"),
        (12.5, "nb", "12,5"),
        (12.5, "en", "12.5"),
        (100.0, "ar", "١٠٠"),
    ],
)
def test_written_number_uses_the_languages_digits_and_separator(value, language, written) -> None:
    assert written_number(value, language) == written


@pytest.mark.parametrize("value", [0, 45, -3, 0.1, 12.5, 1234.75])
@pytest.mark.parametrize("language", ["ar", "nb", "en"])
def test_written_number_is_read_back_to_the_same_value(value, language) -> None:
    assert parse_decimal(written_number(value, language)) == Decimal(repr(value))
