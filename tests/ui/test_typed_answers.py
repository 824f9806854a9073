"""Typed answers that cannot be stored are never dropped: they block Next with a message, are
kept (not stored) when the page is left with Back, and only correcting them or the Clear button
lets the participant go on. Real window, worker thread and encrypted store."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from survey_app.forms.library import check_file
from survey_app.ui.direction import plain
from survey_app.ui.flow import page_of
from survey_app.ui.langs import SessionLanguages
from survey_app.ui.pages.questionnaire import QuestionPage
from survey_app.ui.session_view import SessionView
from tests.ui.conftest import accept_consent, settle, start_session, store_call

TYPED_FORM = """\
id: tp
kind: instrument
version: "1.0.0"
prefix: tp
source: "Synthetic test instrument"
licence: "Test only"
languages:
  nb: {status: draft}
  en: {status: draft}
  ar: {status: draft}
title:
  nb: "Skriv"
  en: "Typing"
  ar: "الكتابة"
items:
  - id: tp_count
    type: integer
    min: 0
    max: 20
    text:
      nb: "Hvor mange?"
      en: "How many?"
      ar: "كم عددهم؟"
  - id: tp_date
    type: date
    text:
      nb: "Hvilken dato?"
      en: "Which date?"
      ar: "ما التاريخ؟"
  - id: tp_word
    type: text
    max_length: 10
    text:
      nb: "Ett ord"
      en: "One word"
      ar: "كلمة واحدة"
"""

AGE_MESSAGES = {
    "nb": "Skriv et tall mellom 18 og 99.",
    "ar": "يرجى كتابة رقم بين ١٨ و٩٩.",
}


def stored(qtbot, ctx, view) -> dict[str, object]:
    settle(qtbot, ctx.client)
    sid = view.session_id
    return {
        a.item_id: a.value for a in store_call(qtbot, ctx.client, lambda w: w.store.answers(sid))
    }


def page(view) -> QuestionPage:
    assert isinstance(view.current, QuestionPage)
    return view.current


def typed(qtbot, view, item_id: str, text: str) -> None:
    """Type into an item's field as a participant does (select all, then keys)."""
    editor = page(view).views[item_id].answer.editor
    editor.selectAll()  # the keys then replace what was there
    if text.isascii():
        qtbot.keyClicks(editor, text)
        return
    # QTest sends ASCII keys only; an Arabic keyboard delivers each digit as a key event's text.
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(editor, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char))


def error_lines(view, item_id: str) -> list[str]:
    message = page(view).views[item_id].answer.message
    return [plain(label.text()) for label in message.labels if not label.isHidden()]


def demo_at(qtbot, dashboard, item_id: str, language="nb", interpreter=None) -> SessionView:
    view = start_session(qtbot, dashboard, language, interpreter)
    accept_consent(qtbot, view)
    view.show_page(page_of(view.plan, "background", item_id))
    return view


@pytest.mark.parametrize(("language", "interpreter"), [("nb", None), ("ar", None), ("ar", "nb")])
def test_out_of_range_age_blocks_next_with_its_message_and_is_not_stored(
    qtbot, dashboard, ctx, language, interpreter
):
    view = demo_at(qtbot, dashboard, "bg_age", language, interpreter)
    dashboard.activateWindow()
    first = view.current
    typed(qtbot, view, "bg_age", "150")
    page(view).next_button.click()
    assert view.current is first
    assert error_lines(view, "bg_age") == [AGE_MESSAGES[lang] for lang in view.langs.all]
    assert page(view).views["bg_age"].answer.text() == "150"
    assert "bg_age" not in stored(qtbot, ctx, view)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page(view).views["bg_age"].answer.editor)


def test_corrected_age_is_stored_and_next_goes_on(qtbot, dashboard, ctx):
    view = demo_at(qtbot, dashboard, "bg_age")
    first = view.current
    typed(qtbot, view, "bg_age", "150")
    page(view).next_button.click()
    typed(qtbot, view, "bg_age", "45")
    assert error_lines(view, "bg_age") == []
    page(view).next_button.click()
    assert view.current is not first
    assert stored(qtbot, ctx, view)["bg_age"] == 45


def test_clear_button_empties_the_field_and_next_leaves_it_unanswered(qtbot, dashboard, ctx):
    view = demo_at(qtbot, dashboard, "bg_age")
    first = view.current
    typed(qtbot, view, "bg_age", "150")
    page(view).next_button.click()
    page(view).views["bg_age"].answer.clear_button.click()
    assert page(view).views["bg_age"].answer.text() == ""
    assert error_lines(view, "bg_age") == []
    page(view).next_button.click()
    assert view.current is not first
    assert "bg_age" not in stored(qtbot, ctx, view)


