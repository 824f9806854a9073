"""The common shape of answer widgets: they report (value, status) and can show a saved answer."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

ANSWERED = "answered"
DECLINED = "declined"
CLEARED = "cleared"


class AnswerWidget(QWidget):
    """Base class: emits `answered(value, status)` when the participant gives or changes an answer.

    status is "answered", "declined" (value None) or "cleared" (the answer was removed).
    """

    answered = Signal(object, str)

    def set_answer(self, value: object, status: str) -> None:
        """Show a previously saved answer without emitting `answered`."""
        raise NotImplementedError

    def first_focus(self) -> QWidget:
        """Return the widget that should take focus when the item is jumped to."""
        return self
