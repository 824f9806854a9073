"""check-forms on form logic: every class of mistake is an error at its line, in any language."""

from __future__ import annotations

from pathlib import Path

import pytest

from survey_app.forms.library import check_file
from survey_app.forms.model import ItemType, ResultType
from tests.forms.logic_fixture import LOGIC_FORM


@pytest.fixture
def write_logic(tmp_path: Path):
    def write(old: str = "", new: str = "") -> Path:
        text = LOGIC_FORM
        if old:
            assert old in text, f"fixture does not contain {old!r}"
            text = text.replace(old, new, 1)
        path = tmp_path / "lg.yaml"
        path.write_text(text, encoding="utf-8")
        return path

    return write


def errors(path: Path) -> list[str]:
    _, findings = check_file(path)
    return [str(f) for f in findings if f.is_error]


def the_error(path: Path, fragment: str) -> str:
    found = [e for e in errors(path) if fragment in e]
    assert found, f"no error with {fragment!r}: {errors(path)}"
    return found[0]


def line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if needle in line)


def test_logic_form_is_usable_and_its_logic_is_loaded(write_logic):
    form, findings = check_file(write_logic())
    assert form is not None, [str(f) for f in findings]
    assert [f for f in findings if f.is_error] == []
    other = form.item("lg_country_other")
    assert other.logic.relevant.canonical == "${lg_country} = 3"
    age = form.item("lg_age")
    assert age.logic.constraint.refs == frozenset()
    assert age.logic.constraint_message.get("ar") == "يجب أن يكون العمر بين ١٨ و٦٧."
    calc = form.item("lg_lang_count")
    assert calc.type is ItemType.CALCULATE and calc.logic.result is ResultType.NUMBER
    assert not calc.answerable and calc.stored
    assert [s.id for s in form.sections] == ["lg_work"]
    assert form.item("lg_hours").section == "lg_work"
    assert form.section("lg_work").relevant.canonical == "${lg_age} >= 18"


def test_unknown_item_is_an_error_at_the_expression_line(write_logic):
    path = write_logic('relevant: "${lg_country} = 3"', 'relevant: "${lg_contry} = 3"')
    error = the_error(path, "unknown item ${lg_contry}")
    assert f":{line_of(path, 'lg_contry')}:" in error


def test_reference_to_a_later_item_is_an_error(write_logic):
    path = write_logic('relevant: "${lg_country} = 3"', 'relevant: "${lg_age} > 30"')
    assert "asked later" in the_error(path, "${lg_age}")


def test_reference_to_a_later_item_through_a_calculation_is_an_error(write_logic):
    path = write_logic('relevant: "${lg_country} = 3"', 'relevant: "${lg_lang_count} > 1"')
    assert "(through ${lg_lang_count})" in the_error(path, "asked later")


def test_section_condition_on_an_item_inside_it_is_an_error(write_logic):
    path = write_logic('relevant: "${lg_age} >= 18"', 'relevant: "${lg_job} = 1"')
    assert "section 'lg_work' relevant" in the_error(path, "asked later")


def test_relevant_on_its_own_item_is_an_error(write_logic):
    path = write_logic('relevant: "${lg_country} = 3"', 'relevant: "${lg_country_other} = 1"')
    the_error(path, "refers to its own item")


def test_choice_compared_with_a_code_it_can_never_take_is_an_error(write_logic):
    path = write_logic('relevant: "${lg_country} = 3"', "relevant: \"${lg_country} = '11'\"")
    assert "option codes are 1, 2, 3" in the_error(path, "can never be '11'")


def test_selected_with_a_code_not_in_the_list_is_an_error(write_logic):
    path = write_logic("selected(${lg_langs}, '3')", "selected(${lg_langs}, 'other')")
    the_error(path, "can never be 'other'")


def test_selected_on_a_text_item_is_an_error(write_logic):
    path = write_logic("selected(${lg_langs}, '3')", "selected(${lg_country_other}, '3')")
    the_error(path, "selected() needs a choice item")


def test_count_selected_on_a_single_choice_is_an_error(write_logic):
    path = write_logic("count-selected(${lg_langs})", "count-selected(${lg_country})")
    the_error(path, "count-selected() needs a multiple-choice item")


def test_wrong_number_of_arguments_is_an_error(write_logic):
    path = write_logic("count-selected(${lg_langs})", "count-selected(${lg_langs}, 2)")
    the_error(path, "takes 1 argument, not 2")


def test_unknown_function_is_an_error(write_logic):
    path = write_logic("count-selected(${lg_langs})", "count_selected(${lg_langs})")
    the_error(path, "unknown function count_selected()")


def test_arithmetic_on_a_text_item_is_an_error(write_logic):
    path = write_logic("count-selected(${lg_langs})", "${lg_country_other} + 1")
    the_error(path, "needs numbers")


def test_current_value_outside_a_constraint_is_an_error(write_logic):
    path = write_logic('relevant: "${lg_country} = 3"', 'relevant: ". = 3"')
    the_error(path, "only be used in a constraint")


