"""Issue 11's whole Arabic session, played on the real window as staff and participant do.

Staff (Arabic staff pages) start a baseline session in Arabic in a study whose study.yaml
switches the safety signal on (HSCL-25 item 20). The participant consents, types an age of
١٥٠ (150 in Arabic-Indic digits), which blocks Next until it is corrected to ٤٥, listens to two
recorded items, and writes a free-text marker. Staff pause with Ctrl+Shift+P and the passphrase,
switch the interpreter's language (nb) on from the staff menu and go back to the same page;
later they pause to the dashboard and resume the session there. The participant answers item 20
with a triggering value and finishes; staff see the safety signal behind the passphrase. The
sessions go to a USB folder through the dashboard's export, and the data manager's import with
the DEMO study key must hold exactly the answers entered, every item column, with the events in
the sealed audit, while no answer text reached a log record, the app's log file or any file of
the data folder.

The session is played once (module fixture); each test checks one outcome of it.
"""

from __future__ import annotations

import csv
import gc
import io
import logging
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from survey_app.cli.main import main
from survey_app.forms.model import ItemType
from survey_app.importer.record import ImportRecord
from survey_app.sealing.study_keys import read_private_key
from survey_app.study import DEMO_PASSPHRASE, demo_private_key_path, demo_study_dir
from survey_app.study.safety import AUDIT_ACTION as SAFETY_ACTION
from survey_app.ui.app import prepare_application
from survey_app.ui.context import AppContext
from survey_app.ui.direction import plain
from survey_app.ui.error_guard import configure_logging
from survey_app.ui.main_window import MainWindow
from survey_app.ui.pages.pause import PausePage
from survey_app.ui.pages.questionnaire import QuestionPage
from survey_app.ui.pages.review import ReviewPage
from survey_app.ui.pages.thanks import ThanksPage
from survey_app.ui.reading import PlayButton
from survey_app.ui.store_worker import StoreClient
from survey_app.ui.theme import Theme
from tests.ui.conftest import (
    FAST_KDF,
    PASSPHRASE,
    accept_consent,
    settle,
    start_session,
    store_call,
)

pytestmark = pytest.mark.slow  # one whole session, an export and an import: about half a minute

ROOT = Path(__file__).resolve().parents[2]
WAIT = 20000
SHOTS = os.environ.get("E2E_SHOTS")  # a folder: also render the key moments to PNG files

# Answer text that must never reach a log: a free-text marker and the refused typed age.
MARKER = "Zq7-مارك-كوكب-e2e11"
INVALID_AGE = "١٥٠"  # 150, typed in the participant's digits
VALID_AGE = "٤٥"
INVALID_CHILDREN = "٩٩٧"  # refused (at most 20), then cleared with the Clear button

DECLINED, NOT_APPLICABLE, NOT_ANSWERED = -7, -8, -9
CHOSEN: dict[str, Any] = {
    "bg_gender": 1,
    "bg_country": 11,  # "other country": its free-text item is shown
    "bg_education": 3,
    "bg_languages": [1, 3],  # not 11: bg_languages_other stays hidden (-8)
    "bg_norwegian": 2,
    "bg_marital": 2,
    "hscl_01": 1,
    "hscl_02": 2,
    "hscl_03": 4,
    "hscl_20": 3,  # the safety trigger: at least 2
    "hscl_25": 1,
    "pcl_01": 2,
    "pcl_02": 0,
    "pcl_20": 4,
    "via_01": 9,
    "via_20": 1,
}
TYPED = {"bg_years_norway": "٦", "bg_school_years": "12"}
DECLINE = ("hscl_05", "pcl_03")
LADDERS = {"cantril_past": 3, "cantril_now": 6, "cantril_future": 9, "eqvas": 70}
# What the store and the data set must hold (unlisted items: not answered, -9).
EXPECTED: dict[str, Any] = {
    **CHOSEN,
    **LADDERS,
    "bg_age": 45,
    "bg_country_other": MARKER,
    "bg_years_norway": 6,
    "bg_school_years": 12,
    "bg_languages_other": NOT_APPLICABLE,
    **dict.fromkeys(DECLINE, DECLINED),
}
PLAYED = ("bg_age", "bg_gender")  # one before the interpreter comes, one after


