"""Explicit text and layout direction: set from the language, never guessed from the text."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from survey_app.forms.languages import is_rtl

RLM = "\u200f"  # right-to-left mark: a strong RTL character that is invisible
LRM = "\u200e"  # left-to-right mark


def qt_direction(language: str) -> Qt.LayoutDirection:
    """Return the Qt layout direction of a language."""
    return Qt.LayoutDirection.RightToLeft if is_rtl(language) else Qt.LayoutDirection.LeftToRight


def directed(text: str, language: str) -> str:
    """Prefix every paragraph with a direction mark so Qt's bidi never guesses from the text.

    Qt picks a paragraph's direction from its first strong character, so an Arabic text that
    starts with a digit or a Latin acronym would otherwise be laid out left to right.
    """
    mark = RLM if is_rtl(language) else LRM
    return "\n".join(mark + line for line in text.split("\n"))


def embedded(text: str, language: str) -> str:
    """Mark both ends of a short text so it keeps its own direction inside a mirrored layout.

    A table cell in a right-to-left layout lays "Norsk (bokmål)" or "RJ-0042-K" out right to
    left, which turns brackets and dashes around; strong marks on both sides keep them in place.
    """
    mark = RLM if is_rtl(language) else LRM
    return f"{mark}{text}{mark}"


def plain(text: str) -> str:
    """Remove the direction marks added by `directed` (for comparisons in tests and logs)."""
    return text.replace(RLM, "").replace(LRM, "")


def set_direction(widget: QWidget, language: str) -> None:
    """Give a widget (and its children) the layout direction of a language."""
    widget.setLayoutDirection(qt_direction(language))


def text_label(
    text: str, language: str, *, role: str = "", wrap: bool = True, selectable: bool = False
) -> QLabel:
    """Create a word-wrapped label whose direction and alignment follow the language."""
    label = QLabel(directed(text, language))
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    set_direction(label, language)
    # AlignLeft without AlignAbsolute means "leading edge" in Qt, so it follows the direction.
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
    label.setProperty("lang", language)
    if role:
        label.setProperty("role", role)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def set_label_text(label: QLabel, text: str, language: str) -> None:
    """Replace a label's text keeping it in the language's direction."""
    label.setText(directed(text, language))
    set_direction(label, language)
