"""Building blocks shared by pages: scrolling content, titles, button rows."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)


def scroll_area(content: QWidget) -> QScrollArea:
    """Wrap content so that nothing is cut off at small screens or large text."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    area.setWidget(content)
    return area


def column(max_width: int = 1100) -> tuple[QWidget, QVBoxLayout]:
    """Return a content widget whose vertical layout is centred and at most max_width wide."""
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
    if primary:
        widget.setProperty("role", "primary")
    if name:
        widget.setObjectName(name)
    widget.setAutoDefault(False)
    return widget


def label(text: str, role: str = "", *, wrap: bool = True) -> QLabel:
    """Create a plain-text label with a style role."""
    widget = QLabel(text)
    widget.setTextFormat(Qt.TextFormat.PlainText)
    widget.setWordWrap(wrap)
    if role:
        widget.setProperty("role", role)
    return widget


def footer(*widgets: QWidget, stretch_at: int = 1) -> QWidget:
    """A bottom bar: widgets before `stretch_at` sit at the start, the rest at the end."""
    bar = QFrame()
    bar.setObjectName("footer")
    bar.setStyleSheet("QFrame#footer { background: #ffffff; border-top: 1px solid #b8c0c8; }")
    row = QHBoxLayout(bar)
    row.setContentsMargins(24, 10, 24, 10)
    for index, widget in enumerate(widgets):
        if index == stretch_at:
            row.addStretch(1)
        row.addWidget(widget)
    if stretch_at >= len(widgets):
        row.addStretch(1)
    return bar