def test_cycle_among_calculations_is_an_error(write_logic):
    path = write_logic(
        '    calculate: "count-selected(${lg_langs})"\n',
        '    calculate: "${lg_cycle} + 1"\n'
        '  - id: lg_cycle\n    type: calculate\n    calculate: "${lg_lang_count} * 2"\n',
    )
    the_error(path, "calculations form a cycle")


def test_syntax_error_is_reported_with_its_column(write_logic):
    path = write_logic('relevant: "${lg_country} = 3"', 'relevant: "${lg_country} == 3"')
    assert "column" in the_error(path, "single '='")


def test_expression_written_per_language_is_refused(write_logic):
    path = write_logic(
        'relevant: "${lg_country} = 3"',
        'relevant:\n      nb: "${lg_country} = 3"\n      ar: "${lg_country} = 4"',
    )
    the_error(path, "belongs to the form, not to a language")


def test_constraint_without_message_is_an_error(write_logic):
    text = LOGIC_FORM
    start = text.index("    constraint_message:")
    end = text.index('    text:\n      nb: "Hvor gammel')
    path = write_logic(text[start:end], "")
    the_error(path, "needs a constraint_message in every language")


def test_constraint_message_missing_in_arabic_is_an_error(write_logic):
    path = write_logic('      ar: "يجب أن يكون العمر بين ١٨ و٦٧."\n', "")
    the_error(path, "constraint_message: missing the 'ar' text")


def test_constraint_message_with_other_numbers_in_arabic_is_an_error(write_logic):
    path = write_logic("بين ١٨ و٦٧", "بين ١٨ و٧٦")
    the_error(path, "numbers [18, 76] differ")


def test_calculate_item_with_text_is_an_error(write_logic):
    path = write_logic(
        '    calculate: "count-selected(${lg_langs})"\n',
        '    calculate: "count-selected(${lg_langs})"\n    text: {nb: "x", en: "y", ar: "ز"}\n',
    )
    the_error(path, "never shown")


def test_default_that_is_not_a_valid_answer_is_an_error(write_logic):
    path = write_logic("      - id: lg_hours\n", '      - id: lg_hours\n        default: "150"\n')
    the_error(path, "default: '150' is not a valid answer")


def test_required_expression_is_loaded(write_logic):
    path = write_logic(
        '        relevant: "${lg_job} = 1"\n',
        '        relevant: "${lg_job} = 1"\n        required: "${lg_job} = 1"\n',
    )
    form, _ = check_file(path)
    assert form.item("lg_hours").logic.required.canonical == "${lg_job} = 1"


def test_content_hash_ignores_layout_but_covers_logic(write_logic):
    before = check_file(write_logic())[0].content_hash
    spaced = check_file(write_logic('"${lg_country} = 3"', '"${lg_country}=3"  # comment'))[0]
    assert spaced.content_hash == before
    changed = check_file(write_logic('"${lg_country} = 3"', '"${lg_country} = 2"'))[0]
    assert changed.content_hash != before


def test_a_number_too_large_for_the_computer_is_an_error_not_a_crash(write_logic):
    """A 400-digit literal became infinity and check-forms stopped with OverflowError."""
    path = write_logic('relevant: "${lg_age} >= 18"', 'relevant: "${lg_age} >= ' + "9" * 400 + '"')
    assert ": the number is too large" in the_error(path, "too large")


def test_decimal_item_loads_its_limits_and_places(write_logic):
    form, _ = check_file(write_logic())
    km = form.item("lg_km")
    assert (km.type, km.minimum, km.maximum, km.decimals) == (ItemType.DECIMAL, 0, 500, 1)


def test_decimal_limit_with_more_places_than_allowed_is_an_error(write_logic):
    path = write_logic("        max: 500\n", "        max: 0.25\n")
    assert "max 0.25 has more than 1 decimals" in the_error(path, "lg_km")


def test_decimals_on_an_integer_item_is_an_error(write_logic):
    path = write_logic("        min: 1\n        max: 80\n", "        decimals: 2\n")
    assert "decimals apply only to decimal items" in the_error(path, "lg_hours")


def test_decimal_default_with_too_many_places_is_an_error(write_logic):
    path = write_logic("        decimals: 1\n", '        decimals: 1\n        default: "2,25"\n')
    assert "'2,25' is not a valid answer" in the_error(path, "lg_km")


def test_a_consent_statement_with_a_default_is_an_error(tmp_path):
    # Consent is given explicitly: a form author who pre-fills "yes" must be stopped before
    # the form can ever be shown.
    shipped = Path(__file__).resolve().parents[2] / "forms" / "consent.yaml"
    text = shipped.read_text(encoding="utf-8")
    old = "  - id: consent_participate\n    type: consent\n"
    assert old in text
    path = tmp_path / "consent.yaml"
    path.write_text(text.replace(old, old + '    default: "1"\n'), encoding="utf-8")
    error = the_error(path, "consent_participate")
    assert "default" in error
    assert f":{line_of(path, 'id: consent_participate')}:" in error
