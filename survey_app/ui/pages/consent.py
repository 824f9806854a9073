"""The consent page: information text, then each consent statement answered yes or no."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout, QWidget

from survey_app.forms.model import Form, ItemType
from survey_app.i18n import N_
from survey_app.ui.direction import language_lines
from survey_app.ui.langs import SessionLanguages
from survey_app.ui.pages.common import button, column, footer, scroll_area, staff_corner
from survey_app.ui.reading import PageReading, Reader
from survey_app.ui.theme import Theme
from survey_app.ui.widgets.base import ANSWERED
from survey_app.ui.widgets.item_view import LISTEN_TEXT, ItemView, texts_block, with_play


class ConsentPage(QWidget):
    """Neither answer is preselected; Continue is possible once every statement is answered.

    Continue after a "no" to a required statement first asks "are you sure?" on the page;
    nothing is recorded until the participant confirms (going back keeps the page as it was).
    """

    accepted = Signal(dict)  # item_id -> 1/0, every required statement answered yes
    declined = Signal(dict)  # at least one required statement answered no

    def __init__(
        self,
        form: Form,
        langs: SessionLanguages,
        theme: Theme,
        parent=None,
        reader: Reader | None = None,
    ) -> None:
        super().__init__(parent)
        self.form = form
        self.langs = langs
        # Recorded readings of the information text and the statements (ui/reading.py).
        self.reading = PageReading(form, langs, reader)
        self.decisions: dict[str, int] = {}
        self.views: dict[str, ItemView] = {}
        content, body = column()
        title = texts_block(form.title, langs, "title")
        if title is not None:
            body.addWidget(title)
        intro = texts_block(form.instructions, langs, "subtitle")
        if intro is not None:
            clip = self.reading.instructions_clip()
            play = self.reading.button(clip, "play_instructions", LISTEN_TEXT) if clip else None
            body.addWidget(with_play(play, intro))
        for item in form.items:
            view = ItemView(item, langs, theme, reading=self.reading)
            self.views[item.id] = view
            body.addWidget(view)
            if item.type is ItemType.CONSENT and view.answer is not None:
                view.answer.answered.connect(
                    lambda value, _status, item_id=item.id: self._decided(item_id, value)
                )
        self.hint = language_lines([], "muted")
        body.addWidget(self.hint)
        body.addStretch(1)
        self.continue_button = button(langs.ui_joined("Continue"), primary=True, name="continue")
        self.continue_button.setEnabled(False)
        self.continue_button.clicked.connect(self._continue)
        self.confirm_bar = self._confirm_bar(langs)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(scroll_area(content), 1)
        layout.addWidget(self.confirm_bar)
        self.staff_corner = staff_corner(langs.participant)
        layout.addWidget(footer(self.staff_corner, self.continue_button))
        self._update()

    def _confirm_bar(self, langs: SessionLanguages) -> QFrame:
        """The "are you sure?" question, above the buttons; hidden until it is asked."""
        bar = QFrame()
        bar.setObjectName("decline_confirm")
        bar.setProperty("role", "card")
        lines = QVBoxLayout(bar)
        lines.setContentsMargins(24, 12, 24, 12)
        lines.addWidget(
            language_lines(langs.ui("Have you decided for sure not to take part?"), "subtitle")
        )
        lines.addWidget(
            language_lines(
                langs.ui(
                    "If so, the session ends here and no questions are asked. "
                    "Nothing has been saved yet."
                ),
                "muted",
            )
        )
        self.cancel_decline_button = button(
            langs.ui_joined("No, I want to go back"), name="cancel_decline"
        )
        self.confirm_decline_button = button(
            langs.ui_joined("Yes, I do not want to take part"), primary=True, name="confirm_decline"
        )
        self.cancel_decline_button.clicked.connect(self._cancel_decline)
        self.confirm_decline_button.clicked.connect(self._confirm_decline)
        row = QHBoxLayout()
        row.addWidget(self.cancel_decline_button)
        row.addStretch(1)
        row.addWidget(self.confirm_decline_button)
        lines.addLayout(row)
        bar.hide()
        return bar

    @property
    def statements(self) -> list[str]:
        return [i.id for i in self.form.items if i.type is ItemType.CONSENT]

    def restore(self, decisions: dict[str, int]) -> None:
        """Show decisions made on an earlier drawing of this page (languages switched)."""
        for item_id, value in decisions.items():
            answer = self.views[item_id].answer
            if answer is not None:
                answer.set_answer(value, ANSWERED)
            self._decided(item_id, value)

    def _decided(self, item_id: str, value: int) -> None:
        self.decisions[item_id] = value
        self._ask(False)  # an answer changed: the question asked before no longer stands
        self._update()

    def refused(self) -> bool:
        """Return True when a required statement is answered no."""
        required = [i for i in self.form.items if i.type is ItemType.CONSENT and i.required]
        required = required or [i for i in self.form.items if i.type is ItemType.CONSENT][:1]
        return any(self.decisions.get(i.id) == 0 for i in required)

    def _update(self) -> None:
        complete = all(s in self.decisions for s in self.statements)
        self.continue_button.setEnabled(complete)
        if not complete:
            message = N_("Please answer yes or no to each statement.")
        elif self.refused():
            message = N_("You have chosen not to take part. Press Continue to finish.")
        else:
            message = ""
        self.hint.set_pairs(self.langs.ui(message) if message else [])

    def _continue(self) -> None:
        if self.refused():
            self._ask(True)
            self.cancel_decline_button.setFocus()
        else:
            self.accepted.emit(dict(self.decisions))

    @property
    def asking(self) -> bool:
        """True while "are you sure?" is shown."""
        return not self.confirm_bar.isHidden()

    def _ask(self, asking: bool) -> None:
        self.confirm_bar.setVisible(asking)
        self.continue_button.setVisible(not asking)

    def _cancel_decline(self) -> None:
        """Back to the statements as they were answered; nothing is recorded."""
        self._ask(False)
        refused = next((i for i in self.statements if self.decisions.get(i) == 0), None)
        answer = self.views[refused].answer if refused is not None else None
        (answer.first_focus() if answer is not None else self.continue_button).setFocus()

    def _confirm_decline(self) -> None:
        # The question stays on screen while the decline is recorded (and for a retry if the
        # store refuses it).
        self.declined.emit(dict(self.decisions))
