"""What staff type into the register is checked and tidied; names are found however typed."""

from __future__ import annotations

import pytest

from survey_app.register.model import (
    RegisterError,
    clean_name,
    clean_phone,
    name_matches,
)


def test_a_norwegian_mobile_number_gets_the_country_code() -> None:
    assert clean_phone("0123 4567") == "+4701234567"


def test_arabic_indic_digits_and_00_prefix_are_folded() -> None:
    assert clean_phone("٠٠٤٧ ٠٠٠٠٠٠٠١") == "+4700000001"


def test_letters_in_a_phone_number_are_refused() -> None:
    with pytest.raises(RegisterError, match="digits only"):
        clean_phone("call me")


def test_names_in_any_script_are_kept_as_typed() -> None:
    assert clean_name("  سلمى   أحمد ") == "سلمى أحمد"
    assert clean_name("Ærlig Østby-Ås") == "Ærlig Østby-Ås"


def test_a_name_with_digits_is_refused() -> None:
    with pytest.raises(RegisterError):
        clean_name("P-0001-Z")


def test_arabic_names_are_found_without_vowel_marks_or_alef_variants() -> None:
    assert name_matches("سَلمى أحمد", "احمد سلمى")


def test_names_are_found_by_part_and_case_and_accent() -> None:
    assert name_matches("Ærlig Østby-Ås", "østby")
    assert name_matches("Renée Fiktiv", "renee")
    assert not name_matches("Renée Fiktiv", "annen")
