"""Safety signal: after a triggering session staff (only) see a neutral protocol code."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtWidgets import QLabel

from survey_app.study.safety import ACKNOWLEDGED_ACTION, AUDIT_ACTION, SafetySettings, Trigger
from survey_app.ui.context import AppContext
from survey_app.ui.main_window import MainWindow
from survey_app.ui.pages.questionnaire import QuestionPage
from survey_app.ui.pages.thanks import ThanksPage
from survey_app.ui.store_worker import StoreClient
from tests.ui.conftest import (
    PASSPHRASE,
    accept_consent,
    press_finish,
    settle,
    start_session,
    store_call,
)

HSCL_20 = SafetySettings((Trigger("hscl25", "hscl_20", at_least=2),), protocol="S")


def enable_safety(ctx, settings=HSCL_20) -> None:
    config = dataclasses.replace(ctx.study.config, safety=settings)
    ctx.study = dataclasses.replace(ctx.study, config=config)


def answer_hscl_20_and_finish(qtbot, view, code: int) -> None:
    """Answer item 20 of the HSCL-25 with `code`, then finish from the review page."""
    for index in range(len(view.plan)):
        view.show_page(index)
        if isinstance(view.current, QuestionPage) and "hscl_20" in view.current.views:
            view.current.views["hscl_20"].answer.button_for(code).click()
            break
    view.show_review()
    press_finish(view)  # unanswered items: asked once, then submitted
    qtbot.waitUntil(lambda: isinstance(view.current, ThanksPage), timeout=20000)


def pass_staff_gate(qtbot, window, view) -> None:
    view.current.staff_button.click()
    window.gate.passphrase.setText(PASSPHRASE)
    window.gate.unlock_button.click()
    qtbot.waitUntil(lambda: window.page_name in ("dashboard", "safety_signal"), timeout=20000)


def plain(text: str) -> str:
    """The text without its direction marks."""
    return text.replace("\u200e", "").replace("\u200f", "")


def safety_audit(qtbot, ctx, session_id):
    trail = store_call(qtbot, ctx.client, lambda w: w.store.audit_trail(session_id))
    return [entry for entry in trail if entry.action == AUDIT_ACTION]


def run_session(qtbot, window, ctx, code: int, language="nb", interpreter=None) -> str:
    view = start_session(qtbot, window, language, interpreter)
    accept_consent(qtbot, view)
    answer_hscl_20_and_finish(qtbot, view, code)
    settle(qtbot, ctx.client)
    pass_staff_gate(qtbot, window, view)
    return view.session_id


def test_without_the_setting_a_triggering_answer_signals_nothing(qtbot, dashboard, ctx):
    session_id = run_session(qtbot, dashboard, ctx, code=4)
    assert dashboard.page_name == "dashboard"
    assert safety_audit(qtbot, ctx, session_id) == []


def test_triggering_answer_shows_staff_the_protocol_after_the_passphrase(qtbot, dashboard, ctx):
    enable_safety(ctx)
    run_session(qtbot, dashboard, ctx, code=3)
    assert dashboard.page_name == "safety_signal"
    message = dashboard.stack.currentWidget().findChild(QLabel, "safety_signal").text()
    assert plain(message) == "Follow protocol S with this participant."


def test_triggering_answer_is_audited_without_the_answer(qtbot, dashboard, ctx):
    enable_safety(ctx)
    session_id = run_session(qtbot, dashboard, ctx, code=3)
    (entry,) = safety_audit(qtbot, ctx, session_id)
    assert entry.detail == {"protocol": "S"}


def test_non_triggering_answer_signals_nothing(qtbot, dashboard, ctx):
    enable_safety(ctx)
    session_id = run_session(qtbot, dashboard, ctx, code=1)
    assert dashboard.page_name == "dashboard"
    assert safety_audit(qtbot, ctx, session_id) == []


def test_signal_page_leads_to_the_dashboard(qtbot, dashboard, ctx):
    enable_safety(ctx)
    run_session(qtbot, dashboard, ctx, code=4)
    dashboard.stack.currentWidget().continue_button.click()
    qtbot.waitUntil(lambda: dashboard.page_name == "dashboard", timeout=20000)
    assert dashboard.page_name == "dashboard"


@pytest.mark.parametrize(("language", "interpreter"), [("nb", None), ("ar", "nb")])
def test_participant_thanks_page_never_shows_the_signal(
    qtbot, dashboard, ctx, language, interpreter
):
    enable_safety(ctx)
    view = start_session(qtbot, dashboard, language, interpreter)
    accept_consent(qtbot, view)
    answer_hscl_20_and_finish(qtbot, view, 4)
    settle(qtbot, ctx.client)
    assert view.safety_code == "S"  # the signal is due, yet the participant's page shows none
    texts = " ".join(label.text() for label in view.current.findChildren(QLabel))
    assert "protocol" not in texts.lower() and "protokoll" not in texts
    assert view.current.findChild(QLabel, "safety_signal") is None


def test_signal_is_shown_again_after_a_lock_until_staff_continue(qtbot, dashboard, ctx):
    enable_safety(ctx)
    run_session(qtbot, dashboard, ctx, code=4)
    dashboard.lock()  # e.g. the idle lock while the signal page was open
    dashboard.gate.passphrase.setText(PASSPHRASE)
    dashboard.gate.unlock_button.click()
    qtbot.waitUntil(lambda: dashboard.page_name == "safety_signal", timeout=20000)
    dashboard.stack.currentWidget().continue_button.click()
    settle(qtbot, ctx.client)  # the dashboard's refresh answers before the next lock
    dashboard.lock()
    dashboard.gate.passphrase.setText(PASSPHRASE)
    dashboard.gate.unlock_button.click()
    qtbot.waitUntil(lambda: dashboard.page_name == "dashboard", timeout=20000)


def restart(qtbot, window, ctx):
    """Close the app (store closed) and start it again on the same data; return the new window."""
    window._allow_close = True
    window.close()
    ctx.client.shutdown()
    client = StoreClient()
    again = AppContext(
        client=client,
        data_dir=ctx.data_dir,
        study_dir=None,
        staff_language="en",
        kdf=ctx.kdf,
    )
    window = MainWindow(again)
    qtbot.addWidget(window)
    window.show()
    window._allow_close = True
    return window, client


def unlock(qtbot, window) -> None:
    page = window.stack.currentWidget()
    page.passphrase.setText(PASSPHRASE)
    page.unlock_button.click()
    qtbot.waitUntil(lambda: window.page_name in ("dashboard", "safety_signal"), timeout=20000)


def test_signal_not_acknowledged_before_the_app_closed_is_shown_after_the_next_unlock(
    qtbot, dashboard, ctx
):
    enable_safety(ctx)
    run_session(qtbot, dashboard, ctx, code=4)
    assert dashboard.page_name == "safety_signal"
    window, client = restart(qtbot, dashboard, ctx)
    try:
        unlock(qtbot, window)
        assert window.page_name == "safety_signal"
        message = window.stack.currentWidget().findChild(QLabel, "safety_signal").text()
        assert plain(message) == "Follow protocol S with this participant."
    finally:
        client.shutdown()


def test_acknowledged_signal_is_not_shown_after_a_restart(qtbot, dashboard, ctx):
    enable_safety(ctx)
    session_id = run_session(qtbot, dashboard, ctx, code=4)
    dashboard.stack.currentWidget().continue_button.click()
    qtbot.waitUntil(lambda: dashboard.page_name == "dashboard", timeout=20000)
    actions = [
        e.action for e in store_call(qtbot, ctx.client, lambda w: w.store.audit_trail(session_id))
    ]
    assert actions[-2:] == [AUDIT_ACTION, ACKNOWLEDGED_ACTION]
    window, client = restart(qtbot, dashboard, ctx)
    try:
        unlock(qtbot, window)
        assert window.page_name == "dashboard"
    finally:
        client.shutdown()


def test_idle_time_locks_the_signal_page_and_unlocking_shows_it_again(qtbot, dashboard, ctx):
    enable_safety(ctx)
    run_session(qtbot, dashboard, ctx, code=4)
    dashboard._on_idle()  # what the idle watcher calls when nobody touched the laptop
    assert dashboard.page_name == "gate"
    dashboard.gate.passphrase.setText(PASSPHRASE)
    dashboard.gate.unlock_button.click()
    qtbot.waitUntil(lambda: dashboard.page_name == "safety_signal", timeout=20000)
