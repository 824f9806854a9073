"""After a wrong passphrase the seconds left are counted down in the staff language."""

from __future__ import annotations

from functools import partial

import pytest
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QWidget

from survey_app.i18n import tr
from survey_app.ui.pages.countdown import RetryCountdown


@pytest.mark.parametrize(
    ("language", "seconds", "expected"),
    [
        ("ar", 2, "يمكنك المحاولة مرة أخرى بعد ثانيتين."),
        ("ar", 5, "يمكنك المحاولة مرة أخرى بعد ٥ ثوانٍ."),
        ("nb", 1, "Du kan prøve igjen om 1 sekund."),
        ("nb", 8, "Du kan prøve igjen om 8 sekunder."),
    ],
)
def test_the_wait_is_said_in_the_staff_language(qtbot, language, seconds, expected):
    owner = QWidget()
    qtbot.addWidget(owner)
    message, button, field = QLabel(owner), QPushButton(owner), QLineEdit(owner)
    countdown = RetryCountdown(partial(tr, language), message, button, field, owner)
    countdown.start("!", seconds)
    assert message.text().split("\n") == ["!", expected]
    assert not button.isEnabled()
    countdown.stop()


@pytest.mark.parametrize(
    ("language", "first_line", "wait"),
    [("nb", "Feil passordfrase.", "Vent"), ("ar", "عبارة المرور خاطئة.", "انتظر")],
)
def test_a_wrong_passphrase_says_the_wait_once(qtbot, dashboard, ctx, language, first_line, wait):
    # The store's message ("Wait 2 seconds, then try again") stood above the countdown
    # ("You can try again in 2 seconds"): the same wait, said twice.
    from survey_app.ui.direction import plain

    ctx.staff_language = language
    dashboard.lock()
    gate = dashboard.gate
    gate.passphrase.setText("not the passphrase")
    gate.unlock_button.click()
    qtbot.waitUntil(lambda: gate.countdown.waiting, timeout=20000)
    lines = plain(gate.message.text()).split("\n")
    assert lines[0] == first_line
    assert len(lines) == 2 and wait not in gate.message.text()
