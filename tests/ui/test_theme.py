"""The app's style sheet keeps every text readable, including a combo box's highlighted entry."""

from __future__ import annotations

from collections import Counter

import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox

from survey_app.ui.app import prepare_application
from survey_app.ui.context import NATIVE_NAMES
from survey_app.ui.theme import Theme


@pytest.fixture
def language_combo(qapp, qtbot):
    prepare_application([], "en", Theme())
    combo = QComboBox()
    for lang in ("nb", "en", "ar"):
        combo.addItem(NATIVE_NAMES[lang], lang)
    qtbot.addWidget(combo)
    combo.show()
    combo.showPopup()
    yield combo
    combo.hidePopup()


def row_colours(combo: QComboBox, row: int) -> list[QColor]:
    view = combo.view()
    index = view.model().index(row, 0)
    rect = view.visualRect(index)
    image = view.viewport().grab(rect).toImage()
    return [image.pixelColor(x, y) for x in range(image.width()) for y in range(image.height())]


def background(colours: list[QColor]) -> QColor:
    """The row's most frequent colour."""
    return QColor(Counter(c.name() for c in colours).most_common(1)[0][0])


def text_contrast(colours: list[QColor]) -> int:
    """How far the pixel most unlike the row's background is from it, in lightness (0-255)."""
    ground = background(colours).lightness()
    return max(abs(c.lightness() - ground) for c in colours)


@pytest.mark.parametrize("row", [0, 1, 2])
def test_highlighted_language_entry_shows_its_text(language_combo, row):
    # The entry under the mouse is the view's current index: it was drawn white on white.
    view = language_combo.view()
    view.setCurrentIndex(view.model().index(row, 0))
    assert text_contrast(row_colours(language_combo, row)) > 120


def test_highlighted_language_entry_is_told_apart_from_the_others(language_combo):
    view = language_combo.view()
    view.setCurrentIndex(view.model().index(1, 0))
    highlighted = background(row_colours(language_combo, 1))
    plain = background(row_colours(language_combo, 2))
    assert highlighted.name() != plain.name()
