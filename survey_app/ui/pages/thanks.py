"""The thank-you page; only staff can leave it (the Staff button asks for the passphrase)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from survey_app.i18n import N_
from survey_app.ui.langs import SessionLanguages
from survey_app.ui.pages.common import button, column, footer, scroll_area
from survey_app.ui.pages.review import text_label_joined


class ThanksPage(QWidget):
    """Shows thanks; nothing on it leads back to the answers or to the dashboard."""

    staff_requested = Signal()

    def __init__(self, langs: SessionLanguages, staff_text: str, *, declined: bool, parent=None):
        super().__init__(parent)
        content, body = column(900)
        body.addStretch(1)
        body.addWidget(text_label_joined(langs, "Thank you!", "title", centred=True))
        message = (
            N_("You have chosen not to take part. Nothing you answered will be used.")
            if declined
            else N_("Your answers are saved and locked. Nobody at this meeting can read them.")
        )
        body.addWidget(text_label_joined(langs, message, "question", centred=True))
        hand = N_("Please give the laptop back to the staff.")
        body.addWidget(text_label_joined(langs, hand, "subtitle", centred=True))
        body.addStretch(2)
        self.staff_button = button(staff_text, name="staff")
        self.staff_button.clicked.connect(self.staff_requested)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll_area(content), 1)
        layout.addWidget(footer(self.staff_button, stretch_at=0))