@dataclass
class Played:
    """What the session left behind, for the tests to check."""

    root: Path
    data_dir: Path
    session_id: str = ""
    code: str = ""
    steps: dict[str, Any] = field(default_factory=dict)  # facts seen on screen along the way
    records: list[logging.LogRecord] = field(default_factory=list)
    import_code: int | None = None


class Keep(logging.Handler):
    """Every log record of the whole run, whatever its level (like caplog, module-wide)."""

    def __init__(self, records: list[logging.LogRecord]) -> None:
        super().__init__(logging.DEBUG)
        self.records = records

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def shot(window: QWidget, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        QApplication.processEvents()
        window.grab().save(str(Path(SHOTS) / f"{name}.png"))


def safety_study(folder: Path) -> Path:
    """The DEMO study with its documented safety setting switched on (study.yaml, as a study
    does it), its forms where they are."""
    shutil.copytree(demo_study_dir(), folder)
    path = folder / "study.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace('forms_dir: "../../forms"', f'forms_dir: "{ROOT / "forms"}"')
    setting = (
        "safety:\n  protocol: S\n  triggers:\n    - {form: hscl25, item: hscl_20, at_least: 2}"
    )
    commented = "\n".join("# " + line for line in setting.splitlines())
    text = text.replace(commented, setting)
    assert "\nsafety:" in text, "the DEMO study.yaml no longer shows the safety setting"
    path.write_text(text, encoding="utf-8")
    return folder


# ----- playing the session ---------------------------------------------------------------------


def page(view) -> QuestionPage:
    assert isinstance(view.current, QuestionPage), type(view.current).__name__
    return view.current


def typed(qtbot, view, item_id: str, text: str) -> None:
    """Type into an item's field as a participant does (select all, then keys).

    QTest's key clicks know ASCII only; Arabic letters and digits are sent as the key events an
    Arabic keyboard layout makes (the character as the event's text).
    """
    editor = page(view).views[item_id].answer.editor
    editor.setFocus()
    editor.selectAll()
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, char)
            QApplication.sendEvent(editor, event)


def play(qtbot, view, item_id: str) -> None:
    button = page(view).findChild(PlayButton, f"play_{item_id}")
    assert button is not None and button.isVisible(), f"no play button for {item_id}"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def stored(qtbot, client, session_id: str) -> dict[str, Any]:
    settle(qtbot, client)
    return {
        a.item_id: a.value for a in store_call(qtbot, client, lambda w: w.store.answers(session_id))
    }


def answer_shown_items(qtbot, view) -> None:
    """Give this page's planned answers (clicks, keys, scale values); leave the others."""
    current = page(view)
    for item_id in current.shown_items():
        answer = current.views[item_id].answer
        if item_id in DECLINE:
            current.findChild(QWidget, f"decline_{item_id}").click()
        elif item_id in CHOSEN:
            want = CHOSEN[item_id]
            for code in want if isinstance(want, list) else [want]:
                answer.button_for(code).click()
        elif item_id in TYPED:
            typed(qtbot, view, item_id, TYPED[item_id])
        elif item_id in LADDERS:
            answer.canvas.set_value(LADDERS[item_id])


def next_page(qtbot, view) -> None:
    before = view.current
    page(view).next_button.click()
    qtbot.waitUntil(lambda: view.current is not before, timeout=WAIT)


