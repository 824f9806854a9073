"""choice_filter: an option is offered only while its condition over earlier answers holds.

One rule in the domain (forms.logic.offered), checked by check-forms, printed on paper per
option, and carried both ways through XLSForm (ODK's `choice_filter` over choices columns)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest

from survey_app.forms.library import check_file
from survey_app.forms.logic import (
    form_state,
    narrowed_answers,
    offered,
    removed_options,
    submission_problems,
)
from survey_app.forms.xlsform.check import check_xlsx
from survey_app.forms.xlsform.pyxform_check import run_pyxform
from survey_app.pdf.routing import option_filter_text, question_numbers
from tests.forms.logic_fixture import FILTER_FORM, MULTI_FILTER_FORM
from tests.forms.xlsform.test_round_trip import round_trip

TODAY = date(2026, 12, 5)


def load(tmp_path: Path, text: str = FILTER_FORM):
    path = tmp_path / "cf.yaml"
    path.write_text(text, encoding="utf-8")
    return check_file(path)


@pytest.fixture
def form(tmp_path):
    loaded, findings = load(tmp_path)
    assert loaded is not None, [str(f) for f in findings]
    return loaded


def errors(tmp_path: Path, text: str) -> list[str]:
    _, findings = load(tmp_path, text)
    return [str(f) for f in findings if f.is_error]


@pytest.mark.parametrize(("country", "codes"), [(1, {1, 2, 4}), (2, {3, 4}), (3, {4})])
def test_only_the_options_whose_condition_holds_are_offered(form, country, codes):
    state = form_state(form, {"cf_country": (country, "answered")}, TODAY)
    assert offered(form.item("cf_city"), state) == codes


def test_multiple_choice_keeps_the_options_still_offered(tmp_path):
    form, _ = load(tmp_path, MULTI_FILTER_FORM)
    answers = {"cf_country": (2, "answered"), "cf_city": ([1, 2, 4], "answered")}
    narrowed = narrowed_answers(form, answers, form_state(form, answers, TODAY))
    assert narrowed == {"cf_city": [4]}
    assert removed_options([1, 2, 4], narrowed["cf_city"]) == [1, 2]


def test_multiple_choice_with_no_option_still_offered_is_cleared(tmp_path):
    form, _ = load(tmp_path, MULTI_FILTER_FORM)
    answers = {"cf_country": (3, "answered"), "cf_city": ([1, 2], "answered")}
    assert narrowed_answers(form, answers, form_state(form, answers, TODAY)) == {"cf_city": None}


def test_single_choice_no_longer_offered_is_cleared(form):
    answers = {"cf_country": (2, "answered"), "cf_city": (1, "answered")}
    assert narrowed_answers(form, answers, form_state(form, answers, TODAY)) == {"cf_city": None}


@pytest.mark.parametrize(("cities", "problems"), [([4], 0), ([1, 4], 1)])
def test_submission_accepts_a_narrowed_multiple_choice_only(tmp_path, cities, problems):
    form, _ = load(tmp_path, MULTI_FILTER_FORM)
    answers = {"cf_country": (2, "answered"), "cf_city": (cities, "answered")}
    assert len(submission_problems(form, answers, TODAY)) == problems


def test_submission_with_an_option_the_filter_excludes_has_a_reason(form):
    answers = {"cf_country": (2, "answered"), "cf_city": (1, "answered")}
    assert submission_problems(form, answers, TODAY) == [
        "the answer to 'cf_city' is an option its choice_filter does not offer"
    ]


def test_filter_on_a_later_item_is_an_error(tmp_path):
    text = FILTER_FORM.replace('1: "${cf_country} = 1"', '1: "${cf_city} = 1"')
    assert any("choice_filter 1: refers to its own item" in e for e in errors(tmp_path, text))


def test_filter_comparing_with_a_code_the_item_never_takes_is_an_error(tmp_path):
    text = FILTER_FORM.replace('3: "${cf_country} = 2"', '3: "${cf_country} = 7"')
    assert any("choice_filter 3" in e and "7" in e for e in errors(tmp_path, text))


def test_filter_for_a_code_that_is_not_an_option_is_an_error(tmp_path):
    text = FILTER_FORM.replace('3: "${cf_country} = 2"', '9: "${cf_country} = 2"')
    assert any("9 is not one of its option codes" in e for e in errors(tmp_path, text))


def test_filter_on_a_text_item_is_an_error(tmp_path):
    text = FILTER_FORM.replace(
        "  - id: cf_city\n    type: single_choice\n", "  - id: cf_city\n    type: text\n"
    )
    assert any("only choice items take 'choice_filter'" in e for e in errors(tmp_path, text))


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("nb", "Velg «Asmara» bare hvis du valgte «Eritrea» i spørsmål 1."),
        ("ar", "اختر «أسمرة» فقط إذا اخترت «إريتريا» في السؤال ١."),
    ],
)
def test_paper_prints_the_condition_of_each_filtered_option(form, language, expected):
    city = form.item("cf_city")
    assert option_filter_text(city, 3, form, question_numbers(form), language) == expected
    assert option_filter_text(city, 4, form, question_numbers(form), language) == ""


def test_form_with_a_choice_filter_round_trips_through_xlsform_and_pyxform(form, tmp_path):
    back = round_trip(form, tmp_path / "rt")
    assert back.content_hash == form.content_hash


def odk_workbook(path: Path, choice_filter: str, extra_column: str = "country") -> Path:
    """An XLSForm as ODK users write a cascading select: a choices column and a filter."""
    book = openpyxl.Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append(
        ["type", "name", "label::English (en)", "label::Norsk (nb)", "label::Arabic (ar)",
         "choice_filter"]
    )  # fmt: skip
    survey.append(["select_one countries", "country", "Country?", "Land?", "البلد؟", None])
    survey.append(["select_one cities", "city", "City?", "By?", "المدينة؟", choice_filter])
    choices = book.create_sheet("choices")
    choices.append(
        ["list_name", "name", "label::English (en)", "label::Norsk (nb)", "label::Arabic (ar)",
         extra_column]
    )  # fmt: skip
    choices.append(["countries", "syria", "Syria", "Syria", "سوريا", None])
    choices.append(["countries", "eritrea", "Eritrea", "Eritrea", "إريتريا", None])
    choices.append(["cities", "damascus", "Damascus", "Damaskus", "دمشق", "syria"])
    choices.append(["cities", "aleppo", "Aleppo", "Aleppo", "حلب", "syria"])
    choices.append(["cities", "asmara", "Asmara", "Asmara", "أسمرة", "eritrea"])
    settings = book.create_sheet("settings")
    settings.append(
        ["form_id", "version", "default_language", "form_title", "app_title_nb", "app_title_ar"]
    )
    settings.append(["towns", "1", "English (en)", "Home town", "Hjemby", "مدينة الأصل"])
    book.save(path)
    return path


@pytest.mark.parametrize("written", ["country = ${country}", "${country}=country"])
def test_odk_choice_filter_over_a_choices_column_becomes_conditions_per_option(tmp_path, written):
    path = odk_workbook(tmp_path / "towns.xlsx", written)
    assert run_pyxform(path).error is None
    form, findings = check_xlsx(path)
    assert form is not None, [str(f) for f in findings]
    city = form.item("city")
    conditions = {code: c.canonical for code, c in city.logic.choice_filter}
    syria, eritrea = (f"${{country}} = {code}" for code in (1, 2))
    flipped = {1: syria, 2: syria, 3: eritrea}
    mirrored = {code: f"{text.split(' = ')[1]} = ${{country}}" for code, text in flipped.items()}
    assert conditions in (flipped, mirrored)


def test_filter_style_column_named_filter_is_converted(tmp_path):
    path = odk_workbook(tmp_path / "f.xlsx", "filter = ${country}", extra_column="filter")
    form, findings = check_xlsx(path)
    assert form is not None, [str(f) for f in findings]
    assert [code for code, _ in form.item("city").logic.choice_filter] == [1, 2, 3]


def test_filter_naming_a_column_the_choices_sheet_lacks_is_reported_at_its_row(tmp_path):
    path = odk_workbook(tmp_path / "m.xlsx", "region = ${country}")
    _, findings = check_xlsx(path)
    found = [str(f) for f in findings if "choice_filter uses region" in str(f)]
    assert found and found[0].startswith(f"{path}:survey:3: error")


def test_filter_with_a_function_this_app_lacks_is_reported_at_its_row(tmp_path):
    path = odk_workbook(tmp_path / "u.xlsx", "starts-with(country, ${country})")
    _, findings = check_xlsx(path)
    found = [str(f) for f in findings if "choice_filter uses starts-with()" in str(f)]
    assert found and found[0].startswith(f"{path}:survey:3: error")
