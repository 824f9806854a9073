"""A large answer button that carries its own (possibly two-language, wrapped) label."""

from __future__ import annotations

from PySide6.QtCore import QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QAbstractButton, QSizePolicy, QWidget

from survey_app.ui import theme
from survey_app.ui.direction import RLM

_PAD = 10
_INDICATOR = 22
_FLAGS = Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop


class OptionButton(QAbstractButton):
    """A checkable tile: indicator above a centred, word-wrapped label.

    The label is the button's own text, so the meaning of a choice never depends on the column
    it is drawn in or on the layout direction.
    """

    def __init__(
        self, text: str, *, exclusive: bool = True, secondary: bool = False, parent=None
    ) -> None:
        super().__init__(parent)
        self.setText(text)
        self.setCheckable(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self._exclusive = exclusive
        self._secondary = secondary
        self._heights: dict[tuple[int, str, str], int] = {}
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def _text_rect(self, width: int) -> QRect:
        return QRect(_PAD, _PAD + _INDICATOR + 6, max(10, width - 2 * _PAD), 100000)

    def _line_font(self, line: str) -> QFont:
        font = QFont(self.font())
        if line.startswith(RLM):
            font.setPointSizeF(font.pointSizeF() * theme.ARABIC_SCALE)
        return font

    def _lines(self, width: int) -> list[tuple[str, QFont, int]]:
        """Each label line with its font and wrapped height (Arabic lines drawn larger)."""
        rect = self._text_rect(width)
        out = []
        for line in self.text().split("\n"):
            font = self._line_font(line)
            height = QFontMetrics(font).boundingRect(rect, _FLAGS, line).height()
            out.append((line, font, height))
        return out

    def _text_height(self, width: int) -> int:
        return sum(h for _l, _f, h in self._lines(width))

    def heightForWidth(self, width: int) -> int:
        return _PAD * 2 + _INDICATOR + 6 + self._text_height(width)

    def minimumSizeHint(self) -> QSize:
        metrics = QFontMetrics(self.font())
        longest_word = max(
            (metrics.horizontalAdvance(w) for w in self.text().split()), default=_INDICATOR
        )
        width = min(longest_word, metrics.averageCharWidth() * 14) + 2 * _PAD
        return QSize(width, self.heightForWidth(width))

    def sizeHint(self) -> QSize:
        metrics = QFontMetrics(self.font())
        lines = self.text().split("\n")
        width = max(metrics.horizontalAdvance(line) for line in lines) + 2 * _PAD
        width = max(110, min(width, metrics.averageCharWidth() * 22))
        return QSize(width, self.heightForWidth(width))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect()).adjusted(1.5, 1.5, -1.5, -1.5)
        checked = self.isChecked()
        fill = QColor(theme.ACCENT_LIGHT if checked else theme.SURFACE)
        if self._secondary and not checked:
            fill = QColor("#f0f0f0")
        border = QColor(theme.ACCENT if (checked or self.hasFocus()) else theme.BORDER)
        painter.setPen(QPen(border, 3 if checked or self.hasFocus() else 1.2))
        painter.setBrush(fill)
        painter.drawRoundedRect(rect, 8, 8)
        self._paint_indicator(painter, checked)
        painter.setPen(QColor(theme.TEXT if not self._secondary else theme.MUTED))
        rect = self._text_rect(self.width())
        for line, font, height in self._lines(self.width()):
            painter.setFont(font)
            painter.drawText(QRect(rect.x(), rect.y(), rect.width(), height), _FLAGS, line)
            rect.translate(0, height)

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
