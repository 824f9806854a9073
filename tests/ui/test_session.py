"""Whole sessions through the real window, worker thread and encrypted store."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt

from survey_app.ui.main_window import MainWindow
from survey_app.ui.pages.questionnaire import QuestionPage
from survey_app.ui.pages.review import ReviewPage
from survey_app.ui.pages.thanks import ThanksPage
from survey_app.ui.widgets.ladder import VerticalScaleAnswer
from tests.ui.conftest import (
    PASSPHRASE,
    accept_consent,
    press_finish,
    settle,
    start_session,
    store_call,
)


def _answer_page(page: QuestionPage) -> None:
    for view in page.views.values():
        answer = view.answer
        if getattr(answer, "buttons", None):
            answer.buttons[0].click()
        elif isinstance(answer, VerticalScaleAnswer):
            answer.canvas.set_value(answer.canvas.minimum + 1)


def _run_to_thanks(qtbot, view) -> None:
    while isinstance(view.current, QuestionPage):
        _answer_page(view.current)
        view.current.next_button.click()
    assert isinstance(view.current, ReviewPage)
    press_finish(view)
    qtbot.waitUntil(lambda: isinstance(view.current, ThanksPage), timeout=20000)


@pytest.mark.parametrize(
    ("language", "interpreter"), [("nb", None), ("en", None), ("ar", None), ("ar", "nb")]
)
def test_full_session_is_sealed_in_each_language(qtbot, dashboard, ctx, language, interpreter):
    view = start_session(qtbot, dashboard, language, interpreter)
    accept_consent(qtbot, view)
    _run_to_thanks(qtbot, view)
    settle(qtbot, ctx.client)
    session = store_call(qtbot, ctx.client, lambda w: w.store.session(view.session_id))
    answers = store_call(qtbot, ctx.client, lambda w: w.store.answers(view.session_id))
    assert session.status == "sealed"
    assert session.outcome == "completed"
    assert {a.form_id for a in answers} >= {"hscl25", "pcl5", "cantril", "eqvas", "via"}


def test_declined_consent_ends_the_session_declined_without_answers(qtbot, dashboard, ctx):
    view = start_session(qtbot, dashboard, "ar")
    consent = view.current
    for item_id in consent.statements:
        consent.views[item_id].answer.button_for(0).click()
    consent.continue_button.click()
    consent.confirm_decline_button.click()  # "are you sure?"
    qtbot.waitUntil(lambda: isinstance(view.current, ThanksPage), timeout=20000)
    session = store_call(qtbot, ctx.client, lambda w: w.store.session(view.session_id))
    answers = store_call(qtbot, ctx.client, lambda w: w.store.answers(view.session_id))
    assert session.outcome == "declined"
    assert answers == []


def test_consent_cannot_continue_until_every_statement_is_answered(qtbot, dashboard):
    view = start_session(qtbot, dashboard, "nb")
    consent = view.current
    first = consent.statements[0]
    consent.views[first].answer.button_for(1).click()
    assert not consent.continue_button.isEnabled()


def test_answers_are_saved_as_the_option_code(qtbot, dashboard, ctx):
    view = start_session(qtbot, dashboard, "ar")
    accept_consent(qtbot, view)
    hscl = next(i for i, p in enumerate(view.plan) if p.form.id == "hscl25")
    view.show_page(hscl)
    item = view.current.spec.items[0]
    view.current.views[item.id].answer.button_for(3).click()
    settle(qtbot, ctx.client)
    answers = store_call(qtbot, ctx.client, lambda w: w.store.answers(view.session_id))
    assert [(a.item_id, a.value) for a in answers if a.form_id == "hscl25"] == [(item.id, 3)]


def test_resume_after_interruption_shows_the_saved_answer(qtbot, dashboard, ctx):
    view = start_session(qtbot, dashboard, "nb")
    accept_consent(qtbot, view)
    hscl = next(i for i, p in enumerate(view.plan) if p.form.id == "hscl25")
    view.show_page(hscl)
    item = view.current.spec.items[0]
    view.current.views[item.id].answer.button_for(2).click()
    settle(qtbot, ctx.client)
    session_id = view.session_id
    dashboard.show_dashboard()
    settle(qtbot, ctx.client)
    dashboard.resume_session(session_id)
    qtbot.waitUntil(lambda: dashboard.page_name == "session", timeout=20000)
    resumed = dashboard.session_view
    assert isinstance(resumed.current, QuestionPage)
    assert resumed.current.spec.form.id == "hscl25"
    assert resumed.current.views[item.id].answer.button_for(2).isChecked()


def test_review_lists_unanswered_items_and_jumps_to_one(qtbot, dashboard):
    view = start_session(qtbot, dashboard, "nb")
    accept_consent(qtbot, view)
    view.show_review()
    review = view.current
    # Everything is listed except what the form's logic skips ("other country", "other language").
    conditional = sum(1 for p in view.plan for i in p.items if i.logic.relevant is not None)
    assert conditional == 2
    total = sum(1 for p in view.plan for i in p.items if i.answerable)
    assert len(review.missing) == total - conditional
    target = review.missing[5]
    review.findChild(type(review.finish_button), f"goto_{target.item.id}").click()
    assert isinstance(view.current, QuestionPage)
    assert target.item.id in view.current.views


def test_closing_during_a_session_asks_for_the_staff_passphrase(qtbot, dashboard):
    start_session(qtbot, dashboard, "ar")
    dashboard.close()
    assert dashboard.isVisible()
    assert dashboard.page_name == "gate"


def test_text_typed_just_before_the_window_is_closed_is_saved(qtbot, dashboard, ctx):
    # Staff close the app (or the system shuts down) right after the participant typed: the
    # text must not depend on the typing pause having passed.
    view = start_session(qtbot, dashboard, "nb")
    accept_consent(qtbot, view)
    view.show_page(
        next(
            i
            for i, p in enumerate(view.plan)
            if p.form.id == "background" and any(it.id == "bg_country_other" for it in p.items)
        )
    )
    view.current.views["bg_country"].answer.button_for(11).click()
    editor = view.current.views["bg_country_other"].answer.editor
    editor.setFocus()
    qtbot.keyClicks(editor, "Tsjad")
    dashboard.close()
    assert dashboard.page_name == "gate"
    dashboard.gate.passphrase.setText(PASSPHRASE)
    dashboard.gate.unlock_button.click()
    qtbot.waitUntil(lambda: not dashboard.isVisible(), timeout=20000)
    settle(qtbot, ctx.client)
    answers = store_call(qtbot, ctx.client, lambda w: w.store.answers(view.session_id))
    assert ("bg_country_other", "Tsjad") in [(a.item_id, a.value) for a in answers]


def test_thanks_page_leads_to_dashboard_only_with_the_passphrase(qtbot, dashboard, ctx):
    view = start_session(qtbot, dashboard, "nb")
    accept_consent(qtbot, view)
    view.show_review()
    press_finish(view)
    qtbot.waitUntil(lambda: isinstance(view.current, ThanksPage), timeout=20000)
    view.current.staff_button.click()
    gate = dashboard.gate
    gate.passphrase.setText("wrong passphrase")
    gate.unlock_button.click()
    qtbot.waitUntil(lambda: gate.unlock_button.text() and gate.countdown.waiting, timeout=20000)
    assert dashboard.page_name == "gate"
    qtbot.waitUntil(gate.unlock_button.isEnabled, timeout=10000)  # the 1 s wait after a miss
    gate.passphrase.setText(PASSPHRASE)
    gate.unlock_button.click()
    qtbot.waitUntil(lambda: dashboard.page_name == "dashboard", timeout=20000)


def test_idle_time_covers_the_participants_page(qtbot, dashboard, ctx):
    view = start_session(qtbot, dashboard, "ar")
    dashboard.idle.set_seconds(0.2)
    dashboard.idle.start()
    qtbot.waitUntil(lambda: view.privacy.isVisible(), timeout=5000)
    qtbot.mouseClick(view.privacy, Qt.MouseButton.LeftButton)
    assert not view.privacy.isVisible()


def test_idle_time_locks_the_dashboard(qtbot, dashboard):
    dashboard.idle.set_seconds(0.2)
    dashboard.idle.start()
    qtbot.waitUntil(lambda: dashboard.page_name == "gate", timeout=5000)


@pytest.mark.parametrize(
    ("language", "direction"),
    [
        ("ar", Qt.LayoutDirection.RightToLeft),
        ("nb", Qt.LayoutDirection.LeftToRight),
        ("en", Qt.LayoutDirection.LeftToRight),
    ],
)
def test_session_layout_direction_follows_the_participants_language(
    qtbot, dashboard, language, direction
):
    view = start_session(qtbot, dashboard, language)
    assert view.layoutDirection() == direction
    assert view.current.layoutDirection() == direction


@pytest.mark.parametrize(("form_id", "top", "bottom"), [("cantril", 10, 1), ("eqvas", 100, 0)])
def test_vertical_scale_top_and_bottom_clicks_in_arabic(
    qtbot, dashboard, ctx, form_id, top, bottom
):
    view = start_session(qtbot, dashboard, "ar")
    accept_consent(qtbot, view)
    view.show_page(next(i for i, p in enumerate(view.plan) if p.form.id == form_id))
    item = view.current.spec.items[0]
    canvas = view.current.views[item.id].answer.canvas
    view.current.focus_item(item.id)
    stored = []
    for y in (2, canvas.height() - 2):
        qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=QPoint(canvas.width() // 2, y))
        settle(qtbot, ctx.client)
        answers = store_call(qtbot, ctx.client, lambda w: w.store.answers(view.session_id))
        stored.append(next(a.value for a in answers if a.item_id == item.id))
    assert stored == [top, bottom]


def test_vas_keyboard_steps(qtbot, dashboard, ctx):
    view = start_session(qtbot, dashboard, "ar")
    accept_consent(qtbot, view)
    view.show_page(next(i for i, p in enumerate(view.plan) if p.form.id == "eqvas"))
    canvas = next(iter(view.current.views.values())).answer.canvas
    canvas.set_value(50)
    qtbot.keyClick(canvas, Qt.Key.Key_Up)
    qtbot.keyClick(canvas, Qt.Key.Key_PageUp)
    qtbot.keyClick(canvas, Qt.Key.Key_Down)
    assert canvas.value == 60


def test_wrong_passphrase_at_start_shows_a_message_and_a_delay(qtbot, dashboard, ctx):
    ctx.client.call(lambda w: w.close_store())
    settle(qtbot, ctx.client)
    again = MainWindow(ctx)
    qtbot.addWidget(again)
    page = again.stack.currentWidget()
    assert again.page_name == "unlock"
    page.passphrase.setText("not the passphrase")
    page.unlock_button.click()
    qtbot.waitUntil(lambda: page.countdown.waiting, timeout=20000)
    assert page.message.text()
    assert not page.unlock_button.isEnabled()


def test_double_entry_lists_differences_until_they_are_resolved(qtbot, dashboard, ctx):
    view = start_session(qtbot, dashboard, "nb", paper=True, double=True)
    accept_consent(qtbot, view)
    hscl = next(i for i, p in enumerate(view.plan) if p.form.id == "hscl25")
    item = view.plan[hscl].items[0]
    view.show_page(hscl)
    view.current.views[item.id].answer.button_for(2).click()
    view.show_review()
    press_finish(view)
    view.show_page(hscl)
    assert not view.current.views[item.id].answer.button_for(2).isChecked()
    view.current.views[item.id].answer.button_for(3).click()
    view.show_review()
    review = view.current
    assert not review.finish_button.isEnabled()
    review.findChild(type(review.finish_button), f"goto_{item.id}").click()
    view.current.views[item.id].answer.button_for(3).click()
    view.current.next_button.click()
    assert view.current.finish_button.isEnabled()
    settle(qtbot, ctx.client)
    answers = store_call(qtbot, ctx.client, lambda w: w.store.answers(view.session_id))
    assert [(a.item_id, a.value) for a in answers] == [(item.id, 3)]
