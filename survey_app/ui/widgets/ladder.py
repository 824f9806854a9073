"""Cantril ladder and EQ-VAS answer widgets: anchor texts around a vertical scale canvas."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout

from survey_app.answers.digits import to_arabic_indic
from survey_app.forms.model import Item
from survey_app.i18n import N_, tr
from survey_app.ui.direction import directed
from survey_app.ui.langs import SessionLanguages
from survey_app.ui.theme import Theme
from survey_app.ui.widgets.base import ANSWERED, DECLINED, AnswerWidget
from survey_app.ui.widgets.option_button import OptionButton
from survey_app.ui.widgets.scale_canvas import LadderCanvas, VasCanvas, VerticalScale


def _anchor(text: str, role: str = "anchor") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
    label.setProperty("role", role)
    return label


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
        if langs.participant == "ar":
            canvas.digits = lambda value: to_arabic_indic(str(value))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        scale = item.scale
        high = langs.label_joined(scale.anchor_high) if scale else ""
        low = langs.label_joined(scale.anchor_low) if scale else ""
        self.high_label = _anchor(high)
        self.low_label = _anchor(low)
        for label in (self.high_label, self.low_label):
            label.setFont(theme.font(theme.option, bold=True))
        self.value_label = _anchor("", "value")
        self.value_label.setFont(theme.font(theme.question, bold=True))
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
            self.value_label.setText("")
            return
        lines = []
        for lang in self.langs.all:
            shown = to_arabic_indic(str(value)) if lang == "ar" else str(value)
            lines.append(directed(tr(lang, self._value_message, value=shown), lang))
        self.value_label.setText("\n".join(dict.fromkeys(lines)))

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
