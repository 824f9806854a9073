"""Find text that is cut off or misplaced: too small for its text, outside view, ink cut, short.

Used by the tests (200 % text, interpreter view) and by the screenshot tool. Vertical overflow
inside a scroll area is fine (the page scrolls); anything wider than the visible width is not
(nobody scrolls sideways to read the end of a sentence).

Besides sizes, the text of every label and option tile is drawn again on a canvas larger than
the widget (`survey_app.ui.ink`), so that ink Qt would clip at the widget's edge becomes visible:
a first Arabic letter or a final full stop cut off, wrapped right-to-left lines that stop short
of their right margin, and texts shortened with "…".
"""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QLabel,
    QPushButton,
    QWidget,
)

from survey_app.ui.direction import plain
from survey_app.ui.ink import ink_problems

_SLACK = 1  # pixels of rounding tolerated
ELLIPSIS = "…"


def _name(widget: QWidget, text: str) -> str:
    short = plain(text).replace("\n", " / ")
    short = short if len(short) <= 40 else short[:39] + "…"
    return f"{type(widget).__name__} {widget.objectName() or ''} «{short}»"


def _label_problem(label: QLabel) -> str:
    text = label.text()
    rect = label.contentsRect()
    if any(plain(line).rstrip().endswith(ELLIPSIS) for line in text.split("\n")):
        return "text shortened with «…» (show it whole, wrapped)"
    if label.wordWrap():
        need = label.heightForWidth(label.width())
        if need > label.height() + _SLACK:
            return f"needs {need}px height, has {label.height()}px"
        widest = label.minimumSizeHint().width()
        if widest > label.width() + _SLACK:
            return f"a word needs {widest}px width, has {label.width()}px"
        return ""
    metrics = label.fontMetrics()
    lines = text.split("\n")
    wide = max(metrics.horizontalAdvance(line) for line in lines)
    if wide > rect.width() + _SLACK:
        return f"needs {wide}px width, has {rect.width()}px"
    tall = metrics.lineSpacing() * len(lines)
    if tall > rect.height() + metrics.leading() + _SLACK + 2:
        return f"needs {tall}px height, has {rect.height()}px"
    return ""


def _button_problem(button: QAbstractButton) -> str:
    if button.sizePolicy().hasHeightForWidth():
        need = button.heightForWidth(button.width())
        if need > button.height() + _SLACK:
            return f"needs {need}px height, has {button.height()}px"
        wide = button.minimumSizeHint().width()
        if wide > button.width() + _SLACK:
            return f"needs {wide}px width, has {button.width()}px"
        return ""
    hint = button.sizeHint()
    if isinstance(button, QPushButton) or button.text():
        if hint.width() > button.width() + _SLACK:
            return f"needs {hint.width()}px width, has {button.width()}px"
        if hint.height() > button.height() + _SLACK:
            return f"needs {hint.height()}px height, has {button.height()}px"
    return ""


def _outside(widget: QWidget, root: QWidget) -> str:
    """Check the widget against every ancestor that clips it, up to root."""
    child, rect = widget, QRect(widget.rect())
    while child is not root and child.parentWidget() is not None:
        parent = child.parentWidget()
        rect = rect.translated(child.pos())
        area = parent.parentWidget()
        if isinstance(area, QAbstractScrollArea) and parent is area.viewport():
            # Inside a scroll area: vertical overflow scrolls, the width must fit the viewport.
            if rect.left() < -_SLACK or rect.right() >= parent.width() + _SLACK:
                return "wider than the visible area (sideways scrolling)"
            child, rect = area, QRect(area.rect())
            continue
        if not parent.rect().adjusted(-_SLACK, -_SLACK, _SLACK, _SLACK).contains(rect):
            return f"cut off by {type(parent).__name__} {parent.objectName()}".rstrip()
        child = parent
    return ""


def clipped_texts(root: QWidget) -> list[str]:
    """Return a description of every visible label or button under root whose text is cut off."""
    found: list[str] = []
    widgets = [w for w in root.findChildren(QWidget) if isinstance(w, QLabel | QAbstractButton)]
    for widget in widgets:
        if not widget.isVisibleTo(root) or not widget.text():
            continue
        check = _label_problem if isinstance(widget, QLabel) else _button_problem
        problem = check(widget) or _outside(widget, root)
        problems = [problem] if problem else ink_problems(widget)
        found.extend(f"{_name(widget, widget.text())}: {p}" for p in problems)
    return found
