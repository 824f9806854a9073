"""Each defect class of `check-forms`, caught on a deliberately broken copy of a valid form."""

from __future__ import annotations

from pathlib import Path

import pytest

from survey_app.forms.findings import Finding
from survey_app.forms.library import check_file


def errors_of(path: Path) -> list[Finding]:
    _, findings = check_file(path)
    return [f for f in findings if f.is_error]


def only_error(path: Path, fragment: str) -> Finding:
    errors = errors_of(path)
    matching = [f for f in errors if fragment in f.message]
    assert matching, f"no error containing {fragment!r}; got {[str(e) for e in errors]}"
    return matching[0]


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


def test_valid_form_is_usable_without_findings(write_form):
    form, findings = check_file(write_form())
    assert form is not None
    assert findings == []


def test_missing_translation_is_an_error_located_at_the_text(write_form):
    path = write_form('      ar: "صداع"\n', "")
    finding = only_error(path, "missing the 'ar' text")
    assert finding.line == line_of(path, "text:") or finding.line > 0


def test_empty_translation_is_an_error(write_form):
    path = write_form('ar: "صداع"', 'ar: ""')
    finding = only_error(path, "text is empty")
    assert finding.line == line_of(path, 'ar: ""')


def test_text_left_untranslated_is_an_error(write_form):
    path = write_form('ar: "كم عمرك؟"', 'ar: "How old are you?"')
    only_error(path, "left untranslated")


def test_differing_placeholders_are_an_error(write_form):
    path = write_form('nb: "Hodepine"', 'nb: "Hodepine {days}"')
    only_error(path, "placeholders")


def test_option_missing_in_one_language_is_an_error(write_form):
    path = write_form(', 4: "كثيرًا جدًا"}', "}")
    finding = only_error(path, "3 options, but [nb] has 4")
    assert "ar" in finding.message


def test_option_code_differing_between_languages_is_an_error(write_form):
    path = write_form('4: "Extremely"', '5: "Extremely"')
    only_error(path, "option codes differ")


def test_reversed_option_order_is_an_error(write_form):
    path = write_form(
        'ar: {1: "أبدًا", 2: "قليلًا", 3: "كثيرًا", 4: "كثيرًا جدًا"}',
        'ar: {4: "كثيرًا جدًا", 3: "كثيرًا", 2: "قليلًا", 1: "أبدًا"}',
    )
    finding = only_error(path, "reversed scale")
    assert finding.line == line_of(path, 'ar: {4: "')


def test_scale_range_differing_from_declared_range_is_an_error(write_form):
    path = write_form("    max: 4\n", "    max: 5\n")
    only_error(path, "do not match the declared scale 1-5")


def test_duplicate_item_id_is_an_error(write_form):
    path = write_form("id: mini_age", "id: mini_01")
    only_error(path, "duplicate item id 'mini_01'")


def test_duplicate_option_code_is_an_error(write_form):
    path = write_form('2: "A little"', '1: "A little"')
    only_error(path, "duplicate key '1'")


@pytest.mark.parametrize("digit", ["3", "٣", "۳"])
def test_label_number_disagreeing_with_stored_code_is_an_error(write_form, digit):
    path = write_form('2: "قليلًا"', f'2: "{digit} قليلًا"')
    finding = only_error(path, "the label shows 3 but the option stores 2")
    assert "[ar]" in finding.message


def test_label_numbers_agreeing_with_stored_code_in_any_digits_are_accepted(write_form, tmp_path):
    from tests.forms.conftest import VALID_FORM

    text = (
        VALID_FORM.replace('2: "قليلًا"', '2: "٢ قليلًا"')
        .replace('2: "Litt"', '2: "2 Litt"')
        .replace('2: "A little"', '2: "(2) A little"')
    )
    assert errors_of(write_form(text=text)) == []


def test_number_differing_between_translations_is_an_error(write_form):
    path = write_form('ar: "آخر ١٤ يومًا"', 'ar: "آخر ١٥ يومًا"')
    finding = only_error(path, "numbers [15] differ from [nb] [14]")
    assert finding.line == line_of(path, "آخر ١٥")


def test_same_number_in_different_digit_systems_is_accepted(write_form):
    path = write_form('ar: "آخر ١٤ يومًا"', 'ar: "آخر 14 يومًا"')
    assert errors_of(path) == []


@pytest.mark.parametrize("control", ["\u202b", "\u202e", "\u2067"])
def test_unbalanced_bidi_control_is_an_error(write_form, control):
    path = write_form('ar: "صداع"', f'ar: "{control}صداع"')
    only_error(path, "unbalanced bidirectional controls")


def test_balanced_bidi_controls_are_still_not_allowed(write_form):
    path = write_form('ar: "صداع"', 'ar: "\u2067صداع\u2069"')
    only_error(path, "not allowed in form texts")


@pytest.mark.parametrize("mark", ["\u200f", "\u200e", "\u061c"])
def test_stray_direction_mark_is_an_error(write_form, mark):
    path = write_form('ar: "صداع"', f'ar: "صداع{mark}."')
    only_error(path, "stray")


@pytest.mark.parametrize("invisible", ["\u200b", "\u200d", "\u2060", "\ufeff", "\u00ad"])
def test_invisible_character_is_an_error(write_form, invisible):
    path = write_form('en: "Headaches"', f'en: "Head{invisible}aches"')
    only_error(path, "invisible character")


def test_mixed_script_lookalike_word_is_an_error(write_form):
    path = write_form('en: "Headaches"', 'en: "Hеadaches"')  # Cyrillic е
    only_error(path, "mixes scripts")


def test_latin_text_in_arabic_field_is_an_error(write_form):
    path = write_form('ar: "صداع"', 'ar: "صداع headache"')
    only_error(path, "Latin letters in a 'ar' text")


def test_arabic_text_in_norwegian_field_is_an_error(write_form):
    path = write_form('nb: "Hodepine"', 'nb: "صداع"')
    only_error(path, "Arabic letters in a 'nb' text")


def test_preshaped_arabic_presentation_forms_are_an_error(write_form):
    path = write_form('ar: "صداع"', 'ar: "\ufeb1\ufeaa\ufe8e\ufecc"')
    only_error(path, "presentation forms")


def test_unknown_key_is_an_error_naming_the_line(write_form):
    path = write_form("    allow_decline: true\n", "    allow_declin: true\n")
    finding = only_error(path, "unknown key 'allow_declin'")
    assert finding.line == line_of(path, "allow_declin")


def test_yaml_syntax_error_is_located_not_raised(write_form):
    path = write_form('  en: "Small form"\n', '  en: "Small form\n')
    form, findings = check_file(path)
    assert form is None
    assert findings[0].line > 0
    assert "YAML syntax error" in findings[0].message


def test_norway_problem_cannot_turn_a_label_into_a_boolean(write_form):
    path = write_form('2: "Litt"', "2: no")
    form, _ = check_file(path)
    assert form is not None
    assert form.scales["freq4"].option(2).label["nb"] == "no"


def test_finding_prints_as_path_line_severity_message(write_form):
    path = write_form('ar: "صداع"', 'ar: ""')
    finding = only_error(path, "text is empty")
    assert str(finding).startswith(f"{path}:{finding.line}: error: ")
