"""Dashboard Sync and Export: real store, real bundle files, a real server on loopback."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from survey_app.answers.codes import make_code
from survey_app.bundle import read_bundle
from survey_app.server.config import ServerConfig
from survey_app.server.service import ServerService
from survey_app.ui.direction import LRM, plain
from survey_app.ui.pages.dashboard import DashboardPage
from tests.server.fixtures import config, live, service
from tests.server.support import TEST_STUDIES, start_server_process
from tests.ui.conftest import settle, store_call

__all__ = ["config", "live", "service"]
WAIT = 30000


@pytest.fixture(autouse=True)
def stop_network_thread(window):
    """pytest-qt closes the window before fixtures end; the network thread must stop too."""
    yield
    window.transfer.shutdown()


def page_of(window) -> DashboardPage:
    page = window.stack.currentWidget()
    assert isinstance(page, DashboardPage)
    return page


def finish_sessions(qtbot, window, count: int) -> list[str]:
    """Complete and seal `count` sessions in the dashboard's meeting; return their ids."""
    ctx = window.ctx
    study, meeting = ctx.study, ctx.meeting

    def op(worker):
        consent = study.library.forms["consent"]
        ids = []
        for number in range(1, count + 1):
            session = worker.store.start_session(
                meeting.id, make_code(number, "RJ"), "baseline", "ar", actor="AB"
            )
            worker.store.record_consent(session.id, consent, {"consent_participate": 1}, actor="AB")
            worker.store.complete_session(session.id, study, actor="AB")
            ids.append(session.id)
        return ids

    ids = store_call(qtbot, ctx.client, op)
    window.refresh_dashboard(page_of(window))
    settle(qtbot, ctx.client)
    return ids


def statuses(window) -> list[str]:
    return [s.status for s in page_of(window).sessions]


def wait_idle(qtbot, window) -> None:
    qtbot.waitUntil(lambda: window.transfer.idle, timeout=WAIT)
    settle(qtbot, window.ctx.client)


def note(window) -> str:
    return plain(page_of(window).transfer_note.text())


