"""Messages for answer errors: one per error code, numbers written for the language."""

from __future__ import annotations

import re

import pytest

from survey_app.answers.errors import AnswerError
from survey_app.answers.messages import FALLBACK, MESSAGES, format_number, message

PLACEHOLDER = re.compile(r"\{(\w+)\}")

EVERY_ERROR = [
    AnswerError("answer.empty"),
    AnswerError("number.empty"),
    AnswerError("number.format"),
    AnswerError("number.mixed_digits"),
    AnswerError("number.not_whole"),
    AnswerError("number.range", {"minimum": 18, "maximum": 99}),
    AnswerError("number.too_small", {"minimum": 0}),
    AnswerError("number.too_large", {"maximum": 80}),
    AnswerError("number.decimals", {"decimals": 2}),
    AnswerError("choice.unknown"),
    AnswerError("text.format"),
    AnswerError("text.too_long", {"maximum": 2000, "length": 2100}),
    AnswerError("date.format"),
    AnswerError("date.invalid"),
    AnswerError("date.future"),
    AnswerError("date.too_early", {"year": 1900}),
    AnswerError("consent.invalid"),
    AnswerError("code.empty"),
    AnswerError("code.format", {"example": "RJ-1234-X"}),
    AnswerError("code.check"),
    AnswerError("code.prefix", {"prefix": "RJ"}),
]


def test_every_error_code_has_a_message() -> None:
    assert {e.code for e in EVERY_ERROR} == set(MESSAGES)


@pytest.mark.parametrize("language", ["nb", "en", "ar"])
@pytest.mark.parametrize("error", EVERY_ERROR, ids=lambda e: e.code)
def test_every_message_fills_all_its_placeholders(error: AnswerError, language: str) -> None:
    text = message(error, language)
    assert text and not PLACEHOLDER.search(text)


def test_range_message_in_english_names_both_limits() -> None:
    error = AnswerError("number.range", {"minimum": 18, "maximum": 99})
    assert message(error, "en") == "Please write a number between 18 and 99."


def test_arabic_message_writes_limits_with_arabic_indic_digits() -> None:
    error = AnswerError("number.range", {"minimum": 18, "maximum": 99})
    text = message(error, "ar")
    assert "١٨" in text and "٩٩" in text and "18" not in text


def test_arabic_digits_can_be_switched_off_by_configuration() -> None:
    error = AnswerError("number.range", {"minimum": 18, "maximum": 99})
    assert "18" in message(error, "ar", arabic_digits=False)


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "2,000"), ("nb", "2\u00a0000"), ("ar", "٢٬٠٠٠")],
)
def test_large_numbers_are_grouped_the_way_the_language_writes_them(
    language: str, expected: str
) -> None:
    assert format_number(2000, language) == expected


def test_years_are_never_grouped() -> None:
    error = AnswerError("date.too_early", {"year": 1900})
    assert "1900" in message(error, "nb") and "١٩٠٠" in message(error, "ar")


def test_codes_stay_latin_and_isolated_inside_arabic_text() -> None:
    text = message(AnswerError("code.format", {"example": "RJ-1234-X"}), "ar")
    assert "\u2066RJ-1234-X\u2069" in text


def test_number_example_follows_the_language_digits() -> None:
    assert "٢٥" in message(AnswerError("number.format"), "ar")
    assert "25" in message(AnswerError("number.format"), "nb")


def test_date_example_follows_the_language_digits() -> None:
    assert "١٧.٠٥.١٩٩٠" in message(AnswerError("date.format"), "ar")


def test_unknown_error_code_gets_a_general_message() -> None:
    assert message(AnswerError("something.new"), "en") == FALLBACK
