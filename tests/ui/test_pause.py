"""Staff pause a session with a gesture and the passphrase, and it resumes where it was."""

from __future__ import annotations

from PySide6.QtCore import Qt

from survey_app.ui.pages.pause import PausePage
from survey_app.ui.pages.questionnaire import QuestionPage
from tests.ui.conftest import PASSPHRASE, accept_consent, settle, start_session, store_call


def _on_hscl_page(qtbot, window, ctx, language="nb", interpreter=None):
    """A session on its HSCL-25 page with the first item answered 2; return (view, item id)."""
    view = start_session(qtbot, window, language, interpreter)
    accept_consent(qtbot, view)
    hscl = next(i for i, p in enumerate(view.plan) if p.form.id == "hscl25")
    view.show_page(hscl + 1)
    item = view.current.spec.items[0]
    view.current.views[item.id].answer.button_for(2).click()
    settle(qtbot, ctx.client)
    return view, item.id


def _press_pause(qtbot, window, view) -> None:
    view.current.setFocus()
    qtbot.keyClick(
        view.current,
        Qt.Key.Key_P,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.waitUntil(lambda: window.page_name == "gate", timeout=5000)


def _unlock_gate(qtbot, window, passphrase=PASSPHRASE) -> None:
    window.gate.passphrase.setText(passphrase)
    window.gate.unlock_button.click()


def _actions(qtbot, ctx, session_id):
    return [
        e.action for e in store_call(qtbot, ctx.client, lambda w: w.store.audit_trail(session_id))
    ]


def test_staff_shortcut_asks_for_the_passphrase_before_anything(qtbot, dashboard, ctx):
    view, _item = _on_hscl_page(qtbot, dashboard, ctx)
    _press_pause(qtbot, dashboard, view)
    assert dashboard.gate is not None
    assert dashboard.session_view is view


def test_wrong_passphrase_keeps_the_participant_page_behind_the_gate(qtbot, dashboard, ctx):
    view, _item = _on_hscl_page(qtbot, dashboard, ctx)
    page = view.current
    _press_pause(qtbot, dashboard, view)
    gate = dashboard.gate
    _unlock_gate(qtbot, dashboard, "wrong passphrase")
    qtbot.waitUntil(lambda: gate.countdown.waiting, timeout=20000)
    assert dashboard.page_name == "gate"
    gate.cancelled.emit()
    assert dashboard.page_name == "session"
    assert view.current is page
    assert "paused" not in _actions(qtbot, ctx, view.session_id)


def test_pause_is_audited_and_shows_the_staff_menu(qtbot, dashboard, ctx):
    view, _item = _on_hscl_page(qtbot, dashboard, ctx)
    _press_pause(qtbot, dashboard, view)
    _unlock_gate(qtbot, dashboard)
    qtbot.waitUntil(lambda: dashboard.page_name == "paused", timeout=20000)
    assert isinstance(dashboard.stack.currentWidget(), PausePage)
    assert _actions(qtbot, ctx, view.session_id)[-1] == "paused"


def test_back_to_the_session_shows_the_same_page(qtbot, dashboard, ctx):
    view, _item_id = _on_hscl_page(qtbot, dashboard, ctx)
    page = view.current
    _press_pause(qtbot, dashboard, view)
    _unlock_gate(qtbot, dashboard)
    qtbot.waitUntil(lambda: dashboard.page_name == "paused", timeout=20000)
    dashboard.stack.currentWidget().resume_button.click()
    qtbot.waitUntil(lambda: dashboard.page_name == "session", timeout=20000)
    assert view.current is page
    assert _actions(qtbot, ctx, view.session_id)[-1] == "resumed"


def test_paused_session_resumes_from_the_dashboard_at_its_page(qtbot, dashboard, ctx):
    view, item_id = _on_hscl_page(qtbot, dashboard, ctx)
    index, session_id = view.page_index, view.session_id
    _press_pause(qtbot, dashboard, view)
    _unlock_gate(qtbot, dashboard)
    qtbot.waitUntil(lambda: dashboard.page_name == "paused", timeout=20000)
    dashboard.stack.currentWidget().dashboard_button.click()
    assert dashboard.page_name == "dashboard"
    assert dashboard.session_view is None
    settle(qtbot, ctx.client)
    dashboard.resume_session(session_id)
    qtbot.waitUntil(lambda: dashboard.page_name == "session", timeout=20000)
    resumed = dashboard.session_view
    assert isinstance(resumed.current, QuestionPage)
    assert resumed.page_index == index
    assert resumed.current.views[item_id].answer.button_for(2).isChecked()
    assert _actions(qtbot, ctx, session_id)[-1] == "resumed"
