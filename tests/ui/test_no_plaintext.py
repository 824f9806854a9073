"""Nothing a participant types is readable outside the cipher: not on disk, not in the clipboard."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QClipboard, QGuiApplication, QInputMethodEvent
from PySide6.QtWidgets import QApplication, QLineEdit

from survey_app.ui.error_guard import configure_logging
from survey_app.ui.pages.questionnaire import QuestionPage
from survey_app.ui.pages.review import ReviewPage
from survey_app.ui.pages.thanks import ThanksPage
from tests.ui.conftest import accept_consent, press_finish, settle, start_session, store_call

MARKER = "Zqx7731Marker سرّي٧٣٣١"
TEXT_ITEM = ("background", "bg_country_other")
HOME_VARS = ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME")


def encodings(text: str) -> list[bytes]:
    """The byte forms a leaked text could take in a file."""
    forms = [text.encode(codec) for codec in ("utf-8", "utf-16-le", "utf-16-be")]
    latin = "".join(ch for ch in text if ch.isascii()).strip()
    return forms + [latin.encode(codec) for codec in ("utf-8", "utf-16-le", "utf-16-be")]


def leaks(root: Path, text: str) -> list[str]:
    """Return every file under root whose name or bytes hold the text in any encoding."""
    found = []
    for path in sorted(root.rglob("*")):
        if text in str(path) or not path.is_file():
            found += [str(path)] if text in str(path) else []
            continue
        data = path.read_bytes()
        if any(form in data for form in encodings(text)):
            found.append(str(path))
    return found


@pytest.fixture
def private_home(tmp_path, monkeypatch) -> Path:
    """HOME and the XDG folders point into the test's folder, so Qt or settings files land there."""
    home = tmp_path / "home"
    for var in HOME_VARS:
        folder = home / var.lower()
        folder.mkdir(parents=True)
        monkeypatch.setenv(var, str(folder))
    return home


@pytest.fixture
def app_log(ctx):
    """The app's own log file beside the store, as `run_app` configures it."""
    root = logging.getLogger()
    level = root.level
    handler = configure_logging(ctx.data_dir / "app.log")
    yield ctx.data_dir / "app.log"
    root.removeHandler(handler)
    handler.close()
    root.setLevel(level)


def text_page(view) -> int:
    return next(
        i
        for i, p in enumerate(view.plan)
        if p.form.id == TEXT_ITEM[0] and any(it.id == TEXT_ITEM[1] for it in p.items)
    )


def type_marker(qtbot, view):
    """Type the marker into the free-text item through the real editor; return the editor."""
    view.show_page(text_page(view))
    # The free-text item is asked only after "Other country" (code 11): choose it first.
    view.current.views["bg_country"].answer.button_for(11).click()
    editor = view.current.views[TEXT_ITEM[1]].answer.editor
    editor.setFocus()
    latin, arabic = MARKER.split(" ", 1)
    qtbot.keyClicks(editor, latin + " ")
    # Arabic arrives through the input method, as from an Arabic keyboard layout.
    event = QInputMethodEvent("", [])
    event.setCommitString(arabic)
    QApplication.sendEvent(editor, event)
    return editor


def finish(qtbot, view) -> None:
    view.current.next_button.click()
    while isinstance(view.current, QuestionPage):
        view.current.next_button.click()
    assert isinstance(view.current, ReviewPage)
    press_finish(view)
    qtbot.waitUntil(lambda: isinstance(view.current, ThanksPage), timeout=20000)


def test_a_completed_session_leaves_no_readable_answer_in_any_file(
    qtbot, private_home, tmp_path, app_log, dashboard, ctx
):
    view = start_session(qtbot, dashboard, "ar")
    accept_consent(qtbot, view)
    type_marker(qtbot, view)
    finish(qtbot, view)
    settle(qtbot, ctx.client)
    answers = store_call(qtbot, ctx.client, lambda w: w.store.answers(view.session_id))
    assert (TEXT_ITEM[1], MARKER) in [(a.item_id, a.value) for a in answers]
    dashboard._allow_close = True
    dashboard.close()
    dashboard.transfer.shutdown()
    ctx.client.shutdown()
    assert ctx.store_path.exists() and app_log.exists()
    assert leaks(tmp_path, MARKER) == []


def test_copy_and_cut_from_a_participants_text_field_leave_the_clipboard_alone(
    qtbot, dashboard, ctx
):
    clipboard = QGuiApplication.clipboard()
    clipboard.setText("staff note")
    view = start_session(qtbot, dashboard, "ar")
    accept_consent(qtbot, view)
    editor = type_marker(qtbot, view)
    editor.selectAll()
    qtbot.keyClick(editor, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(editor, Qt.Key.Key_X, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(editor, Qt.Key.Key_Insert, Qt.KeyboardModifier.ControlModifier)
    assert editor.text() == MARKER
    assert clipboard.text() == "staff note"
    if clipboard.supportsSelection():
        assert MARKER not in clipboard.text(QClipboard.Mode.Selection)
    finish(qtbot, view)
    assert MARKER not in clipboard.text()


def test_an_ordinary_line_edit_does_copy_so_the_clipboard_check_can_fail(qtbot):
    clipboard = QGuiApplication.clipboard()
    clipboard.setText("staff note")
    editor = QLineEdit(MARKER)
    qtbot.addWidget(editor)
    editor.selectAll()
    qtbot.keyClick(editor, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert clipboard.text() == MARKER
