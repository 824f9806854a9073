"""Typed items (numbers, dates, free text): validated as the participant types, saved when valid."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, Qt, QTimer
from PySide6.QtGui import QClipboard, QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from survey_app.answers import written_number
from survey_app.forms.model import Item, ItemType
from survey_app.ui.direction import language_lines, set_direction
from survey_app.ui.langs import SessionLanguages
from survey_app.ui.theme import Theme
from survey_app.ui.validation import error_text, parse_typed
from survey_app.ui.widgets.base import ANSWERED, CLEARED, AnswerWidget

_SAVE_DELAY_MS = 600
_NUMBER_TYPES = (ItemType.INTEGER, ItemType.DECIMAL)
_COPY_KEYS = (QKeySequence.StandardKey.Copy, QKeySequence.StandardKey.Cut)


def _copy_key(event: QKeyEvent) -> bool:
    return any(event.matches(key) for key in _COPY_KEYS)


def _drop_selection_clipboard() -> None:
    """X11 copies selected text to the selection clipboard on release; take it back."""
    clipboard = QGuiApplication.clipboard()
    if clipboard.supportsSelection() and clipboard.ownsSelection():
        clipboard.clear(QClipboard.Mode.Selection)


class PrivateLineEdit(QLineEdit):
    """A participant's typed answer never leaves the app: no copy, cut, drag or context menu.

    The laptop is shared: whatever sits in the clipboard after a session could be pasted by
    the next person. Typing, deleting and pasting in work as usual.
    """

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self.setDragEnabled(False)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if _copy_key(event):
            event.accept()
            return
        super().keyPressEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        super().mouseReleaseEvent(event)
        _drop_selection_clipboard()


class PrivateTextEdit(QPlainTextEdit):
    """The multi-line version of PrivateLineEdit: a selection never becomes clipboard data."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)

    def createMimeDataFromSelection(self) -> QMimeData:
        # Copy, cut, drag and the selection clipboard all take their data from here.
        return QMimeData()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if _copy_key(event):
            event.accept()
            return
        super().keyPressEvent(event)


class TypedAnswer(AnswerWidget):
    """A line (or box) for typed answers with a live message under it, and a Clear button.

    Text that cannot be stored (out of range, malformed, too long) is never saved and never
    thrown away either: it stays in the field with its message until it is corrected or cleared
    with the Clear button (the session keeps it when the page is left, see SessionView).
    """

    def __init__(self, item: Item, langs: SessionLanguages, theme: Theme, parent=None) -> None:
        super().__init__(parent)
        self.item = item
        self.langs = langs
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.editor: QLineEdit | QPlainTextEdit
        if item.type is ItemType.TEXT and (item.max_length or 0) > 120:
            self.editor = PrivateTextEdit()
            self.editor.setMinimumHeight(theme.pt(14) * 8)
            self.editor.setTabChangesFocus(True)
            self.editor.textChanged.connect(self._changed)
        else:
            self.editor = PrivateLineEdit()
            self.editor.textEdited.connect(self._changed)
            if item.type in (ItemType.INTEGER, ItemType.DECIMAL):
                self.editor.setMaximumWidth(theme.pt(14) * 12)
            elif item.type is ItemType.DATE:
                self.editor.setMaximumWidth(theme.pt(14) * 16)
                self.editor.setPlaceholderText("dd.mm.yyyy")
        self.editor.setObjectName(f"input_{item.id}")
        self.editor.setFont(theme.font(theme.pt(15)))
        # Numbers and dates read left to right inside Arabic text too; free text follows language.
        set_direction(self.editor, langs.participant if item.type is ItemType.TEXT else "en")
        self.message = language_lines([], "error")
        self.message.setObjectName(f"typed_error_{item.id}")
        # Emptying a field by selecting and deleting is not obvious to everyone (nor on a
        # touch screen): one button makes "no answer" a deliberate choice.
        self.clear_button = QPushButton(langs.ui_joined("Clear"))
        self.clear_button.setObjectName(f"clear_{item.id}")
        self.clear_button.setAutoDefault(False)
        self.clear_button.clicked.connect(self.clear)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.editor, 1 if isinstance(self.editor, QPlainTextEdit) else 0)
        row.addWidget(self.clear_button, 0, Qt.AlignmentFlag.AlignTop)
        if not isinstance(self.editor, QPlainTextEdit):
            row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.message)
        # Save after a short pause in typing, so each keystroke is not a disk write.
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(_SAVE_DELAY_MS)
        self._timer.timeout.connect(self.commit)
        # An empty field that never held an answer has nothing to clear: committing it (on Next)
        # says nothing, and so does not make a form's logic think something changed.
        self._last: tuple[object, str] = (None, CLEARED)
        self.clear_button.setEnabled(False)

    def text(self) -> str:
        """Return what is typed."""
        if isinstance(self.editor, QPlainTextEdit):
            return self.editor.toPlainText()
        return self.editor.text()

    def _changed(self, *_args) -> None:
        if self.check():
            self._timer.start()
        else:
            self._timer.stop()

    def check(self) -> bool:
        """Show the message for what is typed (none when it can be stored); True when it can."""
        parsed = parse_typed(self.item, self.text())
        self.clear_button.setEnabled(bool(self.text()))
        if parsed.error is not None:
            self.message.set_pairs(error_text(parsed.error, self.langs.all))
            return False
        self.message.set_pairs([])
        return True

    def _set_text(self, text: str) -> None:
        if isinstance(self.editor, QPlainTextEdit):
            self.editor.blockSignals(True)
            self.editor.setPlainText(text)
            self.editor.blockSignals(False)
        else:
            self.editor.setText(text)

    def set_typed(self, text: str) -> None:
        """Put back text typed earlier that was not stored, with its message (not saved here)."""
        self._set_text(text)
        self.check()

    def clear(self) -> None:
        """Empty the field on purpose: the item then has no answer (a saved one is removed)."""
        self._set_text("")
        self.check()
        self.commit()
        self.editor.setFocus()

    def commit(self) -> None:
        """Report the current valid value now (called on a pause, on Next and on Back)."""
        self._timer.stop()
        parsed = parse_typed(self.item, self.text())
        if parsed.error is not None:
            return
        outcome = (parsed.value, ANSWERED) if not parsed.empty else (None, CLEARED)
        if outcome == self._last:
            return
        self._last = outcome
        self.answered.emit(*outcome)

    def has_error(self) -> bool:
        """Return True when the typed text cannot be stored."""
        return parse_typed(self.item, self.text()).error is not None

    def set_answer(self, value: object, status: str) -> None:
        text = "" if value is None else str(value)
        if self.item.type in _NUMBER_TYPES and isinstance(value, int | float):
            # In the participant's own digits, as they would type it (answers.written_number).
            text = written_number(value, self.langs.participant)
        self._set_text(text)
        self.clear_button.setEnabled(bool(self.text()))
        self._last = (value, status)

    def first_focus(self) -> QWidget:
        return self.editor