def test_clear_button_removes_a_saved_answer(qtbot, dashboard, ctx):
    view = demo_at(qtbot, dashboard, "bg_age")
    typed(qtbot, view, "bg_age", "45")
    page(view).views["bg_age"].answer.commit()
    assert stored(qtbot, ctx, view)["bg_age"] == 45
    typed(qtbot, view, "bg_age", "150")  # the saved 45 stays until 150 is corrected or cleared
    assert stored(qtbot, ctx, view)["bg_age"] == 45
    page(view).views["bg_age"].answer.clear_button.click()
    assert "bg_age" not in stored(qtbot, ctx, view)


def test_back_keeps_typed_text_that_was_not_stored_and_it_still_blocks_next(qtbot, dashboard, ctx):
    view = demo_at(qtbot, dashboard, "bg_school_years")
    second = view.page_index
    typed(qtbot, view, "bg_school_years", "45")  # at most 30
    page(view).back_button.click()
    assert view.page_index == second - 1
    page(view).next_button.click()
    assert view.page_index == second
    assert page(view).views["bg_school_years"].answer.text() == "45"
    assert error_lines(view, "bg_school_years") == ["Skriv et tall mellom 0 og 30."]
    page(view).next_button.click()
    assert view.page_index == second
    assert "bg_school_years" not in stored(qtbot, ctx, view)


def test_text_kept_on_back_is_saved_once_its_constraint_holds(qtbot, dashboard, ctx):
    view = demo_at(qtbot, dashboard, "bg_age")
    typed(qtbot, view, "bg_age", "30")
    page(view).next_button.click()
    typed(qtbot, view, "bg_years_norway", "40")  # more years in Norway than the age: refused
    page(view).views["bg_years_norway"].answer.commit()
    assert page(view).views["bg_years_norway"].problem_texts
    page(view).back_button.click()
    typed(qtbot, view, "bg_age", "50")
    page(view).next_button.click()
    assert page(view).views["bg_years_norway"].answer.text() == "40"
    assert page(view).views["bg_years_norway"].problem_texts == []
    assert stored(qtbot, ctx, view)["bg_years_norway"] == 40


@pytest.fixture
def typed_form(tmp_path: Path):
    path = tmp_path / "tp.yaml"
    path.write_text(TYPED_FORM, encoding="utf-8")
    form, findings = check_file(path)
    assert form is not None, [str(f) for f in findings]
    return form


@pytest.mark.parametrize(
    ("item_id", "text"),
    [
        ("tp_count", "2.5"),
        ("tp_count", "to"),
        ("tp_date", "31.02.2000"),
        ("tp_date", "2000"),
        ("tp_word", "elleveteikn"),
    ],
)
def test_unreadable_typed_text_blocks_next_and_is_not_stored(
    qtbot, dashboard, ctx, typed_form, item_id, text
):
    demo = start_session(qtbot, dashboard, "nb")
    accept_consent(qtbot, demo)
    setup = dataclasses.replace(
        demo.setup,
        forms=[typed_form],
        consent_done=True,
        langs=SessionLanguages("nb"),
        resume=(None, None),
    )
    view = SessionView(setup, ctx.client, ctx.theme)
    qtbot.addWidget(view)
    view.resize(1200, 800)
    view.show()
    first = view.current
    typed(qtbot, view, item_id, text)
    page(view).next_button.click()
    assert view.current is first
    assert error_lines(view, item_id)
    assert item_id not in stored(qtbot, ctx, view)


def test_typed_text_not_accepted_is_there_again_when_the_session_is_resumed(qtbot, dashboard, ctx):
    view = demo_at(qtbot, dashboard, "bg_age")
    typed(qtbot, view, "bg_age", "150")
    session_id = view.session_id
    dashboard.show_dashboard()  # staff leave the session (Staff button, passphrase)
    settle(qtbot, ctx.client)
    dashboard.resume_session(session_id)
    qtbot.waitUntil(
        lambda: dashboard.page_name == "session" and dashboard.session_view is not view,
        timeout=20000,
    )
    resumed = dashboard.session_view
    assert page(resumed).views["bg_age"].answer.text() == "150"
    assert error_lines(resumed, "bg_age") == [AGE_MESSAGES["nb"]]
    first = resumed.current
    page(resumed).next_button.click()
    assert resumed.current is first
    assert "bg_age" not in stored(qtbot, ctx, resumed)


@pytest.mark.parametrize(
    ("language", "interpreter", "typed_text", "shown_again"),
    [("ar", None, "٤٥", "٤٥"), ("ar", "nb", "٤٥", "٤٥"), ("nb", None, "45", "45")],
)
def test_stored_age_is_shown_again_in_the_participants_digits_and_next_keeps_it(
    qtbot, dashboard, ctx, language, interpreter, typed_text, shown_again
):
    view = demo_at(qtbot, dashboard, "bg_age", language, interpreter)
    first = view.page_index
    typed(qtbot, view, "bg_age", typed_text)
    page(view).next_button.click()
    page(view).back_button.click()
    assert view.page_index == first
    assert page(view).views["bg_age"].answer.text() == shown_again
    page(view).next_button.click()
    assert view.page_index != first
    assert stored(qtbot, ctx, view)["bg_age"] == 45
