"""Unlock (and staff re-entry): passphrase, clear message on failure, growing delay."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

from survey_app.ui.context import AppContext
from survey_app.ui.direction import set_direction
from survey_app.ui.pages.common import button, column, footer, label, scroll_area
from survey_app.ui.pages.countdown import RetryCountdown


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
        self.countdown = RetryCountdown(
            ctx.ui, self.message, self.unlock_button, self.passphrase, self
        )

    def _submit(self) -> None:
        if self.countdown.waiting or not self.unlock_button.isEnabled():
            return
        self.unlock_button.setEnabled(False)
        self.message.setText(self.ctx.ui("Checking…"))
        self.submitted.emit(self.passphrase.text())

    def failed(self, message: str, delay_seconds: float) -> None:
        """Show why it failed and wait `delay_seconds` before the next try is possible."""
        self.countdown.start(message, delay_seconds)

    def reset(self) -> None:
        """Clear the field and messages for the next use."""
        self.passphrase.clear()
        self.message.setText("")
        self.unlock_button.setEnabled(True)
        self.countdown.stop()
