"""The review page: answers not accepted, unanswered items, each with a way back to it; Finish.

A page listing a hundred unanswered items costs hundreds of milliseconds to build, so the
session view builds it ahead (while the last questionnaire page is read) and the rows are
made a few at a time between events: the page can show at once and fill in, in order.
"""

from __future__ import annotations

import bisect
import time

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout, QWidget

from survey_app.i18n import Counted
from survey_app.ui.direction import LanguageLines, language_lines, text_label
from survey_app.ui.flow import Unanswered
from survey_app.ui.langs import SessionLanguages
from survey_app.ui.pages.common import button, column, footer, gap, scroll_area, staff_corner

# Rows are made or shown for at most this long per turn of the event loop (inside a frame).
BUILD_SLICE_S = 0.006
# Rows shown together with the page: more than one screen holds.
SHOW_AT_ONCE = 12

Key = tuple[str, str]

UNANSWERED = Counted(
    "{count} question has no answer. Press «Submit anyway» to submit without it, "
    "or go to the question.",
    "{count} questions have no answer. Press «Submit anyway» to submit without them, "
    "or go to the questions.",
)


def _key(entry: Unanswered) -> Key:
    return (entry.form.id, entry.item.id)


def _rank(entry: Unanswered) -> tuple[int, int]:
    return (entry.page_index, entry.form.items.index(entry.item))


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
        build_now: bool = True,
        confirm_unanswered: bool = True,
        parent=None,
    ) -> None:
        super().__init__(parent)
        self.langs = langs
        self.missing: list[Unanswered] = []
        self._rows: dict[Key, QFrame] = {}
        self._ranks: list[tuple[int, int]] = []  # of the rows made, in layout order
        self._pending: list[Unanswered] = []  # listed, but not yet made or not yet shown
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._build_some)
        content, body = column()
        body.addWidget(text_label_joined(langs, "Before you finish", "title"))
        self._mismatched = bool(mismatches)
        if mismatches:
            body.addWidget(
                text_label_joined(
                    langs,
                    "These answers differ from the first entry. Please check them.",
                    "error",
                )
            )
            for entry, detail in mismatches:
                body.addWidget(self._row(entry, detail, detail_language))
        # Typed answers that were not accepted (kept, never saved): listed first, always whole.
        self.refused: list[Unanswered] = []
        self.refused_intro = text_label_joined(
            langs,
            "These answers were not saved, because they cannot be accepted as written. "
            "Go to each one to correct it or clear it.",
            "error",
        )
        self._refused_list = QWidget()
        self._refused_layout = QVBoxLayout(self._refused_list)
        self._refused_layout.setContentsMargins(0, 0, 0, 0)
        self._refused_layout.setSpacing(body.spacing())
        for widget in (self.refused_intro, self._refused_list):
            widget.hide()
            body.addWidget(widget)
        self._intro = text_label_joined(
            langs,
            "These questions have no answer. You may leave them empty, or go back and answer them.",
            "subtitle",
        )
        self._done = text_label_joined(langs, "You have answered every question.", "ok")
        self._list = QWidget()
        self._list_layout = QVBoxLayout(self._list)
        self._list_layout.setContentsMargins(0, 0, 0, 0)
        self._list_layout.setSpacing(body.spacing())
        for widget in (self._intro, self._done, self._list):
            body.addWidget(widget)
        body.addStretch(1)
        back = button(langs.ui_joined("Back"), name="back")
        back.clicked.connect(self.back_requested)
        self.finish_button = button(
            langs.ui_joined("Finish and submit"), primary=True, name="finish"
        )
        self.finish_button.setEnabled(not mismatches)
        self.finish_button.clicked.connect(self._finish_pressed)
        # Above the buttons, never scrolled away: why Finish waits, or "are you sure?".
        self.confirm_unanswered = confirm_unanswered
        self.confirming = False
        self.notice_bar = QFrame()
        self.notice_bar.setObjectName("finish_notice")
        self.notice_bar.setProperty("role", "card")
        bar = QVBoxLayout(self.notice_bar)
        bar.setContentsMargins(24, 10, 24, 10)
        self.notice = language_lines([], "error")
        bar.addWidget(self.notice)
        self.notice_bar.hide()
        self.scroll = scroll_area(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.notice_bar)
        self.staff_corner = staff_corner(langs.participant)
        layout.addWidget(footer(self.staff_corner, gap(), back, self.finish_button, stretch_at=3))
        self.set_missing(missing, build_now=build_now)

    def _finish_pressed(self) -> None:
        """Finish, unless answers were not accepted (they must be corrected or cleared first)
        or items are unanswered and this is the first press (then ask once)."""
        if self.refused:
            self._show_notice(
                self.langs.ui(
                    "Some answers were not accepted (listed above). "
                    "Correct them or clear them before you finish."
                )
            )
            self.scroll.verticalScrollBar().setValue(0)
            return
        if self.missing and self.confirm_unanswered and not self.confirming:
            self.confirming = True
            self._show_notice(self.langs.ui(UNANSWERED, count=len(self.missing)))
            self.finish_button.setText(self.langs.ui_joined("Submit anyway"))
            return
        self.finish_requested.emit()

    def _show_notice(self, pairs: list[tuple[str, str]]) -> None:
        self.notice.set_pairs(pairs)
        self.notice_bar.show()

    def reset_confirmation(self) -> None:
        """Ask again on the next Finish (the review is shown anew, its lists may differ)."""
        self.confirming = False
        self.notice.set_pairs([])
        self.notice_bar.hide()
        self.finish_button.setText(self.langs.ui_joined("Finish and submit"))

    @property
    def complete(self) -> bool:
        """Every listed item's row exists and is shown."""
        return not self._pending

    @property
    def prepared(self) -> bool:
        """Every listed item's row exists (shown or waiting to be shown)."""
        return all(_key(entry) in self._rows for entry in self._pending)

    def set_missing(self, missing: list[Unanswered], *, build_now: bool = False) -> None:
        """List these items.

        With build_now every row is made and shown before this returns. Otherwise the first
        screenful is shown at once and the rest is made (while the page is hidden) and shown
        (once it is visible) a few rows per turn of the event loop, in order.
        """
        self.missing = list(missing)
        wanted = {_key(entry) for entry in missing}
        for key, row in self._rows.items():
            row.setVisible(key in wanted)
        self._pending = []
        for number, entry in enumerate(missing):
            row = self._rows.get(_key(entry))
            if build_now or number < SHOW_AT_ONCE:
                (row or self._add_row(entry)).setVisible(True)
            else:
                if row is not None:
                    row.setVisible(False)
                self._pending.append(entry)
        self._intro.setVisible(bool(missing))
        self._show_done()
        self._list.setVisible(bool(missing))
        if self._pending:
            self._timer.start()

    def set_refused(self, refused: list[tuple[Unanswered, list[tuple[str, str]]]]) -> None:
        """List typed answers that were not accepted, each with what was typed and why."""
        while self._refused_layout.count():
            old = self._refused_layout.takeAt(0).widget()
            if old is not None:
                old.deleteLater()
        self.refused = [entry for entry, _problem in refused]
        for entry, problem in refused:
            self._refused_layout.addWidget(self._row(entry, problem=problem))
        self.refused_intro.setVisible(bool(refused))
        self._refused_list.setVisible(bool(refused))
        self._show_done()

    def _show_done(self) -> None:
        self._done.setVisible(not self.missing and not self.refused and not self._mismatched)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._pending:
            self._timer.start()

    def _build_some(self) -> None:
        deadline = time.perf_counter() + BUILD_SLICE_S
        visible = self.isVisible()
        index = 0
        while index < len(self._pending):
            entry = self._pending[index]
            row = self._rows.get(_key(entry)) or self._add_row(entry)
            if visible:
                row.setVisible(True)
                self._pending.pop(index)
            else:
                index += 1
            if time.perf_counter() > deadline:
                break
        if (visible and self._pending) or any(_key(e) not in self._rows for e in self._pending):
            self._timer.start()
        elif not visible:
            # Lay the whole page out now, so showing it later only paints.
            self.layout().activate()

    def _add_row(self, entry: Unanswered) -> QFrame:
        rank = _rank(entry)
        position = bisect.bisect(self._ranks, rank)
        self._ranks.insert(position, rank)
        row = self._row(entry)
        row.setVisible(False)  # shown by the caller, when its turn comes
        self._rows[_key(entry)] = row
        self._list_layout.insertWidget(position, row)
        row.ensurePolished()  # style sheet work now, not when the page is shown
        return row

    def _row(
        self,
        entry: Unanswered,
        detail: str = "",
        detail_language: str | None = None,
        *,
        problem: list[tuple[str, str]] | None = None,
    ) -> QFrame:
        """One item, whole and wrapped, in every session language side by side; then its button."""
        langs = self.langs
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
        if problem:
            texts.addWidget(language_lines(problem, "error"))
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
