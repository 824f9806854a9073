"""Staff dialog: close a session left unfinished, with a reason (it is sealed as `abandoned`)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QDialog, QFormLayout, QHBoxLayout, QLineEdit, QVBoxLayout

from survey_app.i18n import N_
from survey_app.store.device_store import ABANDON_REASONS, MAX_NOTE_LENGTH
from survey_app.ui.context import AppContext
from survey_app.ui.direction import embedded, set_direction
from survey_app.ui.pages.common import button, label

REASON_MESSAGES = {
    "participant_left": N_("The participant left"),
    "participant_unwell": N_("The participant was unwell or upset"),
    "out_of_time": N_("The meeting ran out of time"),
    "technical_problem": N_("A technical problem"),
    "other": N_("Another reason (write it below)"),
}


class CloseUnfinishedDialog(QDialog):
    """Emits `submitted(reason, note)`; the owner closes the session and reports back."""

    submitted = Signal(str, str)

    def __init__(self, ctx: AppContext, code: str, timepoint: str, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        _ = ctx.ui
        set_direction(self, ctx.staff_language)
        self.setWindowTitle(_("Close an unfinished session"))
        self.setModal(True)
        layout = QVBoxLayout(self)
        layout.addWidget(
            label(
                _(
                    "The session of {code} ({timepoint}) is closed and sealed with the answers "
                    "given so far, as the participant consented. It cannot be continued "
                    "afterwards. The data manager sees it as closed unfinished.",
                    code=embedded(code, "en"),
                    timepoint=timepoint,
                )
            )
        )
        form = QFormLayout()
        self.reason = QComboBox()
        self.reason.setObjectName("close_reason")
        self.reason.addItem(_("Choose a reason"), None)
        for reason in ABANDON_REASONS:
            self.reason.addItem(_(REASON_MESSAGES[reason]), reason)
        self.note = QLineEdit()
        self.note.setObjectName("close_note")
        self.note.setMaxLength(MAX_NOTE_LENGTH)
        self.note.setPlaceholderText(_("No names or other personal details"))
        self.reason.currentIndexChanged.connect(lambda _index: self.message.setText(""))
        form.addRow(label(_("Reason")), self.reason)
        form.addRow(label(_("Note (optional)")), self.note)
        layout.addLayout(form)
        self.message = label("", "error")
        self.message.setObjectName("close_message")
        layout.addWidget(self.message)
        row = QHBoxLayout()
        self.cancel_button = button(_("Cancel"), name="close_cancel")
        self.close_button = button(_("Close the session"), primary=True, name="close_ok")
        self.cancel_button.clicked.connect(self.reject)
        self.close_button.clicked.connect(self._submit)
        row.addStretch(1)
        row.addWidget(self.cancel_button)
        row.addWidget(self.close_button)
        layout.addLayout(row)
        width = max(self.sizeHint().width(), round(620 * max(1.0, ctx.theme.scale)))
        self.resize(width, max(self.sizeHint().height(), self.heightForWidth(width)))

    def _submit(self) -> None:
        _ = self.ctx.ui
        reason = self.reason.currentData()
        note = " ".join(self.note.text().split())
        if reason is None:
            self.message.setText(_("Choose why the session is closed."))
            self.reason.setFocus()
            return
        if reason == "other" and not note:
            self.message.setText(_("Write a short reason."))
            self.note.setFocus()
            return
        self.message.setText(_("Closing and sealing the session…"))
        self.set_busy(True)
        self.submitted.emit(reason, note)

    def set_busy(self, busy: bool) -> None:
        """Disable the inputs while the store seals the session."""
        for widget in (self.reason, self.note, self.close_button, self.cancel_button):
            widget.setEnabled(not busy)

    def failed(self, message: str) -> None:
        """Say why it could not be closed; nothing changed."""
        self.set_busy(False)
        self.message.setText(message)
