"""Interpreter view (Arabic + Norwegian): every line in its own language's direction, whole."""

from __future__ import annotations

import re

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QStyle, QWidget

from survey_app.ui.direction import lay_out, plain
from survey_app.ui.ink import MARGIN, drawing_of, ink_alpha
from survey_app.ui.layout_check import clipped_texts
from survey_app.ui.pages.questionnaire import QuestionPage
from tests.ui.conftest import accept_consent, press_finish, start_session

LATIN = re.compile(r"[A-Za-zÆØÅæøåé]")
ARABIC = re.compile(r"[\u0600-\u06ff]")


def language_of(line: str) -> str | None:
    """'nb' or 'ar' by the letters a line is written in (None: no letters)."""
    latin, arabic = len(LATIN.findall(line)), len(ARABIC.findall(line))
    if not latin and not arabic:
        return None
    return "ar" if arabic > latin else "nb"


def visible_labels(page: QWidget) -> list[QLabel]:
    return [w for w in page.findChildren(QLabel) if w.isVisibleTo(page) and plain(w.text()).strip()]


def direction_problems(page: QWidget) -> list[str]:
    """Labels that mix the two languages or are not laid out in their language's direction."""
    found = []
    for label in visible_labels(page):
        lines = [ln for ln in plain(label.text()).split("\n") if ln.strip()]
        languages = {language_of(ln) for ln in lines} - {None}
        if len(languages) > 1:
            found.append(f"one label holds Arabic and Norwegian lines: {lines!r}")
            continue
        if not languages:
            continue
        rtl = languages == {"ar"}
        want = Qt.LayoutDirection.RightToLeft if rtl else Qt.LayoutDirection.LeftToRight
        if label.layoutDirection() != want:
            found.append(f"{lines[0]!r} is laid out {label.layoutDirection().name}")
        align = QStyle.visualAlignment(label.layoutDirection(), label.alignment())
        start = Qt.AlignmentFlag.AlignRight if rtl else Qt.AlignmentFlag.AlignLeft
        if not align & (start | Qt.AlignmentFlag.AlignHCenter):
            found.append(f"{lines[0]!r} is not aligned to its reading start")
    return found


def ink_mask(label: QLabel) -> np.ndarray:
    """Solid ink of a label's text, drawn the way the label draws it, on a transparent canvas."""
    drawing = drawing_of(label)
    alpha = ink_alpha(label, drawing)[MARGIN:-MARGIN, MARGIN:-MARGIN]
    return alpha >= 200


def _blob(zone: np.ndarray, row: int, col: int) -> set[tuple[int, int]]:
    """The 8-connected set of ink pixels of a zone around one pixel."""
    seen, todo = {(row, col)}, [(row, col)]
    while todo:
        r, c = todo.pop()
        for dr in (-1, 0, 1):
            for dc in (-1, 0, 1):
                rr, cc = r + dr, c + dc
                inside = 0 <= rr < zone.shape[0] and 0 <= cc < zone.shape[1]
                if inside and zone[rr, cc] and (rr, cc) not in seen:
                    seen.add((rr, cc))
                    todo.append((rr, cc))
    return seen


def ends_with_a_dot(ink: np.ndarray, baseline: float, ascent: float) -> bool:
    """Is the rightmost glyph on the baseline of a line a small dot with nothing above it?

    The dot of "år." sits under the arm of the "r" (kerning), so only the baseline zone is
    looked at: the blob of its rightmost ink must stay low; a "d" or "n" drawn last instead (as
    in ".Svar ja eller nei") reaches up to the top of the zone with its stem.
    """
    base = round(baseline)
    top = max(0, base - round(0.4 * ascent))
    zone = ink[top : base + 1]
    rows, cols = np.nonzero(zone)
    if cols.size == 0:
        return False
    right = int(cols.max())
    row = int(rows[cols == right][0])
    blob = _blob(zone, row, right)
    return min(r for r, _c in blob) > 0


