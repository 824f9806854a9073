"""The layout check sees what Qt clips away: cut letters, short right margins, shortened texts."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage, QRegion
from PySide6.QtWidgets import QLabel, QWidget

from survey_app.ui.direction import directed, text_label
from survey_app.ui.ink import MARGIN, drawing_of, ink_alpha
from survey_app.ui.layout_check import clipped_texts
from survey_app.ui.theme import Theme, load_fonts
from survey_app.ui.widgets.option_button import OptionButton
from survey_app.ui.widgets.tile_grid import TileLayout

ARABIC = (
    "كيف نحمي إجاباتك؟ لا يُكتب اسمك على الاستبيان، بل رقم مشارك فقط. القائمة التي تربط "
    "الرقم باسمك تُحفظ منفصلة عن الإجابات وفي مكان مقفل."
)


def _plain_label(text: str, direction: Qt.LayoutDirection) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setLayoutDirection(direction)
    return label


def _shown(widget: QWidget, width: int) -> QWidget:
    """Put a widget alone in a window of a given width, at the height it asks for."""
    load_fonts()
    holder = QWidget()
    widget.setParent(holder)
    widget.setFont(Theme().font(16))
    widget.resize(width, widget.heightForWidth(width))
    holder.resize(widget.size())
    holder.show()
    return holder


def test_plain_qlabel_drawing_is_reproduced_exactly_so_the_check_judges_what_qt_draws(qtbot):
    label = _plain_label(directed(ARABIC, "ar"), Qt.LayoutDirection.RightToLeft)
    holder = _shown(label, 420)
    qtbot.addWidget(holder)
    real = QImage(label.size(), QImage.Format.Format_ARGB32_Premultiplied)
    real.fill(Qt.GlobalColor.transparent)
    label.render(real, QPoint(0, 0), QRegion(), QWidget.RenderFlag.DrawChildren)
    bits = np.frombuffer(real.constBits(), dtype=np.uint8)
    alpha = bits.reshape(real.height(), real.bytesPerLine() // 4, 4)[:, : real.width(), 3]
    again = ink_alpha(label, drawing_of(label))[MARGIN:-MARGIN, MARGIN:-MARGIN]
    assert alpha.any()
    assert np.array_equal(alpha, again)


def test_wrapped_arabic_in_a_plain_qlabel_is_reported_short_of_its_right_margin(qtbot):
    holder = _shown(_plain_label(directed(ARABIC, "ar"), Qt.LayoutDirection.RightToLeft), 420)
    qtbot.addWidget(holder)
    found = "\n".join(clipped_texts(holder))
    assert "short of the right margin" in found


def test_wrapped_arabic_in_a_text_label_reaches_its_right_margin(qtbot):
    holder = _shown(text_label(ARABIC, "ar"), 420)
    qtbot.addWidget(holder)
    assert clipped_texts(holder) == []


def test_a_letter_hanging_over_the_edge_of_a_plain_label_is_reported_cut_off(qtbot):
    holder = _shown(_plain_label("Jeg samtykker i å delta.", Qt.LayoutDirection.LeftToRight), 420)
    qtbot.addWidget(holder)
    assert "beyond its left edge" in "\n".join(clipped_texts(holder))


def test_a_text_label_keeps_the_hanging_letter_inside(qtbot):
    holder = _shown(text_label("Jeg samtykker i å delta.", "nb"), 420)
    qtbot.addWidget(holder)
    assert clipped_texts(holder) == []


def test_a_text_shortened_with_an_ellipsis_is_reported(qtbot):
    holder = _shown(text_label("Hvor mange år har du gått på skole eller stud…", "nb"), 600)
    qtbot.addWidget(holder)
    assert "shortened" in "\n".join(clipped_texts(holder))


def test_an_option_tile_narrower_than_its_arabic_word_is_reported(qtbot):
    tile = OptionButton(directed("أفغانستان", "ar"))
    holder = _shown(tile, 200)
    tile.setFixedWidth(60)
    qtbot.addWidget(holder)
    assert any("OptionButton" in p for p in clipped_texts(holder))


def test_an_option_tile_asks_for_the_width_of_its_longest_word_in_the_arabic_size(qtbot):
    tile = OptionButton(directed("أفغانستان", "ar"))
    holder = _shown(tile, 40)
    width = tile.minimumSizeHint().width()
    tile.resize(width, tile.heightForWidth(width))
    holder.resize(tile.size())
    qtbot.addWidget(holder)
    assert clipped_texts(holder) == []


@pytest.mark.parametrize(("fit", "per_row"), [(11, 11), (6, 6), (10, 6), (4, 4), (5, 4)])
def test_tiles_take_as_many_per_row_as_fit_whole_in_balanced_rows(qtbot, fit, per_row):
    load_fonts()
    holder = QWidget()
    qtbot.addWidget(holder)
    holder.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    grid = TileLayout(11, holder)
    tiles = [OptionButton(directed(f"{n} أفغانستان", "ar")) for n in range(11)]
    for tile in tiles:
        tile.setFont(Theme().font(14))
        grid.addWidget(tile)
    widest = max(t.minimumSizeHint().width() for t in tiles)
    width = fit * widest + (fit - 1) * grid.spacing()
    holder.resize(width, grid.heightForWidth(width))
    holder.show()
    qtbot.waitUntil(lambda: tiles[0].width() > 0)
    assert grid.columns(width) == per_row
    assert all(t.width() >= t.minimumSizeHint().width() for t in tiles)
    # Right to left: the first tile (lowest code) sits at the right end of the first row.
    assert tiles[0].x() > tiles[1].x()
    assert clipped_texts(holder) == []
