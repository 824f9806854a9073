"""The store enforces form logic: it refuses answers that do not apply or break a constraint,
clears answers that stop applying (audited) and stores calculated values."""

from __future__ import annotations

from pathlib import Path

import pytest

from survey_app.forms.library import check_file
from survey_app.forms.model import Form
from survey_app.store import DeviceStore, InvalidAnswer, SessionInfo
from survey_app.store.errors import AnswerNotApplicable, ConstraintFailed, OptionNotOffered
from tests.forms.logic_fixture import FILTER_FORM, LOGIC_FORM, MULTI_FILTER_FORM


@pytest.fixture(scope="module")
def logic_form(tmp_path_factory) -> Form:
    path: Path = tmp_path_factory.mktemp("forms") / "lg.yaml"
    path.write_text(LOGIC_FORM, encoding="utf-8")
    form, findings = check_file(path)
    assert form is not None, [str(f) for f in findings]
    return form


def stored(store: DeviceStore, session: SessionInfo) -> dict[str, object]:
    return {a.item_id: a.value for a in store.answers(session.id)}


def test_answer_to_an_item_that_does_not_apply_is_refused(store, session, logic_form):
    store.save_answer(session.id, logic_form, "lg_country", 1)
    with pytest.raises(AnswerNotApplicable):
        store.save_answer(session.id, logic_form, "lg_country_other", "تشاد")
    assert "lg_country_other" not in stored(store, session)


def test_answer_to_an_item_that_applies_is_stored(store, session, logic_form):
    store.save_answer(session.id, logic_form, "lg_country", 3)
    store.save_answer(session.id, logic_form, "lg_country_other", "تشاد")
    assert stored(store, session)["lg_country_other"] == "تشاد"


def test_answer_breaking_the_constraint_is_refused_with_a_reason(store, session, logic_form):
    with pytest.raises(ConstraintFailed) as info:
        store.save_answer(session.id, logic_form, "lg_age", 70)
    assert isinstance(info.value, InvalidAnswer)
    assert "outside what the question allows" in str(info.value)
    assert "lg_age" not in stored(store, session)


def test_declined_answer_is_not_held_to_the_constraint(store, session, logic_form):
    store.save_answer(session.id, logic_form, "lg_age", None, status="declined")
    assert "lg_age" in stored(store, session)


def test_changing_an_answer_clears_the_item_that_stopped_applying_with_an_audit_entry(
    store, session, logic_form
):
    store.save_answer(session.id, logic_form, "lg_country", 3)
    store.save_answer(session.id, logic_form, "lg_country_other", "Tsjad")
    store.save_answer(session.id, logic_form, "lg_country", 1)
    assert "lg_country_other" not in stored(store, session)
    [entry] = [e for e in store.audit_trail(session.id) if e.action == "answer_not_applicable"]
    assert entry.actor == "system"
    assert entry.detail["item_id"] == "lg_country_other"
    assert entry.detail["old"]["value"] == "Tsjad"


def test_clearing_an_answer_clears_the_items_that_depend_on_it(store, session, logic_form):
    store.save_answer(session.id, logic_form, "lg_age", 30)
    store.save_answer(session.id, logic_form, "lg_job", 1)
    store.save_answer(session.id, logic_form, "lg_hours", 37)
    store.clear_answer(session.id, logic_form.id, "lg_age", form=logic_form)
    assert set(stored(store, session)) == {"lg_lang_count"}


def test_calculated_value_is_stored_and_follows_the_answers(store, session, logic_form):
    store.save_answer(session.id, logic_form, "lg_langs", [1, 2, 3])
    assert stored(store, session)["lg_lang_count"] == 3
    store.save_answer(session.id, logic_form, "lg_langs", [2])
    assert stored(store, session)["lg_lang_count"] == 1


def test_calculated_item_cannot_be_answered(store, session, logic_form):
    with pytest.raises(InvalidAnswer):
        store.save_answer(session.id, logic_form, "lg_lang_count", 5)


