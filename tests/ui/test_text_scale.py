"""200 % text in an Arabic session at 1366x768: no label or button text is cut off."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QLabel

from survey_app.ui.layout_check import clipped_texts
from survey_app.ui.pages.questionnaire import QuestionPage
from survey_app.ui.theme import Theme, apply_theme
from survey_app.ui.widgets.option_button import OptionButton
from tests.ui.conftest import start_session

SCALE = 2.0


@pytest.fixture
def big_text(ctx):
    """The app at 200 % text (the style sheet is application-wide, so it is put back after)."""
    ctx.theme = Theme(SCALE)
    apply_theme(QApplication.instance(), ctx.theme)
    yield
    apply_theme(QApplication.instance(), Theme())


def assert_nothing_clipped(qtbot, page) -> None:
    """Wait for the layout to settle; fail with the list of cut-off texts if it never does."""
    try:
        qtbot.waitUntil(lambda: page.isVisible() and not clipped_texts(page), timeout=3000)
    except qtbot.TimeoutError:
        pytest.fail("cut-off texts:\n" + "\n".join(clipped_texts(page)))


def test_consent_questionnaire_and_review_pages_show_every_text_whole(qtbot, big_text, dashboard):
    view = start_session(qtbot, dashboard, "ar")
    assert_nothing_clipped(qtbot, view.current)
    consent = view.current
    for item_id in consent.statements:
        consent.views[item_id].answer.button_for(1).click()
    assert_nothing_clipped(qtbot, consent)
    consent.continue_button.click()
    qtbot.waitUntil(lambda: isinstance(view.current, QuestionPage), timeout=20000)
    for index in range(len(view.plan)):
        view.show_page(index)
        assert_nothing_clipped(qtbot, view.current)
    view.show_review()
    assert view.current.missing
    assert_nothing_clipped(qtbot, view.current)


def test_the_check_reports_a_label_and_an_option_forced_smaller_than_their_text(
    qtbot, big_text, dashboard
):
    view = start_session(qtbot, dashboard, "ar")
    view.show_page(next(i for i, p in enumerate(view.plan) if p.form.id == "hscl25"))
    page = view.current
    assert_nothing_clipped(qtbot, page)
    item = page.spec.items[0]
    question = page.views[item.id].text_block.findChildren(QLabel)[0]
    question.setFixedHeight(question.fontMetrics().height() // 2)
    option = page.views[item.id].findChildren(OptionButton)[0]
    option.setFixedHeight(20)
    page.next_button.setFixedWidth(12)
    qtbot.waitUntil(lambda: len(clipped_texts(page)) >= 3, timeout=3000)
    found = "\n".join(clipped_texts(page))
    assert "Label" in found and "OptionButton" in found and "QPushButton next" in found


@pytest.mark.parametrize("language", ["ar", "nb"])
def test_the_enrolment_dialog_shows_every_text_whole_also_with_a_refusal(
    qtbot, big_text, dashboard, ctx, language
):
    ctx.staff_language = language
    dashboard.show_dashboard()
    dashboard.stack.currentWidget().sync_button.click()
    dialog = dashboard.enrol_dialog
    qtbot.waitExposed(dialog)
    assert_nothing_clipped(qtbot, dialog)
    dialog.show_error(
        ctx.ui("The server refused the enrolment code: {reason}", reason="lang forklaring " * 12)
    )
    assert_nothing_clipped(qtbot, dialog)


def test_a_refusal_below_the_fold_is_scrolled_into_sight(qtbot, big_text, window, ctx):
    # At 200 % text the first-run page's message sits under the study choice, out of sight:
    # pressing Create seemed to do nothing.
    ctx.staff_language = "ar"
    window.show_setup()
    page = window.stack.currentWidget()
    page.passphrase.setText("correct horse battery")
    page.repeat.setText("correct horse battery!")
    page.create_button.click()
    assert page.message.text()
    qtbot.waitUntil(lambda: not page.message.visibleRegion().isEmpty(), timeout=3000)
