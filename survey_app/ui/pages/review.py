"""The review page: unanswered items, each with a way to go back to it, then Finish."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout, QWidget

from survey_app.ui.direction import LanguageLines, language_lines, text_label
from survey_app.ui.flow import Unanswered
from survey_app.ui.langs import SessionLanguages
from survey_app.ui.pages.common import button, column, footer, scroll_area


class ReviewPage(QWidget):
    """Lists what is not answered; skipping is allowed, so Finish is always possible."""

    jump_requested = Signal(int, str)  # page index, item id
    finish_requested = Signal()
    back_requested = Signal()

    def __init__(
        self,
        missing: list[Unanswered],
        langs: SessionLanguages,
        *,
        mismatches: list[tuple[Unanswered, str]] | None = None,
        detail_language: str | None = None,
        parent=None,
    ) -> None:
        super().__init__(parent)
        self.missing = missing
        content, body = column()
        body.addWidget(text_label_joined(langs, "Before you finish", "title"))
        mismatches = mismatches or []
        if mismatches:
            body.addWidget(
                text_label_joined(
                    langs,
                    "These answers differ from the first entry. Please check them.",
                    "error",
                )
            )
            for entry, detail in mismatches:
                body.addWidget(self._row(entry, langs, detail, detail_language))
        if missing:
            body.addWidget(
                text_label_joined(
                    langs,
                    "These questions have no answer. You may leave them empty, "
                    "or go back and answer them.",
                    "subtitle",
                )
            )
            for entry in missing:
                body.addWidget(self._row(entry, langs))
        elif not mismatches:
            body.addWidget(text_label_joined(langs, "You have answered every question.", "ok"))
        body.addStretch(1)
        back = button(langs.ui_joined("Back"), name="back")
        back.clicked.connect(self.back_requested)
        self.finish_button = button(
            langs.ui_joined("Finish and submit"), primary=True, name="finish"
        )
        self.finish_button.setEnabled(not mismatches)
        self.finish_button.clicked.connect(self.finish_requested)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(scroll_area(content), 1)
        layout.addWidget(footer(back, self.finish_button))

    def _row(
        self,
        entry: Unanswered,
        langs: SessionLanguages,
        detail: str = "",
        detail_language: str | None = None,
    ) -> QFrame:
        """One item, whole and wrapped, in every session language side by side; then its button."""
        row = QFrame()
        row.setProperty("role", "card")
        line = QHBoxLayout(row)
        line.setContentsMargins(14, 8, 14, 8)
        texts = QVBoxLayout()
        texts.setSpacing(4)
        side_by_side = QHBoxLayout()
        side_by_side.setSpacing(24)
        for lang in langs.all:
            words = langs.text(entry.item.text, lang)
            if not words:
                continue
            title = langs.text(entry.form.title, lang)
            label = text_label(f"{title}: {words}", lang, role="body")
            label.setObjectName(f"text_{lang}")
            side_by_side.addWidget(label, 1)
        texts.addLayout(side_by_side)
        if detail:
            texts.addWidget(text_label(detail, detail_language or langs.participant, role="error"))
        line.addLayout(texts, 1)
        go = button(langs.ui_joined("Go to question"), name=f"goto_{entry.item.id}")
        go.clicked.connect(
            lambda _checked=False, e=entry: self.jump_requested.emit(e.page_index, e.item.id)
        )
        line.addWidget(go)
        return row


def text_label_joined(
    langs: SessionLanguages, message: str, role: str, *, centred: bool = False
) -> LanguageLines:
    """An interface message in all session languages: one label per language, own direction."""
    return language_lines(langs.ui(message), role, centred=centred)
