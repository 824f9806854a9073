"""Participant codes: format, normalisation, live state and error detection of the check."""

from __future__ import annotations

import itertools

import pytest

from survey_app.answers.codes import (
    ALPHABET,
    CodeState,
    code_number,
    code_state,
    format_example,
    has_valid_check,
    is_complete_code,
    make_code,
    quasigroup,
    validate_code,
)
from survey_app.answers.errors import AnswerError

PREFIXES = ("P", "RJ", "ABC", "ZZZZ")
NUMBERS = (*range(0, 400), 9999, 10000, 12345, 99999, 123456)


def all_codes() -> list[str]:
    return [make_code(n, p) for p in PREFIXES for n in NUMBERS]


def compact(code: str) -> str:
    return code.replace("-", "")


def test_make_code_has_prefix_padded_number_and_check_character() -> None:
    code = make_code(42, "RJ")
    prefix, number, check = code.split("-")
    assert (prefix, number, len(check)) == ("RJ", "0042", 1)
    assert check in ALPHABET


def test_make_code_default_prefix_is_p() -> None:
    assert make_code(7).startswith("P-0007-")


def test_make_code_keeps_numbers_wider_than_four_digits() -> None:
    assert make_code(123456, "RJ").split("-")[1] == "123456"


@pytest.mark.parametrize("prefix", ["", "rj", "R1", "ABCDE", "ÆØ"])
def test_make_code_refuses_a_bad_prefix(prefix: str) -> None:
    with pytest.raises(ValueError):
        make_code(1, prefix)


@pytest.mark.parametrize("number", [-1, True, 1.0])
def test_make_code_refuses_a_bad_number(number: object) -> None:
    with pytest.raises(ValueError):
        make_code(number, "RJ")  # type: ignore[arg-type]


def test_every_made_code_validates_to_itself() -> None:
    for code in all_codes():
        assert validate_code(code) == code


def test_code_number_returns_the_participant_number() -> None:
    assert code_number(make_code(1234, "RJ")) == 1234


def test_quasigroup_is_a_latin_square() -> None:
    for x in range(36):
        assert sorted(quasigroup(x, y) for y in range(36)) == list(range(36))
        assert sorted(quasigroup(y, x) for y in range(36)) == list(range(36))


def test_quasigroup_is_totally_anti_symmetric() -> None:
    # (c*x)*y == (c*y)*x only when x == y: this is what makes every adjacent swap detectable,
    # for codes of any length, including a swap with the check character.
    for c, x, y in itertools.product(range(36), repeat=3):
        if x != y:
            assert quasigroup(quasigroup(c, x), y) != quasigroup(quasigroup(c, y), x)


def test_every_single_character_substitution_is_detected() -> None:
    missed = []
    for code in all_codes():
        body = compact(code)
        for i, original in enumerate(body):
            for other in ALPHABET:
                if other != original:
                    wrong = body[:i] + other + body[i + 1 :]
                    if has_valid_check(wrong):
                        missed.append(wrong)
    assert missed == []


def test_every_adjacent_transposition_is_detected() -> None:
    missed = []
    for code in all_codes():
        body = compact(code)
        for i in range(len(body) - 1):
            if body[i] != body[i + 1]:
                swapped = body[:i] + body[i + 1] + body[i] + body[i + 2 :]
                if has_valid_check(swapped):
                    missed.append(swapped)
    assert missed == []


def test_validate_code_rejects_every_substitution_of_a_sample_code() -> None:
    code = make_code(42, "RJ")
    for i, original in enumerate(code):
        if original == "-":
            continue
        for other in ALPHABET:
            if other != original:
                with pytest.raises(AnswerError) as caught:
                    validate_code(code[:i] + other + code[i + 1 :])
                assert caught.value.code in {"code.check", "code.format"}


def test_mod_37_36_would_miss_a_transposition_that_damm_catches() -> None:
    # Why ISO 7064 MOD 37,36 was not used: "901Z" and "910Z" both pass it.
    def mod_37_36_valid(text: str) -> bool:
        p = 36
        for char in text:
            s = (p + ALPHABET.index(char)) % 36 or 36
            p = (2 * s) % 37
        return s == 1

    assert mod_37_36_valid("901Z") and mod_37_36_valid("910Z")


