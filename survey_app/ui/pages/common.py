"""Building blocks shared by pages: scrolling content, titles, button rows."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractButton,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from survey_app.i18n import tr
from survey_app.ui.direction import TextLabel

# Arabic script (letters, not the Arabic-Indic digits alone): the button text gets the bigger size.
ARABIC_LETTER = re.compile("[\u0620-\u064a\u0671-\u06d3]")


def reveal(widget: QWidget) -> None:
    """Scroll the page so that a message just shown is in sight (it may sit below the fold,
    e.g. under a long form or at 200 % text), once its new text has been laid out."""

    def scroll() -> None:
        parent = widget.parentWidget()
        while parent is not None and not isinstance(parent, QScrollArea):
            parent = parent.parentWidget()
        if parent is not None and isValid(widget):
            parent.ensureWidgetVisible(widget, 10, 40)

    QTimer.singleShot(0, scroll)


def scroll_area(content: QWidget) -> QScrollArea:
    """Wrap content so that nothing is cut off at small screens or large text."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    area.setWidget(content)
    return area


def column(max_width: int = 1100, scale: float = 1.0) -> tuple[QWidget, QVBoxLayout]:
    """Return a content widget whose vertical layout is centred and at most max_width wide.

    With larger text (`scale` > 1) the column may grow in proportion, so that labels and
    fields keep the same number of words per line instead of being cut or squeezed.
    """
    max_width = round(max_width * max(1.0, scale))
    content = QWidget()
    outer = QHBoxLayout(content)
    outer.setContentsMargins(24, 18, 24, 18)
    inner_widget = QWidget()
    inner_widget.setMaximumWidth(max_width)
    inner = QVBoxLayout(inner_widget)
    inner.setContentsMargins(0, 0, 0, 0)
    inner.setSpacing(14)
    outer.addWidget(inner_widget, 1)
    return content, inner


def button(text: str, *, primary: bool = False, name: str = "") -> QPushButton:
    """Create a push button (primary buttons are filled with the accent colour)."""
    widget = QPushButton(text)
    if ARABIC_LETTER.search(text):
        # Arabic script looks smaller than Latin at the same size (theme.ARABIC_SCALE).
        widget.setProperty("lang", "ar")
    if primary:
        widget.setProperty("role", "primary")
    if name:
        widget.setObjectName(name)
    widget.setAutoDefault(False)
    return widget


def staff_corner(language: str) -> QPushButton:
    """A quiet Staff button for a participant page's footer: the touch way to the pause gate.

    It does what Ctrl+Shift+P does, so it only opens the staff passphrase gate; a participant
    who taps it can go no further. No Tab stop: a participant tabbing to Next never lands on it.
    """
    widget = button(tr(language, "Staff"), name="staff_corner")
    widget.setProperty("role", "staff")
    widget.setAccessibleName(tr(language, "Staff only: pause the session"))
    widget.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
    return widget


def gap(width: int = 32) -> QWidget:
    """Empty room in a button row, so that a tap meant for one button does not hit its neighbour."""
    widget = QWidget()
    widget.setFixedWidth(width)
    return widget


def label(text: str, role: str = "", *, wrap: bool = True) -> QLabel:
    """Create a plain-text label with a style role, laid out in its page's direction."""
    widget = TextLabel(text)
    widget.setTextFormat(Qt.TextFormat.PlainText)
    widget.setWordWrap(wrap)
    if role:
        widget.setProperty("role", role)
    if QGuiApplication.layoutDirection() == Qt.LayoutDirection.RightToLeft:
        # Staff pages in Arabic (the only right-to-left staff language): Naskh reads small at
        # the Latin size, so these labels take the Arabic sizes of the style sheet.
        widget.setProperty("lang", "ar")
        if not role:
            widget.setProperty("role", "plain")
    return widget


def footer(*widgets: QWidget, stretch_at: int = 1) -> QWidget:
    """A bottom bar: widgets before `stretch_at` sit at the start, the rest at the end."""
    bar = QFrame()
    bar.setObjectName("footer")
    row = QHBoxLayout(bar)
    row.setContentsMargins(24, 10, 24, 10)
    for index, widget in enumerate(widgets):
        if index == stretch_at:
            row.addStretch(1)
        row.addWidget(widget)
    if stretch_at >= len(widgets):
        row.addStretch(1)
    return bar


class _ToggleLabel(TextLabel):
    """A wrapped label that works as the text of a check box or radio button."""

    def __init__(self, text: str, target: QAbstractButton) -> None:
        super().__init__(text)
        self._target = target
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        self.setBuddy(target)

    def mouseReleaseEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._target.isEnabled():
            self._target.click()
        super().mouseReleaseEvent(event)


def wrapped(box: QAbstractButton, text: str) -> QWidget:
    """Put a check box or radio button beside a word-wrapped label (Qt's own text never wraps).

    The label is the box's text for people and for assistive technology (accessible name);
    clicking it acts like clicking the box. Disable the returned row to disable both.
    """
    box.setText("")
    box.setAccessibleName(text)
    row = QWidget()
    line = QHBoxLayout(row)
    line.setContentsMargins(0, 0, 0, 0)
    line.setSpacing(10)
    line.addWidget(box, 0, Qt.AlignmentFlag.AlignTop)
    text_label = _ToggleLabel(text, box)
    text_label.setObjectName(f"{box.objectName()}_text" if box.objectName() else "")
    text_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    line.addWidget(text_label, 1)
    return row
