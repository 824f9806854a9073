"""What the app itself says to a participant reading Arabic is worded for a woman as for a man.

Form texts have a woman's and a man's wording (the addressee chosen with staff), but interface
messages have one Arabic text: masculine imperatives there ("اضغط", "اذهب", "انتقل") spoke to a
woman as to a man on the very page that addressed her as a woman. They are worded without a
gendered imperative (a verbal noun, "يُرجى", "يمكنك"). Real window, worker thread and store.
"""

from __future__ import annotations

import re

import pytest
from PySide6.QtWidgets import QAbstractButton, QLabel, QPushButton, QWidget

from survey_app.answers.codes import make_code
from survey_app.ui.direction import plain
from survey_app.ui.pages.new_session import NewSessionRequest
from survey_app.ui.pages.review import ReviewPage
from tests.ui.conftest import accept_consent

# Second-person masculine imperatives used by interface messages before (whole words only: the
# form's own feminine "اكتبي" must not match "اكتب").
MASCULINE_IMPERATIVE = re.compile(
    "(?<![\u0600-\u06ff])(اضغط|اذهب|انتقل|انظر|صح+ّ?حها|امسحها|اكتب|اختر|ارجع)(?![\u0600-\u06ff])"
)


def shown_texts(page: QWidget) -> list[str]:
    """Every label and button text the page shows now."""
    widgets = [*page.findChildren(QLabel), *page.findChildren(QAbstractButton)]
    return [plain(w.text()) for w in widgets if w.isVisibleTo(page) and w.text()]


def masculine(page: QWidget) -> list[str]:
    return [t for t in shown_texts(page) if MASCULINE_IMPERATIVE.search(t)]


def session_for_a_woman(qtbot, window, interpreter=None):
    window.show_new_session()
    request = NewSessionRequest(
        make_code(1, "RJ"), "baseline", "ar", interpreter, None, False, False, addressee="female"
    )
    window._start_session(window.stack.currentWidget(), request)
    qtbot.waitUntil(lambda: window.page_name == "session", timeout=20000)
    return window.session_view


@pytest.mark.parametrize("interpreter", [None, "nb"])
def test_the_review_page_speaks_to_her_without_masculine_imperatives(qtbot, dashboard, interpreter):
    view = session_for_a_woman(qtbot, dashboard, interpreter)
    accept_consent(qtbot, view)
    view.show_review()
    review = view.current
    review.findChild(QPushButton, "goto_bg_age").click()
    view.current.views["bg_age"].answer.set_typed("150")
    view.current.review_button.click()
    review = view.current
    assert isinstance(review, ReviewPage)
    qtbot.waitUntil(lambda: review.complete, timeout=20000)
    review.finish_button.click()  # refused: an answer is not accepted
    assert masculine(review) == []
    review.findChild(QPushButton, "goto_bg_age").click()
    view.current.views["bg_age"].answer.clear_button.click()
    view.current.review_button.click()
    view.current.finish_button.click()  # "are you sure?" about the unanswered items
    assert not view.current.notice_bar.isHidden()
    assert masculine(view.current) == []


def test_declining_and_the_privacy_screen_speak_to_her_without_masculine_imperatives(
    qtbot, dashboard
):
    view = session_for_a_woman(qtbot, dashboard)
    consent = view.current
    for item_id in consent.statements:
        consent.views[item_id].answer.button_for(0).click()
    assert masculine(consent) == []
    view.cover()
    assert masculine(view.privacy) == []
