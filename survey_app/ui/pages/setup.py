"""First run: create the staff passphrase and choose the study (or the DEMO study)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from survey_app.ui.context import AppContext
from survey_app.ui.direction import embedded, set_direction
from survey_app.ui.file_dialogs import choose_folder
from survey_app.ui.pages.common import (
    button,
    column,
    footer,
    label,
    reveal,
    scroll_area,
    wrapped,
)

MIN_PASSPHRASE = 8


class SetupPage(QWidget):
    """Asks for a passphrase twice and a study folder; emits `submitted` when both are fine."""

    submitted = Signal(str, object)  # passphrase, study folder (None = DEMO study)

    def __init__(self, ctx: AppContext, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        _ = ctx.ui
        set_direction(self, ctx.staff_language)
        content, body = column(760, ctx.theme.scale)
        body.addWidget(label(_("Set up this laptop"), "title"))
        body.addWidget(
            label(
                _(
                    "Choose a passphrase for the staff. It locks all answers on this laptop. "
                    "Nobody can open them without it, so keep it safe."
                ),
                "subtitle",
            )
        )
        form = QFormLayout()
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setObjectName("passphrase")
        self.repeat = QLineEdit()
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat.setObjectName("repeat")
        form.addRow(label(_("Passphrase (at least 8 characters)")), self.passphrase)
        form.addRow(label(_("Passphrase again")), self.repeat)
        body.addLayout(form)
        body.addWidget(label(_("Study"), "title"))
        self.demo = QRadioButton()
        self.real = QRadioButton()
        group = QButtonGroup(self)
        for choice, text in (
            (self.demo, _("DEMO study (made-up answers only, never real participants)")),
            (self.real, _("A study configuration folder")),
        ):
            group.addButton(choice)
            body.addWidget(wrapped(choice, text))
        self.study_dir: Path | None = ctx.study_dir
        self.real.setChecked(ctx.study_dir is not None)
        self.demo.setChecked(ctx.study_dir is None)
        self.folder_label = label(_shown_folder(ctx.study_dir), "muted")
        browse = button(_("Choose folder…"), name="browse")
        browse.clicked.connect(self._browse)
        body.addWidget(self.folder_label)
        body.addWidget(browse)
        self.message = label("", "error")
        body.addWidget(self.message)
        body.addStretch(1)
        self.create_button = button(_("Create and continue"), primary=True, name="create")
        self.create_button.clicked.connect(self._submit)
        self.repeat.returnPressed.connect(self._submit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll_area(content), 1)
        layout.addWidget(footer(self.create_button, stretch_at=0))

    def _browse(self) -> None:
        folder = choose_folder(
            self, self.ctx.staff_language, self.ctx.ui("Choose the study folder")
        )
        if folder:
            self.study_dir = Path(folder)
            self.folder_label.setText(_shown_folder(self.study_dir))
            self.real.setChecked(True)

    def show_error(self, text: str) -> None:
        """Show a problem and let the staff try again."""
        self.message.setText(text)
        self.create_button.setEnabled(True)
        reveal(self.message)

    def _submit(self) -> None:
        _ = self.ctx.ui
        first, second = self.passphrase.text(), self.repeat.text()
        if len(first) < MIN_PASSPHRASE:
            self.show_error(_("The passphrase must have at least 8 characters."))
            return
        if first != second:
            self.show_error(_("The two passphrases are not the same."))
            return
        if self.real.isChecked() and self.study_dir is None:
            self.show_error(_("Choose the study folder, or the DEMO study."))
            return
        self.message.setText(_("Creating the encrypted store…"))
        self.message.setProperty("role", "muted")
        self.create_button.setEnabled(False)
        self.submitted.emit(first, self.study_dir if self.real.isChecked() else None)


def _shown_folder(folder: Path | None) -> str:
    """A folder's path as shown: marked left to right, or an Arabic page reads «tmp/x/study/»."""
    return embedded(str(folder), "en") if folder is not None else ""
