"""Form logic over answers: relevance (items and sections), calculations, constraints."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from survey_app.forms.library import check_file
from survey_app.forms.logic import (
    constraint_holds,
    form_state,
    not_applicable_answers,
    required_now,
    submission_problems,
)
from tests.forms.logic_fixture import LOGIC_FORM

TODAY = date(2026, 3, 14)


@pytest.fixture
def form(tmp_path: Path):
    path = tmp_path / "lg.yaml"
    path.write_text(LOGIC_FORM, encoding="utf-8")
    loaded, findings = check_file(path)
    assert loaded is not None, [str(f) for f in findings]
    return loaded


def test_item_applies_only_when_its_condition_holds(form):
    assert not form_state(form, {}, TODAY).applies("lg_country_other")
    assert not form_state(form, {"lg_country": (1, "answered")}, TODAY).applies("lg_country_other")
    assert form_state(form, {"lg_country": (3, "answered")}, TODAY).applies("lg_country_other")


def test_declined_answer_reads_as_empty(form):
    state = form_state(form, {"lg_country": (None, "declined")}, TODAY)
    assert not state.applies("lg_country_other")


def test_selected_routes_a_multiple_choice(form):
    assert form_state(form, {"lg_langs": ([1, 3], "answered")}, TODAY).applies("lg_langs_other")
    assert not form_state(form, {"lg_langs": ([1, 2], "answered")}, TODAY).applies("lg_langs_other")


def test_section_condition_hides_every_item_inside(form):
    state = form_state(form, {"lg_job": (1, "answered")}, TODAY)
    assert not state.applies("lg_job") and not state.applies("lg_hours")
    state = form_state(form, {"lg_age": (30, "answered"), "lg_job": (1, "answered")}, TODAY)
    assert state.applies("lg_job") and state.applies("lg_hours")
    assert state.sections == {"lg_work": True}


def test_item_inside_an_applying_section_keeps_its_own_condition(form):
    state = form_state(form, {"lg_age": (30, "answered"), "lg_job": (0, "answered")}, TODAY)
    assert state.applies("lg_job") and not state.applies("lg_hours")


def test_calculation_is_computed_and_empty_when_nothing_is_chosen(form):
    assert form_state(form, {"lg_langs": ([1, 2, 3], "answered")}, TODAY).calculated == {
        "lg_lang_count": 3
    }
    assert form_state(form, {}, TODAY).calculated == {"lg_lang_count": 0}


def test_answer_of_an_item_that_no_longer_applies_is_found(form):
    answers = {"lg_country": (1, "answered"), "lg_country_other": ("Chad", "answered")}
    state = form_state(form, answers, TODAY)
    assert not_applicable_answers(form, answers, state) == ["lg_country_other"]


def test_constraint_uses_the_current_value(form):
    state = form_state(form, {}, TODAY)
    age = form.item("lg_age")
    assert constraint_holds(form, age, 30, state)
    assert not constraint_holds(form, age, 70, state)
    assert constraint_holds(form, age, None, state)


def test_required_expression_follows_answers(tmp_path):
    text = LOGIC_FORM.replace(
        '        relevant: "${lg_job} = 1"\n',
        '        relevant: "${lg_job} = 1"\n        required: "${lg_age} > 20"\n',
    )
    path = tmp_path / "lg.yaml"
    path.write_text(text, encoding="utf-8")
    form, _ = check_file(path)
    hours = form.item("lg_hours")
    answers = {"lg_age": (30, "answered"), "lg_job": (1, "answered")}
    assert required_now(hours, form_state(form, answers, TODAY))
    answers["lg_age"] = (19, "answered")
    assert not required_now(hours, form_state(form, answers, TODAY))


def test_submission_problems_name_irrelevant_answers_and_broken_constraints(form):
    answers = {
        "lg_country": (2, "answered"),
        "lg_country_other": ("Chad", "answered"),
        "lg_age": (90, "answered"),
    }
    assert submission_problems(form, answers, TODAY) == [
        "item 'lg_country_other' is answered although it does not apply",
        "the answer to 'lg_age' breaks its constraint",
    ]


def test_valid_submission_has_no_problems(form):
    answers = {
        "lg_country": (3, "answered"),
        "lg_country_other": ("تشاد", "answered"),
        "lg_age": (None, "declined"),
    }
    assert submission_problems(form, answers, TODAY) == []
