"""The Staff button in a participant page's corner: the touch way to the pause gate."""

from __future__ import annotations

from PySide6.QtCore import Qt

from survey_app.ui.pages.pause import PausePage
from tests.ui.conftest import PASSPHRASE, accept_consent, settle, start_session, store_call


def _on_question_page(qtbot, window, ctx, language="nb"):
    view = start_session(qtbot, window, language)
    accept_consent(qtbot, view)
    settle(qtbot, ctx.client)
    return view


def _tap_staff(qtbot, window, view) -> None:
    qtbot.mouseClick(view.current.staff_corner, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.page_name == "gate", timeout=5000)


def _unlock_gate(window, passphrase=PASSPHRASE) -> None:
    window.gate.passphrase.setText(passphrase)
    window.gate.unlock_button.click()


def _actions(qtbot, ctx, session_id):
    return [
        e.action for e in store_call(qtbot, ctx.client, lambda w: w.store.audit_trail(session_id))
    ]


def test_tapping_staff_opens_the_staff_gate(qtbot, dashboard, ctx):
    view = _on_question_page(qtbot, dashboard, ctx)
    _tap_staff(qtbot, dashboard, view)
    assert dashboard.gate is not None
    assert dashboard.session_view is view


def test_staff_on_the_consent_page_opens_the_staff_gate(qtbot, dashboard, ctx):
    view = start_session(qtbot, dashboard, "nb")
    _tap_staff(qtbot, dashboard, view)
    assert dashboard.session_view is view


def test_staff_then_the_passphrase_shows_the_paused_staff_menu(qtbot, dashboard, ctx):
    view = _on_question_page(qtbot, dashboard, ctx)
    _tap_staff(qtbot, dashboard, view)
    _unlock_gate(dashboard)
    qtbot.waitUntil(lambda: dashboard.page_name == "paused", timeout=20000)
    assert isinstance(dashboard.stack.currentWidget(), PausePage)
    assert _actions(qtbot, ctx, view.session_id)[-1] == "paused"


def test_staff_with_a_wrong_passphrase_keeps_the_participant_page(qtbot, dashboard, ctx):
    view = _on_question_page(qtbot, dashboard, ctx)
    page = view.current
    _tap_staff(qtbot, dashboard, view)
    gate = dashboard.gate
    _unlock_gate(dashboard, "wrong passphrase")
    qtbot.waitUntil(lambda: gate.countdown.waiting, timeout=20000)
    assert dashboard.page_name == "gate"
    gate.cancelled.emit()
    assert dashboard.page_name == "session"
    assert view.current is page
    assert "paused" not in _actions(qtbot, ctx, view.session_id)


def test_staff_button_is_named_in_the_participants_language(qtbot, dashboard, ctx):
    view = _on_question_page(qtbot, dashboard, ctx, "ar")
    corner = view.current.staff_corner
    assert corner.text() == "الموظفون"
    assert corner.accessibleName() == "للموظفين فقط: إيقاف الجلسة مؤقتًا"
