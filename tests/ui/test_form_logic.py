"""Form logic on screen: items show and hide as answers change, answers that stop applying are
cleared (store and audit too), constraint messages come from the form in the session languages
and block Next, pages where nothing applies are skipped, Back shows the page as it was."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from survey_app.forms.library import check_file
from survey_app.ui.direction import plain
from survey_app.ui.langs import SessionLanguages
from survey_app.ui.pages.questionnaire import QuestionPage
from survey_app.ui.session_view import SessionView
from tests.forms.logic_fixture import LOGIC_FORM
from tests.ui.conftest import accept_consent, settle, start_session, store_call


@pytest.fixture
def logic_form(tmp_path: Path):
    path = tmp_path / "lg.yaml"
    path.write_text(LOGIC_FORM, encoding="utf-8")
    form, findings = check_file(path)
    assert form is not None, [str(f) for f in findings]
    return form


def logic_session(qtbot, window, ctx, logic_form, language, interpreter=None) -> SessionView:
    """A real stored session (consent given) running the logic form."""
    demo = start_session(qtbot, window, language, interpreter)
    accept_consent(qtbot, demo)
    setup = dataclasses.replace(
        demo.setup,
        forms=[logic_form],
        consent_done=True,
        langs=SessionLanguages(language, interpreter),
        resume=(None, None),
    )
    view = SessionView(setup, ctx.client, ctx.theme)
    qtbot.addWidget(view)
    view.resize(1200, 800)
    view.show()
    return view


def stored(qtbot, ctx, view) -> dict[str, object]:
    settle(qtbot, ctx.client)
    sid = view.session_id
    return {
        a.item_id: a.value for a in store_call(qtbot, ctx.client, lambda w: w.store.answers(sid))
    }


def page(view) -> QuestionPage:
    assert isinstance(view.current, QuestionPage)
    return view.current


def shown(view, item_id: str) -> bool:
    return not page(view).views[item_id].isHidden()


def type_answer(view, item_id: str, text: str) -> None:
    answer = page(view).views[item_id].answer
    answer.editor.setText(text)
    answer.commit()


@pytest.mark.parametrize("language", ["ar", "nb"])
def test_item_shows_only_when_its_condition_holds(qtbot, dashboard, ctx, logic_form, language):
    view = logic_session(qtbot, dashboard, ctx, logic_form, language)
    assert not shown(view, "lg_country_other")
    page(view).views["lg_country"].answer.button_for(3).click()
    assert shown(view, "lg_country_other")
    page(view).views["lg_country"].answer.button_for(1).click()
    assert not shown(view, "lg_country_other")


@pytest.mark.parametrize("language", ["ar", "nb"])
def test_answer_that_stops_applying_is_cleared_on_screen_in_the_store_and_audited(
    qtbot, dashboard, ctx, logic_form, language
):
    view = logic_session(qtbot, dashboard, ctx, logic_form, language)
    page(view).views["lg_country"].answer.button_for(3).click()
    type_answer(view, "lg_country_other", "تشاد")
    assert stored(qtbot, ctx, view)["lg_country_other"] == "تشاد"
    page(view).views["lg_country"].answer.button_for(2).click()
    assert "lg_country_other" not in stored(qtbot, ctx, view)
    sid = view.session_id
    trail = store_call(qtbot, ctx.client, lambda w: w.store.audit_trail(sid))
    assert [e.detail["item_id"] for e in trail if e.action == "answer_not_applicable"] == [
        "lg_country_other"
    ]
    # Shown again, the item is empty: the old answer does not come back.
    page(view).views["lg_country"].answer.button_for(3).click()
    assert page(view).views["lg_country_other"].answer.text() == ""


@pytest.mark.parametrize(
    ("language", "interpreter", "expected"),
    [
        ("ar", None, ["يجب أن يكون العمر بين ١٨ و٦٧."]),
        ("nb", None, ["Alderen må være mellom 18 og 67."]),
        ("ar", "nb", ["يجب أن يكون العمر بين ١٨ و٦٧.", "Alderen må være mellom 18 og 67."]),
    ],
)
def test_constraint_failure_shows_the_forms_message_and_blocks_next(
    qtbot, dashboard, ctx, logic_form, language, interpreter, expected
):
    view = logic_session(qtbot, dashboard, ctx, logic_form, language, interpreter)
    type_answer(view, "lg_age", "70")
    assert [plain(t) for t in page(view).views["lg_age"].problem_texts] == expected
    assert "lg_age" not in stored(qtbot, ctx, view)
    first = view.current
    page(view).next_button.click()
    assert view.current is first
    type_answer(view, "lg_age", "٣٠")
    assert page(view).views["lg_age"].problem_texts == []
    assert stored(qtbot, ctx, view)["lg_age"] == 30
    page(view).next_button.click()
    assert view.current is not first


def test_page_where_nothing_applies_is_skipped_both_ways(qtbot, dashboard, ctx, logic_form):
    view = logic_session(qtbot, dashboard, ctx, logic_form, "ar")
    # Page 2 asks only about "another language", page 3 only people with an age: skipped.
    page(view).next_button.click()
    assert view.current.__class__.__name__ == "ReviewPage"
    view.show_page(0)
    type_answer(view, "lg_age", "30")
    page(view).next_button.click()
    assert page(view).spec.items[0].section == "lg_work"
    assert not shown(view, "lg_hours")
    page(view).views["lg_job"].answer.button_for(1).click()
    assert shown(view, "lg_hours")
    page(view).back_button.click()
    assert page(view).spec.number_in_form == 1


def test_back_shows_the_page_as_it_was(qtbot, dashboard, ctx, logic_form):
    view = logic_session(qtbot, dashboard, ctx, logic_form, "ar")
    page(view).views["lg_country"].answer.button_for(3).click()
    type_answer(view, "lg_country_other", "تشاد")
    page(view).next_button.click()
    view.current.back_requested.emit()  # the review page's Back: the last page that applies
    assert shown(view, "lg_country_other")
    assert page(view).views["lg_country_other"].answer.text() == "تشاد"
    assert page(view).views["lg_country"].answer.button_for(3).isChecked()


def test_calculation_is_stored_but_never_shown(qtbot, dashboard, ctx, logic_form):
    view = logic_session(qtbot, dashboard, ctx, logic_form, "nb")
    assert all(
        "lg_lang_count" not in spec_items
        for spec_items in ([i.id for i in spec.items] for spec in view.plan)
    )
    page(view).views["lg_langs"].answer.button_for(1).click()
    page(view).views["lg_langs"].answer.button_for(3).click()
    assert stored(qtbot, ctx, view)["lg_lang_count"] == 2


def test_review_does_not_list_items_that_do_not_apply(qtbot, dashboard, ctx, logic_form):
    view = logic_session(qtbot, dashboard, ctx, logic_form, "nb")
    missing = {m.item.id for m in view.missing()}
    assert "lg_country_other" not in missing and "lg_hours" not in missing
    assert "lg_country" in missing


def test_default_is_prefilled_once_and_saved(qtbot, dashboard, ctx, tmp_path):
    text = LOGIC_FORM.replace("  - id: lg_age\n", '  - id: lg_age\n    default: "30"\n')
    path = tmp_path / "lg.yaml"
    path.write_text(text, encoding="utf-8")
    form, findings = check_file(path)
    assert form is not None, [str(f) for f in findings]
    view = logic_session(qtbot, dashboard, ctx, form, "ar")
    assert page(view).views["lg_age"].answer.text() == "٣٠"  # participant's digits
    assert stored(qtbot, ctx, view)["lg_age"] == 30
    type_answer(view, "lg_age", "")
    page(view).next_button.click()
    view.current.back_requested.emit()
    assert page(view).views["lg_age"].answer.text() == ""  # a cleared default stays cleared


def test_refused_answer_is_kept_when_its_page_is_left_and_blocks_until_corrected(
    qtbot, dashboard, ctx, logic_form
):
    view = logic_session(qtbot, dashboard, ctx, logic_form, "nb")
    type_answer(view, "lg_age", "30")
    page(view).views["lg_langs"].answer.button_for(3).click()
    page(view).next_button.click()
    page(view).back_button.click()
    type_answer(view, "lg_age", "70")  # refused, shown with the form's message
    view.show_page(1)  # e.g. the review page's "Go to question"
    page(view).back_button.click()
    assert page(view).views["lg_age"].answer.text() == "70"  # not silently dropped
    assert page(view).views["lg_age"].problem_texts
    assert stored(qtbot, ctx, view)["lg_age"] == 30  # and never stored
    first = view.current
    page(view).next_button.click()
    assert view.current is first
    type_answer(view, "lg_age", "31")
    page(view).next_button.click()
    assert view.current is not first


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ar", "يرجى الإجابة عن هذا السؤال."),
        ("nb", "Svar på spørsmålet."),
    ],
)
def test_required_item_blocks_next_until_answered(
    qtbot, dashboard, ctx, tmp_path, language, expected
):
    text = LOGIC_FORM.replace("  - id: lg_age\n", "  - id: lg_age\n    required: true\n")
    path = tmp_path / "lg.yaml"
    path.write_text(text, encoding="utf-8")
    form, _ = check_file(path)
    view = logic_session(qtbot, dashboard, ctx, form, language)
    first = view.current
    page(view).next_button.click()
    assert view.current is first
    assert [plain(t) for t in page(view).views["lg_age"].problem_texts] == [expected]
    type_answer(view, "lg_age", "40")
    page(view).next_button.click()
    assert view.current is not first


@pytest.mark.parametrize("language", ["ar", "nb"])
def test_progress_counts_only_pages_that_are_asked(qtbot, dashboard, ctx, logic_form, language):
    view = logic_session(qtbot, dashboard, ctx, logic_form, language)
    bar = page(view).progress
    assert (bar.value(), bar.maximum()) == (1, 1)  # the other pages apply to nobody yet
    type_answer(view, "lg_age", "30")  # the work page applies from 18 on
    page(view).views["lg_langs"].answer.button_for(3).click()  # so does "which other language"
    assert (bar.value(), bar.maximum()) == (1, 3)
    page(view).views["lg_langs"].answer.button_for(3).click()  # unchosen: that page is skipped
    assert (bar.value(), bar.maximum()) == (1, 2)
    page(view).next_button.click()
    assert (page(view).progress.value(), page(view).progress.maximum()) == (2, 2)
    expected = {"nb": "Del 1 av 1, side 2 av 2", "ar": "الجزء ١ من ١، الصفحة ٢ من ٢"}
    assert page(view).progress_label.text() == expected[language]


def load_form(tmp_path: Path, name: str, text: str):
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    form, findings = check_file(path)
    assert form is not None, [str(f) for f in findings]
    return form


@pytest.mark.parametrize(
    ("language", "first", "last"),
    [
        ("ar", "الجزء ١ من ٢، الصفحة ١ من ١", "الجزء ٢ من ٢، الصفحة ١ من ١"),
        ("nb", "Del 1 av 2, side 1 av 1", "Del 2 av 2, side 1 av 1"),
    ],
)
def test_part_where_nothing_applies_is_not_counted(
    qtbot, dashboard, ctx, tmp_path, logic_form, language, first, last
):
    from tests.forms.logic_fixture import FILTER_FORM, NEVER_FORM

    never = load_form(tmp_path, "nv", NEVER_FORM)
    towns = load_form(tmp_path, "cf", FILTER_FORM)
    view = logic_session(qtbot, dashboard, ctx, logic_form, language)
    view.close()
    setup = dataclasses.replace(view.setup, forms=[logic_form, never, towns])
    view = SessionView(setup, ctx.client, ctx.theme)
    qtbot.addWidget(view)
    view.show()
    assert page(view).progress_label.text() == first
    page(view).next_button.click()
    assert page(view).form.id == "cf"
    assert page(view).progress_label.text() == last


def resumed(qtbot, ctx, view, form) -> SessionView:
    """The session as a restarted app resumes it: answers and touched items from the store."""
    from survey_app.ui import operations as ops

    settle(qtbot, ctx.client)
    loaded = store_call(qtbot, ctx.client, ops.resume_session(ctx, view.session_id))
    setup = dataclasses.replace(
        view.setup, answers=loaded.answers, touched=loaded.touched, resume=(form.id, None)
    )
    view.close()
    again = SessionView(setup, ctx.client, ctx.theme)
    qtbot.addWidget(again)
    again.show()
    return again


@pytest.mark.parametrize("language", ["ar", "nb"])
def test_cleared_default_stays_cleared_after_resume(qtbot, dashboard, ctx, tmp_path, language):
    text = LOGIC_FORM.replace("  - id: lg_age\n", '  - id: lg_age\n    default: "30"\n')
    path = tmp_path / "lg.yaml"
    path.write_text(text, encoding="utf-8")
    form, _ = check_file(path)
    view = logic_session(qtbot, dashboard, ctx, form, language)
    assert page(view).views["lg_age"].answer.text() == {"ar": "٣٠", "nb": "30"}[language]
    type_answer(view, "lg_age", "")
    again = resumed(qtbot, ctx, view, form)
    assert page(again).views["lg_age"].answer.text() == ""
    assert "lg_age" not in stored(qtbot, ctx, again)


@pytest.mark.parametrize(
    ("language", "typed", "shown_again"),
    [("nb", "12,5", "12,5"), ("ar", "١٢٫٥", "١٢٫٥")],
)
def test_decimal_typed_the_languages_way_is_stored_as_a_number(
    qtbot, dashboard, ctx, logic_form, language, typed, shown_again
):
    view = logic_session(qtbot, dashboard, ctx, logic_form, language)
    type_answer(view, "lg_age", "40")
    page(view).next_button.click()
    page(view).views["lg_job"].answer.button_for(1).click()
    type_answer(view, "lg_km", typed)
    assert stored(qtbot, ctx, view)["lg_km"] == 12.5
    again = resumed(qtbot, ctx, view, logic_form)
    again.show_page(2)  # the work page
    assert page(again).views["lg_km"].answer.text() == shown_again
    assert not page(again).views["lg_km"].answer.has_error()


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("nb", "Skriv høyst 1 siffer etter desimaltegnet."),
        ("ar", "يرجى كتابة رقم واحد على الأكثر بعد الفاصلة العشرية."),
    ],
)
def test_decimal_with_too_many_places_says_so_and_is_not_saved(
    qtbot, dashboard, ctx, logic_form, language, expected
):
    view = logic_session(qtbot, dashboard, ctx, logic_form, language)
    type_answer(view, "lg_age", "40")
    page(view).next_button.click()
    page(view).views["lg_job"].answer.button_for(1).click()
    answer = page(view).views["lg_km"].answer
    answer.editor.setText("12,25")
    answer.editor.textEdited.emit("12,25")
    answer.commit()
    assert answer.message.text() == expected
    assert "lg_km" not in stored(qtbot, ctx, view)


def filter_form(tmp_path):
    from tests.forms.logic_fixture import FILTER_FORM

    path = tmp_path / "cf.yaml"
    path.write_text(FILTER_FORM, encoding="utf-8")
    form, findings = check_file(path)
    assert form is not None, [str(f) for f in findings]
    return form


def offered_on_screen(view, item_id: str) -> set[int]:
    answer = page(view).views[item_id].answer
    return {c for c in (1, 2, 3, 4) if not answer.button_for(c).isHidden()}


@pytest.mark.parametrize("language", ["ar", "nb"])
def test_options_follow_the_choice_filter_live(qtbot, dashboard, ctx, tmp_path, language):
    view = logic_session(qtbot, dashboard, ctx, filter_form(tmp_path), language)
    assert offered_on_screen(view, "cf_city") == {4}  # no country yet: only "another city"
    page(view).views["cf_country"].answer.button_for(1).click()
    assert offered_on_screen(view, "cf_city") == {1, 2, 4}
    page(view).views["cf_country"].answer.button_for(2).click()
    assert offered_on_screen(view, "cf_city") == {3, 4}


def test_chosen_option_that_stops_being_offered_is_cleared(qtbot, dashboard, ctx, tmp_path):
    view = logic_session(qtbot, dashboard, ctx, filter_form(tmp_path), "ar")
    page(view).views["cf_country"].answer.button_for(1).click()
    page(view).views["cf_city"].answer.button_for(2).click()
    assert stored(qtbot, ctx, view)["cf_city"] == 2
    page(view).views["cf_country"].answer.button_for(2).click()
    assert not page(view).views["cf_city"].answer.button_for(2).isChecked()
    assert "cf_city" not in stored(qtbot, ctx, view)


def test_options_a_filter_hides_leave_no_gap(qtbot, dashboard, ctx, tmp_path):
    view = logic_session(qtbot, dashboard, ctx, filter_form(tmp_path), "ar")
    page(view).views["cf_country"].answer.button_for(1).click()
    answer = page(view).views["cf_city"].answer
    qtbot.waitUntil(lambda: answer.button_for(4).isVisible())
    answer.layout().activate()
    lefts = sorted(answer.button_for(c).geometry().left() for c in (1, 2, 4))
    assert lefts[1] - lefts[0] == lefts[2] - lefts[1]  # three tiles side by side, no hole


def test_multiple_choice_options_a_filter_hides_leave_no_hole(qtbot, dashboard, ctx, tmp_path):
    from tests.forms.logic_fixture import FILTER_FORM

    path = tmp_path / "cf.yaml"
    path.write_text(
        FILTER_FORM.replace(
            "  - id: cf_city\n    type: single_choice\n",
            "  - id: cf_city\n    type: multiple_choice\n",
        ),
        encoding="utf-8",
    )
    form, findings = check_file(path)
    assert form is not None, [str(f) for f in findings]
    view = logic_session(qtbot, dashboard, ctx, form, "nb")
    page(view).views["cf_country"].answer.button_for(1).click()
    answer = page(view).views["cf_city"].answer
    qtbot.waitUntil(lambda: answer.button_for(4).isVisible())
    answer.layout().activate()
    # Two per row: Damascus, Aleppo; then "another city" under Damascus, not under Asmara's hole.
    assert answer.button_for(4).geometry().left() == answer.button_for(1).geometry().left()


@pytest.mark.parametrize("language", ["ar", "nb"])
def test_multiple_choice_keeps_the_options_still_offered(qtbot, dashboard, ctx, tmp_path, language):
    from tests.forms.logic_fixture import MULTI_FILTER_FORM

    view = logic_session(
        qtbot, dashboard, ctx, load_form(tmp_path, "cf", MULTI_FILTER_FORM), language
    )
    page(view).views["cf_country"].answer.button_for(1).click()
    page(view).views["cf_city"].answer.button_for(1).click()  # Damascus
    page(view).views["cf_city"].answer.button_for(4).click()  # another city
    assert stored(qtbot, ctx, view)["cf_city"] == [1, 4]
    page(view).views["cf_country"].answer.button_for(2).click()  # Eritrea: no Damascus
    cities = page(view).views["cf_city"].answer
    assert [cities.button_for(c).isChecked() for c in (1, 4)] == [False, True]
    assert stored(qtbot, ctx, view)["cf_city"] == [4]
    sid = view.session_id
    trail = store_call(qtbot, ctx.client, lambda w: w.store.audit_trail(sid))
    assert [e.detail["removed"] for e in trail if e.action == "answer_not_offered"] == [[1]]
    cities.button_for(3).click()  # the widget still works: Asmara is added to what stayed
    assert stored(qtbot, ctx, view)["cf_city"] == [3, 4]
