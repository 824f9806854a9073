"""XLSForms as ODK and Kobo users write them import into usable forms, and whatever cannot be
converted is reported by sheet and row, never dropped silently."""

from __future__ import annotations

from pathlib import Path

import pytest

from survey_app.forms.model import ItemType
from survey_app.forms.xlsform.check import check_xlsx
from survey_app.forms.xlsform.importer import convert_file
from survey_app.forms.xlsform.pyxform_check import run_pyxform

from .workbooks import AR, EN, NB, SETTINGS, SURVEY, write_workbook


def messages(path: Path) -> list[str]:
    _, findings = check_xlsx(path)
    return [str(f) for f in findings]


def the(path: Path, fragment: str) -> str:
    found = [m for m in messages(path) if fragment in m]
    assert found, f"nothing with {fragment!r}: {messages(path)}"
    return found[0]


def test_test_workbooks_are_valid_xlsforms_for_pyxform(tmp_path):
    for spelling in (False, True):
        path = write_workbook(tmp_path / f"w{spelling}.xlsx", spelling=spelling)
        assert run_pyxform(path).error is None


def test_every_language_column_is_imported(odk_form):
    age = odk_form.item("age")
    assert age.text.get("nb") == "Hvor gammel er du?"
    assert age.text.get("en") == "How old are you?"
    assert age.text.get("ar") == "كم عمرك؟"
    assert age.help.get("ar") == "اكتب عمرك بالسنوات."
    assert odk_form.title.get("en") == "Background"
    assert odk_form.title.get("ar") == "الخلفية"


def test_choice_list_shared_by_two_questions_becomes_one_scale(odk_form):
    assert odk_form.item("working").scale is odk_form.item("children").scale
    assert odk_form.scales["yesno"].codes == (1, 2)


def test_word_choice_names_get_codes_and_expressions_follow(odk_form):
    assert odk_form.item("hours").logic.relevant.canonical == "${working} = 1"
    assert odk_form.item("langs_other").logic.relevant.canonical == "selected(${langs}, '3')"


def test_codes_with_gaps_stay_with_their_item(odk_form):
    assert odk_form.item("country").scale.codes == (1, 2, 9)
    assert odk_form.item("country_other").logic.relevant.canonical == "${country} = '9'"


def test_logic_columns_are_imported(odk_form):
    age = odk_form.item("age")
    assert age.required
    assert age.logic.constraint.canonical == ". >= 18 and . <= 99"
    assert age.logic.constraint_message.get("nb") == "Alderen må være mellom 18 og 99."
    calc = odk_form.item("lang_count")
    assert calc.type is ItemType.CALCULATE
    assert calc.logic.calculate.canonical == "count-selected(${langs})"
    assert [s.id for s in odk_form.sections] == ["work"]
    assert odk_form.section("work").title.get("ar") == "العمل"
    assert odk_form.item("hours").section == "work"


def test_choice_questions_offer_declining(odk_form):
    assert odk_form.item("country").allow_decline
    assert odk_form.item("langs").allow_decline


def test_spelling_variants_give_the_same_form(tmp_path, odk_form):
    other, findings = check_xlsx(write_workbook(tmp_path / "s.xlsx", spelling=True))
    assert other is not None, [str(f) for f in findings]
    assert other.content_hash == odk_form.content_hash


def test_metadata_rows_are_reported_by_row(workbook):
    assert the(workbook, "metadata 'start'").startswith(f"{workbook}:survey:2: warning")


@pytest.mark.parametrize(
    ("row", "fragment"),
    [
        ({"type": "begin_repeat", "name": "kids"}, "repeats are not supported"),
        ({"type": "time", "name": "when", "label": ("W", "N", "م")}, "times of day"),
        ({"type": "geopoint", "name": "where", "label": ("W", "H", "أ")}, "locations"),
        ({"type": "image", "name": "photo", "label": ("P", "B", "ص")}, "photos"),
        ({"type": "select_one nolist", "name": "q", "label": ("Q", "S", "س")}, "no choice list"),
        ({"type": "telepathy", "name": "q", "label": ("Q", "S", "س")}, "unknown type"),
    ],
)
def test_what_cannot_be_converted_is_reported_at_its_row(tmp_path, row, fragment):
    survey = [*SURVEY[:3], row, *SURVEY[3:]]
    if row["type"] == "begin_repeat":
        survey.insert(4, {"type": "end_repeat"})
    path = write_workbook(tmp_path / "x.xlsx", survey=survey)
    assert f"{path}:survey:5: error: " in the(path, fragment)


def test_decimal_row_imports_as_a_decimal_item(tmp_path):
    row = {
        "type": "decimal",
        "name": "weight",
        "label": ("Weight in kg", "Vekt i kg", "الوزن بالكيلوغرام"),
        "constraint": ". >= 2.5 and . <= 250",
        "message": ("From 2.5 to 250.", "Fra 2,5 til 250.", "من ٢٫٥ إلى ٢٥٠."),
    }
    survey = [*SURVEY[:3], row, *SURVEY[3:]]
    form, findings = check_xlsx(write_workbook(tmp_path / "d.xlsx", survey=survey))
    assert form is not None, [str(f) for f in findings]
    weight = form.item("weight")
    assert weight.type is ItemType.DECIMAL
    assert weight.logic.constraint.canonical == ". >= 2.5 and . <= 250"


