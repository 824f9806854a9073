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


def polished_size(widget) -> float:
    widget.ensurePolished()
    return widget.font().pointSizeF()


@pytest.mark.parametrize("role", ["error", "ok"])
def test_arabic_messages_are_set_larger_than_latin_ones(qapp, qtbot, role):
    # Noto Naskh Arabic looks smaller than Noto Sans at the same size: an Arabic error under
    # a field was much smaller than its Norwegian neighbour in the interpreter view.
    from survey_app.ui.direction import language_lines

    prepare_application([], "en", Theme())
    lines = language_lines([("ar", "يرجى كتابة رقم."), ("nb", "Skriv et tall.")], role)
    qtbot.addWidget(lines)
    arabic, norwegian = lines.labels
    assert polished_size(arabic) > polished_size(norwegian)


def test_buttons_with_arabic_text_are_set_larger(qapp, qtbot):
    from survey_app.ui.pages.common import button

    prepare_application([], "en", Theme())
    arabic, norwegian = button("التالي\nNeste"), button("Neste")
    for widget in (arabic, norwegian):
        qtbot.addWidget(widget)
    assert polished_size(arabic) > polished_size(norwegian)


def test_the_staff_corner_stays_small_in_arabic(qapp, qtbot):
    from survey_app.ui.pages.common import button, staff_corner

    prepare_application([], "en", Theme())
    corner, other = staff_corner("ar"), button("التالي")
    for widget in (corner, other):
        qtbot.addWidget(widget)
    assert polished_size(corner) < polished_size(other)


@pytest.mark.parametrize("role", ["value", "anchor"])
def test_a_font_set_on_language_lines_is_not_overridden_for_arabic(qapp, qtbot, role):
    # The scales' readout ("صحتك اليوم: ٦٦") and anchors set their own font; a style sheet
    # size for every Arabic label made the readout smaller than its Norwegian line.
    from survey_app.ui.direction import language_lines

    theme = Theme()
    prepare_application([], "en", theme)
    lines = language_lines([], role, centred=True)
    lines.set_font(theme.font(theme.question, bold=True))
    lines.set_pairs([("ar", "صحتك اليوم: ٦٦"), ("nb", "Din helse i dag: 66")])
    qtbot.addWidget(lines)
    arabic, norwegian = lines.labels
    assert polished_size(arabic) > polished_size(norwegian) >= theme.question


@pytest.fixture
def button_row(qapp, qtbot):
    """A shown, active window holding a plain button, a primary button and two answer tiles."""
    from PySide6.QtWidgets import QHBoxLayout, QWidget

    from survey_app.ui.pages.common import button
    from survey_app.ui.widgets.option_button import OptionButton

    prepare_application([], "en", Theme())
    window = QWidget()
    row = QHBoxLayout(window)
    parts = {
        "plain": button("Back"),
        "primary": button("Next", primary=True),
        "tile": OptionButton("A little"),
        "chosen": OptionButton("A little"),
    }
    for widget in parts.values():
        row.addWidget(widget)
    parts["chosen"].setChecked(True)
    qtbot.addWidget(window)
    window.resize(700, 160)
    window.show()
    window.activateWindow()
    qtbot.waitExposed(window)
    yield parts
    window.close()
    del window


def centre_colour(widget) -> str:
    image = widget.grab().toImage()
    return image.pixelColor(image.width() // 2, image.height() - 12).name()


@pytest.mark.parametrize("name", ["plain", "primary"])
def test_a_button_under_the_mouse_shows_it(qtbot, button_row, name):
    widget = button_row[name]
    before = widget.grab().toImage()
    qtbot.mouseMove(widget)
    qtbot.waitUntil(widget.underMouse)
    assert widget.grab().toImage() != before


def test_an_answer_tile_under_the_mouse_is_tinted_unlike_a_chosen_one(qtbot, button_row):
    tile, chosen = button_row["tile"], button_row["chosen"]
    plain_fill = centre_colour(tile)
    qtbot.mouseMove(tile)
    qtbot.waitUntil(tile.underMouse)
    hovered_fill = centre_colour(tile)
    assert hovered_fill not in (plain_fill, centre_colour(chosen))


def test_the_keyboard_focus_shows_on_a_primary_button(qtbot, button_row):
    primary, other = button_row["primary"], button_row["plain"]
    other.setFocus()
    qtbot.waitUntil(other.hasFocus)
    without = primary.grab().toImage()
    primary.setFocus()
    qtbot.waitUntil(primary.hasFocus)
    assert primary.grab().toImage() != without


@pytest.mark.parametrize("role", ["", "banner", "alert", "error"])
def test_staff_labels_in_arabic_are_set_larger_than_in_norwegian(qapp, qtbot, role):
    # Staff pages build their labels with pages.common.label; with an Arabic staff language
    # (the app laid out right to left) they were Naskh at the Latin size.
    from PySide6.QtCore import Qt

    from survey_app.ui.pages.common import label

    app = prepare_application([], "nb", Theme())
    norwegian = label("Tolkens språk", role)
    app.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    try:
        arabic = label("لغة المترجم", role)
    finally:
        app.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
    for widget in (arabic, norwegian):
        qtbot.addWidget(widget)
    assert polished_size(arabic) > polished_size(norwegian)
