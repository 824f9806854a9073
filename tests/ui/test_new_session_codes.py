"""The new-session page: a code already used at the chosen timepoint on this laptop is refused at
entry, with what to do instead; a scanned code (any case, no hyphens, then Enter) starts a session.
Real encrypted store, real DEMO study, real widgets."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from survey_app.answers.codes import make_code
from survey_app.i18n import tr
from survey_app.simulate.runner import SimClock, simulate
from survey_app.store.errors import CodeAlreadyUsed
from survey_app.ui.direction import plain
from survey_app.ui.pages.new_session import NewSessionPage, NewSessionRequest
from tests.ui.conftest import settle, store_call

WAIT = 20000


@pytest.fixture
def nb_staff(ctx):
    """The staff member reads Norwegian."""
    ctx.staff_language = "nb"
    return ctx


def _new_session_page(qtbot, window) -> NewSessionPage:
    window.show_new_session()
    page = window.stack.currentWidget()
    assert isinstance(page, NewSessionPage)
    return page


def _completed_code(qtbot, ctx) -> str:
    """A participant who completed the baseline on this laptop (earlier meeting)."""
    store_call(qtbot, ctx.client, lambda w: simulate(w.store, ctx.study, 1, 3, SimClock(), 70))
    return make_code(70)


def _unfinished_code(qtbot, ctx) -> str:
    code = make_code(71)
    meeting = ctx.meeting
    store_call(
        qtbot,
        ctx.client,
        lambda w: w.store.start_session(meeting.id, code, "baseline", "nb", actor="AB"),
    )
    return code


def _type(qtbot, page: NewSessionPage, text: str) -> None:
    qtbot.keyClicks(page.code, text)
    settle(qtbot, page.ctx.client)


def _shown(page: NewSessionPage) -> str:
    return plain(page.code_message.text())


def _said(ctx, msgid: str) -> str:
    return plain(ctx.ui(msgid))


def _baseline_sessions(qtbot, ctx, code: str) -> list:
    return store_call(qtbot, ctx.client, lambda w: w.store.sessions_of(code, "baseline"))


def test_a_code_completed_at_this_timepoint_is_refused_while_typing(qtbot, dashboard, ctx):
    code = _completed_code(qtbot, ctx)
    page = _new_session_page(qtbot, dashboard)

    _type(qtbot, page, code)

    assert _shown(page) == _said(ctx, CodeAlreadyUsed.USED)
    assert page.code_message.property("role") == "error"
    assert not page.start_button.isEnabled()


def test_an_unfinished_session_of_the_code_points_to_resume(qtbot, dashboard, ctx):
    code = _unfinished_code(qtbot, ctx)
    page = _new_session_page(qtbot, dashboard)

    _type(qtbot, page, code)

    assert _shown(page) == _said(ctx, CodeAlreadyUsed.UNFINISHED)
    assert not page.start_button.isEnabled()


def test_the_refusal_is_in_the_staff_members_language(qtbot, nb_staff, dashboard, ctx):
    code = _completed_code(qtbot, ctx)
    page = _new_session_page(qtbot, dashboard)

    _type(qtbot, page, code)

    assert _shown(page) == tr("nb", CodeAlreadyUsed.USED)
    assert "tidspunkt" in _shown(page)


def test_a_scanned_used_code_with_enter_starts_nothing(qtbot, dashboard, ctx):
    code = _completed_code(qtbot, ctx)
    page = _new_session_page(qtbot, dashboard)

    qtbot.keyClicks(page.code, code.lower().replace("-", ""))
    qtbot.keyClick(page.code, Qt.Key.Key_Return)
    settle(qtbot, ctx.client)

    assert dashboard.page_name == "new_session"
    assert _shown(page) == _said(ctx, CodeAlreadyUsed.USED)
    assert len(_baseline_sessions(qtbot, ctx, code)) == 1


def test_starting_is_refused_even_before_the_early_check_answers(qtbot, dashboard, ctx):
    # A scanner's Enter can come before the store has answered the check made while typing.
    code = _unfinished_code(qtbot, ctx)
    page = _new_session_page(qtbot, dashboard)
    request = NewSessionRequest(code, "baseline", "nb", None, None, False, False)

    dashboard._start_session(page, request)
    settle(qtbot, ctx.client)

    assert dashboard.page_name == "new_session"
    assert _shown(page) == _said(ctx, CodeAlreadyUsed.UNFINISHED)
    assert len(_baseline_sessions(qtbot, ctx, code)) == 1


def test_a_scanned_code_in_lower_case_without_hyphens_starts_the_session(qtbot, dashboard, ctx):
    code = make_code(72, "RJ")
    page = _new_session_page(qtbot, dashboard)

    qtbot.keyClicks(page.code, " " + code.lower().replace("-", ""))
    qtbot.keyClick(page.code, Qt.Key.Key_Return)

    qtbot.waitUntil(lambda: dashboard.page_name == "session", timeout=WAIT)
    assert [s.participant_code for s in _baseline_sessions(qtbot, ctx, code)] == [code]


def test_an_incomplete_code_says_what_a_code_looks_like(qtbot, dashboard, ctx):
    page = _new_session_page(qtbot, dashboard)

    _type(qtbot, page, "P001")

    assert "check character" in _shown(page)
    assert not page.start_button.isEnabled()
