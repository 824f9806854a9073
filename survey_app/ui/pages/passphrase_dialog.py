"""Staff dialog: change the store passphrase (old once, new twice); the store re-keys itself."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QFormLayout, QHBoxLayout, QLineEdit, QVBoxLayout

from survey_app.i18n import Counted
from survey_app.store.unlock import MIN_PASSPHRASE_LENGTH, PASSPHRASE_TOO_SHORT
from survey_app.ui.context import AppContext
from survey_app.ui.direction import set_direction
from survey_app.ui.pages.common import button, label
from survey_app.ui.pages.countdown import RetryCountdown


class PassphraseDialog(QDialog):
    """Checks length and repetition here; the old passphrase is checked by the store."""

    submitted = Signal(str, str)  # old, new

    def __init__(self, ctx: AppContext, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        _ = ctx.ui
        set_direction(self, ctx.staff_language)
        self.setWindowTitle(_("Change the staff passphrase"))
        self.setModal(True)
        layout = QVBoxLayout(self)
        layout.addWidget(
            label(
                _(
                    "The new passphrase locks all answers on this laptop from now on. Tell it "
                    "only to the staff who use this laptop. Nothing stored is lost."
                )
            )
        )
        form = QFormLayout()
        self.old = self._field("old_passphrase")
        self.new = self._field("new_passphrase")
        self.repeat = self._field("repeat_passphrase")
        form.addRow(label(_("Current passphrase")), self.old)
        form.addRow(
            label(
                _(
                    Counted(
                        "New passphrase (at least {count} character)",
                        "New passphrase (at least {count} characters)",
                    ),
                    count=MIN_PASSPHRASE_LENGTH,
                )
            ),
            self.new,
        )
        form.addRow(label(_("New passphrase again")), self.repeat)
        layout.addLayout(form)
        self.message = label("", "error")
        self.message.setObjectName("passphrase_message")
        layout.addWidget(self.message)
        row = QHBoxLayout()
        self.cancel_button = button(_("Cancel"), name="passphrase_cancel")
        self.change_button = button(_("Change passphrase"), primary=True, name="passphrase_ok")
        self.cancel_button.clicked.connect(self.reject)
        self.change_button.clicked.connect(self._submit)
        self.repeat.returnPressed.connect(self._submit)
        row.addStretch(1)
        row.addWidget(self.cancel_button)
        row.addWidget(self.change_button)
        layout.addLayout(row)
        self.countdown = RetryCountdown(ctx.ui, self.message, self.change_button, self.old, self)
        # Wide enough for the wrapped labels at any text size, tall enough for their lines.
        width = max(self.sizeHint().width(), round(600 * max(1.0, ctx.theme.scale)))
        self.resize(width, max(self.sizeHint().height(), self.heightForWidth(width)))

    @staticmethod
    def _field(name: str) -> QLineEdit:
        field = QLineEdit()
        field.setObjectName(name)
        field.setEchoMode(QLineEdit.EchoMode.Password)
        return field

    def _submit(self) -> None:
        _ = self.ctx.ui
        if self.countdown.waiting or not self.change_button.isEnabled():
            return
        old, new, again = self.old.text(), self.new.text(), self.repeat.text()
        if not old:
            self.message.setText(_("Enter the current passphrase."))
            self.old.setFocus()
            return
        if len(new) < MIN_PASSPHRASE_LENGTH:
            self.message.setText(_(PASSPHRASE_TOO_SHORT, count=MIN_PASSPHRASE_LENGTH))
            self.new.setFocus()
            return
        if new != again:
            self.message.setText(_("The two new passphrases are not the same."))
            self.repeat.clear()
            self.repeat.setFocus()
            return
        if new == old:
            self.message.setText(_("The new passphrase is the same as the current one."))
            return
        self.message.setText(_("Changing the passphrase…"))
        self.set_busy(True)
        self.submitted.emit(old, new)

    def set_busy(self, busy: bool) -> None:
        """Disable the inputs while the store re-keys."""
        for widget in (self.old, self.new, self.repeat, self.change_button, self.cancel_button):
            widget.setEnabled(not busy)

    def failed(self, message: str, delay_seconds: float = 0.0) -> None:
        """Say why it failed; after a wrong passphrase wait before the next try."""
        self.set_busy(False)
        self.countdown.start(message, delay_seconds)
