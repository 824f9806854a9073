"""Staff dialog: enrol this laptop with the research server (address + one-time code)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QFormLayout, QHBoxLayout, QLineEdit, QVBoxLayout

from survey_app.ui.context import AppContext
from survey_app.ui.direction import set_direction
from survey_app.ui.pages.common import button, label


class EnrolDialog(QDialog):
    """Asks for the server address and the enrolment code; stays open until enrolment worked."""

    submitted = Signal(str, str)  # server address, code

    def __init__(self, ctx: AppContext, address: str = "", parent=None) -> None:
        super().__init__(parent)
        _ = ctx.ui
        set_direction(self, ctx.staff_language)
        self.setWindowTitle(_("Connect to the research server"))
        self.setModal(True)
        layout = QVBoxLayout(self)
        layout.addWidget(
            label(
                _(
                    "This laptop is not connected to the research server yet. Enter the "
                    "server address and the one-time code from the study administrator."
                )
            )
        )
        form = QFormLayout()
        self.address = QLineEdit(address)
        self.address.setObjectName("server_address")
        self.address.setPlaceholderText("https://")
        self.code = QLineEdit()
        self.code.setObjectName("enrol_code")
        self.code.setPlaceholderText("XXXX-XXXX-XXXX")
        form.addRow(label(_("Server address")), self.address)
        form.addRow(label(_("Enrolment code")), self.code)
        layout.addLayout(form)
        self.message = label("", "error")
        self.message.setObjectName("enrol_message")
        layout.addWidget(self.message)
        row = QHBoxLayout()
        self.cancel_button = button(_("Cancel"), name="enrol_cancel")
        self.enrol_button = button(_("Connect"), primary=True, name="enrol")
        self.cancel_button.clicked.connect(self.reject)
        self.enrol_button.clicked.connect(self._submit)
        row.addStretch(1)
        row.addWidget(self.cancel_button)
        row.addWidget(self.enrol_button)
        layout.addLayout(row)
        self.resize(560, self.sizeHint().height())

    def _submit(self) -> None:
        if not self.code.text().strip():
            self.code.setFocus()
            return
        self.set_busy(True)
        self.message.setText("")
        self.submitted.emit(self.address.text(), self.code.text())

    def set_busy(self, busy: bool) -> None:
        """Disable the inputs while the server is asked."""
        for widget in (self.address, self.code, self.enrol_button):
            widget.setEnabled(not busy)

    def show_error(self, text: str) -> None:
        """Say why enrolment failed; the dialog stays open for another try."""
        self.set_busy(False)
        self.message.setText(text)
