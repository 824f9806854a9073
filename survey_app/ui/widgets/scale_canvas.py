"""Vertical scale drawing surfaces (Cantril ladder, EQ-VAS) whose top is always the maximum.

The vertical axis never mirrors: in Arabic too the highest value is drawn at the top. Only the
side on which numbers are written follows the reading direction.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from survey_app.ui import theme

_MARGIN = 14


class VerticalScale(QWidget):
    """A value picked along a vertical axis by mouse, touch or keyboard; None until chosen."""

    valueChosen = Signal(int)

    def __init__(self, minimum: int, maximum: int, step_px: float, parent=None) -> None:
        super().__init__(parent)
        self.minimum = minimum
        self.maximum = maximum
        self._step_px = step_px
        self.value: int | None = None
        self.digits = str  # how numbers are written (Arabic sessions use Arabic-Indic digits)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents, True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def margin(self) -> float:
        """Space above the maximum and below the minimum: half a line of numbers at least."""
        return max(float(_MARGIN), QFontMetricsF(self.font()).height() / 2 + 2)

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == event.Type.FontChange:
            self.updateGeometry()

    def sizeHint(self) -> QSize:
        return QSize(320, round(self.track_length() + 2 * self.margin()))

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def track_length(self) -> float:
        """Return the drawn length of the scale in pixels."""
        return self._step_px * (self.maximum - self.minimum)

    def y_for(self, value: float) -> float:
        """Return the widget y of a value: the maximum is at the top."""
        top = self.margin()
        frac = (value - self.minimum) / (self.maximum - self.minimum)
        return top + (1.0 - frac) * self.track_length()

    def value_at(self, y: float) -> int:
        """Return the value under a widget y, clamped to the scale."""
        frac = 1.0 - (y - self.margin()) / self.track_length()
        value = round(self.minimum + frac * (self.maximum - self.minimum))
        return max(self.minimum, min(self.maximum, value))

    def set_value(self, value: int | None, *, emit: bool = True) -> None:
        """Set (or clear) the chosen value."""
        if value is not None:
            value = max(self.minimum, min(self.maximum, value))
        changed = value != self.value
        self.value = value
        self.update()
        if emit and changed and value is not None:
            self.valueChosen.emit(value)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.setFocus(Qt.FocusReason.MouseFocusReason)
            self.set_value(self.value_at(event.position().y()))

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self.set_value(self.value_at(event.position().y()))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        steps = {
            Qt.Key.Key_Up: 1,
            Qt.Key.Key_Down: -1,
            Qt.Key.Key_PageUp: self.page_step(),
            Qt.Key.Key_PageDown: -self.page_step(),
        }
        key = Qt.Key(event.key())
        if key in steps:
            start = self.value
            if start is None:
                start = self.minimum if steps[key] > 0 else self.maximum
                self.set_value(start)
            else:
                self.set_value(start + steps[key])
        elif key == Qt.Key.Key_Home:
            self.set_value(self.maximum)
        elif key == Qt.Key.Key_End:
            self.set_value(self.minimum)
        else:
            super().keyPressEvent(event)

    def prepare(self) -> None:
        """Do drawing work that can be done before the widget is shown (nothing by default)."""

    def page_step(self) -> int:
        """Return the PageUp/PageDown step."""
        return 10 if self.maximum - self.minimum > 20 else 3

    def number_x(self, track_x: float, gap: float) -> tuple[float, Qt.AlignmentFlag]:
        """Return where numbers go: on the reading-start side of the track."""
        if self.layoutDirection() == Qt.LayoutDirection.RightToLeft:
            return track_x + gap, Qt.AlignmentFlag.AlignLeft
        return track_x - gap, Qt.AlignmentFlag.AlignRight

    def paint_number(self, painter: QPainter, x: float, y: float, text: str, align) -> None:
        """Draw a number centred vertically at y, right- or left-aligned at x (never clipped)."""
        metrics = QFontMetricsF(painter.font())
        width = max(60.0, metrics.horizontalAdvance(text) + 4)
        height = metrics.height() + 2
        left = x - width if align == Qt.AlignmentFlag.AlignRight else x
        rect = QRectF(left, y - height / 2, width, height)
        painter.drawText(rect, align | Qt.AlignmentFlag.AlignVCenter, text)


class LadderCanvas(VerticalScale):
    """The Cantril ladder: rungs min..max, the maximum at the top, the chosen rung filled."""

    def __init__(self, minimum: int, maximum: int, scale: float = 1.0, parent=None) -> None:
        super().__init__(minimum, maximum, 34 * min(scale, 1.3), parent)
        self.setAccessibleName("ladder")

    def track_length(self) -> float:
        return self._rung_height() * (self.maximum - self.minimum + 1)

    def _rung_height(self) -> float:
        # A rung is at least one line of its (bold) number high, whatever the text size.
        bold = QFont(self.font())
        bold.setBold(True)
        return max(self._step_px, QFontMetricsF(bold).height() + 10)

    def y_for(self, value: float) -> float:
        return self.margin() + (self.maximum - value + 0.5) * self._rung_height()

    def margin(self) -> float:
        return float(_MARGIN)  # the numbers are inside the rungs

    def value_at(self, y: float) -> int:
        index = int((y - self.margin()) // self._rung_height())
        return max(self.minimum, min(self.maximum, self.maximum - index))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        width = min(220.0, self.width() * 0.4)
        left = (self.width() - width) / 2
        right = left + width
        top, bottom = self.margin(), self.margin() + self.track_length()
        font = QFont(self.font())
        font.setBold(True)
        painter.setFont(font)
        for value in range(self.minimum, self.maximum + 1):
            y = self.y_for(value)
            half = self._rung_height() / 2 - 3
            cell = QRectF(left + 4, y - half, width - 8, 2 * half)
            chosen = value == self.value
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(theme.SELECTED if chosen else theme.ACCENT_LIGHT))
            painter.drawRoundedRect(cell, 4, 4)
            painter.setPen(QPen(QColor("white" if chosen else theme.TEXT)))
            painter.drawText(cell, Qt.AlignmentFlag.AlignCenter, self.digits(value))
        rail = QPen(QColor("#6b4f2a"), 6)
        rail.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(rail)
        painter.drawLine(QPointF(left, top), QPointF(left, bottom))
        painter.drawLine(QPointF(right, top), QPointF(right, bottom))
        if self.hasFocus():
            painter.setPen(QPen(QColor(theme.ACCENT), 2, Qt.PenStyle.DashLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(QRectF(left - 10, top - 6, width + 20, bottom - top + 12))


class VasCanvas(VerticalScale):
    """EQ-VAS: a vertical line 0..100 with ticks, 100 at the top, and a marker at the value."""

    def __init__(self, minimum: int = 0, maximum: int = 100, scale: float = 1.0, parent=None):
        super().__init__(minimum, maximum, 3.4 * min(scale, 1.3), parent)
        self.setAccessibleName("vas")
        self._cache: tuple[tuple, QPixmap] | None = None

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        # The 101 ticks and 11 numbers are drawn once per size and font, not on every paint.
        painter.drawPixmap(0, 0, self._scale_pixmap())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        x = self.width() / 2
        _num_x, align = self.number_x(x, 34)
        if self.value is not None:
            y = self.y_for(self.value)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(theme.SELECTED))
            painter.drawRoundedRect(QRectF(x - 40, y - 4, 80, 8), 3, 3)
            marker_x = x + 48 if align == Qt.AlignmentFlag.AlignRight else x - 48
            painter.drawEllipse(QPointF(marker_x, y), 8, 8)
        if self.hasFocus():
            painter.setPen(QPen(QColor(theme.ACCENT), 2, Qt.PenStyle.DashLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            top, bottom = self.y_for(self.maximum), self.y_for(self.minimum)
            painter.drawRect(QRectF(x - 60, top - 8, 120, bottom - top + 16))

    def _scale_pixmap(self, size: QSize | None = None) -> QPixmap:
        size = size or self.size()
        ratio = self.devicePixelRatioF()
        key = (size, ratio, self.font().key(), self.layoutDirection(), self.digits)
        if self._cache is not None and self._cache[0] == key:
            return self._cache[1]
        pixmap = QPixmap(size * ratio)
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setFont(self.font())
        # A pixmap painter reads left to right; numbers in two digit systems need the page's.
        painter.setLayoutDirection(self.layoutDirection())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._paint_scale(painter, size.width())
        painter.end()
        self._cache = (key, pixmap)
        return pixmap

    def _paint_scale(self, painter: QPainter, width: int) -> None:
        x = width / 2
        painter.setPen(QPen(QColor(theme.TEXT), 3))
        painter.drawLine(QPointF(x, self.y_for(self.maximum)), QPointF(x, self.y_for(self.minimum)))
        num_x, align = self.number_x(x, 34)
        pens = {
            10: QPen(QColor(theme.TEXT), 2),
            5: QPen(QColor(theme.TEXT), 1.5),
            1: QPen(QColor(theme.MUTED), 1),
        }
        for value in range(self.minimum, self.maximum + 1):
            y = self.y_for(value)
            step = 10 if value % 10 == 0 else 5 if value % 5 == 0 else 1
            half = {10: 22, 5: 13, 1: 7}[step]
            painter.setPen(pens[step])
            painter.drawLine(QPointF(x - half, y), QPointF(x + half, y))
            if step == 10:
                self.paint_number(painter, num_x, y, self.digits(value), align)

    def prepare(self) -> None:
        """Draw the scale now (the page is being built ahead), not when it is first shown.

        A page built ahead is laid out inside its scroll area only when shown; the canvas
        then gets its size hint (it is centred, never stretched), so draw it for that size.
        """
        self._scale_pixmap(self.sizeHint())
