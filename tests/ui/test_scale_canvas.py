"""The EQ-VAS scale is drawn once per size, font and direction, and never shows a stale drawing."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont

from survey_app.answers.digits import to_arabic_indic
from survey_app.ui.widgets.scale_canvas import VasCanvas


def _drawn(canvas: VasCanvas):
    return canvas.grab().toImage()


def _fresh(qtbot, size, *, direction=Qt.LayoutDirection.LeftToRight, font=None, digits=str):
    canvas = VasCanvas()
    qtbot.addWidget(canvas)
    canvas.setLayoutDirection(direction)
    if font is not None:
        canvas.setFont(font)
    canvas.digits = digits
    canvas.resize(size)
    return canvas


def test_a_resized_scale_looks_like_one_drawn_at_that_size(qtbot):
    canvas = _fresh(qtbot, VasCanvas().sizeHint())
    _drawn(canvas)
    canvas.resize(canvas.width() + 80, canvas.height())
    assert _drawn(canvas) == _drawn(_fresh(qtbot, canvas.size()))


def test_a_scale_turned_right_to_left_puts_its_numbers_on_the_other_side(qtbot):
    canvas = _fresh(qtbot, VasCanvas().sizeHint())
    left_to_right = _drawn(canvas)
    canvas.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    mirrored = _drawn(canvas)
    assert mirrored != left_to_right
    fresh = _fresh(qtbot, canvas.size(), direction=Qt.LayoutDirection.RightToLeft)
    assert mirrored == _drawn(fresh)


def test_new_digits_and_a_bigger_font_are_drawn_not_the_old_ones(qtbot):
    canvas = _fresh(qtbot, VasCanvas().sizeHint())
    _drawn(canvas)
    arabic = lambda value: to_arabic_indic(str(value))  # noqa: E731
    big = QFont(canvas.font())
    big.setPointSize(big.pointSize() + 6)
    canvas.digits = arabic
    canvas.setFont(big)
    fresh = _fresh(qtbot, canvas.size(), font=big, digits=arabic)
    assert _drawn(canvas) == _drawn(fresh)


def test_the_chosen_value_is_drawn_over_the_scale(qtbot):
    canvas = _fresh(qtbot, VasCanvas().sizeHint())
    empty = _drawn(canvas)
    canvas.set_value(70)
    chosen = _drawn(canvas)
    canvas.set_value(None, emit=False)
    assert chosen != empty
    assert _drawn(canvas) == empty
