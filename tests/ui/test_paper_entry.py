"""Paper data entry end to end: staff type a paper form through the real pages, the dashboard
exports a bundle, the data manager imports it with the DEMO study key."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from survey_app.answers.codes import make_code
from survey_app.importer import ImportSettings, run_import
from survey_app.sealing.study_keys import read_private_key
from survey_app.study import DEMO_PASSPHRASE, demo_private_key_path
from survey_app.ui.pages.dashboard import DashboardPage
from survey_app.ui.pages.new_session import NewSessionPage
from survey_app.ui.pages.questionnaire import QuestionPage
from survey_app.ui.pages.review import ReviewPage
from survey_app.ui.pages.thanks import ThanksPage
from tests.ui.conftest import PASSPHRASE, accept_consent, settle, store_call

WAIT = 30000
CODE = make_code(17, "RJ")
# What the paper form says, by printed option code (the codes printed on paper are stored as is).
PAPER = {("hscl25", "hscl_01"): 3, ("hscl25", "hscl_02"): 1, ("background", "bg_gender"): 2}


@pytest.fixture(autouse=True)
def stop_network_thread(window):
    yield
    window.transfer.shutdown()


def enter_paper_session(qtbot, window) -> str:
    """Fill the new-session page as staff do for a paper form, then type the answers."""
    window.stack.currentWidget().new_button.click()
    page = window.stack.currentWidget()
    assert isinstance(page, NewSessionPage)
    qtbot.keyClicks(page.code, CODE)
    page.language.setCurrentIndex(page.language.findData("ar"))
    page.timepoint.setCurrentIndex(page.timepoint.findData("baseline"))
    page.paper.click()
    page.start_button.click()
    qtbot.waitUntil(lambda: window.page_name == "session", timeout=WAIT)
    view = window.session_view
    accept_consent(qtbot, view)
    while isinstance(view.current, QuestionPage):
        page = view.current
        for (form_id, item_id), code in PAPER.items():
            if page.form.id == form_id and item_id in page.views:
                page.views[item_id].answer.button_for(code).click()
        if page.form.id == "eqvas":
            canvas = page.views["eqvas"].answer.canvas
            canvas.setFocus()
            for key in (Qt.Key.Key_End, Qt.Key.Key_PageUp, Qt.Key.Key_PageUp, Qt.Key.Key_Up):
                qtbot.keyClick(canvas, key)
        page.next_button.click()
    assert isinstance(view.current, ReviewPage)
    view.current.finish_button.click()
    qtbot.waitUntil(lambda: isinstance(view.current, ThanksPage), timeout=WAIT)
    return view.session_id


def back_to_dashboard(qtbot, window) -> DashboardPage:
    window.session_view.current.staff_button.click()
    window.gate.passphrase.setText(PASSPHRASE)
    window.gate.unlock_button.click()
    qtbot.waitUntil(lambda: window.page_name == "dashboard", timeout=WAIT)
    settle(qtbot, window.ctx.client)
    return window.stack.currentWidget()


def test_a_paper_form_typed_in_reaches_the_data_set_as_paper_with_its_codes(
    qtbot, dashboard, ctx, tmp_path
):
    session_id = enter_paper_session(qtbot, dashboard)
    session = store_call(qtbot, ctx.client, lambda w: w.store.session(session_id))
    assert (session.source, session.status) == ("paper", "sealed")
    page = back_to_dashboard(qtbot, dashboard)
    usb = tmp_path / "usb"
    usb.mkdir()
    page.export_to(usb)
    qtbot.waitUntil(lambda: dashboard.transfer.idle, timeout=WAIT)
    bundles = list(usb.glob("*.surveybundle"))
    assert len(bundles) == 1
    out = tmp_path / "import"
    identity = read_private_key(demo_private_key_path(), DEMO_PASSPHRASE)
    study = ctx.study
    report = run_import(
        bundles,
        identity,
        ImportSettings(out_dir=out, library=study.library, study_id=study.study_id),
    )
    assert report.rejections == []
    rows = [r for r in read_csv(out / "baseline.csv") if r["participant_code"] == CODE]
    assert len(rows) == 1
    row = rows[0]
    assert row["source"] == "paper"
    assert {item: row[item] for (_form, item) in PAPER} == {
        item: str(code) for (_form, item), code in PAPER.items()
    }
    assert row["eqvas"] == "21"


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))
