"""Where the ink of a widget's text really falls: drawn again on a canvas larger than the widget.

Qt clips every widget at its edges, so a cut-off first letter never shows up in a screenshot
as "outside"; it is simply missing. Here the same text is drawn the same way (our own labels
and tiles through their `paint_text`, a plain QLabel as QLabel draws it, a push button through
its style) on a transparent canvas with room around it, and the alpha channel says where the
ink is. Used by `survey_app.ui.layout_check`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QImage, QPainter
from PySide6.QtWidgets import (
    QAbstractButton,
    QLabel,
    QPushButton,
    QStyle,
    QStyleOptionButton,
    QWidget,
)

from survey_app.ui.direction import TextLabel, lay_out

MARGIN = 32  # canvas pixels around the widget
INK = 64  # alpha from which a pixel counts as ink (fainter anti-aliasing fringes do not)
OUTSIDE_SLACK = 1  # pixels of ink tolerated outside the box


@dataclass(frozen=True)
class Drawing:
    """How to draw a widget's text, where its ink must stay, and its flush lines."""

    paint: Callable[[QPainter], None]
    box: QRect  # ink beyond it is cut off
    margins: QRect  # the text rectangle: flush lines touch its left or right side
    flush: list[tuple[float, float, str]]  # (top y, bottom y, "left"/"right") per line
    space: float  # width of a space in the widget's font


def _first_strong_rtl(text: str) -> bool:
    """QLabel's rule for the direction of plain text: its first strong character."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return False
        if kind in ("R", "AL"):
            return True
    return False


def _flush_lines(widget: QLabel, direction: Qt.LayoutDirection) -> list[tuple[float, float, str]]:
    """The line boxes of a label whose lines should touch its left or right margin."""
    align = QStyle.visualAlignment(direction, widget.alignment())
    if align & Qt.AlignmentFlag.AlignHCenter or align & Qt.AlignmentFlag.AlignJustify:
        return []
    side = "right" if align & Qt.AlignmentFlag.AlignRight else "left"
    if (side == "right") != (direction == Qt.LayoutDirection.RightToLeft):
        return []  # ragged side: lines of text that ends there never line up
    margin = widget.margin()
    rect = widget.contentsRect().adjusted(margin, margin, -margin, -margin)
    laid = lay_out(
        widget.text(),
        widget.font(),
        rect.width(),
        direction,
        widget.alignment(),
        wrap=widget.wordWrap(),
    )
    top = float(rect.top())
    if widget.alignment() & Qt.AlignmentFlag.AlignBottom:
        top += rect.height() - laid.height
    elif widget.alignment() & Qt.AlignmentFlag.AlignVCenter:
        top += (rect.height() - laid.height) / 2
    out = []
    for index in range(laid.layout.lineCount()):
        line = laid.layout.lineAt(index)
        if line.textLength() > 0:
            out.append((top + line.y(), top + line.y() + line.height(), side))
    return out


def _plain_label(label: QLabel) -> Drawing | None:
    """A QLabel's plain text, drawn the way QLabel.paintEvent draws it."""
    if label.textFormat() == Qt.TextFormat.RichText or label.textInteractionFlags() & (
        Qt.TextInteractionFlag.TextSelectableByMouse
    ):
        return None
    rtl = _first_strong_rtl(label.text())
    direction = Qt.LayoutDirection.RightToLeft if rtl else Qt.LayoutDirection.LeftToRight
    flags = QStyle.visualAlignment(direction, label.alignment()).value
    if label.wordWrap():
        flags |= Qt.TextFlag.TextWordWrap.value
    force = Qt.TextFlag.TextForceRightToLeft if rtl else Qt.TextFlag.TextForceLeftToRight
    flags |= force.value
    margin = label.margin()
    rect = label.contentsRect().adjusted(margin, margin, -margin, -margin)

    def paint(painter: QPainter) -> None:
        painter.setFont(label.font())
        painter.setPen(QColor("black"))
        painter.drawText(rect, flags, label.text())

    flush = _flush_lines(label, direction)
    return Drawing(paint, label.rect(), rect, flush, _space(label))