def unwritable_folder(tmp_path: Path) -> Path:
    """A folder nobody may write into (as root mode bits do not stop writes; sysfs does)."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    return folder if not os.access(folder, os.W_OK) else Path("/sys")


def enrol_through_dialog(qtbot, window, url: str, code: str) -> None:
    page_of(window).sync_button.click()
    dialog = window.enrol_dialog
    assert dialog is not None
    dialog.address.setText(url)
    dialog.code.setText(code)
    dialog.enrol_button.click()
    qtbot.waitUntil(lambda: window.transfer.state.enrolled is True, timeout=WAIT)


# ----- export -----------------------------------------------------------------------------------


def test_export_writes_a_verified_bundle_and_the_dashboard_shows_exported(
    qtbot, dashboard, tmp_path
):
    finish_sessions(qtbot, dashboard, 2)
    usb = tmp_path / "usb"
    usb.mkdir()
    page_of(dashboard).export_to(usb)
    wait_idle(qtbot, dashboard)
    files = list(usb.glob("*.surveybundle"))
    assert len(files) == 1
    assert read_bundle(files[0]).manifest.count == 2
    assert statuses(dashboard) == ["exported", "exported"]
    assert plain(page_of(dashboard).table.item(0, 3).text()) == "Exported"
    assert files[0].name in note(dashboard) and "2" in note(dashboard)


def test_second_export_takes_only_new_sessions_unless_everything_is_ticked(
    qtbot, dashboard, tmp_path
):
    finish_sessions(qtbot, dashboard, 2)
    usb = tmp_path / "usb"
    usb.mkdir()
    page_of(dashboard).export_to(usb)
    wait_idle(qtbot, dashboard)
    page_of(dashboard).export_to(usb)
    wait_idle(qtbot, dashboard)
    assert len(list(usb.glob("*.surveybundle"))) == 1
    assert note(dashboard).startswith("Nothing new to export")
    again = tmp_path / "again"
    again.mkdir()
    page_of(dashboard).include_all.setChecked(True)
    page_of(dashboard).export_to(again)
    wait_idle(qtbot, dashboard)
    assert read_bundle(next(again.glob("*.surveybundle"))).manifest.count == 2


def test_export_to_an_unwritable_folder_says_so_and_keeps_sessions_waiting(
    qtbot, dashboard, tmp_path
):
    finish_sessions(qtbot, dashboard, 2)
    page_of(dashboard).export_to(unwritable_folder(tmp_path))
    wait_idle(qtbot, dashboard)
    assert "could not be written" in note(dashboard)
    assert "Nothing was lost" in note(dashboard)
    assert statuses(dashboard) == ["sealed", "sealed"]


def test_export_to_a_pulled_stick_names_the_folder_and_writes_nothing_beside_it(
    qtbot, dashboard, tmp_path
):
    finish_sessions(qtbot, dashboard, 1)
    media = tmp_path / "media"  # where sticks are mounted; the app's own data is elsewhere
    media.mkdir()
    gone = media / "stick-gone"
    page_of(dashboard).export_to(gone)
    wait_idle(qtbot, dashboard)
    assert f"There is no folder “{gone}”: nothing was exported and nothing was lost" in note(
        dashboard
    )
    assert statuses(dashboard) == ["sealed"]
    assert list(media.iterdir()) == []


def test_a_pulled_stick_whose_name_looks_like_a_bundle_is_still_a_folder(
    qtbot, dashboard, tmp_path
):
    # The app's picker chooses folders: a stick mounted as `x.surveybundle` and then pulled
    # must not turn into a bundle file on the laptop's own disk, marked as exported.
    finish_sessions(qtbot, dashboard, 1)
    media = tmp_path / "media"
    media.mkdir()
    gone = media / "stick.surveybundle"
    page_of(dashboard).export_to(gone)
    wait_idle(qtbot, dashboard)
    assert f"There is no folder “{gone}”" in note(dashboard)
    assert statuses(dashboard) == ["sealed"]
    assert list(media.iterdir()) == []


def test_a_pulled_stick_is_said_in_arabic_to_arabic_staff(qtbot, dashboard, tmp_path):
    dashboard.ctx.staff_language = "ar"
    dashboard.show_dashboard()
    settle(qtbot, dashboard.ctx.client)
    finish_sessions(qtbot, dashboard, 1)
    page_of(dashboard).export_to(tmp_path / "stick-gone")
    wait_idle(qtbot, dashboard)
    assert f"لا يوجد مجلد باسم «{tmp_path / 'stick-gone'}»" in note(dashboard)
    assert statuses(dashboard) == ["sealed"]


def test_a_pulled_sticks_path_keeps_its_reading_order_in_an_arabic_sentence(
    qtbot, dashboard, tmp_path
):
    # Unmarked, the bidi algorithm moved the path's leading "/" to its end: «tmp/…/stick-gone/».
    dashboard.ctx.staff_language = "ar"
    dashboard.show_dashboard()
    settle(qtbot, dashboard.ctx.client)
    finish_sessions(qtbot, dashboard, 1)
    gone = tmp_path / "stick-gone"
    page_of(dashboard).export_to(gone)
    wait_idle(qtbot, dashboard)
    assert f"«{LRM}{gone}{LRM}»" in page_of(dashboard).transfer_note.text()


def test_a_folder_in_any_staff_message_keeps_its_reading_order_in_arabic(dashboard):
    # The same rule for every translated error the window shows (the list key, the register).
    from survey_app.bundle.from_store import ExportFolderMissing

    dashboard.ctx.staff_language = "ar"
    text = dashboard.error_text(ExportFolderMissing(Path("/media/stick")))
    assert f"«{LRM}/media/stick{LRM}»" in text


def test_export_in_arabic_shows_the_message_in_arabic(qtbot, dashboard, tmp_path):
    dashboard.ctx.staff_language = "ar"
    dashboard.show_dashboard()
    settle(qtbot, dashboard.ctx.client)
    finish_sessions(qtbot, dashboard, 1)
    usb = tmp_path / "usb"
    usb.mkdir()
    page_of(dashboard).export_to(usb)
    wait_idle(qtbot, dashboard)
    assert "صُدِّرت جلسة واحدة" in note(dashboard)  # Arabic says "one session" in words
    assert next(usb.glob("*.surveybundle")).name in note(dashboard)


# ----- sync -------------------------------------------------------------------------------------


def test_enrol_then_sync_marks_sessions_synced(qtbot, dashboard, live):
    service, server = live
    finish_sessions(qtbot, dashboard, 2)
    code, _ = service.create_enrol_code()
    enrol_through_dialog(qtbot, dashboard, server.url, code)
    qtbot.waitUntil(lambda: statuses(dashboard) == ["synced", "synced"], timeout=WAIT)
    assert note(dashboard) == "Sync finished. The server confirmed 2 sessions."
    assert store_call(qtbot, dashboard.ctx.client, lambda w: w.store.pending_envelopes()) == []
    assert dashboard.enrol_dialog is None


def test_sync_removes_readable_answers_as_the_studys_purge_policy_says(qtbot, dashboard, live):
    service, server = live
    finish_sessions(qtbot, dashboard, 1)
    code, _ = service.create_enrol_code()
    enrol_through_dialog(qtbot, dashboard, server.url, code)
    qtbot.waitUntil(lambda: statuses(dashboard) == ["synced"], timeout=WAIT)
    wait_idle(qtbot, dashboard)
    assert dashboard.ctx.study.config.purge_policy == "after_sync"
    assert [s.purged for s in page_of(dashboard).sessions] == [True]


def test_export_keeps_answers_until_the_server_confirms_under_after_sync(
    qtbot, dashboard, tmp_path
):
    finish_sessions(qtbot, dashboard, 1)
    usb = tmp_path / "usb"
    usb.mkdir()
    page_of(dashboard).export_to(usb)
    wait_idle(qtbot, dashboard)
    assert [s.purged for s in page_of(dashboard).sessions] == [False]


def test_a_wrong_enrolment_code_keeps_the_dialog_open_with_the_reason(qtbot, dashboard, live):
    page_of(dashboard).sync_button.click()
    dialog = dashboard.enrol_dialog
    dialog.address.setText(live[1].url)
    dialog.code.setText("AAAA-BBBB-CCCC")
    dialog.enrol_button.click()
    qtbot.waitUntil(lambda: dialog.message.text() != "", timeout=WAIT)
    assert dialog.isVisible()
    assert plain(dialog.message.text()).startswith("The server refused the enrolment code")
    assert dashboard.transfer.state.enrolled is False


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ar", "رفض الخادم رمز التسجيل: الرمز غير صالح."),
        ("nb", "Serveren avviste registreringskoden: den er ikke gyldig."),
    ],
)
def test_a_wrong_enrolment_code_is_explained_in_the_staff_language(
    qtbot, dashboard, live, language, expected
):
    dashboard.ctx.staff_language = language
    dashboard.show_dashboard()
    settle(qtbot, dashboard.ctx.client)
    page_of(dashboard).sync_button.click()
    dialog = dashboard.enrol_dialog
    dialog.address.setText(live[1].url)
    dialog.code.setText("AAAA-BBBB-CCCC")
    dialog.enrol_button.click()
    qtbot.waitUntil(lambda: dialog.message.text() != "", timeout=WAIT)
    shown = plain(dialog.message.text())
    assert shown.startswith(expected)
    assert "the enrolment code is not valid" not in shown  # the server's own English words


def test_a_plain_http_address_on_another_computer_is_refused(qtbot, dashboard):
    page_of(dashboard).sync_button.click()
    dialog = dashboard.enrol_dialog
    dialog.address.setText("http://survey.example.org")
    dialog.code.setText("AAAA-BBBB-CCCC")
    dialog.enrol_button.click()
    assert "https://" in dialog.message.text()
    assert dashboard.transfer.idle


def test_server_down_says_so_then_sync_happens_by_itself_when_it_is_back(
    qtbot, dashboard, tmp_path
):
    db = tmp_path / "server.sqlite3"
    admin = ServerService.open(ServerConfig(database=str(db), study_ids=TEST_STUDIES))
    code, _ = admin.create_enrol_code()
    admin.close()
    dashboard.ctx.sync_interval_seconds = 3600
    dashboard.show_dashboard()
    server = start_server_process(db)
    try:
        enrol_through_dialog(qtbot, dashboard, server.url, code)
        wait_idle(qtbot, dashboard)
    finally:
        server.stop()
    finish_sessions(qtbot, dashboard, 2)
    page_of(dashboard).sync_button.click()
    wait_idle(qtbot, dashboard)
    assert note(dashboard).startswith("The server cannot be reached. Nothing was lost")
    assert statuses(dashboard) == ["sealed", "sealed"]

    dashboard.ctx.sync_interval_seconds = 0.2
    dashboard.show_dashboard()
    restarted = start_server_process(db, server.port)
    try:
        qtbot.waitUntil(lambda: statuses(dashboard) == ["synced", "synced"], timeout=WAIT)
    finally:
        restarted.stop()
