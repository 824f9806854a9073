"""Store answers that arrive after their page was removed (e.g. the app locked) are ignored."""

from __future__ import annotations

import threading

from shiboken6 import isValid

from tests.ui.conftest import settle


def hold_worker(ctx):
    """Block the store worker until the returned event is set (answers queue up behind it)."""
    release = threading.Event()
    ctx.client.call(lambda _w: release.wait(20), label="hold")
    return release


def test_dashboard_refresh_answering_after_lock_is_ignored(qtbot, dashboard, ctx):
    failures = []
    ctx.client.failed.connect(failures.append)
    release = hold_worker(ctx)
    dashboard.show_dashboard()
    page = dashboard.stack.currentWidget()
    dashboard.lock()
    qtbot.waitUntil(lambda: not isValid(page), timeout=5000)
    release.set()
    settle(qtbot, ctx.client)
    assert dashboard.page_name == "gate"
    assert failures == []


def test_dashboard_refresh_error_after_lock_is_ignored(qtbot, dashboard, ctx):
    release = hold_worker(ctx)
    dashboard.show_dashboard()
    page = dashboard.stack.currentWidget()
    dashboard.lock()
    qtbot.waitUntil(lambda: not isValid(page), timeout=5000)
    # The store closes meanwhile: the refresh fails, and its message has no page to go to.
    ctx.client.call(lambda w: setattr(w, "store", None), label="drop")
    release.set()
    settle(qtbot, ctx.client)
    assert dashboard.page_name == "gate"


def test_passphrase_change_answering_after_lock_is_ignored(qtbot, dashboard, ctx):
    failures = []
    ctx.client.failed.connect(failures.append)
    page = dashboard.stack.currentWidget()
    dashboard.change_passphrase(page)
    dialog = dashboard.passphrase_dialog
    release = hold_worker(ctx)
    dialog.submitted.emit("not the passphrase", "a new passphrase that is long")
    dashboard.lock()
    qtbot.waitUntil(lambda: not isValid(dialog) and not isValid(page), timeout=5000)
    release.set()
    settle(qtbot, ctx.client)
    assert dashboard.page_name == "gate"
    assert failures == []
