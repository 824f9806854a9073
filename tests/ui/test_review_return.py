"""The review page: "Go to question" leads to a page that offers "Back to review", and typed
answers that were not accepted are listed there (with what was typed), apart from unanswered
items. Real window, worker thread and encrypted store."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QPushButton

from survey_app.ui.direction import TextLabel, plain
from survey_app.ui.pages.questionnaire import QuestionPage
from survey_app.ui.pages.review import ReviewPage
from tests.ui.conftest import accept_consent, start_session


def review_of(qtbot, dashboard, language="nb", interpreter=None):
    view = start_session(qtbot, dashboard, language, interpreter)
    accept_consent(qtbot, view)
    view.show_review()
    assert isinstance(view.current, ReviewPage)
    return view


def go_to(review: ReviewPage, item_id: str) -> None:
    review.findChild(QPushButton, f"goto_{item_id}").click()


def type_into(qtbot, view, item_id: str, text: str) -> None:
    editor = view.current.views[item_id].answer.editor
    editor.selectAll()
    qtbot.keyClicks(editor, text)


@pytest.mark.parametrize(
    ("language", "interpreter", "label"),
    [
        ("nb", None, ["Tilbake til oversikten"]),
        ("ar", None, ["العودة إلى المراجعة"]),
        ("ar", "nb", ["العودة إلى المراجعة", "Tilbake til oversikten"]),
    ],
)
def test_go_to_question_offers_back_to_review_which_returns_to_it(
    qtbot, dashboard, language, interpreter, label
):
    view = review_of(qtbot, dashboard, language, interpreter)
    review = view.current
    go_to(review, "hscl_05")
    page = view.current
    assert isinstance(page, QuestionPage) and "hscl_05" in page.views
    assert not page.review_button.isHidden()
    assert plain(page.review_button.text()).split("\n") == label
    page.review_button.click()
    assert view.current is review


def test_pages_reached_on_the_way_through_do_not_offer_back_to_review(qtbot, dashboard):
    view = start_session(qtbot, dashboard, "nb")
    accept_consent(qtbot, view)
    assert view.current.review_button.isHidden()
    view.current.next_button.click()
    assert view.current.review_button.isHidden()


def test_back_to_review_stays_offered_while_moving_between_pages(qtbot, dashboard):
    view = review_of(qtbot, dashboard)
    go_to(view.current, "hscl_05")
    view.current.next_button.click()
    assert isinstance(view.current, QuestionPage)
    assert not view.current.review_button.isHidden()
    view.current.review_button.click()
    assert isinstance(view.current, ReviewPage)
    view.show_page(0)  # on from the review by other ways than "Go to question": not offered
    assert view.current.review_button.isHidden()


def test_review_lists_typed_text_that_was_not_accepted(qtbot, dashboard):
    view = review_of(qtbot, dashboard)
    go_to(view.current, "bg_age")
    type_into(qtbot, view, "bg_age", "150")
    view.current.review_button.click()
    review = view.current
    assert isinstance(review, ReviewPage)
    assert [e.item.id for e in review.refused] == ["bg_age"]
    assert "bg_age" not in {e.item.id for e in review.missing}
    row = review.findChild(QPushButton, "goto_bg_age").parentWidget()
    shown = " ".join(plain(w.text()) for w in row.findChildren(TextLabel))
    assert "Du skrev: 150. Skriv et tall mellom 18 og 99." in shown
    assert not review.refused_intro.isHidden()


def test_corrected_answer_leaves_the_not_accepted_list(qtbot, dashboard):
    view = review_of(qtbot, dashboard)
    go_to(view.current, "bg_age")
    type_into(qtbot, view, "bg_age", "150")
    view.current.review_button.click()
    go_to(view.current, "bg_age")
    assert view.current.views["bg_age"].answer.text() == "150"
    type_into(qtbot, view, "bg_age", "45")
    view.current.review_button.click()
    review = view.current
    assert review.refused == []
    assert review.refused_intro.isHidden()
    assert "bg_age" not in {e.item.id for e in review.missing}


def required_age_session(qtbot, window, ctx, tmp_path, language, interpreter=None):
    """A session of the logic test form whose age item is required, on its review page."""
    from survey_app.forms.library import check_file
    from tests.forms.logic_fixture import LOGIC_FORM
    from tests.ui.test_form_logic import logic_session

    path = tmp_path / "lg.yaml"
    path.write_text(
        LOGIC_FORM.replace("  - id: lg_age\n", "  - id: lg_age\n    required: true\n"),
        encoding="utf-8",
    )
    form, findings = check_file(path)
    assert form is not None, [str(f) for f in findings]
    view = logic_session(qtbot, window, ctx, form, language, interpreter)
    view.show_review()
    assert isinstance(view.current, ReviewPage)
    return view


@pytest.mark.parametrize(
    ("language", "interpreter", "expected"),
    [
        ("nb", None, ["Svar på spørsmålet."]),
        ("ar", None, ["يرجى الإجابة عن هذا السؤال."]),
        ("ar", "nb", ["يرجى الإجابة عن هذا السؤال.", "Svar på spørsmålet."]),
    ],
)
def test_back_to_review_stops_at_a_required_item_left_empty_like_next(
    qtbot, dashboard, ctx, tmp_path, language, interpreter, expected
):
    view = required_age_session(qtbot, dashboard, ctx, tmp_path, language, interpreter)
    go_to(view.current, "lg_age")
    page = view.current
    page.review_button.click()
    assert view.current is page
    assert [plain(t) for t in page.views["lg_age"].problem_texts] == expected
    assert view.focusWidget() is page.views["lg_age"].answer.editor


def test_back_to_review_goes_on_once_the_required_item_is_answered(qtbot, dashboard, ctx, tmp_path):
    view = required_age_session(qtbot, dashboard, ctx, tmp_path, "ar")
    go_to(view.current, "lg_age")
    view.current.review_button.click()
    view.current.views["lg_age"].answer.set_typed("٤٠")  # keyClicks types Latin keys only
    view.current.review_button.click()
    assert isinstance(view.current, ReviewPage)
    assert "lg_age" not in {e.item.id for e in view.current.missing}


def test_back_to_review_still_lists_a_refused_typed_answer_of_a_required_item(
    qtbot, dashboard, ctx, tmp_path
):
    view = required_age_session(qtbot, dashboard, ctx, tmp_path, "nb")
    go_to(view.current, "lg_age")
    type_into(qtbot, view, "lg_age", "70")  # breaks the form's constraint (18 to 67)
    view.current.review_button.click()
    assert isinstance(view.current, ReviewPage)
    assert [e.item.id for e in view.current.refused] == ["lg_age"]
