"""Answer tiles in rows of equal width: as many per row as fit whole, never a word cut off.

A fixed grid of eleven country tiles leaves each tile narrower than "أفغانستان" in the Arabic
font, and Qt then cuts the word's first letter off. This layout takes at most `max_columns`
tiles per row, fewer when a tile's longest word would not fit, and balances the rows (eleven
tiles in two rows of six and five rather than ten and one). Rows run in the reading direction.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QWidget


class TileLayout(QLayout):
    """Equal-width tiles, row by row, as many per row as fit (up to max_columns)."""

    def __init__(self, max_columns: int, parent: QWidget | None = None, spacing: int = 8) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self.max_columns = max(1, max_columns)
        self.setSpacing(spacing)
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def _shown(self) -> list[QLayoutItem]:
        # Options a choice_filter hides leave no gap: the others close up.
        return [i for i in self._items if not (i.widget() is not None and i.widget().isHidden())]

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation.Horizontal

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), place=False)

    def minimumSize(self) -> QSize:
        widest = max((i.minimumSize().width() for i in self._shown()), default=0)
        margins = self.contentsMargins()
        return QSize(widest + margins.left() + margins.right(), 0)

    def sizeHint(self) -> QSize:
        hint = self.minimumSize()
        shown = self._shown()
        wide = sum(i.sizeHint().width() for i in shown[: self.max_columns])
        wide += self.spacing() * max(0, min(len(shown), self.max_columns) - 1)
        return QSize(max(hint.width(), wide), self.heightForWidth(max(hint.width(), wide)))

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, place=True)

    def columns(self, width: int) -> int:
        """How many tiles go in one row at this width (rows balanced)."""
        shown = self._shown()
        count = len(shown)
        if count == 0:
            return 1
        widest = max(i.minimumSize().width() for i in shown)
        space = self.spacing()
        fit = max(1, (width + space) // (widest + space)) if widest > 0 else count
        cols = min(count, self.max_columns, fit)
        rows = math.ceil(count / cols)
        return math.ceil(count / rows)

    def _arrange(self, rect: QRect, *, place: bool) -> int:
        margins = self.contentsMargins()
        inner = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        shown = self._shown()
        if not shown:
            return margins.top() + margins.bottom()
        cols = self.columns(inner.width())
        space = self.spacing()
        tile = max(1, (inner.width() - space * (cols - 1)) // cols)
        rtl = self.parentWidget() is not None and self.parentWidget().isRightToLeft()
        y = inner.y()
        for start in range(0, len(shown), cols):
            row = shown[start : start + cols]
            height = max(
                i.heightForWidth(tile) if i.hasHeightForWidth() else i.sizeHint().height()
                for i in row
            )
            if place:
                for column, item in enumerate(row):
                    offset = column * (tile + space)
                    x = inner.right() + 1 - offset - tile if rtl else inner.x() + offset
                    item.setGeometry(QRect(QPoint(x, y), QSize(tile, height)))
            y += height + space
        return y - space - rect.y() + margins.bottom()