def staff_pause(qtbot, window, view) -> PausePage:
    """Ctrl+Shift+P on the participant's page, then the staff passphrase: the staff menu."""
    view.current.setFocus()
    qtbot.keyClick(
        view.current,
        Qt.Key.Key_P,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.waitUntil(lambda: window.page_name == "gate", timeout=5000)
    window.gate.passphrase.setText(PASSPHRASE)
    window.gate.unlock_button.click()
    qtbot.waitUntil(lambda: window.page_name == "paused", timeout=WAIT)
    menu = window.stack.currentWidget()
    assert isinstance(menu, PausePage)
    return menu


def choose_interpreter(qtbot, client, menu: PausePage, language: str | None) -> None:
    index = menu.interpreter.findData(language)
    menu.interpreter.setCurrentIndex(index)
    menu.interpreter.activated.emit(index)  # what a staff member's pick in the list sends
    settle(qtbot, client)


def first_background_page(qtbot, window, view, played: Played) -> None:
    """Listen to the age question, type 150, see Next refused, correct it to 45."""
    shot(window, "ar-background-play-buttons")
    play(qtbot, view, "bg_age")
    view.reader.stop()
    first = view.current
    typed(qtbot, view, "bg_age", INVALID_AGE)
    page(view).next_button.click()
    played.steps["blocked"] = view.current is first
    played.steps["age_message"] = [
        plain(label.text())
        for label in page(view).views["bg_age"].answer.message.labels
        if not label.isHidden()
    ]
    played.steps["age_before_correction"] = stored(qtbot, window.ctx.client, view.session_id).get(
        "bg_age"
    )
    shot(window, "ar-typed-age-refused")
    typed(qtbot, view, "bg_age", VALID_AGE)
    answer_shown_items(qtbot, view)
    typed(qtbot, view, "bg_country_other", MARKER)  # shown once "other country" is chosen
    played.steps["age_message_after"] = [
        label for label in page(view).views["bg_age"].answer.message.labels if not label.isHidden()
    ]


def interpreter_midway(qtbot, window, view, played: Played) -> None:
    """Pause on the first background page, switch the interpreter on, come back there, listen
    to the gender question (only this page has the DEMO sample recordings), go on."""
    index = view.page_index
    menu = staff_pause(qtbot, window, view)
    shot(window, "ar-staff-menu")
    choose_interpreter(qtbot, window.ctx.client, menu, "nb")
    shot(window, "ar-staff-menu-interpreter-nb")
    menu.resume_button.click()
    qtbot.waitUntil(lambda: window.page_name == "session", timeout=WAIT)
    played.steps["after_interpreter"] = (view.page_index == index, view.langs.all)
    shot(window, "ar+nb-background-play-buttons")
    play(qtbot, view, "bg_gender")
    view.reader.stop()
    first = view.current
    page(view).next_button.click()
    played.steps["went_on"] = view.current is not first


def pause_to_dashboard_and_resume(qtbot, window, view, played: Played):
    """Pause on an HSCL-25 page to the dashboard, resume the session there; the new view."""
    index = view.page_index
    on_page = dict(view.answers)
    menu = staff_pause(qtbot, window, view)
    menu.dashboard_button.click()
    qtbot.waitUntil(lambda: window.page_name == "dashboard", timeout=WAIT)
    settle(qtbot, window.ctx.client)
    shot(window, "ar-dashboard-paused-session")
    window.resume_session(view.session_id)
    qtbot.waitUntil(lambda: window.page_name == "session", timeout=WAIT)
    resumed = window.session_view
    played.steps["resumed_at"] = (resumed.page_index == index, resumed.page_index)
    played.steps["resumed_answers"] = dict(resumed.answers) == on_page
    played.steps["resumed_langs"] = resumed.langs.all
    return resumed


def play_session(qtbot, window, played: Played) -> None:
    ctx = window.ctx
    view = start_session(qtbot, window, "ar")
    played.session_id = view.session_id
    played.steps["reader_available"] = view.reader is not None and view.reader.available
    accept_consent(qtbot, view)
    first_background_page(qtbot, window, view, played)
    interpreter_midway(qtbot, window, view, played)
    paused = False
    while isinstance(view.current, QuestionPage):
        ids = page(view).shown_items()
        if "bg_children" in ids:
            typed(qtbot, view, "bg_children", INVALID_CHILDREN)
            page(view).next_button.click()
            played.steps["children_blocked"] = "bg_children" in page(view).shown_items()
            page(view).views["bg_children"].answer.clear_button.click()
        if not paused and page(view).form.id == "hscl25" and "hscl_05" in ids:
            answer_shown_items(qtbot, view)
            view = pause_to_dashboard_and_resume(qtbot, window, view, played)
            paused = True
        answer_shown_items(qtbot, view)
        if "hscl_20" in ids:
            shot(window, "ar+nb-hscl-item-20")
        next_page(qtbot, view)
    assert isinstance(view.current, ReviewPage)
    shot(window, "ar+nb-review")
    review = view.current
    review.finish_button.click()  # unanswered items: the first press asks, in both languages
    played.steps["finish_asked"] = view.current is review and any(
        not label.isHidden() for label in review.notice.labels
    )
    shot(window, "ar+nb-review-confirm")
    review.finish_button.click()
    qtbot.waitUntil(lambda: isinstance(view.current, ThanksPage), timeout=WAIT)
    settle(qtbot, ctx.client)
    played.steps["thanks_labels"] = " ".join(
        plain(label.text()) for label in view.current.findChildren(QLabel)
    )
    shot(window, "ar+nb-thanks")
    view.current.staff_button.click()
    window.gate.passphrase.setText(PASSPHRASE)
    window.gate.unlock_button.click()
    qtbot.waitUntil(lambda: window.page_name in ("dashboard", "safety_signal"), timeout=WAIT)
    played.steps["after_finish"] = window.page_name
    if window.page_name == "safety_signal":
        signal = window.stack.currentWidget().findChild(QLabel, "safety_signal")
        played.steps["signal"] = plain(signal.text())
        shot(window, "ar-staff-safety-signal")
        window.stack.currentWidget().continue_button.click()
    qtbot.waitUntil(lambda: window.page_name == "dashboard", timeout=WAIT)
    settle(qtbot, ctx.client)
    sid = played.session_id
    played.steps["laptop_audit"] = [
        (e.action, e.detail)
        for e in store_call(qtbot, ctx.client, lambda w: w.store.audit_trail(sid))
    ]


def export_and_import(qtbot, window, played: Played) -> None:
    """The dashboard's USB export, then the data manager's import with the DEMO study key."""
    usb = played.root / "usb"
    usb.mkdir()
    window.stack.currentWidget().export_to(usb)
    qtbot.waitUntil(lambda: window.transfer.idle, timeout=WAIT)
    settle(qtbot, window.ctx.client)
    played.steps["bundles"] = sorted(p.name for p in usb.iterdir())
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SURVEY_KEY_PASSPHRASE", DEMO_PASSPHRASE)
        played.import_code = main(
            [
                "import",
                str(usb),
                "--key",
                str(demo_private_key_path()),
                "--study",
                str(played.root / "study"),
                "--out",
                str(played.root / "out"),
            ]
        )


@pytest.fixture(scope="module")
def played(qapp, request, tmp_path_factory) -> Iterator[Played]:
    root = tmp_path_factory.mktemp("arabic-session")
    result = Played(root=root, data_dir=root / "data")
    qtbot = QtBot(request)
    prepare_application([], "ar", Theme())
    client = StoreClient()
    ctx = AppContext(
        client=client,
        data_dir=result.data_dir,
        study_dir=safety_study(root / "study"),
        staff_language="ar",
        kdf=FAST_KDF,
    )
    root_logger = logging.getLogger()
    level = root_logger.level
    log_file = configure_logging(result.data_dir / "app.log")  # as the app does at start
    keep = Keep(result.records)
    root_logger.addHandler(keep)
    root_logger.setLevel(logging.DEBUG)
    window = MainWindow(ctx)
    window.resize(1366, 768)
    window.show()
    try:
        setup = window.stack.currentWidget()
        setup.passphrase.setText(PASSPHRASE)
        setup.repeat.setText(PASSPHRASE)
        setup.create_button.click()
        qtbot.waitUntil(lambda: window.page_name == "dashboard", timeout=WAIT)
        settle(qtbot, client)
        dashboard = window.stack.currentWidget()
        dashboard.meeting_place.setText("قاعة المدرسة")
        dashboard.meeting_staff.setText("AB")
        dashboard._start_meeting()
        qtbot.waitUntil(lambda: ctx.meeting is not None, timeout=WAIT)
        settle(qtbot, client)
        play_session(qtbot, window, result)
        export_and_import(qtbot, window, result)
        yield result
    finally:
        root_logger.removeHandler(keep)
        root_logger.removeHandler(log_file)
        log_file.close()
        root_logger.setLevel(level)
        window.transfer.shutdown()
        window._allow_close = True
        window.close()
        window.deleteLater()
        client.shutdown()
        gc.collect()


# ----- what the data manager gets ---------------------------------------------------------------


def rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


@pytest.fixture(scope="module")
def row(played: Played) -> dict[str, str]:
    (only,) = rows(played.root / "out" / "baseline.csv")
    return only


@pytest.fixture(scope="module")
def free_text(played: Played) -> dict[str, str]:
    (only,) = rows(played.root / "out" / "baseline-free-text.csv")
    return only


@pytest.fixture(scope="module")
def audit(played: Played) -> list[dict[str, Any]]:
    """The session's audit as sealed on the laptop and opened by the import."""
    identity = read_private_key(demo_private_key_path(), DEMO_PASSPHRASE)
    with ImportRecord.open(played.root / "out", identity) as record:
        (payload,) = list(record.payloads())
    return list(payload["audit"])


def expected_columns(study_dir: Path) -> dict[str, str]:
    """Every item column of the baseline (main CSV and free-text file) as it must read."""
    from survey_app.study import load_study

    study = load_study(study_dir)
    cells: dict[str, str] = {}
    for form_id in ("background", "hscl25", "pcl5", "cantril", "eqvas", "via"):
        for item in study.library.forms[form_id].items:
            if not item.answerable or item.calculated:
                continue
            want = EXPECTED.get(item.id, NOT_ANSWERED)
            if item.type is ItemType.MULTIPLE_CHOICE:
                for option in item.scale.options:
                    column = f"{item.id}_{option.code}"
                    cells[column] = (
                        str(int(option.code in want)) if isinstance(want, list) else str(want)
                    )
            else:
                cells[item.id] = str(want)
    return cells


# ----- the session on screen --------------------------------------------------------------------


def test_the_laptop_can_play_the_recordings(played: Played) -> None:
    assert played.steps["reader_available"]


def test_a_typed_age_of_150_blocks_next_with_the_message_and_is_not_stored(played: Played) -> None:
    assert played.steps["blocked"]
    assert played.steps["age_message"] == ["يرجى كتابة رقم بين ١٨ و٩٩."]
    assert played.steps["age_before_correction"] is None


def test_the_corrected_age_lets_the_participant_go_on(played: Played) -> None:
    assert played.steps["age_message_after"] == []
    assert played.steps["went_on"]


def test_a_refused_typed_value_blocks_next_until_cleared(played: Played) -> None:
    assert played.steps["children_blocked"]


def test_the_interpreter_switched_on_midway_shows_the_same_page_in_both_languages(
    played: Played,
) -> None:
    assert played.steps["after_interpreter"] == (True, ("ar", "nb"))


def test_the_session_paused_to_the_dashboard_resumes_at_its_page_with_its_answers(
    played: Played,
) -> None:
    assert played.steps["resumed_at"][0], played.steps["resumed_at"]
    assert played.steps["resumed_answers"]
    assert played.steps["resumed_langs"] == ("ar", "nb")


def test_staff_see_the_safety_signal_after_the_passphrase(played: Played) -> None:
    assert played.steps["after_finish"] == "safety_signal"
    assert played.steps["signal"]
    assert "S" in played.steps["signal"]


def test_finishing_with_unanswered_items_asks_once_before_completing(played: Played) -> None:
    assert played.steps["finish_asked"]


def test_the_participants_thanks_page_shows_no_signal(played: Played) -> None:
    assert "بروتوكول" not in played.steps["thanks_labels"]
    assert "protokoll" not in played.steps["thanks_labels"].lower()


# ----- export and import ------------------------------------------------------------------------


def test_the_usb_export_writes_one_bundle_and_the_import_succeeds(played: Played) -> None:
    assert [Path(name).suffix for name in played.steps["bundles"]] == [".surveybundle"]
    assert played.import_code == 0


def test_the_data_set_row_holds_the_session_facts(played: Played, row: dict[str, str]) -> None:
    assert (row["status"], row["language"], row["timepoint"]) == ("completed", "ar", "baseline")
    assert (row["interpreter_language"], row["interpreter_assisted"]) == ("nb", "1")
    assert row["listened_items"] == "2"


def test_every_item_of_the_data_set_holds_exactly_the_answer_entered(
    played: Played, row: dict[str, str], free_text: dict[str, str]
) -> None:
    expected = expected_columns(played.root / "study")
    got = {column: (row | free_text).get(column) for column in expected}
    assert got == expected
    assert row["bg_age"] == "45"


def test_the_sealed_audit_holds_the_pause_resume_and_interpreter_events(
    audit: list[dict[str, Any]],
) -> None:
    actions = [entry["action"] for entry in audit]
    assert actions.count("paused") == 2
    assert actions.count("resumed") >= 2
    (switch,) = [e["detail"] for e in audit if e["action"] == "interpreter_changed"]
    assert (switch["switched"], switch["new"][0]) == ("on", "nb")


def test_the_sealed_audit_holds_the_two_listened_items(audit: list[dict[str, Any]]) -> None:
    listened = [e["detail"] for e in audit if e["action"] == "item_listened"]
    assert [(d["item_id"], d["part"], d["language"]) for d in listened] == [
        (item_id, "text", "ar") for item_id in PLAYED
    ]


def test_the_laptops_audit_holds_the_safety_signal_without_the_answer(played: Played) -> None:
    signals = [detail for action, detail in played.steps["laptop_audit"] if action == SAFETY_ACTION]
    assert signals == [{"protocol": "S"}]


def test_the_safety_signal_is_not_part_of_the_sealed_submission(
    audit: list[dict[str, Any]],
) -> None:
    # docs/safety.md: written after sealing; the data holds the answers, not the signal.
    assert [e for e in audit if e["action"] == SAFETY_ACTION] == []


# ----- no answer text in any log --------------------------------------------------------------


SECRETS = (MARKER, INVALID_AGE, INVALID_CHILDREN)


def test_no_log_record_holds_answer_text(played: Played) -> None:
    assert played.records, "nothing was logged: the capture is not working"
    for record in played.records:
        text = record.getMessage() + repr(record.args) + str(record.exc_info or "")
        assert not [s for s in SECRETS if s in text], (record.name, record.levelname)


def test_no_file_of_the_data_folder_or_the_app_log_holds_answer_text(played: Played) -> None:
    files = [p for p in played.data_dir.rglob("*") if p.is_file()]
    assert played.data_dir / "app.log" in files
    for path in files:
        data = path.read_bytes()
        for secret in SECRETS:
            for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
                assert secret.encode(encoding) not in data, (path.name, encoding)