def _text_label(label: TextLabel) -> Drawing:
    flush = _flush_lines(label, label.layoutDirection())
    return Drawing(label.paint_text, label.rect(), label.text_rect(), flush, _space(label))


def _push_button(button: QPushButton) -> Drawing:
    option = QStyleOptionButton()
    button.initStyleOption(option)

    def paint(painter: QPainter) -> None:
        button.style().drawControl(
            QStyle.ControlElement.CE_PushButtonLabel, option, painter, button
        )

    box = button.rect().adjusted(1, 1, -1, -1)
    return Drawing(paint, box, box, [], _space(button))


def _space(widget: QWidget) -> float:
    return QFontMetricsF(widget.font()).horizontalAdvance(" ")


def drawing_of(widget: QWidget) -> Drawing | None:
    """How the text of a label or button is drawn (None: a kind this check does not know)."""
    own = getattr(widget, "text_drawing", None)
    if callable(own):
        return own()
    if isinstance(widget, TextLabel):
        return _text_label(widget)
    if isinstance(widget, QLabel):
        return _plain_label(widget)
    if isinstance(widget, QPushButton):
        return _push_button(widget)
    return None


def ink_alpha(widget: QWidget, drawing: Drawing) -> np.ndarray:
    """Alpha of the text drawn on a transparent canvas MARGIN pixels larger on every side."""
    image = QImage(
        widget.width() + 2 * MARGIN,
        widget.height() + 2 * MARGIN,
        QImage.Format.Format_ARGB32_Premultiplied,
    )
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setLayoutDirection(widget.layoutDirection())
    painter.translate(MARGIN, MARGIN)
    drawing.paint(painter)
    painter.end()
    data = np.frombuffer(image.constBits(), dtype=np.uint8)
    rows = data.reshape(image.height(), image.bytesPerLine() // 4, 4)
    return rows[:, : image.width(), 3].copy()  # little-endian ARGB32: byte 3 is alpha


def ink_problems(widget: QAbstractButton | QLabel) -> list[str]:
    """Describe ink outside the widget's box and flush lines that stop short of their margin."""
    if widget.width() <= 0 or widget.height() <= 0:
        return []
    drawing = drawing_of(widget)
    if drawing is None:
        return []
    alpha = ink_alpha(widget, drawing) >= INK
    problems = _outside(alpha, drawing.box)
    problems += _short_of_margin(alpha, drawing)
    return problems


def _outside(ink: np.ndarray, box: QRect) -> list[str]:
    ys, xs = np.nonzero(ink)
    if xs.size == 0:
        return []
    left = box.left() + MARGIN - OUTSIDE_SLACK
    right = box.right() + MARGIN + OUTSIDE_SLACK
    top = box.top() + MARGIN - OUTSIDE_SLACK
    bottom = box.bottom() + MARGIN + OUTSIDE_SLACK
    found = []
    for side, beyond in (
        ("left", left - int(xs.min())),
        ("right", int(xs.max()) - right),
        ("top", top - int(ys.min())),
        ("bottom", int(ys.max()) - bottom),
    ):
        if beyond > 0:
            found.append(f"ink {beyond}px beyond its {side} edge (letters cut off)")
    return found


def _short_of_margin(ink: np.ndarray, drawing: Drawing) -> list[str]:
    """Lines that should be flush with a margin but start a space or more inside it."""
    tolerance = max(2.0, 0.6 * drawing.space)
    edge_left = drawing.margins.left() + MARGIN
    edge_right = drawing.margins.right() + MARGIN
    found = []
    for number, (top, bottom, side) in enumerate(drawing.flush, start=1):
        y0 = max(0, round(top) + MARGIN)
        y1 = min(ink.shape[0], round(bottom) + MARGIN)
        cols = np.nonzero(ink[y0:y1].any(axis=0))[0]
        if cols.size == 0:
            continue
        gap = edge_right - int(cols.max()) if side == "right" else int(cols.min()) - edge_left
        if gap > tolerance:
            found.append(f"line {number} stops {gap}px short of the {side} margin")
    return found
