"""An Arabic session shows no English interface text: every visible text has Arabic letters."""

from __future__ import annotations

import re
import unicodedata

from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget

from survey_app.ui.pages.questionnaire import QuestionPage
from survey_app.ui.pages.thanks import ThanksPage
from tests.ui.conftest import start_session

# Participant codes are Latin by design (e.g. RJ-0001-2), and the staff-only button speaks the
# staff's language; nothing else may be Latin.
CODE_LIKE = re.compile(r"^[A-Z]{1,4}-?\d{4,}-?[0-9A-Z]$")


def has_letter(text: str, script: str) -> bool:
    return any(c.isalpha() and unicodedata.name(c, "").startswith(script) for c in text)


def english_texts(page: QWidget) -> list[str]:
    """Visible label and button texts with Latin letters but no Arabic ones."""
    found = []
    for widget in page.findChildren(QLabel) + page.findChildren(QAbstractButton):
        if not widget.isVisibleTo(page) or widget.objectName() == "staff":
            continue
        text = widget.text().strip()
        if CODE_LIKE.match(text) or not has_letter(text, "LATIN"):
            continue
        if not has_letter(text, "ARABIC"):
            found.append(f"{type(widget).__name__}: {text!r}")
    return found


def test_every_participant_page_of_an_arabic_session_is_in_arabic(qtbot, dashboard):
    view = start_session(qtbot, dashboard, "ar")
    seen = english_texts(view.current)
    consent = view.current
    for item_id in consent.statements:
        consent.views[item_id].answer.button_for(1).click()
    seen += english_texts(consent)
    consent.continue_button.click()
    qtbot.waitUntil(lambda: isinstance(view.current, QuestionPage), timeout=20000)
    for index in range(len(view.plan)):
        view.show_page(index)
        seen += english_texts(view.current)
    view.show_review()
    seen += english_texts(view.current)
    assert seen == []


def test_the_thank_you_page_is_in_arabic(qtbot):
    from survey_app.ui.langs import SessionLanguages

    for declined in (False, True):
        page = ThanksPage(SessionLanguages("ar"), "Staff", declined=declined)
        qtbot.addWidget(page)
        page.show()
        assert english_texts(page) == []
