"""Multiple-choice items: checkable labelled buttons; the stored value is the sorted code list."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QVBoxLayout, QWidget

from survey_app.forms.model import Item, Option
from survey_app.ui.langs import SessionLanguages
from survey_app.ui.theme import Theme
from survey_app.ui.widgets.base import ANSWERED, CLEARED, DECLINED, AnswerWidget
from survey_app.ui.widgets.likert import option_text
from survey_app.ui.widgets.option_button import OptionButton


class MultipleChoice(AnswerWidget):
    """Any number of options; "I don't want to answer" clears them and vice versa."""

    def __init__(
        self,
        item: Item,
        options: tuple[Option, ...],
        langs: SessionLanguages,
        theme: Theme,
        decorate: Callable[[int, OptionButton], QWidget] | None = None,
        parent=None,
    ) -> None:
        super().__init__(parent)
        self.item = item
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        grid = QGridLayout()
        grid.setSpacing(8)
        outer.addLayout(grid)
        cols = 1 if theme.scale >= 1.3 else 2
        self._grid, self._cols = grid, cols
        self._tiles: list[QWidget] = []
        self._buttons: dict[int, OptionButton] = {}
        for index, option in enumerate(sorted(options, key=lambda o: o.code)):
            button = OptionButton(option_text(option, langs, False), exclusive=False)
            button.setFont(theme.font(theme.option))
            button.setObjectName(f"option_{item.id}_{option.code}")
            button.clicked.connect(self._changed)
            self._buttons[option.code] = button
            tile = decorate(option.code, button) if decorate else button
            self._tiles.append(tile)
            grid.addWidget(tile, index // cols, index % cols)
        self.buttons = list(self._buttons.values())
        self.decline_button: OptionButton | None = None
        if item.allow_decline:
            decline = OptionButton(
                langs.ui_joined("I don't want to answer"), exclusive=False, secondary=True
            )
            decline.setFont(theme.font(theme.pt(12)))
            decline.setObjectName(f"decline_{item.id}")
            decline.clicked.connect(self._declined)
            self.decline_button = decline
            row = QHBoxLayout()
            row.addStretch(1)
            row.addWidget(decline)
            outer.addLayout(row)

    def regrid(self) -> None:
        """Lay the shown options out again, so options a choice_filter hides leave no hole."""
        for tile in self._tiles:
            self._grid.removeWidget(tile)
        shown = [tile for tile in self._tiles if not tile.isHidden()]
        for index, tile in enumerate(shown):
            self._grid.addWidget(tile, index // self._cols, index % self._cols)

    def button_for(self, code: int) -> OptionButton:
        """Return the button of an option code."""
        return self._buttons[code]

    def _changed(self) -> None:
        codes = sorted(c for c, b in self._buttons.items() if b.isChecked())
        if self.decline_button is not None and codes:
            self.decline_button.setChecked(False)
        if codes:
            self.answered.emit(codes, ANSWERED)
        else:
            self.answered.emit(None, CLEARED)

    def _declined(self, checked: bool) -> None:
        for button in self._buttons.values():
            button.setChecked(False)
        self.answered.emit(None, DECLINED if checked else CLEARED)

    def set_answer(self, value: object, status: str) -> None:
        if status == DECLINED and self.decline_button is not None:
            self.decline_button.setChecked(True)
            return
        for code in value or []:
            if code in self._buttons:
                self._buttons[code].setChecked(True)

    def first_focus(self):
        return self.buttons[0] if self.buttons else self