def full_stop_problems(page: QWidget) -> list[str]:
    """Norwegian lines ending with a full stop whose rightmost drawn glyph is not that stop."""
    found = []
    for label in visible_labels(page):
        ink = ink_mask(label)
        margin = label.margin()
        rect = label.contentsRect().adjusted(margin, margin, -margin, -margin)
        laid = lay_out(
            label.text(), label.font(), rect.width(), label.layoutDirection(), label.alignment()
        )
        starts = {}
        for index in range(laid.layout.lineCount()):
            line = laid.layout.lineAt(index)
            starts[line.textStart()] = line
        offset = 0
        for text in label.text().split("\n"):
            line, start = starts.get(offset), offset
            offset += len(text) + 1
            words = plain(text).strip()
            if language_of(words) != "nb" or not words.endswith(".") or line is None:
                continue
            if line.textStart() + line.textLength() < start + len(text):
                continue  # wrapped: only sentences drawn on one line are checked here
            if not ends_with_a_dot(ink, rect.top() + line.y() + line.ascent(), line.ascent()):
                found.append(f"{words!r}: the full stop is not its rightmost glyph")
    return found


@pytest.fixture
def interpreter(qtbot, dashboard):
    return start_session(qtbot, dashboard, "ar", interpreter="nb")


def _thanks(qtbot, view):
    view.show_review()
    press_finish(view)
    qtbot.waitUntil(lambda: type(view.current).__name__ == "ThanksPage", timeout=20000)


def _pages(qtbot, view):
    """Consent, first question page, review, thanks and privacy cover of an ar+nb session."""
    yield "consent", view.current
    accept_consent(qtbot, view)
    yield "question", view.current
    view.show_review()
    yield "review", view.current
    _thanks(qtbot, view)
    yield "thanks", view.current
    view.cover()
    yield "privacy", view.privacy


def test_interpreter_view_draws_each_label_in_the_direction_of_its_own_language(qtbot, interpreter):
    found = []
    for name, page in _pages(qtbot, interpreter):
        found += [f"{name}: {p}" for p in direction_problems(page)]
    assert not found, "\n".join(found)


def test_norwegian_sentences_in_interpreter_view_end_with_their_full_stop_on_the_right(
    qtbot, interpreter
):
    found, checked = [], 0
    for name, page in _pages(qtbot, interpreter):
        qtbot.waitUntil(page.isVisible, timeout=5000)
        found += [f"{name}: {p}" for p in full_stop_problems(page)]
        checked += 1
    assert checked == 5
    assert not found, "\n".join(found)


def test_review_in_interpreter_view_lists_unanswered_items_whole_in_both_languages(
    qtbot, interpreter
):
    accept_consent(qtbot, interpreter)
    interpreter.show_review()
    page = interpreter.current
    entry = max(page.missing, key=lambda e: len(e.item.text.get("ar")))
    assert len(entry.item.text.get("ar")) > 90  # long enough to have been cut before
    row = page.findChild(QWidget, f"goto_{entry.item.id}").parentWidget()
    texts = {plain(label.text()) for label in row.findChildren(QLabel)}
    for lang in ("ar", "nb"):
        whole = f"{entry.form.title.get(lang)}: {entry.item.text.get(lang)}"
        assert whole in texts, f"{lang} text not shown whole: {texts}"


@pytest.mark.parametrize(("language", "interpreter_language"), [("ar", "nb"), ("ar", None)])
def test_no_text_is_cut_or_short_of_its_margin_on_any_page(
    qtbot, dashboard, language, interpreter_language
):
    view = start_session(qtbot, dashboard, language, interpreter=interpreter_language)

    def check(name: str, page: QWidget) -> None:
        try:
            qtbot.waitUntil(lambda: page.isVisible() and not clipped_texts(page), timeout=3000)
        except qtbot.TimeoutError:
            pytest.fail(f"{name}:\n" + "\n".join(clipped_texts(page)))

    check("consent", view.current)
    consent = view.current
    for item_id in consent.statements:
        consent.views[item_id].answer.button_for(1).click()
    check("consent answered", consent)
    consent.continue_button.click()
    qtbot.waitUntil(lambda: isinstance(view.current, QuestionPage), timeout=20000)
    for index, spec in enumerate(view.plan):
        view.show_page(index)
        check(f"page {index} ({spec.form.id})", view.current)
    view.show_review()
    check("review", view.current)
    _thanks(qtbot, view)
    check("thanks", view.current)
    view.cover()
    check("privacy", view.privacy)
