"""Staff change the store passphrase from the dashboard; the store is re-keyed on its worker."""

from __future__ import annotations

import pytest

from survey_app.store import DeviceStore, WrongPassphrase
from survey_app.ui.direction import plain
from tests.ui.conftest import PASSPHRASE, accept_consent, settle, start_session, store_call

NEW_PASSPHRASE = "a brand new staff phrase"


def open_dialog(qtbot, window):
    window.stack.currentWidget().passphrase_button.click()
    qtbot.waitUntil(lambda: window.passphrase_dialog is not None, timeout=5000)
    return window.passphrase_dialog


def fill(dialog, old: str, new: str, again: str) -> None:
    dialog.old.setText(old)
    dialog.new.setText(new)
    dialog.repeat.setText(again)
    dialog.change_button.click()


@pytest.fixture
def answered_session(qtbot, dashboard, ctx) -> str:
    """A session in progress with one answer, left through the staff gate."""
    view = start_session(qtbot, dashboard, "ar")
    accept_consent(qtbot, view)
    view.show_page(next(i for i, p in enumerate(view.plan) if p.form.id == "hscl25"))
    item = view.current.spec.items[0]
    view.current.views[item.id].answer.button_for(2).click()
    settle(qtbot, ctx.client)
    dashboard.show_dashboard()
    settle(qtbot, ctx.client)
    return view.session_id


def test_after_the_change_the_new_passphrase_unlocks_and_the_old_one_fails(
    qtbot, dashboard, ctx, answered_session
):
    dialog = open_dialog(qtbot, dashboard)
    fill(dialog, PASSPHRASE, NEW_PASSPHRASE, NEW_PASSPHRASE)
    qtbot.waitUntil(lambda: dashboard.passphrase_dialog is None, timeout=20000)
    assert plain(dashboard.stack.currentWidget().passphrase_note.text())
    settle(qtbot, ctx.client)
    ctx.client.call(lambda w: w.close_store())
    settle(qtbot, ctx.client)
    with pytest.raises(WrongPassphrase):
        DeviceStore.open(ctx.store_path, PASSPHRASE)
    with DeviceStore.open(ctx.store_path, NEW_PASSPHRASE) as store:
        answers = store.answers(answered_session)
        assert store.session(answered_session).status == "in_progress"
    assert [a.value for a in answers] == [2]


def test_the_lock_screen_takes_the_new_passphrase_after_the_change(qtbot, dashboard, ctx):
    dialog = open_dialog(qtbot, dashboard)
    fill(dialog, PASSPHRASE, NEW_PASSPHRASE, NEW_PASSPHRASE)
    qtbot.waitUntil(lambda: dashboard.passphrase_dialog is None, timeout=20000)
    dashboard.lock()
    dashboard.gate.passphrase.setText(NEW_PASSPHRASE)
    dashboard.gate.unlock_button.click()
    qtbot.waitUntil(lambda: dashboard.page_name == "dashboard", timeout=20000)


def test_a_wrong_current_passphrase_is_refused_and_changes_nothing(qtbot, dashboard, ctx):
    dialog = open_dialog(qtbot, dashboard)
    fill(dialog, "not the passphrase", NEW_PASSPHRASE, NEW_PASSPHRASE)
    qtbot.waitUntil(lambda: bool(dialog.message.text()) and dialog.old.isEnabled(), timeout=20000)
    assert "Wrong passphrase" in plain(dialog.message.text())
    assert dashboard.passphrase_dialog is dialog
    settle(qtbot, ctx.client)
    assert store_call(qtbot, ctx.client, lambda w: w.store.meetings())
    DeviceStore.open(ctx.store_path, PASSPHRASE).close()


@pytest.mark.parametrize(
    ("new", "again", "expected"),
    [
        ("short", "short", "at least 8 characters"),
        (NEW_PASSPHRASE, NEW_PASSPHRASE + "x", "not the same"),
    ],
)
def test_a_new_passphrase_that_is_too_short_or_not_repeated_is_refused_in_the_dialog(
    qtbot, dashboard, ctx, new, again, expected
):
    dialog = open_dialog(qtbot, dashboard)
    fill(dialog, PASSPHRASE, new, again)
    assert expected in plain(dialog.message.text())
    assert ctx.client.pending == 0
    dialog.reject()
    DeviceStore.open(ctx.store_path, PASSPHRASE).close()
