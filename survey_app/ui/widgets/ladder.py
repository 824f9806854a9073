"""Cantril ladder and EQ-VAS answer widgets: anchor texts around a vertical scale canvas."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout

from survey_app.answers.digits import shown_number
from survey_app.forms.model import Item
from survey_app.i18n import N_, tr
from survey_app.ui.direction import LanguageLines, language_lines
from survey_app.ui.langs import SessionLanguages
from survey_app.ui.theme import Theme
from survey_app.ui.widgets.base import ANSWERED, DECLINED, AnswerWidget
from survey_app.ui.widgets.option_button import OptionButton
from survey_app.ui.widgets.scale_canvas import LadderCanvas, VasCanvas, VerticalScale


def _anchor(pairs: list[tuple[str, str]], font: QFont, role: str = "anchor") -> LanguageLines:
    block = language_lines(pairs, role, centred=True)
    block.set_font(font)
    return block


def scale_number(value: int, langs: SessionLanguages) -> str:
    """A scale number in the digits of every session language, participant's first.

    With an interpreter (ar + nb) the participant reads ٧ and the interpreter 7 on the same
    rung; a language whose digits are the same adds nothing. Bidi shows the Western digits
    on the left and the Arabic-Indic ones on the right in both directions, so each reader
    meets their own first.
    """
    shown: list[str] = []
    for lang in langs.all:
        text = shown_number(value, lang)
        if text not in shown:
            shown.append(text)
    return " · ".join(shown)


class VerticalScaleAnswer(AnswerWidget):
    """High anchor above, the canvas, low anchor below, the chosen value, optional decline."""

    def __init__(
        self,
        item: Item,
        canvas: VerticalScale,
        langs: SessionLanguages,
        theme: Theme,
        value_message: str,
        parent=None,
    ) -> None:
        super().__init__(parent)
        self.item = item
        self.langs = langs
        self.canvas = canvas
        self._value_message = value_message
        canvas.setFont(theme.font(theme.option))
        canvas.digits = lambda value: scale_number(value, langs)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        scale = item.scale
        anchor_font = theme.font(theme.option, bold=True)
        self.high_label = _anchor(langs.texts(scale.anchor_high if scale else None), anchor_font)
        self.low_label = _anchor(langs.texts(scale.anchor_low if scale else None), anchor_font)
        self.value_label = _anchor([], theme.font(theme.question, bold=True), "value")
        layout.addWidget(self.high_label)
        layout.addWidget(canvas, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.low_label)
        layout.addWidget(self.value_label)
        self.decline_button: OptionButton | None = None
        if item.allow_decline:
            decline = OptionButton(langs.ui_joined("I don't want to answer"), secondary=True)
            decline.setFont(theme.font(theme.pt(12)))
            decline.setObjectName(f"decline_{item.id}")
            decline.clicked.connect(self._declined)
            self.decline_button = decline
            row = QHBoxLayout()
            row.addStretch(1)
            row.addWidget(decline)
            layout.addLayout(row)
        canvas.valueChosen.connect(self._chosen)
        self._show_value()

    def _show_value(self) -> None:
        value = self.canvas.value
        if value is None:
            self.value_label.set_pairs([])
            return
        self.value_label.set_pairs(
            [
                (lang, tr(lang, self._value_message, value=shown_number(value, lang)))
                for lang in self.langs.all
            ]
        )

    def _chosen(self, value: int) -> None:
        if self.decline_button is not None:
            self.decline_button.setChecked(False)
        self._show_value()
        self.answered.emit(value, ANSWERED)

    def _declined(self, checked: bool) -> None:
        self.canvas.set_value(None, emit=False)
        self._show_value()
        if checked:
            self.answered.emit(None, DECLINED)

    def set_answer(self, value: object, status: str) -> None:
        if status == DECLINED and self.decline_button is not None:
            self.decline_button.setChecked(True)
        elif isinstance(value, int):
            self.canvas.set_value(value, emit=False)
        self._show_value()

    def first_focus(self):
        return self.canvas


def ladder_answer(item: Item, langs: SessionLanguages, theme: Theme) -> VerticalScaleAnswer:
    """Build the Cantril ladder for an item (its scale gives min, max and anchors)."""
    low, high = (item.scale.min, item.scale.max) if item.scale else (1, 10)
    canvas = LadderCanvas(low, high, theme.scale)
    return VerticalScaleAnswer(item, canvas, langs, theme, N_("Your answer: {value}"))


def vas_answer(item: Item, langs: SessionLanguages, theme: Theme) -> VerticalScaleAnswer:
    """Build the EQ-VAS scale for an item."""
    low, high = (item.scale.min, item.scale.max) if item.scale else (0, 100)
    canvas = VasCanvas(low, high, theme.scale)
    return VerticalScaleAnswer(item, canvas, langs, theme, N_("Your health today: {value}"))
