"""Dashboard sync of a submission the server erased at the participant's request (real server)."""

from __future__ import annotations

from survey_app.ui.direction import plain
from tests.server.fixtures import config, live, service
from tests.ui.conftest import store_call
from tests.ui.test_transfer import (
    WAIT,
    enrol_through_dialog,
    finish_sessions,
    page_of,
    statuses,
    stop_network_thread,
    wait_idle,
)

__all__ = ["config", "live", "service", "stop_network_thread"]


def erase_on_server(qtbot, window, service, session_id: str) -> None:
    """The data manager erases the participant's submission on the server before it syncs."""
    session = store_call(qtbot, window.ctx.client, lambda w: w.store.session(session_id))
    service.erase_submissions([session.submission_id], reference="DPO-1", requested_by="test")


def test_sync_shows_an_erased_submission_as_erased_at_the_participants_request(
    qtbot, dashboard, live
):
    service, server = live
    erased, _kept = finish_sessions(qtbot, dashboard, 2)
    erase_on_server(qtbot, dashboard, service, erased)
    code, _ = service.create_enrol_code()
    enrol_through_dialog(qtbot, dashboard, server.url, code)
    qtbot.waitUntil(lambda: statuses(dashboard) == ["erased", "synced"], timeout=WAIT)
    texts = [plain(page_of(dashboard).table.item(row, 3).text()) for row in range(2)]
    assert texts == ["Erased at the participant's request", "Synced"]


def test_round_with_only_an_erased_submission_removes_its_readable_answers(qtbot, dashboard, live):
    service, server = live
    (erased,) = finish_sessions(qtbot, dashboard, 1)
    erase_on_server(qtbot, dashboard, service, erased)
    code, _ = service.create_enrol_code()
    enrol_through_dialog(qtbot, dashboard, server.url, code)
    qtbot.waitUntil(lambda: statuses(dashboard) == ["erased"], timeout=WAIT)
    wait_idle(qtbot, dashboard)
    qtbot.waitUntil(lambda: [s.purged for s in page_of(dashboard).sessions] == [True], timeout=WAIT)
