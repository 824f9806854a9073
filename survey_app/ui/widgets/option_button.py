"""A large answer button that carries its own (possibly two-language, wrapped) label."""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QFontMetricsF, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QAbstractButton, QSizePolicy, QWidget

from survey_app.ui import theme
from survey_app.ui.direction import LaidOut, lay_out, line_direction

_PAD = 10
_INDICATOR = 22
_CENTRE = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop


class OptionButton(QAbstractButton):
    """A checkable tile: indicator above a centred, word-wrapped label.

    The label is the button's own text, so the meaning of a choice never depends on the column
    it is drawn in or on the layout direction. Each line of a two-language label (marked by
    `direction.directed`) is laid out in its own direction; Arabic lines are drawn larger.
    """

    def __init__(
        self, text: str, *, exclusive: bool = True, secondary: bool = False, parent=None
    ) -> None:
        super().__init__(parent)
        self.setText(text)
        self.setCheckable(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setAttribute(Qt.WidgetAttribute.WA_Hover)  # repainted as the mouse comes and goes
        self._exclusive = exclusive
        self._secondary = secondary
        self._laid: dict[tuple, list[tuple[LaidOut, QFont]]] = {}  # layouts by width and text
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def _text_rect(self, width: int) -> QRect:
        return QRect(_PAD, _PAD + _INDICATOR + 6, max(10, width - 2 * _PAD), 100000)

    def _line_font(self, line: str) -> QFont:
        font = QFont(self.font())
        if line_direction(line, self.layoutDirection()) == Qt.LayoutDirection.RightToLeft:
            font.setPointSizeF(font.pointSizeF() * theme.ARABIC_SCALE)
        return font

    def _lines(self, width: int) -> list[tuple[LaidOut, QFont]]:
        """Each label line laid out in its own direction and font, wrapped to the width."""
        text_width = self._text_rect(width).width()
        key = (text_width, self.text(), self.font().key(), self.layoutDirection())
        cached = self._laid.get(key)
        if cached is not None:
            return cached
        out = []
        for line in self.text().split("\n"):
            font = self._line_font(line)
            direction = line_direction(line, self.layoutDirection())
            out.append((lay_out(line, font, text_width, direction, _CENTRE), font))
        if len(self._laid) > 8:
            self._laid.clear()
        self._laid[key] = out
        return out

    def _text_height(self, width: int) -> int:
        return math.ceil(sum(laid.height for laid, _font in self._lines(width)))

    def heightForWidth(self, width: int) -> int:
        return _PAD * 2 + _INDICATOR + 6 + self._text_height(width)

    def minimumSizeHint(self) -> QSize:
        # The longest word of any line, in the font that line is drawn in, must fit whole.
        widest = _INDICATOR
        for line in self.text().split("\n"):
            metrics = QFontMetricsF(self._line_font(line))
            for word in line.split():
                widest = max(widest, math.ceil(metrics.horizontalAdvance(word)) + 2)
        width = widest + 2 * _PAD
        return QSize(width, self.heightForWidth(width))

    def sizeHint(self) -> QSize:
        metrics = QFontMetrics(self.font())
        lines = self.text().split("\n")
        width = max(QFontMetrics(self._line_font(ln)).horizontalAdvance(ln) for ln in lines)
        width = max(110, min(width + 2 * _PAD, metrics.averageCharWidth() * 22))
        width = max(width, self.minimumSizeHint().width())
        return QSize(width, self.heightForWidth(width))

    def paint_text(self, painter: QPainter) -> None:
        """Draw the label lines (also used by the layout check on a larger canvas)."""
        colour = theme.TEXT if not self._secondary else theme.MUTED
        painter.setPen(QColor(colour))
        rect = self._text_rect(self.width())
        y = float(rect.y())
        for laid, font in self._lines(self.width()):
            painter.setFont(font)
            laid.layout.draw(painter, QPointF(rect.x(), y))
            y += laid.height

    def text_drawing(self):
        """How the layout check draws this tile's text: inside the tile's border."""
        from survey_app.ui.ink import Drawing

        inner = self.rect().adjusted(3, 3, -3, -3)
        space = QFontMetricsF(self.font()).horizontalAdvance(" ")
        return Drawing(self.paint_text, inner, inner, [], space)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect()).adjusted(1.5, 1.5, -1.5, -1.5)
        checked = self.isChecked()
        # Under the mouse: a tinted tile with the accent border, lighter than the chosen one.
        hovered = self.underMouse() and self.isEnabled() and not checked
        fill = QColor(theme.ACCENT_LIGHT if checked else theme.SURFACE)
        if self._secondary and not checked:
            fill = QColor("#f0f0f0")
        if hovered:
            fill = QColor(theme.HOVER)
        marked = checked or self.hasFocus()
        border = QColor(theme.ACCENT if (marked or hovered) else theme.BORDER)
        painter.setPen(QPen(border, 3 if marked else 2 if hovered else 1.2))
        painter.setBrush(fill)
        painter.drawRoundedRect(rect, 8, 8)
        self._paint_indicator(painter, checked)
        self.paint_text(painter)

    def _paint_indicator(self, painter: QPainter, checked: bool) -> None:
        box = QRectF((self.width() - _INDICATOR) / 2, _PAD, _INDICATOR, _INDICATOR)
        painter.setPen(QPen(QColor(theme.ACCENT), 2))
        painter.setBrush(QColor(theme.SURFACE))
        if self._exclusive:
            painter.drawEllipse(box)
            if checked:
                painter.setBrush(QColor(theme.SELECTED))
                painter.setPen(Qt.PenStyle.NoPen)
                painter.drawEllipse(box.adjusted(5, 5, -5, -5))
            return
        painter.drawRoundedRect(box, 4, 4)
        if checked:
            painter.setPen(QPen(QColor(theme.SELECTED), 3))
            x, y, s = box.x(), box.y(), _INDICATOR
            painter.drawLine(
                int(x + s * 0.2), int(y + s * 0.55), int(x + s * 0.42), int(y + s * 0.78)
            )
            painter.drawLine(
                int(x + s * 0.42), int(y + s * 0.78), int(x + s * 0.8), int(y + s * 0.25)
            )

    def keyPressEvent(self, event) -> None:
        # Enter moves on (handled by the page); Space chooses, as for any button.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.ignore()
            return
        super().keyPressEvent(event)


def make_option(text: str, parent: QWidget | None = None, **kwargs) -> OptionButton:
    """Create an option button (convenience for item widgets)."""
    return OptionButton(text, parent=parent, **kwargs)
