"""Explicit text and layout direction: set from the language, never guessed from the text.

This is the one place where the direction of text on screen is decided:

* `text_label(text, language)`: one text in one language, laid out in that language's direction.
* `language_lines(pairs)`: one message in several languages, one label per language, so the
  Norwegian line of an interpreter view reads left to right beside the Arabic one.
* `directed(text, language)`: marks for texts that must share one paragraph (two-language
  button and option labels), so each line keeps its own reading order.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRect, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QPainter, QPalette, QTextLayout, QTextOption
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from survey_app.forms.languages import is_rtl
from survey_app.ui.theme import ARABIC_SCALE

RLM = "\u200f"  # right-to-left mark: a strong RTL character that is invisible
LRM = "\u200e"  # left-to-right mark


def qt_direction(language: str) -> Qt.LayoutDirection:
    """Return the Qt layout direction of a language."""
    return Qt.LayoutDirection.RightToLeft if is_rtl(language) else Qt.LayoutDirection.LeftToRight


def directed(text: str, language: str) -> str:
    """Put a direction mark at both ends of every line so Qt's bidi never guesses from the text.

    Qt picks a paragraph's direction from its first strong character, so an Arabic text that
    starts with a digit or a Latin acronym would otherwise be laid out left to right. The mark
    at the end keeps a line's final punctuation on its own side when the line shares a
    paragraph of the other direction (a two-language button: "Takk!", never "!Takk").
    """
    mark = RLM if is_rtl(language) else LRM
    return "\n".join(f"{mark}{line}{mark}" for line in text.split("\n"))


def embedded(text: str, language: str) -> str:
    """Mark both ends of a short text so it keeps its own direction inside a mirrored layout.

    A table cell in a right-to-left layout lays "Norsk (bokmål)" or "RJ-0042-K" out right to
    left, which turns brackets and dashes around; strong marks on both sides keep them in place.
    """
    mark = RLM if is_rtl(language) else LRM
    return f"{mark}{text}{mark}"


def left_to_right_params(params: Mapping[str, object]) -> dict[str, object]:
    """A message's Latin texts (a folder's path, a file or form name) marked to keep their order.

    In an Arabic sentence the bidi algorithm would otherwise move a path's leading "/" to its
    end ("«tmp/stick/»"), and staff would look for a folder that does not exist. Texts that
    start with right-to-left letters, and numbers, are left as they are (`left_to_right`).
    """
    return {
        key: left_to_right(value) if isinstance(value, str) else value
        for key, value in params.items()
    }


def left_to_right(text: str) -> str:
    """Mark each line of a text that is not right-to-left (a path, an id) to keep its order.

    A line is right to left when its first letter is (Unicode's rule for a paragraph), so an
    Arabic stratum label is left to the Arabic sentence it stands in, while a Latin id, a path,
    or a study.yaml problem quoting an Arabic label reads as written. Each line is marked on
    its own: the marks of `directed` start every line of a message afresh.
    """
    return "\n".join(
        line if _first_strong(line) in ("R", "AL") else embedded(line, "en")
        for line in text.split("\n")
    )


def _first_strong(text: str) -> str:
    """The bidi class of the first strong character (L, R or AL; "" when there is none)."""
    import unicodedata

    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("L", "R", "AL"):
            return kind
    return ""


def plain(text: str) -> str:
    """Remove the direction marks added by `directed` (for comparisons in tests and logs)."""
    return text.replace(RLM, "").replace(LRM, "")


def line_direction(line: str, default: Qt.LayoutDirection) -> Qt.LayoutDirection:
    """Return the direction a `directed` line was marked with (default when unmarked)."""
    if line.startswith(RLM):
        return Qt.LayoutDirection.RightToLeft
    if line.startswith(LRM):
        return Qt.LayoutDirection.LeftToRight
    return default


def set_direction(widget: QWidget, language: str) -> None:
    """Give a widget (and its children) the layout direction of a language."""
    widget.setLayoutDirection(qt_direction(language))


@dataclass(frozen=True)
class LaidOut:
    """Text broken into lines inside a width: the layout (lines positioned) and its height."""

    layout: QTextLayout
    height: float


def lay_out(
    text: str,
    font: QFont,
    width: float,
    direction: Qt.LayoutDirection,
    alignment: Qt.AlignmentFlag,
    *,
    wrap: bool = True,
) -> LaidOut:
    """Break text into lines as QPainter.drawText does, aligning each line in `direction`.

    Lines are positioned exactly like Qt's own label text (same breaks, heights and leading),
    so a label keeps the size Qt computed for it; the horizontal place of each line comes from
    QTextLayout itself, which measures a right-to-left line without its trailing space (Qt's
    label drawing counts that space and so stops one space short of the right margin).
    """
    layout = QTextLayout(text.replace("\n", "\u2028"), font)
    option = QTextOption(visual_alignment(direction, alignment) & _HORIZONTAL)
    option.setTextDirection(direction)
    option.setWrapMode(QTextOption.WrapMode.WordWrap if wrap else QTextOption.WrapMode.ManualWrap)
    layout.setTextOption(option)
    leading = QFontMetricsF(font).leading()
    line_width = max(0.0, width) if wrap else float(0x01000000)
    height = -leading
    layout.beginLayout()
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(line_width)
        height = math.ceil(height + leading)
        line.setPosition(QPointF(0.0, height))
        height += line.ascent() + line.descent()
    layout.endLayout()
    return LaidOut(layout, max(height, 0.0) if text else QFontMetricsF(font).height())


_HORIZONTAL = (
    Qt.AlignmentFlag.AlignLeft
    | Qt.AlignmentFlag.AlignRight
    | Qt.AlignmentFlag.AlignHCenter
    | Qt.AlignmentFlag.AlignJustify
    | Qt.AlignmentFlag.AlignAbsolute
)


def visual_alignment(
    direction: Qt.LayoutDirection, alignment: Qt.AlignmentFlag
) -> Qt.AlignmentFlag:
    """QStyle.visualAlignment: leading/trailing made absolute left/right for `direction`."""
    # Qt's own rule, here so the first page need not make PySide's QStyle type: its ~20 enums
    # take ~14 ms to create, a tenth of an empty window's start (benchmarks/README.md).
    flag = Qt.AlignmentFlag
    sides = flag.AlignLeft | flag.AlignRight
    if not alignment & flag.AlignHorizontal_Mask:
        alignment |= flag.AlignLeft
    if not alignment & flag.AlignAbsolute and alignment & sides:
        if direction == Qt.LayoutDirection.RightToLeft:
            alignment ^= sides
        alignment |= flag.AlignAbsolute
    return alignment


class TextLabel(QLabel):
    """A plain-text label that draws every line in its own direction, flush with its margin.

    Qt's QLabel takes the direction of all its lines from the first letter of the text and
    places wrapped right-to-left lines one space short of the right edge; this label keeps
    QLabel's sizes and draws the same lines with `lay_out` instead. A small side margin keeps
    the overhang of glyphs such as "J" or a final Arabic "ي" inside the label, not cut off.
    """

    SIDE = 2  # pixels

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setContentsMargins(self.SIDE, 0, self.SIDE, 0)
        self._laid: tuple[tuple, LaidOut] | None = None  # last layout, reused while unchanged

    def text_rect(self) -> QRect:
        """The rectangle the text is drawn in (contents rect less the label's margin)."""
        margin = self.margin()
        return self.contentsRect().adjusted(margin, margin, -margin, -margin)

    def laid_out(self) -> LaidOut:
        """The label's text laid out in its text rectangle."""
        width = self.text_rect().width()
        key = (
            self.text(),
            self.font().key(),
            width,
            self.layoutDirection(),
            self.alignment().value,
            self.wordWrap(),
        )
        if self._laid is None or self._laid[0] != key:
            laid = lay_out(
                self.text(),
                self.font(),
                width,
                self.layoutDirection(),
                self.alignment(),
                wrap=self.wordWrap(),
            )
            self._laid = (key, laid)
        return self._laid[1]

    def text_origin(self, laid: LaidOut) -> QPointF:
        """Where the layout's top-left goes (vertical alignment as QLabel does it)."""
        rect = self.text_rect()
        y = float(rect.top())
        if self.alignment() & Qt.AlignmentFlag.AlignBottom:
            y += rect.height() - laid.height
        elif self.alignment() & Qt.AlignmentFlag.AlignVCenter:
            y += (rect.height() - laid.height) / 2
        return QPointF(rect.left(), y)

    def paint_text(self, painter: QPainter) -> None:
        """Draw the text (also used by the layout check on a larger canvas)."""
        laid = self.laid_out()
        group = QPalette.ColorGroup.Active if self.isEnabled() else QPalette.ColorGroup.Disabled
        painter.setPen(self.palette().color(group, self.foregroundRole()))
        painter.setFont(self.font())
        laid.layout.draw(painter, self.text_origin(laid))

    def paintEvent(self, event) -> None:
        if self.textFormat() != Qt.TextFormat.PlainText or self.textInteractionFlags() & (
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        ):
            super().paintEvent(event)
            return
        painter = QPainter(self)
        self.drawFrame(painter)
        self.paint_text(painter)


def text_label(
    text: str, language: str, *, role: str = "", wrap: bool = True, selectable: bool = False
) -> TextLabel:
    """Create a word-wrapped label whose direction and alignment follow the language."""
    label = TextLabel(directed(text, language) if text else "")
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
    label.setText(directed(text, language) if text else "")
    set_direction(label, language)
    if label.property("lang") != language:
        label.setProperty("lang", language)
        label.style().unpolish(label)  # the style sheet sizes Arabic text by this property
        label.style().polish(label)


class LanguageLines(QWidget):
    """One message in several languages: a label per language, each in its own direction."""

    def __init__(
        self,
        pairs: Iterable[tuple[str, str]],
        role: str = "",
        *,
        centred: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.role = role
        self.centred = centred
        self._column = QVBoxLayout(self)
        self._column.setContentsMargins(0, 0, 0, 0)
        self._column.setSpacing(2)
        self.labels: list[TextLabel] = []
        self._font: QFont | None = None
        self.set_pairs(pairs)

    def set_font(self, font: QFont) -> None:
        """Draw every line in this font (Arabic lines larger: Naskh reads small at equal size)."""
        self._font = QFont(font)
        for label in self.labels:
            self._apply_font(label)

    def _apply_font(self, label: TextLabel) -> None:
        if self._font is None:
            return
        font = QFont(self._font)
        if is_rtl(str(label.property("lang"))):
            font.setPointSizeF(font.pointSizeF() * ARABIC_SCALE)
        label.setFont(font)

    def set_pairs(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Show (language, text) pairs, one label each; a text shared by languages shows once."""
        shown: list[tuple[str, str]] = []
        for lang, text in pairs:
            if text and text not in (t for _l, t in shown):
                shown.append((lang, text))
        while len(self.labels) < len(shown):
            label = text_label("", shown[len(self.labels)][0], role=self.role)
            if self.centred:
                label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
            self._column.addWidget(label)
            self.labels.append(label)
        for index, label in enumerate(self.labels):
            if index < len(shown):
                lang, text = shown[index]
                set_label_text(label, text, lang)
                label.setObjectName(f"text_{lang}")
                self._apply_font(label)
            else:
                label.setText("")
            # Labels not needed now are hidden (they take no room) and kept for the next text.
            label.setHidden(index >= len(shown))

    def text(self) -> str:
        """All lines, one per language (marks removed), for tests and accessibility."""
        return "\n".join(plain(label.text()) for label in self.labels if label.text())


def language_lines(
    pairs: Iterable[tuple[str, str]], role: str = "", *, centred: bool = False
) -> LanguageLines:
    """Create a block showing (language, text) pairs one label per language."""
    return LanguageLines(pairs, role, centred=centred)
