"""Double entry of a paper form survives an interrupted session: the resume keeps both passes."""

from __future__ import annotations

from survey_app.answers.codes import make_code
from survey_app.ui.pages.new_session import NewSessionPage
from survey_app.ui.pages.questionnaire import QuestionPage
from survey_app.ui.pages.review import ReviewPage
from tests.ui.conftest import accept_consent, settle, store_call

WAIT = 20000
FIRST, SECOND = 2, 3  # option codes typed in the first and in the second pass


def start_double_entry(qtbot, window):
    """Staff tick "paper" and "double entry" on the new-session page and start."""
    window.stack.currentWidget().new_button.click()
    page = window.stack.currentWidget()
    assert isinstance(page, NewSessionPage)
    qtbot.keyClicks(page.code, make_code(21, "RJ"))
    page.timepoint.setCurrentIndex(page.timepoint.findData("baseline"))
    page.paper.click()
    page.double.click()
    page.start_button.click()
    qtbot.waitUntil(lambda: window.page_name == "session", timeout=WAIT)
    return window.session_view


def interrupt_after_first_answer(qtbot, window) -> tuple[str, int, str]:
    """Type one answer of the first pass, leave the session and resume it from the dashboard."""
    view = start_double_entry(qtbot, window)
    accept_consent(qtbot, view)
    hscl = next(i for i, p in enumerate(view.plan) if p.form.id == "hscl25")
    item_id = view.plan[hscl].items[0].id
    view.show_page(hscl)
    view.current.views[item_id].answer.button_for(FIRST).click()
    settle(qtbot, window.ctx.client)
    session_id = view.session_id
    window.show_dashboard()
    settle(qtbot, window.ctx.client)
    window.resume_session(session_id)
    qtbot.waitUntil(
        lambda: window.page_name == "session" and window.session_view is not view, timeout=WAIT
    )
    return session_id, hscl, item_id


def finish_first_pass(view) -> None:
    view.show_review()
    assert isinstance(view.current, ReviewPage)
    view.current.finish_button.click()


def test_new_session_page_stores_the_double_entry_choice(qtbot, dashboard, ctx):
    view = start_double_entry(qtbot, dashboard)
    session = store_call(qtbot, ctx.client, lambda w: w.store.session(view.session_id))
    assert (session.source, session.double_entry) == ("paper", True)


def test_resumed_paper_session_offers_the_second_pass(qtbot, dashboard):
    _session_id, hscl, item_id = interrupt_after_first_answer(qtbot, dashboard)
    view = dashboard.session_view
    finish_first_pass(view)
    view.show_page(hscl)
    assert isinstance(view.current, QuestionPage)
    assert view.second_pass == {}
    assert not view.current.views[item_id].answer.button_for(FIRST).isChecked()


def test_resumed_paper_session_shows_a_mismatch_between_the_passes(qtbot, dashboard):
    _session_id, hscl, item_id = interrupt_after_first_answer(qtbot, dashboard)
    view = dashboard.session_view
    finish_first_pass(view)
    view.show_page(hscl)
    view.current.views[item_id].answer.button_for(SECOND).click()
    view.show_review()
    review = view.current
    assert [entry.item.id for entry, _detail in view.mismatches()] == [item_id]
    assert review.findChild(type(review.finish_button), f"goto_{item_id}") is not None
    assert not review.finish_button.isEnabled()
