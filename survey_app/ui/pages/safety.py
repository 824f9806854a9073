"""The staff-only safety signal after a session: a neutral protocol code, never an answer.

Shown only after the staff passphrase, on a staff page in the staff language, in the same
plain style as every staff page: no colour or wording a participant or a neighbour could read
as a verdict on the answers (docs/safety.md).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from survey_app.ui.context import AppContext
from survey_app.ui.direction import embedded, set_direction
from survey_app.ui.pages.common import button, column, footer, label, scroll_area


class SafetySignalPage(QWidget):
    """Tells staff to follow the study's protocol with the participant who just finished."""

    done = Signal()

    def __init__(self, ctx: AppContext, code: str, parent=None) -> None:
        super().__init__(parent)
        _ = ctx.ui
        set_direction(self, ctx.staff_language)
        content, body = column(760, ctx.theme.scale)
        body.addStretch(1)
        body.addWidget(label(_("Session finished"), "title"))
        self.message = label(
            _(
                "Follow protocol {code} with this participant.",
                code=embedded(code, "en"),
            ),
            "question",
        )
        self.message.setObjectName("safety_signal")
        body.addWidget(self.message)
        body.addStretch(2)
        self.continue_button = button(_("Continue"), primary=True, name="continue")
        self.continue_button.clicked.connect(self.done)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll_area(content), 1)
        layout.addWidget(footer(self.continue_button, stretch_at=0))
