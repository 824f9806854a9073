"""`after_first_paint`: work that the first page must not wait for runs once it is painted."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from survey_app.ui.first_paint import after_first_paint


def test_the_callback_waits_for_the_window_to_be_painted(qtbot):
    window = QLabel("Lås opp")
    qtbot.addWidget(window)
    calls = []
    after_first_paint(window, lambda: calls.append("ran"))
    qtbot.wait(50)  # the event loop runs, but a window never shown is never painted
    assert calls == []
    window.show()
    qtbot.waitUntil(lambda: calls == ["ran"])


def test_the_callback_runs_once_however_often_the_window_is_painted(qtbot):
    window = QLabel("Lås opp")
    qtbot.addWidget(window)
    calls = []
    after_first_paint(window, lambda: calls.append("ran"))
    window.show()
    qtbot.waitUntil(lambda: calls == ["ran"])
    for text in ("فتح", "Unlock"):
        window.setText(text)
        window.repaint()
    qtbot.wait(50)
    assert calls == ["ran"]
