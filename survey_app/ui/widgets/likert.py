"""Single-choice items (Likert scales, VIA 1-9, consent yes/no) as large labelled buttons."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QAbstractButton, QButtonGroup, QHBoxLayout, QVBoxLayout, QWidget

from survey_app.answers.digits import fold_digits, shown_number
from survey_app.forms.model import Item, Option
from survey_app.ui.langs import SessionLanguages
from survey_app.ui.theme import Theme
from survey_app.ui.widgets.base import ANSWERED, DECLINED, AnswerWidget
from survey_app.ui.widgets.option_button import OptionButton
from survey_app.ui.widgets.tile_grid import TileLayout


def option_text(option: Option, langs: SessionLanguages, show_code: bool) -> str:
    """Return an option's label in the session languages (with its number on numeric scales)."""
    pairs = langs.texts(option.label)
    if show_code:
        pairs = [(lang, _with_code(option.code, text, lang)) for lang, text in pairs]
        pairs = pairs or [(langs.participant, str(option.code))]
    return langs.joined(pairs)


def _with_code(code: int, text: str, language: str) -> str:
    """Put the option's number before its label, unless the label is just that number."""
    number = shown_number(code, language)
    if not text or fold_digits(text, allow_mixed=True).strip() == str(code):
        return text or number
    return f"{number}  {text}"


LONG_WORD = 10  # letters; with large text a word this long needs a wide tile


def columns_for(count: int, theme: Theme, longest_word: int = 0) -> int:
    """Return how many option buttons fit in one row."""
    large = theme.scale >= 1.3
    cols = (count + 1) // 2 if large and count > 5 else count
    return min(cols, 2) if large and longest_word > LONG_WORD else cols


def longest_word(texts: list[str]) -> int:
    """Return the length of the longest word in some labels."""
    return max((len(word) for text in texts for word in text.split()), default=0)


class SingleChoice(AnswerWidget):
    """Exclusive options in canonical code order; the stored value is the option's code."""

    def __init__(
        self,
        item: Item,
        options: tuple[Option, ...],
        langs: SessionLanguages,
        theme: Theme,
        *,
        show_code: bool = False,
        code_order: bool = True,
        decorate: Callable[[int, OptionButton], QWidget] | None = None,
        parent=None,
    ) -> None:
        super().__init__(parent)
        self.item = item
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        self._codes: dict[QAbstractButton, int | None] = {}
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        ordered = sorted(options, key=lambda o: o.code) if code_order else list(options)
        texts = [option_text(option, langs, show_code) for option in ordered]
        # At most this many per row; fewer when a tile's longest word would not fit whole.
        grid = TileLayout(columns_for(len(ordered), theme, longest_word(texts)))
        outer.addLayout(grid)
        font = theme.font(theme.option)
        for option, text in zip(ordered, texts, strict=True):
            button = OptionButton(text)
            button.setFont(font)
            button.setObjectName(f"option_{item.id}_{option.code}")
            self._add(button, option.code)
            # A play button beside the tile where the option's label is recorded (ui/reading.py).
            grid.addWidget(decorate(option.code, button) if decorate else button)
        self.buttons = list(self._codes)
        self.decline_button: OptionButton | None = None
        if item.allow_decline:
            decline = OptionButton(langs.ui_joined("I don't want to answer"), secondary=True)
            decline.setFont(theme.font(theme.pt(12)))
            decline.setObjectName(f"decline_{item.id}")
            self._add(decline, None)
            self.decline_button = decline
            row = QHBoxLayout()
            row.addStretch(1)
            row.addWidget(decline, 0)
            outer.addLayout(row)
        self._group.buttonClicked.connect(self._clicked)

    def _add(self, button: OptionButton, code: int | None) -> None:
        self._codes[button] = code
        self._group.addButton(button)

    def button_for(self, code: int) -> OptionButton:
        """Return the button that stores `code`."""
        return next(b for b, c in self._codes.items() if c == code)

    def _clicked(self, button: QAbstractButton) -> None:
        code = self._codes[button]
        if code is None:
            self.answered.emit(None, DECLINED)
        else:
            self.answered.emit(code, ANSWERED)

    def set_answer(self, value: object, status: str) -> None:
        if status == DECLINED and self.decline_button is not None:
            self.decline_button.setChecked(True)
            return
        for button, code in self._codes.items():
            if code is not None and code == value:
                button.setChecked(True)

    def first_focus(self):
        return self.buttons[0] if self.buttons else self
