"""The dashboard lists sessions left unfinished; staff resume them or close them with a reason."""

from __future__ import annotations

from survey_app.answers.codes import make_code
from survey_app.ui.pages.close_dialog import CloseUnfinishedDialog
from survey_app.ui.pages.questionnaire import QuestionPage
from tests.ui.conftest import accept_consent, settle, start_session, store_call


def _left_on_hscl(qtbot, window, ctx, number=1):
    """A session answered up to its HSCL-25 page, then left; the dashboard is shown."""
    view = start_session(qtbot, window, "ar", number=number)
    accept_consent(qtbot, view)
    view.show_page(next(i for i, p in enumerate(view.plan) if p.form.id == "hscl25"))
    view.current.views[view.current.spec.items[0].id].answer.button_for(2).click()
    settle(qtbot, ctx.client)
    session_id, page_number, pages = view.session_id, view.page_index + 1, len(view.plan)
    window.show_dashboard()
    settle(qtbot, ctx.client)
    return session_id, page_number, pages


def _select(page, row=0):
    page.select_unfinished(row)


def _open_close_dialog(qtbot, window, page) -> CloseUnfinishedDialog:
    _select(page)
    page.close_unfinished_button.click()
    qtbot.waitUntil(lambda: window.close_dialog is not None, timeout=5000)
    return window.close_dialog


def _cells(page, row=0):
    table = page.unfinished_table
    return [table.item(row, col).text() for col in range(table.columnCount())]


def test_dashboard_lists_an_unfinished_session_with_its_page(qtbot, dashboard, ctx):
    _session_id, page_number, pages = _left_on_hscl(qtbot, dashboard, ctx)
    page = dashboard.stack.currentWidget()
    assert page.unfinished_box.isVisible()
    cells = _cells(page)
    assert make_code(1, "RJ") in cells[0]
    assert f"Page {page_number} of {pages}" in cells[3]


def test_an_unfinished_session_of_an_earlier_meeting_is_listed(qtbot, dashboard, ctx):
    _left_on_hscl(qtbot, dashboard, ctx)
    ctx.meeting = store_call(
        qtbot, ctx.client, lambda w: w.store.create_meeting("2026-01-02", "Huset", "CD")
    )
    dashboard.show_dashboard()
    settle(qtbot, ctx.client)
    page = dashboard.stack.currentWidget()
    assert page.table.rowCount() == 0
    assert page.unfinished_table.rowCount() == 1


def test_no_unfinished_sessions_hides_the_list(qtbot, dashboard, ctx):
    page = dashboard.stack.currentWidget()
    settle(qtbot, ctx.client)
    assert not page.unfinished_box.isVisible()


def test_resume_from_the_list_opens_the_page_it_stopped_on(qtbot, dashboard, ctx):
    _session_id, page_number, _pages = _left_on_hscl(qtbot, dashboard, ctx)
    page = dashboard.stack.currentWidget()
    _select(page)
    page.resume_unfinished_button.click()
    qtbot.waitUntil(lambda: dashboard.page_name == "session", timeout=20000)
    view = dashboard.session_view
    assert isinstance(view.current, QuestionPage)
    assert view.page_index + 1 == page_number


def test_closing_needs_a_reason(qtbot, dashboard, ctx):
    session_id, _n, _p = _left_on_hscl(qtbot, dashboard, ctx)
    dialog = _open_close_dialog(qtbot, dashboard, dashboard.stack.currentWidget())
    dialog.close_button.click()
    assert dialog.message.text()
    settle(qtbot, ctx.client)
    status = store_call(qtbot, ctx.client, lambda w: w.store.session(session_id).status)
    assert status == "in_progress"


def test_another_reason_needs_a_note(qtbot, dashboard, ctx):
    _left_on_hscl(qtbot, dashboard, ctx)
    dialog = _open_close_dialog(qtbot, dashboard, dashboard.stack.currentWidget())
    dialog.reason.setCurrentIndex(dialog.reason.findData("other"))
    dialog.close_button.click()
    assert dialog.close_button.isEnabled()
    assert dialog.message.text()


def test_closing_seals_the_session_as_abandoned(qtbot, dashboard, ctx):
    session_id, _n, _p = _left_on_hscl(qtbot, dashboard, ctx)
    page = dashboard.stack.currentWidget()
    dialog = _open_close_dialog(qtbot, dashboard, page)
    dialog.reason.setCurrentIndex(dialog.reason.findData("participant_left"))
    dialog.close_button.click()
    qtbot.waitUntil(lambda: dashboard.close_dialog is None, timeout=20000)
    settle(qtbot, ctx.client)
    info = store_call(qtbot, ctx.client, lambda w: w.store.session(session_id))
    assert (info.status, info.outcome) == ("sealed", "abandoned")
    assert page.unfinished_table.rowCount() == 0
    assert page.unfinished_note.text()


def test_closing_the_last_unfinished_session_says_so_where_staff_can_see_it(qtbot, dashboard, ctx):
    _left_on_hscl(qtbot, dashboard, ctx)
    page = dashboard.stack.currentWidget()
    dialog = _open_close_dialog(qtbot, dashboard, page)
    dialog.reason.setCurrentIndex(dialog.reason.findData("participant_left"))
    dialog.close_button.click()
    qtbot.waitUntil(lambda: dashboard.close_dialog is None, timeout=20000)
    settle(qtbot, ctx.client)
    assert page.unfinished_box.isHidden()  # no unfinished session left to list
    assert page.unfinished_note.isVisibleTo(page)
    qtbot.waitUntil(lambda: not page.unfinished_note.visibleRegion().isEmpty(), timeout=3000)


def test_a_closed_session_shows_closed_unfinished_in_the_meeting_table(qtbot, dashboard, ctx):
    _left_on_hscl(qtbot, dashboard, ctx)
    page = dashboard.stack.currentWidget()
    dialog = _open_close_dialog(qtbot, dashboard, page)
    dialog.reason.setCurrentIndex(dialog.reason.findData("out_of_time"))
    dialog.close_button.click()
    qtbot.waitUntil(lambda: dashboard.close_dialog is None, timeout=20000)
    settle(qtbot, ctx.client)
    assert "Closed unfinished" in page.table.item(0, 3).text()


def test_locking_drops_the_close_dialog(qtbot, dashboard, ctx):
    _left_on_hscl(qtbot, dashboard, ctx)
    _open_close_dialog(qtbot, dashboard, dashboard.stack.currentWidget())
    dashboard.lock()
    assert dashboard.close_dialog is None or not dashboard.close_dialog.isVisible()