def test_rows_inside_a_repeat_are_not_imported_but_the_rest_is(tmp_path):
    inner = {"type": "text", "name": "kid_name", "label": ("Name", "Navn", "الاسم")}
    survey = [*SURVEY[:3], {"type": "begin_repeat", "name": "kids"}, inner, {"type": "end_repeat"}]
    survey += SURVEY[3:]
    converted = convert_file(write_workbook(tmp_path / "r.xlsx", survey=survey))
    assert "kid_name" not in converted.text and '"country"' in converted.text


def test_choice_filter_naming_a_column_choices_lacks_is_reported(tmp_path):
    survey = [dict(r) for r in SURVEY]
    path = write_workbook(tmp_path / "f.xlsx", survey=survey)
    import openpyxl

    book = openpyxl.load_workbook(path)
    sheet = book["survey"]
    sheet.cell(row=1, column=sheet.max_column + 1, value="choice_filter")
    sheet.cell(row=5, column=sheet.max_column, value="filter = ${age}")
    book.save(path)
    assert the(path, "choice_filter uses filter").startswith(f"{path}:survey:5: error")


def test_a_language_this_app_does_not_have_is_reported_at_the_header(tmp_path):
    path = write_workbook(tmp_path / "l.xlsx")
    import openpyxl

    book = openpyxl.load_workbook(path)
    sheet = book["survey"]
    sheet.cell(row=1, column=sheet.max_column + 1, value="label::French (fr)")
    book.save(path)
    assert the(path, "French (fr)").startswith(f"{path}:survey:1: error")


def test_missing_arabic_label_is_an_error_at_its_row(tmp_path):
    survey = [dict(r) for r in SURVEY]
    survey[3] = {**survey[3], "label": ("Which country do you come from?", "Hvilket land?", "")}
    path = write_workbook(tmp_path / "m.xlsx", survey=survey)
    assert f"{path}:survey:5: error: item 'country' text: missing the 'ar' text" in messages(path)


def test_english_left_in_the_arabic_column_is_an_error_at_its_row(tmp_path):
    survey = [dict(r) for r in SURVEY]
    survey[3] = {**survey[3], "label": ("Which country?", "Hvilket land?", "Which country?")}
    path = write_workbook(tmp_path / "u.xlsx", survey=survey)
    assert the(path, "left untranslated").startswith(f"{path}:survey:5: error")


def test_option_label_whose_number_differs_from_its_code_is_an_error_at_the_choice_row(tmp_path):
    from .workbooks import CHOICES

    choices = list(CHOICES)
    choices[2] = ("countries", "1", "Syria", "Syria", "٢ سوريا")
    path = write_workbook(tmp_path / "c.xlsx", choices=choices)
    assert the(path, "the label shows 2 but the option stores 1").startswith(
        f"{path}:choices:4: error"
    )


def test_expression_mistake_is_an_error_at_its_row(tmp_path):
    survey = [dict(r) for r in SURVEY]
    survey[4] = {**survey[4], "relevant": "${country} == '9'"}
    path = write_workbook(tmp_path / "e.xlsx", survey=survey)
    assert the(path, "single '='").startswith(f"{path}:survey:6: error")


def test_condition_on_a_later_question_is_an_error_at_its_row(tmp_path):
    survey = [dict(r) for r in SURVEY]
    survey[4] = {**survey[4], "relevant": "${children} = 'yes'"}
    path = write_workbook(tmp_path / "o.xlsx", survey=survey)
    assert the(path, "asked later").startswith(f"{path}:survey:6: error")


def test_translated_logic_column_is_refused(tmp_path):
    path = write_workbook(tmp_path / "t.xlsx")
    import openpyxl

    book = openpyxl.load_workbook(path)
    sheet = book["survey"]
    sheet.cell(row=1, column=sheet.max_column + 1, value=f"relevant::{AR}")
    book.save(path)
    assert the(path, "logic belongs to the form").startswith(f"{path}:survey:1: error")


def test_title_only_in_form_title_asks_for_the_other_languages(tmp_path):
    settings = {k: v for k, v in SETTINGS.items() if not k.startswith("app_")}
    path = write_workbook(tmp_path / "n.xlsx", settings=settings)
    error = the(path, "title: missing the 'ar' text")
    assert error.startswith(f"{path}:settings:2: error")


def test_labels_without_language_take_the_default_language(tmp_path):
    path = write_workbook(tmp_path / "d.xlsx")
    import openpyxl

    book = openpyxl.load_workbook(path)
    sheet = book["survey"]
    sheet.cell(row=1, column=3, value="label")  # was label::English (en); default is English
    book.save(path)
    form, findings = check_xlsx(path)
    assert form is not None, [str(f) for f in findings if f.is_error]
    assert form.item("age").text.get("en") == "How old are you?"


def test_unreadable_file_is_one_clear_error(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"not a workbook")
    form, findings = check_xlsx(path)
    assert form is None and "cannot read broken.xlsx" in str(findings[0])


__all__ = ["EN", "NB"]
