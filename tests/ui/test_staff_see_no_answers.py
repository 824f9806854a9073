"""Programme staff at the meeting may see a participant's completion status, never an answer
(study brief): the staff member who pauses a session, looks at the dashboard and opens the
close dialog plays the nosy colleague. Real window, worker thread and encrypted store."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QLabel,
    QLineEdit,
    QTableWidget,
    QWidget,
)

from tests.ui.conftest import PASSPHRASE, accept_consent, settle, start_session

MARKER = "Zylqvartby"


def shown_texts(widget: QWidget) -> str:
    """Every text a visible widget under `widget` shows (labels, buttons, fields, tables)."""
    texts = []
    for child in [widget, *widget.findChildren(QWidget)]:
        if not child.isVisibleTo(widget) and child is not widget:
            continue
        if isinstance(child, (QLabel, QAbstractButton, QLineEdit)):
            texts.append(child.text())
        elif isinstance(child, QComboBox):
            texts += [child.itemText(i) for i in range(child.count())]
        elif isinstance(child, QTableWidget):
            for row in range(child.rowCount()):
                for col in range(child.columnCount()):
                    item = child.item(row, col)
                    texts.append(item.text() if item else "")
    return "\n".join(texts)


def _answered_then_paused(qtbot, window, ctx):
    """A session with a typed answer (the marker) and a chosen country, then the staff menu."""
    view = start_session(qtbot, window, "nb")
    accept_consent(qtbot, view)
    view.show_page(
        next(
            i
            for i, p in enumerate(view.plan)
            if p.form.id == "background" and any(it.id == "bg_country_other" for it in p.items)
        )
    )
    country = view.current.views["bg_country"].answer.button_for(11)
    country.click()
    editor = view.current.views["bg_country_other"].answer.editor
    editor.setFocus()
    qtbot.keyClicks(editor, MARKER)
    settle(qtbot, ctx.client)
    # The same collector does see the answer where it belongs, so it is not blind.
    assert MARKER in shown_texts(view.current)
    assert country.text() in shown_texts(view.current)
    view.current.setFocus()
    modifiers = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(view.current, Qt.Key.Key_P, modifiers)
    qtbot.waitUntil(lambda: window.page_name == "gate", timeout=5000)
    window.gate.passphrase.setText(PASSPHRASE)
    window.gate.unlock_button.click()
    qtbot.waitUntil(lambda: window.page_name == "paused", timeout=20000)
    return view, country.text()


def test_the_staff_menu_of_a_paused_session_shows_no_answer(qtbot, dashboard, ctx):
    _view, country = _answered_then_paused(qtbot, dashboard, ctx)
    texts = shown_texts(dashboard.stack.currentWidget())
    assert MARKER not in texts
    assert country not in texts


def test_the_dashboard_and_its_close_dialog_show_no_answer(qtbot, dashboard, ctx):
    _view, country = _answered_then_paused(qtbot, dashboard, ctx)
    dashboard.stack.currentWidget().dashboard_button.click()
    settle(qtbot, ctx.client)
    page = dashboard.stack.currentWidget()
    qtbot.waitUntil(lambda: page.unfinished_table.rowCount() == 1, timeout=20000)
    texts = shown_texts(page)
    assert MARKER not in texts
    assert country not in texts
    page.select_unfinished(0)
    page.close_unfinished_button.click()
    qtbot.waitUntil(lambda: dashboard.close_dialog is not None, timeout=5000)
    assert MARKER not in shown_texts(dashboard.close_dialog)
