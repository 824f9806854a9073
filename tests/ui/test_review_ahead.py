"""The review page is built while the last page is read, and still lists exactly what is open."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton

from survey_app.forms.model import ItemType
from survey_app.ui.pages.questionnaire import QuestionPage
from survey_app.ui.pages.review import SHOW_AT_ONCE, ReviewPage
from tests.ui.conftest import accept_consent, start_session

WAIT = 20000


def _to_last_page(qtbot, view) -> ReviewPage:
    view.show_page(len(view.plan) - 1)
    qtbot.waitUntil(lambda: view.prebuilt_review is not None, timeout=WAIT)
    review = view.prebuilt_review
    qtbot.waitUntil(lambda: review.prepared, timeout=WAIT)
    return review


def _listed(review: ReviewPage) -> list[str]:
    """Item ids of the rows a participant sees, top to bottom."""
    buttons = [
        b
        for b in review.findChildren(QPushButton)
        if b.objectName().startswith("goto_") and b.isVisibleTo(review)
    ]
    buttons.sort(key=lambda b: b.mapTo(review, b.rect().topLeft()).y())
    return [b.objectName().removeprefix("goto_") for b in buttons]


def test_next_on_the_last_page_shows_the_review_built_ahead(qtbot, dashboard):
    view = start_session(qtbot, dashboard, "ar")
    accept_consent(qtbot, view)
    built = _to_last_page(qtbot, view)
    view.current.next_button.click()
    assert view.current is built
    assert len(_listed(built)) == min(SHOW_AT_ONCE, len(built.missing))
    qtbot.waitUntil(lambda: built.complete, timeout=WAIT)
    assert _listed(built) == [entry.item.id for entry in built.missing]


def test_an_answer_given_after_the_review_was_built_is_not_listed(qtbot, dashboard):
    view = start_session(qtbot, dashboard, "nb")
    accept_consent(qtbot, view)
    built = _to_last_page(qtbot, view)
    page = view.current
    answered = next(i for i, v in page.views.items() if getattr(v.answer, "buttons", None))
    page.views[answered].answer.buttons[0].click()
    page.next_button.click()
    qtbot.waitUntil(lambda: built.complete, timeout=WAIT)
    assert answered not in [entry.item.id for entry in built.missing]
    assert answered not in _listed(built)
    assert _listed(built) == [entry.item.id for entry in built.missing]


def test_an_answer_taken_back_on_an_earlier_page_is_listed_in_page_order(qtbot, dashboard):
    view = start_session(qtbot, dashboard, "nb")
    accept_consent(qtbot, view)
    index, item_id = next(
        (n, item.id)
        for n, spec in enumerate(view.plan)
        for item in spec.items
        if item.type is ItemType.MULTIPLE_CHOICE
    )
    view.show_page(index)
    option = view.current.views[item_id].answer.buttons[0]
    option.click()
    built = _to_last_page(qtbot, view)
    assert item_id not in [entry.item.id for entry in built.missing]
    view.show_page(index)
    view.current.views[item_id].answer.buttons[0].click()  # unticked: no answer any more
    view.show_page(len(view.plan) - 1)
    view.current.next_button.click()
    assert view.current is built
    qtbot.waitUntil(lambda: built.complete, timeout=WAIT)
    expected = [entry.item.id for entry in view.missing()]
    assert item_id in expected
    assert _listed(built) == expected


def test_going_to_a_question_from_the_review_and_back_keeps_one_review_page(qtbot, dashboard):
    view = start_session(qtbot, dashboard, "nb")
    accept_consent(qtbot, view)
    built = _to_last_page(qtbot, view)
    view.current.next_button.click()
    target = built.missing[2]
    built.findChild(QPushButton, f"goto_{target.item.id}").click()
    assert isinstance(view.current, QuestionPage)
    view.show_review()
    assert view.current is built
    qtbot.waitUntil(lambda: built.complete, timeout=WAIT)
    assert _listed(built) == [entry.item.id for entry in view.missing()]
