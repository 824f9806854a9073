"""One question on screen: its text in one or two languages side by side, and its answer widget."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout, QWidget

from survey_app.forms.model import Item, ItemType, LocalText, Option
from survey_app.i18n import N_, tr
from survey_app.ui.direction import text_label
from survey_app.ui.langs import SessionLanguages
from survey_app.ui.reading import Clip, PageReading
from survey_app.ui.theme import Theme
from survey_app.ui.widgets.base import AnswerWidget
from survey_app.ui.widgets.choice import MultipleChoice
from survey_app.ui.widgets.ladder import ladder_answer, vas_answer
from survey_app.ui.widgets.likert import SingleChoice
from survey_app.ui.widgets.text_inputs import TypedAnswer


def consent_options(langs: SessionLanguages) -> tuple[Option, ...]:
    """Yes (stored 1) and No (stored 0), labelled in the session languages."""
    return (
        Option(1, LocalText({lang: tr(lang, "Yes, I agree") for lang in langs.all})),
        Option(0, LocalText({lang: tr(lang, "No, I do not agree") for lang in langs.all})),
    )


LISTEN_QUESTION = N_("Listen to the question")
LISTEN_ANSWER = N_("Listen to this answer")
LISTEN_TEXT = N_("Listen to this text")


def with_play(play: QWidget | None, widget: QWidget) -> QWidget:
    """Put a play button at the reading start of a widget (none: the widget itself)."""
    if play is None:
        return widget
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(6)
    row.addWidget(play, 0, Qt.AlignmentFlag.AlignTop)
    row.addWidget(widget, 1)
    return box


def answer_widget(
    item: Item, langs: SessionLanguages, theme: Theme, reading: PageReading | None = None
) -> AnswerWidget | None:
    """Build the answer widget for an item type (None for notes)."""
    options = item.scale.options if item.scale else ()
    decorate = None
    if reading is not None and any(reading.option_clip(item, o.code) for o in options):

        def decorate(code: int, button: QWidget) -> QWidget:
            clip = reading.option_clip(item, code)
            play = reading.button(clip, f"play_{item.id}_{code}", LISTEN_ANSWER) if clip else None
            return with_play(play, button)

    if item.type is ItemType.SINGLE_CHOICE:
        return SingleChoice(
            item, options, langs, theme, show_code=len(options) >= 6, decorate=decorate
        )
    if item.type is ItemType.CONSENT:
        return SingleChoice(item, consent_options(langs), langs, theme, code_order=False)
    if item.type is ItemType.MULTIPLE_CHOICE:
        return MultipleChoice(item, options, langs, theme, decorate=decorate)
    if item.type is ItemType.LADDER:
        return ladder_answer(item, langs, theme)
    if item.type is ItemType.VAS:
        return vas_answer(item, langs, theme)
    if item.type in (ItemType.INTEGER, ItemType.DECIMAL, ItemType.DATE, ItemType.TEXT):
        return TypedAnswer(item, langs, theme)
    return None


def texts_block(
    text: LocalText | None, langs: SessionLanguages, role: str, parent: QWidget | None = None
) -> QWidget | None:
    """Lay a form text out in the session languages: side by side when there are two."""
    pairs = langs.texts(text)
    if not pairs:
        return None
    box = QWidget(parent)
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(24)
    for index, (lang, value) in enumerate(pairs):
        # The participant's language comes first, so it sits on the session's reading side.
        label = text_label(value, lang, role=role if index == 0 else "second")
        label.setObjectName(f"text_{lang}")
        row.addWidget(label, 1)
    return box


class ItemView(QFrame):
    """A card with the question text(s), optional help text(s) and the answer widget."""

    def __init__(
        self,
        item: Item,
        langs: SessionLanguages,
        theme: Theme,
        parent=None,
        reading: PageReading | None = None,
    ) -> None:
        super().__init__(parent)
        self.item = item
        self.reading = reading
        self.setObjectName(f"item_{item.id}")
        self.setProperty("role", "card")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.setSpacing(10)
        role = "question" if item.type is not ItemType.NOTE else "note"
        self.text_block = texts_block(item.text, langs, role)
        clip: Clip | None = reading.item_clip(item) if reading is not None else None
        self.play_button = (
            reading.button(clip, f"play_{item.id}", LISTEN_QUESTION)
            if reading is not None and clip is not None
            else None
        )
        if self.text_block is not None:
            layout.addWidget(with_play(self.play_button, self.text_block))
        help_block = texts_block(item.help, langs, "muted")
        if help_block is not None:
            layout.addWidget(help_block)
        self.langs = langs
        self.theme = theme
        self.answer = answer_widget(item, langs, theme, reading)
        if self.answer is not None:
            layout.addWidget(self.answer)
        # The form's own message (constraint) or "please answer" (required), in every language.
        self.problem = QWidget(self)
        self.problem.setObjectName(f"problem_{item.id}")
        self._problem_row = QHBoxLayout(self.problem)
        self._problem_row.setContentsMargins(0, 0, 0, 0)
        self._problem_row.setSpacing(24)
        self.problem.hide()
        layout.addWidget(self.problem)

    def show_problem(self, pairs: list[tuple[str, str]]) -> None:
        """Show a message under the answer, one column per language (none: hide it)."""
        while self._problem_row.count():
            old = self._problem_row.takeAt(0).widget()
            if old is not None:
                old.deleteLater()
        for lang, text in pairs:
            label = text_label(text, lang, role="error")
            label.setObjectName(f"problem_{lang}")
            self._problem_row.addWidget(label, 1)
        self.problem.setVisible(bool(pairs))

    @property
    def problem_texts(self) -> list[str]:
        """The message texts shown (for tests), participant's language first."""
        if self.problem.isHidden():
            return []
        labels = [self._problem_row.itemAt(i).widget() for i in range(self._problem_row.count())]
        return [w.text() for w in labels if w is not None]

    def reset_answer(self) -> AnswerWidget | None:
        """Replace the answer widget by an empty one (its answer was cleared by the logic)."""
        if self.answer is None:
            return None
        layout = self.layout()
        fresh = answer_widget(self.item, self.langs, self.theme, self.reading)
        layout.replaceWidget(self.answer, fresh)
        self.answer.deleteLater()
        self.answer = fresh
        self.show_problem([])
        return fresh
