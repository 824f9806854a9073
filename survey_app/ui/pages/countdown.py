"""After a wrong passphrase: say why, count down, and allow the next try only when it is time."""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit

from survey_app.i18n import Counted

# A module constant so that the catalogs hold it (`self._ui(...)` is not an extraction keyword).
RETRY_IN = Counted(
    "You can try again in {seconds} second.", "You can try again in {seconds} seconds.", "seconds"
)


class RetryCountdown(QObject):
    """Shows the failure with the seconds left and keeps the button off until they have passed."""

    def __init__(
        self,
        ui: Callable[..., str],
        message: QLabel,
        button: QAbstractButton,
        field: QLineEdit,
        parent: QObject,
    ) -> None:
        super().__init__(parent)
        self._ui = ui
        self._message = message
        self._button = button
        self._field = field
        self._failure = ""
        self.remaining = 0
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._tick)

    @property
    def waiting(self) -> bool:
        return self.remaining > 0

    def start(self, failure: str, delay_seconds: float) -> None:
        """Clear the passphrase field, show the failure and wait `delay_seconds` (rounded up)."""
        self._field.clear()
        self._failure = failure
        self.remaining = math.ceil(delay_seconds)
        self._tick(first=True)
        if self.remaining > 0:
            self._timer.start()

    def stop(self) -> None:
        """Forget any wait (e.g. when the page is reused)."""
        self._timer.stop()
        self.remaining = 0

    def _tick(self, first: bool = False) -> None:
        if not first:
            self.remaining -= 1
        if self.remaining > 0:
            wait = self._ui(RETRY_IN, seconds=self.remaining)
            self._message.setText(f"{self._failure}\n{wait}")
            self._button.setEnabled(False)
            return
        self._timer.stop()
        self._message.setText(self._failure)
        self._button.setEnabled(True)
        self._field.setFocus()
