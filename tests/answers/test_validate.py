"""validate_answer for every item type: stored values and the errors people get."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from survey_app.answers.errors import AnswerError
from survey_app.answers.validate import validate_answer
from survey_app.forms.model import Item, ItemType, LocalText

TODAY = date(2025, 3, 14)


def error_of(item: Item, raw: object, **kwargs: object) -> AnswerError:
    with pytest.raises(AnswerError) as caught:
        validate_answer(item, raw, today=TODAY, **kwargs)  # type: ignore[arg-type]
    return caught.value


# single choice


@pytest.mark.parametrize("raw", [3, "3", "٣", "۳", Decimal(3), 3.0])
def test_single_choice_stores_the_option_code(freq4: Item, raw: object) -> None:
    assert validate_answer(freq4, raw) == 3


@pytest.mark.parametrize("raw", [0, 5, "5", -1, 2.5, "x", True])
def test_single_choice_refuses_a_code_not_in_the_scale(freq4: Item, raw: object) -> None:
    assert error_of(freq4, raw).code == "choice.unknown"


def test_single_choice_with_inline_options_refuses_a_gap_in_the_codes(gender: Item) -> None:
    assert validate_answer(gender, 9) == 9
    assert error_of(gender, 3).code == "choice.unknown"


# multiple choice


def test_multiple_choice_stores_sorted_unique_codes(factors: Item) -> None:
    assert validate_answer(factors, [5, "2", 5, "٣"]) == [2, 3, 5]


def test_multiple_choice_refuses_any_unknown_code(factors: Item) -> None:
    assert error_of(factors, [1, 7]).code == "choice.unknown"


def test_multiple_choice_refuses_a_bare_string(factors: Item) -> None:
    assert error_of(factors, "12").code == "choice.unknown"


def test_multiple_choice_with_nothing_ticked_is_no_answer(factors: Item) -> None:
    assert error_of(factors, []).code == "answer.empty"


# ladder


@pytest.mark.parametrize(("raw", "stored"), [(1, 1), (10, 10), ("١٠", 10)])
def test_ladder_accepts_its_whole_range(ladder: Item, raw: object, stored: int) -> None:
    assert validate_answer(ladder, raw) == stored


@pytest.mark.parametrize("raw", [0, 11])
def test_ladder_refuses_a_step_outside_the_scale(ladder: Item, raw: int) -> None:
    error = error_of(ladder, raw)
    assert (error.code, dict(error.params)) == ("number.range", {"minimum": 1, "maximum": 10})


# vas


@pytest.mark.parametrize("raw", [0, 100, "٨٥", 85.0])
def test_vas_accepts_whole_numbers_from_0_to_100(vas: Item, raw: object) -> None:
    assert validate_answer(vas, raw) in {0, 85, 100}


@pytest.mark.parametrize("raw", [-1, 101])
def test_vas_refuses_values_outside_0_to_100(vas: Item, raw: int) -> None:
    assert error_of(vas, raw).code == "number.range"


def test_vas_refuses_a_fraction(vas: Item) -> None:
    assert error_of(vas, 85.5).code == "number.not_whole"


def test_vas_without_a_scale_uses_0_to_100() -> None:
    item = Item("eqvas", ItemType.VAS, LocalText({"en": "Health"}))
    assert validate_answer(item, 100) == 100
    assert error_of(item, 101).code == "number.range"


# integer


@pytest.mark.parametrize(("raw", "stored"), [("18", 18), (" ٩٩ ", 99), ("۳۵", 35), (35, 35)])
def test_integer_accepts_typed_numbers_in_range(age: Item, raw: object, stored: int) -> None:
    assert validate_answer(age, raw) == stored


@pytest.mark.parametrize("raw", ["17", "100", "-30"])
def test_integer_outside_min_max_names_both_limits(age: Item, raw: str) -> None:
    error = error_of(age, raw)
    assert (error.code, dict(error.params)) == ("number.range", {"minimum": 18, "maximum": 99})


def test_integer_with_only_a_minimum_names_the_minimum() -> None:
    item = Item("bg_children", ItemType.INTEGER, LocalText({"en": "Children"}), minimum=0)
    error = error_of(item, "-1")
    assert (error.code, dict(error.params)) == ("number.too_small", {"minimum": 0})


def test_integer_with_only_a_maximum_names_the_maximum() -> None:
    item = Item("bg_years", ItemType.INTEGER, LocalText({"en": "Years"}), maximum=80)
    error = error_of(item, "81")
    assert (error.code, dict(error.params)) == ("number.too_large", {"maximum": 80})


def test_integer_without_limits_accepts_any_whole_number() -> None:
    item = Item("bg_n", ItemType.INTEGER, LocalText({"en": "N"}))
    assert validate_answer(item, "-1 000") == -1000


WEIGHT = Item(
    "bg_weight",
    ItemType.DECIMAL,
    LocalText({"en": "Weight"}),
    minimum=2.5,
    maximum=250,
    decimals=1,
)


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("72,5", 72.5),  # Norwegian comma
        ("٧٢٫٥", 72.5),  # Arabic-Indic digits, Arabic decimal separator
        ("٧٢,٥", 72.5),  # Arabic digits with the comma of an Arabic keyboard
        ("72.5", 72.5),
        ("۷۲٫۵", 72.5),  # Persian digits
        (" 80 ", 80.0),
        (72.5, 72.5),
    ],
)
def test_decimal_accepts_either_digit_system_and_either_separator(raw: object, stored: float):
    value = validate_answer(WEIGHT, raw)
    assert type(value) is float and value == stored


def test_decimal_refuses_more_places_than_the_form_allows() -> None:
    error = error_of(WEIGHT, "72,55")
    assert (error.code, dict(error.params)) == ("number.decimals", {"decimals": 1})


def test_decimal_outside_min_max_names_both_limits() -> None:
    error = error_of(WEIGHT, "٢٫٤")
    assert (error.code, dict(error.params)) == ("number.range", {"minimum": 2.5, "maximum": 250})


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("nb", "Skriv et tall mellom 2,5 og 250."),
        ("ar", "يرجى كتابة رقم بين ٢٫٥ و٢٥٠."),
    ],
)
def test_decimal_range_message_writes_limits_the_language_way(language: str, expected: str):
    from survey_app.answers.messages import message

    assert message(error_of(WEIGHT, "1"), language) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [("35,5", "number.not_whole"), ("٣5", "number.mixed_digits"), ("abc", "number.format")],
)
def test_integer_passes_on_the_number_error(age: Item, raw: str, code: str) -> None:
    assert error_of(age, raw).code == code


def test_integer_refuses_a_boolean(age: Item) -> None:
    assert error_of(age, True).code == "number.format"


# text


def test_text_is_stripped_and_nfc_normalised(comment: Item) -> None:
    decomposed = "  Bergen e\u0301  "
    assert validate_answer(comment, decomposed) == "Bergen \u00e9"


def test_text_loses_bidi_controls_and_stray_control_characters(comment: Item) -> None:
    assert validate_answer(comment, "\u202bمرحبا\u202c\u200f\x00") == "مرحبا"


def test_text_keeps_zero_width_joiners_needed_by_some_scripts(comment: Item) -> None:
    assert validate_answer(comment, "می\u200cخواهم") == "می\u200cخواهم"


def test_text_line_breaks_are_unified(comment: Item) -> None:
    assert validate_answer(comment, "a\r\nb\rc") == "a\nb\nc"


def test_text_of_exactly_max_length_is_accepted(comment: Item) -> None:
    assert validate_answer(comment, "x" * 20) == "x" * 20


def test_text_longer_than_max_length_names_limit_and_length(comment: Item) -> None:
    error = error_of(comment, "x" * 21)
    assert (error.code, dict(error.params)) == ("text.too_long", {"maximum": 20, "length": 21})


def test_text_length_is_counted_after_normalisation(comment: Item) -> None:
    # 20 composed characters typed as 40 code points (base letter + combining accent).
    assert validate_answer(comment, "e\u0301" * 20) == "\u00e9" * 20


def test_text_refuses_a_non_string(comment: Item) -> None:
    assert error_of(comment, 5).code == "text.format"


# date


@pytest.mark.parametrize(
    "raw",
    [
        "2019-08-01",
        "01.08.2019",
        "1.8.2019",
        "01/08/2019",
        "٠١٫٠٨٫٢٠١٩".replace("٫", "."),
        "۰۱/۰۸/۲۰۱۹",
        " \u200f01.08.2019 ",
        date(2019, 8, 1),
        datetime(2019, 8, 1, 12, 30),
    ],
)
def test_date_is_stored_as_iso(arrival: Item, raw: object) -> None:
    assert validate_answer(arrival, raw, today=TODAY) == "2019-08-01"


def test_date_today_is_accepted(arrival: Item) -> None:
    assert validate_answer(arrival, "14.03.2025", today=TODAY) == "2025-03-14"


def test_date_tomorrow_is_in_the_future(arrival: Item) -> None:
    assert error_of(arrival, "15.03.2025").code == "date.future"


@pytest.mark.parametrize("raw", ["31.02.2020", "2019-13-01", "00.01.2019"])
def test_date_that_does_not_exist_is_refused(arrival: Item, raw: str) -> None:
    assert error_of(arrival, raw).code == "date.invalid"


@pytest.mark.parametrize("raw", ["2019", "1/8/19", "August 2019", "2019-08", "٠١.08.2019"])
def test_date_in_another_shape_is_a_format_error(arrival: Item, raw: str) -> None:
    assert error_of(arrival, raw).code in {"date.format", "number.mixed_digits"}


def test_date_before_the_earliest_year_is_refused(arrival: Item) -> None:
    error = error_of(arrival, "31.12.1899")
    assert (error.code, dict(error.params)) == ("date.too_early", {"year": 1900})


def test_date_earliest_is_configurable(arrival: Item) -> None:
    error = error_of(arrival, "01.01.2014", earliest=date(2015, 1, 1))
    assert error.code == "date.too_early"


# consent


@pytest.mark.parametrize(("raw", "stored"), [(1, 1), (0, 0), (True, 1), (False, 0), ("١", 1)])
def test_consent_is_stored_as_one_or_zero(consent: Item, raw: object, stored: int) -> None:
    assert validate_answer(consent, raw) == stored


@pytest.mark.parametrize("raw", [2, -1, "yes", [1]])
def test_consent_refuses_anything_but_yes_or_no(consent: Item, raw: object) -> None:
    assert error_of(consent, raw).code == "consent.invalid"


# every type


@pytest.mark.parametrize(
    "fixture",
    ["freq4", "factors", "ladder", "vas", "age", "comment", "arrival", "consent"],
)
@pytest.mark.parametrize("raw", [None, "", "  ", "\u200f"])
def test_blank_input_is_no_answer_for_every_type(
    request: pytest.FixtureRequest, fixture: str, raw: object
) -> None:
    assert error_of(request.getfixturevalue(fixture), raw).code == "answer.empty"


def test_a_note_takes_no_answer_and_says_so_as_a_programming_error(note: Item) -> None:
    with pytest.raises(ValueError):
        validate_answer(note, "x")


def test_every_answerable_type_is_covered() -> None:
    # If the model gains a type, this test fails until validate_answer handles it.
    covered = {
        ItemType.SINGLE_CHOICE,
        ItemType.MULTIPLE_CHOICE,
        ItemType.LADDER,
        ItemType.VAS,
        ItemType.INTEGER,
        ItemType.DECIMAL,
        ItemType.TEXT,
        ItemType.DATE,
        ItemType.CONSENT,
    }
    # Notes and calculations take no answer from a person.
    assert covered == {t for t in ItemType if t not in (ItemType.NOTE, ItemType.CALCULATE)}