@pytest.mark.parametrize(
    "typed",
    [
        "rj-0042-{c}",
        " RJ 0042 {c} ",
        "RJ0042{c}",
        "RJ–0042—{c}",
        "RJ\u22120042\u2010{c}",
        "\u200fRJ-0042-{c}\u200e",
        "RJ-٠٠٤٢-{c}",
        "RJ-۰۰۴۲-{c}",
        "ＲＪ－００４２－{c}",
    ],
)
def test_validate_code_normalises_case_spaces_dashes_digits_and_marks(typed: str) -> None:
    code = make_code(42, "RJ")
    assert validate_code(typed.format(c=code[-1].lower())) == code


@pytest.mark.parametrize("typed", ["", "   ", "\u200f"])
def test_validate_code_reports_empty_input(typed: str) -> None:
    with pytest.raises(AnswerError) as caught:
        validate_code(typed)
    assert caught.value.code == "code.empty"


@pytest.mark.parametrize(
    "typed",
    ["RJ-42-K", "42", "RJ", "RJ-0042", "RJ-00042-K", "RJ-0042-KK", "ABCDE-0042-K", "R#-0042-K"],
)
def test_validate_code_reports_a_format_error(typed: str) -> None:
    with pytest.raises(AnswerError) as caught:
        validate_code(typed)
    assert caught.value.code == "code.format"


def test_format_error_example_is_itself_never_a_valid_code() -> None:
    for prefix in PREFIXES:
        with pytest.raises(AnswerError) as caught:
            validate_code("??", expected_prefix=prefix)
        example = caught.value.params["example"]
        assert example.startswith(f"{prefix}-1234-")
        with pytest.raises(AnswerError):
            validate_code(example)
    assert format_example() != make_code(1234)


def test_validate_code_reports_a_wrong_check_character() -> None:
    code = make_code(42, "RJ")
    wrong = code[:-1] + ("A" if code[-1] != "A" else "B")
    with pytest.raises(AnswerError) as caught:
        validate_code(wrong)
    assert caught.value.code == "code.check"


def test_validate_code_reports_another_studys_prefix() -> None:
    with pytest.raises(AnswerError) as caught:
        validate_code(make_code(42, "AB"), expected_prefix="RJ")
    assert caught.value.code == "code.prefix"
    assert caught.value.params["prefix"] == "RJ"


def test_error_message_text_never_contains_the_typed_code() -> None:
    code = make_code(42, "RJ")
    wrong = code[:-1] + ("A" if code[-1] != "A" else "B")
    with pytest.raises(AnswerError) as caught:
        validate_code(wrong)
    assert "0042" not in str(caught.value)


@pytest.mark.parametrize(
    ("typed", "state"),
    [
        ("", CodeState.EMPTY),
        (" ", CodeState.EMPTY),
        ("R", CodeState.INCOMPLETE),
        ("RJ", CodeState.INCOMPLETE),
        ("RJ-", CodeState.INCOMPLETE),
        ("RJ-00", CodeState.INCOMPLETE),
        ("RJ-0042", CodeState.INCOMPLETE),
        ("RJ-0042-", CodeState.INCOMPLETE),
        ("RJ-٠٠", CodeState.INCOMPLETE),
        ("4", CodeState.INVALID),
        ("RJ-0X", CodeState.INVALID),
        ("RJ--", CodeState.INVALID),
        ("RJ-0042-K-", CodeState.INVALID),
    ],
)
def test_code_state_while_typing(typed: str, state: CodeState) -> None:
    assert code_state(typed) is state


def test_code_state_is_valid_for_a_complete_code() -> None:
    assert code_state(make_code(42, "RJ")) is CodeState.VALID


def test_code_state_is_invalid_once_a_wrong_letter_check_is_typed() -> None:
    code = make_code(42, "RJ")
    wrong = next(c for c in "ABCDEFGH" if c != code[-1])
    assert code_state(code[:-1] + wrong) is CodeState.INVALID


def test_code_state_is_invalid_as_soon_as_the_prefix_departs_from_the_study() -> None:
    assert code_state("RJ", expected_prefix="RJ") is CodeState.INCOMPLETE
    assert code_state("RX", expected_prefix="RJ") is CodeState.INVALID
    assert code_state("R-00", expected_prefix="RJ") is CodeState.INVALID


def test_is_complete_code_only_for_a_valid_code() -> None:
    code = make_code(42, "RJ")
    assert is_complete_code(code)
    assert not is_complete_code(code[:-1])
    assert not is_complete_code(code, expected_prefix="AB")


@pytest.mark.parametrize("enter", ["\n", "\r", "\r\n"])
def test_a_scanned_code_followed_by_enter_is_accepted(enter: str) -> None:
    # A QR scanner types the card's text, then Enter (which terminal setting sends varies).
    code = make_code(42)

    assert validate_code(code + enter) == code
    assert code_state(code + enter) is CodeState.VALID
