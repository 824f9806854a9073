"""The enrolment dialog's CA certificate file: a self-signed server on loopback, real TLS."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from survey_app.server.config import ServerConfig
from survey_app.server.runner import BackgroundServer, TlsFiles
from survey_app.server.service import ServerService
from survey_app.ui.direction import plain
from survey_app.ui.pages.sync_dialog import EnrolDialog
from tests.server.support import TEST_STUDIES, running_server, self_signed_tls
from tests.ui.conftest import store_call
from tests.ui.test_transfer import WAIT, finish_sessions, page_of, statuses


@pytest.fixture(autouse=True)
def stop_network_thread(window):
    """pytest-qt closes the window before fixtures end; the network thread must stop too."""
    yield
    window.transfer.shutdown()


@pytest.fixture
def tls(tmp_path: Path) -> TlsFiles:
    return self_signed_tls(tmp_path)


@pytest.fixture
def https(tls: TlsFiles, tmp_path: Path) -> Iterator[tuple[ServerService, BackgroundServer]]:
    config = ServerConfig(database=str(tmp_path / "s.db"), study_ids=TEST_STUDIES)
    with running_server(config, tls) as pair:
        yield pair


def open_dialog(window, url: str, code: str, ca_file: str = "") -> EnrolDialog:
    page_of(window).sync_button.click()
    dialog = window.enrol_dialog
    assert dialog is not None
    dialog.address.setText(url)
    dialog.code.setText(code)
    dialog.ca_file.setText(ca_file)
    return dialog


def refused(qtbot, dialog: EnrolDialog) -> str:
    dialog.enrol_button.click()
    qtbot.waitUntil(lambda: dialog.message.text() != "", timeout=WAIT)
    assert dialog.isVisible()
    return plain(dialog.message.text())


def test_enrolling_with_the_ca_file_trusts_a_self_signed_server_for_every_later_sync(
    qtbot, dashboard, https, tls
):
    service, server = https
    assert server.url.startswith("https://")
    finish_sessions(qtbot, dashboard, 2)
    code, _ = service.create_enrol_code()
    open_dialog(dashboard, server.url, code, str(tls.certfile)).enrol_button.click()
    # The sync right after enrolment connects again, with the CA kept in the credentials only.
    qtbot.waitUntil(lambda: statuses(dashboard) == ["synced", "synced"], timeout=WAIT)
    saved = store_call(qtbot, dashboard.ctx.client, _saved_ca)
    assert saved == Path(tls.certfile).read_text(encoding="ascii")


def _saved_ca(worker) -> str | None:
    from survey_app.sync.credentials import load_credentials

    credentials = load_credentials(worker.store)
    return None if credentials is None else credentials.ca_pem


def test_a_self_signed_server_without_the_ca_file_is_named_a_certificate_problem(
    qtbot, dashboard, https
):
    service, server = https
    code, _ = service.create_enrol_code()
    text = refused(qtbot, open_dialog(dashboard, server.url, code))
    assert text.startswith("The server's certificate is not trusted")
    assert dashboard.transfer.state.enrolled is False


def test_a_file_that_is_no_certificate_is_refused_in_the_dialog(qtbot, dashboard, https, tmp_path):
    service, server = https
    code, _ = service.create_enrol_code()
    wrong = tmp_path / "notes.pem"
    wrong.write_text("not a certificate\n", encoding="ascii")
    text = refused(qtbot, open_dialog(dashboard, server.url, code, str(wrong)))
    assert text == "The CA certificate file notes.pem holds no usable certificate (PEM)."
    assert dashboard.transfer.state.enrolled is False


def test_the_ca_refusal_is_in_arabic_for_arabic_staff(qtbot, dashboard, https, tmp_path):
    dashboard.ctx.staff_language = "ar"
    dashboard.show_dashboard()
    service, server = https
    code, _ = service.create_enrol_code()
    text = refused(qtbot, open_dialog(dashboard, server.url, code, str(tmp_path / "gone.pem")))
    assert "gone.pem" in text
    assert "ملف شهادة CA" in text  # "the CA certificate file", in the staff's language


def test_choose_puts_the_picked_file_in_the_dialog(qtbot, dashboard, monkeypatch, tls):
    from PySide6.QtWidgets import QFileDialog

    picked = (str(tls.certfile), "")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kw: picked)
    page_of(dashboard).sync_button.click()
    dialog = dashboard.enrol_dialog
    dialog.choose_ca_button.click()
    assert dialog.ca_file.text() == str(tls.certfile)
