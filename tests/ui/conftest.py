"""Real app fixtures: a real encrypted store in a temporary folder, the DEMO study, real widgets."""

from __future__ import annotations

import gc

import pytest
from PySide6.QtWidgets import QApplication

from survey_app.answers.codes import make_code
from survey_app.ui.app import prepare_application
from survey_app.ui.context import AppContext
from survey_app.ui.main_window import MainWindow
from survey_app.ui.pages.new_session import NewSessionRequest
from survey_app.ui.store_worker import StoreClient
from survey_app.ui.theme import Theme
from tests.kdf import FAST_KDF

PASSPHRASE = "correct horse battery"


@pytest.fixture(autouse=True)
def collect_on_the_gui_thread(qapp):
    """Collect each test's garbage here, on the GUI thread.

    Otherwise the cyclic garbage collector may run next on the store worker thread (it runs
    wherever Python happens to allocate) and destroy Python-owned Qt objects there, which
    crashes Qt.
    """
    yield
    gc.collect()


@pytest.fixture
def client(qapp):
    prepare_application([], "en", Theme())
    store_client = StoreClient()
    yield store_client
    store_client.shutdown()


@pytest.fixture
def ctx(client, tmp_path):
    return AppContext(
        client=client,
        data_dir=tmp_path / "data",
        study_dir=None,
        staff_language="en",
        kdf=FAST_KDF,
    )


def settle(qtbot, client) -> None:
    """Wait until every queued store operation has answered."""
    qtbot.waitUntil(lambda: client.pending == 0, timeout=20000)


def store_call(qtbot, client, op):
    """Run an op on the worker and return its result (test helper)."""
    box = {}
    client.call(
        op, lambda value: box.setdefault("value", value), lambda exc: box.setdefault("error", exc)
    )
    qtbot.waitUntil(lambda: bool(box), timeout=20000)
    if "error" in box:
        raise box["error"]
    return box["value"]


@pytest.fixture(autouse=True)
def no_window_left_shown(qapp):
    """No app window stays shown after its test: it would cover the next test's widgets.

    A window left over a later test's own window took that test's mouse moves (a button under
    the mouse was not drawn as hovered: tests/ui/test_theme.py, after any test ending in a
    session). pytest-qt closes a test's widgets before its fixtures end, so this sees it.
    """
    yield
    shown = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
    assert not [w for w in shown if w.isVisible()], "a MainWindow is still shown after its test"


def allow_close(window: MainWindow) -> None:
    """Let pytest-qt close a window that is in a session (a participant's close asks for staff)."""
    window._allow_close = True


@pytest.fixture
def window(qtbot, ctx):
    main = MainWindow(ctx)
    qtbot.addWidget(main, before_close_func=allow_close)
    main.resize(1366, 768)
    main.show()
    return main


@pytest.fixture
def dashboard(qtbot, window, ctx):
    """A window past first-run set-up (DEMO study) with a meeting started."""
    page = window.stack.currentWidget()
    page.passphrase.setText(PASSPHRASE)
    page.repeat.setText(PASSPHRASE)
    page.create_button.click()
    qtbot.waitUntil(lambda: window.page_name == "dashboard", timeout=20000)
    settle(qtbot, ctx.client)
    page = window.stack.currentWidget()
    page.meeting_place.setText("Skolen")
    page.meeting_staff.setText("AB")
    page._start_meeting()
    qtbot.waitUntil(lambda: ctx.meeting is not None, timeout=20000)
    settle(qtbot, ctx.client)
    return window


def start_session(
    qtbot, window, language="nb", interpreter=None, number=1, paper=False, double=False
):
    """Start a baseline session through the new-session page; return the session view."""
    window.show_new_session()
    page = window.stack.currentWidget()
    request = NewSessionRequest(
        make_code(number, "RJ"), "baseline", language, interpreter, None, paper, double
    )
    window._start_session(page, request)
    qtbot.waitUntil(lambda: window.page_name == "session", timeout=20000)
    return window.session_view


def accept_consent(qtbot, view):
    consent = view.current
    for item_id in consent.statements:
        consent.views[item_id].answer.button_for(1).click()
    consent.continue_button.click()
    qtbot.waitUntil(lambda: view.current is not consent, timeout=20000)


def press_finish(view) -> None:
    """Press Finish on the review page, and once more when it asks about unanswered items."""
    review = view.current
    review.finish_button.click()
    if review.confirming:
        review.finish_button.click()
