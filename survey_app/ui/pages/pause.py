"""The staff menu of a paused session: back to it, the interpreter's language, or the dashboard.

Reached only through the staff passphrase (Ctrl+Shift+P or the footer's Staff button on a
participant's page). It shows who the session is for, never an answer.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QVBoxLayout, QWidget

from survey_app.ui.context import NATIVE_NAMES, AppContext, language_name
from survey_app.ui.direction import embedded, set_direction
from survey_app.ui.pages.common import button, column, footer, label, scroll_area

PAUSE_SHORTCUT = "Ctrl+Shift+P"


class PausePage(QWidget):
    """Emits what staff chose; the main window does it (store first) and reports back."""

    resume_requested = Signal()
    dashboard_requested = Signal()
    interpreter_chosen = Signal(object)  # a language code, or None for no interpreter

    def __init__(self, ctx: AppContext, session, languages: tuple[str, ...], parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        _ = ctx.ui
        set_direction(self, ctx.staff_language)
        content, body = column(760, ctx.theme.scale)
        body.addWidget(label(_("Session paused"), "title"))
        timepoints = ctx.study.library.protocol.timepoints if ctx.study else {}
        tp = timepoints.get(session.timepoint)
        tp_name = tp.label.get(ctx.staff_language) if tp else session.timepoint
        body.addWidget(
            label(
                _(
                    "Participant {code}, {timepoint}. The answers stay as they are; the session "
                    "goes on at the same page.",
                    code=embedded(session.participant_code, "en"),
                    timepoint=embedded(tp_name or session.timepoint, ctx.staff_language),
                ),
                "subtitle",
            )
        )
        box = QWidget()
        form = QFormLayout(box)
        self.interpreter = QComboBox()
        self.interpreter.setObjectName("interpreter")
        self.interpreter.addItem(_("No interpreter"), None)
        for lang in languages:
            if lang != session.language:
                self.interpreter.addItem(embedded(NATIVE_NAMES.get(lang, lang), lang), lang)
        self.interpreter.setCurrentIndex(
            max(0, self.interpreter.findData(session.interpreter_language))
        )
        self.interpreter.activated.connect(
            lambda _index: self.interpreter_chosen.emit(self.interpreter.currentData())
        )
        form.addRow(label(_("Interpreter's language")), self.interpreter)
        body.addWidget(box)
        body.addWidget(
            label(_("The pages show the interpreter's language beside the participant's."), "muted")
        )
        self.message = label("", "ok")
        self.message.setObjectName("message")
        body.addWidget(self.message)
        body.addStretch(1)
        self.resume_button = button(_("Back to the session"), primary=True, name="resume")
        self.resume_button.clicked.connect(self.resume_requested)
        self.dashboard_button = button(_("Pause and show the dashboard"), name="dashboard")
        self.dashboard_button.clicked.connect(self.dashboard_requested)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll_area(content), 1)
        layout.addWidget(footer(self.dashboard_button, self.resume_button, stretch_at=1))

    def show_interpreter(self, language: str | None) -> None:
        """Confirm the interpreter's language now in use (None: off)."""
        _ = self.ctx.ui
        self.interpreter.setCurrentIndex(max(0, self.interpreter.findData(language)))
        if language is None:
            text = _("The interpreter's language is off.")
        else:
            name = embedded(
                language_name(language, self.ctx.staff_language), self.ctx.staff_language
            )
            text = _("The interpreter's language is on: {name}.", name=name)
        self.message.setProperty("role", "ok")
        self.message.setText(text)

    def show_error(self, text: str) -> None:
        """Say why the choice could not be made; the session is unchanged."""
        self.message.setProperty("role", "error")
        self.message.setText(text)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
