"""Finishing: unanswered items are confirmed once (in the session languages), answers that were
not accepted stop Finish until corrected or cleared. Real window, worker thread and store."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QPushButton

from survey_app.ui.direction import plain
from survey_app.ui.pages.review import ReviewPage
from survey_app.ui.pages.thanks import ThanksPage
from tests.ui.conftest import accept_consent, settle, start_session, store_call

CONFIRM = {
    "nb": "spørsmål er ikke besvart. Trykk «Send likevel» for å sende inn uten dem",
    "ar": "يمكنك الضغط على «إرسال على أي حال» للإرسال دون إجاباتها",
}


def review_of(qtbot, dashboard, language="nb", interpreter=None):
    view = start_session(qtbot, dashboard, language, interpreter)
    accept_consent(qtbot, view)
    view.show_review()
    assert isinstance(view.current, ReviewPage)
    return view


def notice_lines(review: ReviewPage) -> list[str]:
    return [plain(label.text()) for label in review.notice.labels if not label.isHidden()]


def status(qtbot, ctx, view) -> str:
    settle(qtbot, ctx.client)
    return store_call(qtbot, ctx.client, lambda w: w.store.session(view.session_id)).status


@pytest.mark.parametrize(("language", "interpreter"), [("nb", None), ("ar", None), ("ar", "nb")])
def test_first_finish_with_unanswered_items_asks_in_the_session_languages(
    qtbot, dashboard, ctx, language, interpreter
):
    view = review_of(qtbot, dashboard, language, interpreter)
    review = view.current
    review.finish_button.click()
    assert view.current is review
    lines = notice_lines(review)
    assert len(lines) == len(view.langs.all)
    for line, lang in zip(lines, view.langs.all, strict=True):
        assert CONFIRM[lang] in line
    assert status(qtbot, ctx, view) == "in_progress"


def test_confirm_names_the_number_of_unanswered_items(qtbot, dashboard):
    view = review_of(qtbot, dashboard, "nb")
    review = view.current
    review.finish_button.click()
    assert notice_lines(review)[0].startswith(f"{len(review.missing)} spørsmål er ikke besvart.")


def test_second_finish_press_completes(qtbot, dashboard, ctx):
    view = review_of(qtbot, dashboard, "ar")
    view.current.finish_button.click()
    assert plain(view.current.finish_button.text()) == "إرسال على أي حال"
    view.current.finish_button.click()
    qtbot.waitUntil(lambda: isinstance(view.current, ThanksPage), timeout=20000)
    assert status(qtbot, ctx, view) == "sealed"


def test_confirmation_is_asked_again_after_returning_to_a_question(qtbot, dashboard, ctx):
    view = review_of(qtbot, dashboard, "nb")
    review = view.current
    review.finish_button.click()
    review.findChild(QPushButton, "goto_hscl_05").click()
    view.current.review_button.click()
    assert view.current is review and not review.confirming
    review.finish_button.click()
    assert status(qtbot, ctx, view) == "in_progress"


def test_answers_not_accepted_stop_finish_until_cleared(qtbot, dashboard, ctx):
    view = review_of(qtbot, dashboard, "nb")
    view.current.findChild(QPushButton, "goto_bg_age").click()
    editor = view.current.views["bg_age"].answer.editor
    qtbot.keyClicks(editor, "150")
    view.current.review_button.click()
    review = view.current
    review.finish_button.click()
    review.finish_button.click()
    assert view.current is review
    assert notice_lines(review) == [
        "Noen svar ble ikke godtatt (se listen over). Rett dem eller slett dem før du avslutter."
    ]
    assert status(qtbot, ctx, view) == "in_progress"
    review.findChild(QPushButton, "goto_bg_age").click()
    view.current.views["bg_age"].answer.clear_button.click()
    view.current.review_button.click()
    view.current.finish_button.click()
    view.current.finish_button.click()
    qtbot.waitUntil(lambda: isinstance(view.current, ThanksPage), timeout=20000)


def test_paper_entry_finishes_without_asking(qtbot, dashboard, ctx):
    view = start_session(qtbot, dashboard, "nb", paper=True)
    accept_consent(qtbot, view)
    view.show_review()
    view.current.finish_button.click()
    qtbot.waitUntil(lambda: isinstance(view.current, ThanksPage), timeout=20000)
