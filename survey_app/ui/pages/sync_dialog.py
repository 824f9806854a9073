"""Staff dialog: enrol this laptop with the research server (address, one-time code, CA file).

The CA certificate file is only for a server whose certificate this laptop's system does not
trust (self-signed, or from an institution's own authority). Its contents are kept with the
enrolment credentials in the encrypted store, like the command line's `sync enrol --cafile`, so
every later sync trusts that server without asking again.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QVBoxLayout,
)

from survey_app.ui.context import AppContext
from survey_app.ui.direction import set_direction
from survey_app.ui.pages.common import button, label


class EnrolDialog(QDialog):
    """Asks for the server address, the enrolment code and, if needed, the server's CA file.

    Stays open until enrolment worked.
    """

    submitted = Signal(str, str, str)  # server address, code, CA file path ("" for none)

    def __init__(self, ctx: AppContext, address: str = "", parent=None) -> None:
        super().__init__(parent)
        _ = ctx.ui
        set_direction(self, ctx.staff_language)
        self.setWindowTitle(_("Connect to the research server"))
        self.setModal(True)
        self.ctx = ctx
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
        self.ca_file = QLineEdit()
        self.ca_file.setObjectName("ca_file")
        self.ca_file.setPlaceholderText(_("Not needed for most servers"))
        self.choose_ca_button = button(_("Choose…"), name="choose_ca_file")
        self.choose_ca_button.clicked.connect(self.choose_ca_file)
        ca_row = QHBoxLayout()
        ca_row.addWidget(self.ca_file, 1)
        ca_row.addWidget(self.choose_ca_button)
        form.addRow(label(_("Server address")), self.address)
        form.addRow(label(_("Enrolment code")), self.code)
        form.addRow(label(_("CA certificate file")), ca_row)
        layout.addLayout(form)
        ca_hint = label(
            _(
                "Only for a server with its own certificate (self-signed or from your "
                "institution): the file from the study administrator. It is remembered for "
                "every later sync."
            ),
            "second",
        )
        ca_hint.setObjectName("ca_file_hint")
        layout.addWidget(ca_hint)
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
        # Wider and taller with the text size (200 % text wrapped the hint out of sight).
        self._width = max(self.sizeHint().width(), round(560 * max(1.0, ctx.theme.scale)))
        self._fit()

    def _fit(self) -> None:
        """Give every (wrapped) text its height, e.g. once a refusal is shown."""
        width = max(self.width(), self._width)
        self.resize(width, max(self.height(), self.sizeHint().height(), self.heightForWidth(width)))

    def _submit(self) -> None:
        if not self.code.text().strip():
            self.code.setFocus()
            return
        self.set_busy(True)
        self.message.setText("")
        self.submitted.emit(self.address.text(), self.code.text(), self.ca_file.text().strip())

    def choose_ca_file(self) -> None:
        """Let staff pick the CA certificate file (PEM) they were given."""
        path, _filter = QFileDialog.getOpenFileName(
            self,
            self.ctx.ui("Choose the server's CA certificate file"),
            "",
            self.ctx.ui("Certificates (*.pem *.crt *.cer);;All files (*)"),
        )
        if path:
            self.ca_file.setText(path)

    def set_busy(self, busy: bool) -> None:
        """Disable the inputs while the server is asked."""
        widgets = (self.address, self.code, self.ca_file, self.choose_ca_button, self.enrol_button)
        for widget in widgets:
            widget.setEnabled(not busy)

    def show_error(self, text: str) -> None:
        """Say why enrolment failed; the dialog stays open for another try."""
        self.set_busy(False)
        self.message.setText(text)
        self.layout().activate()
        self._fit()