def test_decimal_answer_is_stored_as_a_number_with_its_fraction(store, session, logic_form):
    store.save_answer(session.id, logic_form, "lg_age", 40)
    store.save_answer(session.id, logic_form, "lg_job", 1)
    store.save_answer(session.id, logic_form, "lg_km", 12.5)
    assert stored(store, session)["lg_km"] == 12.5


@pytest.mark.parametrize("value", [12.25, 500.5, "12.5", True])
def test_decimal_outside_its_places_range_or_type_is_refused(store, session, logic_form, value):
    store.save_answer(session.id, logic_form, "lg_age", 40)
    store.save_answer(session.id, logic_form, "lg_job", 1)
    with pytest.raises(InvalidAnswer):
        store.save_answer(session.id, logic_form, "lg_km", value)
    assert "lg_km" not in stored(store, session)


def test_touched_items_name_a_cleared_answer(store, session, logic_form):
    store.save_answer(session.id, logic_form, "lg_age", 40)
    store.clear_answer(session.id, logic_form.id, "lg_age", form=logic_form)
    assert (logic_form.id, "lg_age") in store.touched_items(session.id)
    assert "lg_age" not in stored(store, session)


@pytest.fixture(scope="module")
def filter_form(tmp_path_factory) -> Form:
    path: Path = tmp_path_factory.mktemp("forms") / "cf.yaml"
    path.write_text(FILTER_FORM, encoding="utf-8")
    form, findings = check_file(path)
    assert form is not None, [str(f) for f in findings]
    return form


def test_option_the_choice_filter_excludes_is_refused(store, session, filter_form):
    store.save_answer(session.id, filter_form, "cf_country", 2)
    with pytest.raises(OptionNotOffered):
        store.save_answer(session.id, filter_form, "cf_city", 1)  # Damascus is not in Eritrea
    store.save_answer(session.id, filter_form, "cf_city", 3)
    assert stored(store, session)["cf_city"] == 3


def test_option_that_stops_being_offered_is_cleared_with_an_audit_entry(
    store, session, filter_form
):
    store.save_answer(session.id, filter_form, "cf_country", 1)
    store.save_answer(session.id, filter_form, "cf_city", 2)
    store.save_answer(session.id, filter_form, "cf_country", 2)
    assert "cf_city" not in stored(store, session)
    entry = [e for e in store.audit_trail(session.id) if e.action == "answer_not_offered"]
    assert [e.detail["item_id"] for e in entry] == ["cf_city"]
    assert entry[0].detail["old"]["value"] == 2


@pytest.fixture(scope="module")
def multi_filter_form(tmp_path_factory) -> Form:
    path: Path = tmp_path_factory.mktemp("forms") / "cf.yaml"
    path.write_text(MULTI_FILTER_FORM, encoding="utf-8")
    form, findings = check_file(path)
    assert form is not None, [str(f) for f in findings]
    return form


def test_multiple_choice_keeps_the_options_still_offered_and_the_audit_names_the_removed(
    store, session, multi_filter_form
):
    store.save_answer(session.id, multi_filter_form, "cf_country", 1)
    store.save_answer(session.id, multi_filter_form, "cf_city", [1, 4])
    store.save_answer(session.id, multi_filter_form, "cf_country", 2)
    assert stored(store, session)["cf_city"] == [4]
    [entry] = [e for e in store.audit_trail(session.id) if e.action == "answer_not_offered"]
    assert entry.detail["removed"] == [1]
    assert (entry.detail["old"]["value"], entry.detail["new"]["value"]) == ([1, 4], [4])


def test_narrowed_multiple_choice_is_accepted_and_an_option_not_offered_refused(
    store, session, multi_filter_form
):
    store.save_answer(session.id, multi_filter_form, "cf_country", 2)
    with pytest.raises(OptionNotOffered):
        store.save_answer(session.id, multi_filter_form, "cf_city", [1, 4])
    store.save_answer(session.id, multi_filter_form, "cf_city", [3, 4])
    assert stored(store, session)["cf_city"] == [3, 4]
