"""Unlock (and staff re-entry): passphrase, clear message on failure, growing delay."""

from __future__ import annotations

import math

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

from survey_app.ui.context import AppContext
from survey_app.ui.direction import set_direction
from survey_app.ui.pages.common import button, column, footer, label, scroll_area


class UnlockPage(QWidget):
    """Emits `submitted(passphrase)`; the owner reports back with `failed` or `reset`."""

    submitted = Signal(str)
    cancelled = Signal()

    def __init__(
        self,
        ctx: AppContext,
        *,
        title: str,
        explanation: str,
        can_cancel: bool = False,
        parent=None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        _ = ctx.ui
        set_direction(self, ctx.staff_language)
        content, body = column(640, ctx.theme.scale)
        body.addStretch(1)
        body.addWidget(label(title, "title"))
        body.addWidget(label(explanation, "subtitle"))
        self.passphrase = QLineEdit()
        self.passphrase.setObjectName("passphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.returnPressed.connect(self._submit)
        body.addWidget(self.passphrase)
        self.message = label("", "error")
        self.message.setObjectName("message")
        body.addWidget(self.message)
        body.addStretch(2)
        self.unlock_button = button(_("Unlock"), primary=True, name="unlock")
        self.unlock_button.clicked.connect(self._submit)
        widgets = [self.unlock_button]
        if can_cancel:
            cancel = button(_("Cancel"), name="cancel")
            cancel.clicked.connect(self.cancelled)
            widgets.insert(0, cancel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll_area(content), 1)
        layout.addWidget(footer(*widgets, stretch_at=0 if not can_cancel else 1))
        self._remaining = 0
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._tick)

    def _submit(self) -> None:
        if self._remaining > 0 or not self.unlock_button.isEnabled():
            return
        self.unlock_button.setEnabled(False)
        self.message.setText(self.ctx.ui("Checking…"))
        self.submitted.emit(self.passphrase.text())

    def failed(self, message: str, delay_seconds: float) -> None:
        """Show why it failed and wait `delay_seconds` before the next try is possible."""
        self.passphrase.clear()
        self._failure = message
        self._remaining = math.ceil(delay_seconds)
        self._tick(first=True)
        if self._remaining > 0:
            self._timer.start()

    def _tick(self, first: bool = False) -> None:
        if not first:
            self._remaining -= 1
        if self._remaining > 0:
            wait = self.ctx.ui("You can try again in {seconds} s.", seconds=self._remaining)
            self.message.setText(f"{self._failure}\n{wait}")
            self.unlock_button.setEnabled(False)
            return
        self._timer.stop()
        self.message.setText(self._failure)
        self.unlock_button.setEnabled(True)
        self.passphrase.setFocus()

    def reset(self) -> None:
        """Clear the field and messages for the next use."""
        self.passphrase.clear()
        self.message.setText("")
        self.unlock_button.setEnabled(True)
        self._timer.stop()
        self._remaining = 0
