"""Text direction comes from the language, never from the first character of the text."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QStyle

from survey_app.ui.direction import directed, plain, text_label, visual_alignment
from survey_app.ui.theme import load_fonts


def _ink_columns(label) -> tuple[int, QImage]:
    label.resize(500, 80)
    image = QImage(label.size(), QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    label.render(image)
    for x in range(image.width()):
        if any(image.pixelColor(x, y).lightness() < 128 for y in range(image.height())):
            return x, image
    raise AssertionError("nothing drawn")


def _ink_rows(image: QImage, x0: int, x1: int) -> list[int]:
    return [
        y
        for y in range(image.height())
        if any(image.pixelColor(x, y).lightness() < 128 for x in range(x0, x1))
    ]


def _all_ink_rows(image: QImage) -> list[int]:
    return _ink_rows(image, 0, image.width())


@pytest.mark.parametrize("text", ["123.", "1. نعم.", "PCL-5 اختبار."])
def test_arabic_label_starting_with_digit_or_latin_ends_with_full_stop_at_the_left(qapp, text):
    load_fonts()
    label = text_label(text, "ar")
    first_x, image = _ink_columns(label)
    dot_rows = _ink_rows(image, first_x, first_x + 2)
    text_rows = _all_ink_rows(image)
    # The leftmost glyph is the full stop: its ink sits only at the bottom of the line.
    assert max(dot_rows) - min(dot_rows) < (max(text_rows) - min(text_rows)) / 3


def test_arabic_label_is_laid_out_right_to_left(qapp):
    label = text_label("نص", "ar")
    assert label.layoutDirection() == Qt.LayoutDirection.RightToLeft


def test_norwegian_label_is_laid_out_left_to_right(qapp):
    label = text_label("Tekst", "nb")
    assert label.layoutDirection() == Qt.LayoutDirection.LeftToRight


def test_directed_marks_every_paragraph_and_plain_removes_the_marks():
    text = directed("أ\n1.", "ar")
    assert all(line.startswith("\u200f") for line in text.split("\n"))
    assert plain(text) == "أ\n1."


ALIGN = Qt.AlignmentFlag
ALIGNMENTS = [
    ALIGN(0),
    ALIGN.AlignLeft,
    ALIGN.AlignRight,
    ALIGN.AlignHCenter,
    ALIGN.AlignJustify,
    ALIGN.AlignCenter,
    ALIGN.AlignLeft | ALIGN.AlignTop,
    ALIGN.AlignRight | ALIGN.AlignVCenter,
    ALIGN.AlignLeft | ALIGN.AlignRight,
    ALIGN.AlignAbsolute,
    ALIGN.AlignAbsolute | ALIGN.AlignLeft,
    ALIGN.AlignAbsolute | ALIGN.AlignRight | ALIGN.AlignBottom,
    ALIGN.AlignJustify | ALIGN.AlignRight,
    ALIGN.AlignVCenter,
]


@pytest.mark.parametrize(
    "direction", [Qt.LayoutDirection.LeftToRight, Qt.LayoutDirection.RightToLeft]
)
@pytest.mark.parametrize("alignment", ALIGNMENTS)
def test_visual_alignment_is_qt_own_rule(direction, alignment):
    assert visual_alignment(direction, alignment) == QStyle.visualAlignment(direction, alignment)
