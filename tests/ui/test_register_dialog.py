"""The register dialog: staff only, its own passphrase, locks with the app; reveal at completion."""

from __future__ import annotations

from pathlib import Path

import pytest

from survey_app.answers.codes import make_code
from survey_app.trial.sealed_lists import write_list_set
from survey_app.ui.direction import LRM
from tests.ui.conftest import accept_consent, settle, start_session, store_call
from tests.ui.test_session import _run_to_thanks

REGISTER_PASSPHRASE = "register passphrase 1"
NAME = "Testa Fiktivsen"


def open_register(qtbot, window, ctx, *, create: bool = True):
    """Open the dialog from the dashboard and unlock (or create) the register."""
    window.stack.currentWidget().register_button.click()
    qtbot.waitUntil(lambda: window.register.dialog is not None, timeout=20000)
    dialog = window.register.dialog
    dialog.passphrase.setText(REGISTER_PASSPHRASE)
    if create:
        dialog.repeat.setText(REGISTER_PASSPHRASE)
    dialog.unlock_button.click()
    qtbot.waitUntil(lambda: dialog.body.isVisible(), timeout=20000)
    settle(qtbot, ctx.client)
    return dialog


def allocation_list_file(qtbot, ctx, folder: Path, laptop: str) -> Path:
    """An allocation list sealed to this laptop's store under the label given."""
    study = ctx.study
    recipient = store_call(qtbot, ctx.client, lambda w: w.store.list_recipient())
    written = write_list_set(study.config.trial.randomisation, [(laptop, recipient)],
                             study_id=study.study_id, keyholders=[study.public_key],
                             out_dir=folder)  # fmt: skip
    return written.list_files[0]


def look_up(qtbot, ctx, dialog, code: str) -> None:
    dialog.code.setText(code)
    dialog.code.returnPressed.emit()
    qtbot.waitUntil(lambda: dialog.view is not None and dialog.view.code == code, timeout=20000)
    settle(qtbot, ctx.client)


def test_the_register_needs_its_own_passphrase(qtbot, dashboard, ctx) -> None:
    dialog = open_register(qtbot, dashboard, ctx)
    assert dialog.tabs.isEnabled() is False
    dashboard.lock()
    qtbot.waitUntil(lambda: dashboard.register.dialog is None, timeout=20000)
    settle(qtbot, ctx.client)
    assert store_call(qtbot, ctx.client, lambda w: getattr(w, "register", None)) is None


def test_a_person_and_a_consent_are_recorded_in_the_register_only(qtbot, dashboard, ctx) -> None:
    dialog = open_register(qtbot, dashboard, ctx)
    code = make_code(41)
    look_up(qtbot, ctx, dialog, code)
    dialog.name.setText(NAME)
    dialog.phone.setText("+4700000041")
    dialog.findChild(type(dialog.export_button), "register_save").click()
    settle(qtbot, ctx.client)
    dialog.findChild(type(dialog.export_button), "consent_record").click()
    settle(qtbot, ctx.client)
    person = store_call(qtbot, ctx.client, lambda w: w.register.person(code))
    consents = store_call(qtbot, ctx.client, lambda w: w.register.consents(code))
    assert (person.name, person.phone) == (NAME, "+4700000041")
    assert [(c.outcome, c.place, c.staff) for c in consents] == [("given", "Skolen", "AB")]
    assert "saved" in dialog.message.text()


def test_a_bad_phone_number_is_explained_and_nothing_is_lost(qtbot, dashboard, ctx) -> None:
    dialog = open_register(qtbot, dashboard, ctx)
    look_up(qtbot, ctx, dialog, make_code(42))
    dialog.name.setText(NAME)
    dialog.phone.setText("ring meg")
    dialog.findChild(type(dialog.export_button), "register_save").click()
    settle(qtbot, ctx.client)
    assert "digits" in dialog.message.text()
    assert dialog.name.text() == NAME


def test_a_receipt_is_printed_to_a_file_without_the_code_in_its_name(
    qtbot, dashboard, ctx, tmp_path: Path
) -> None:
    dialog = open_register(qtbot, dashboard, ctx)
    dashboard.register.choose_folder = lambda _parent, _title: str(tmp_path)
    code = make_code(43)
    look_up(qtbot, ctx, dialog, code)
    dialog.findChild(type(dialog.export_button), "consent_record").click()
    settle(qtbot, ctx.client)
    dialog.findChild(type(dialog.export_button), "consent_receipt").click()
    settle(qtbot, ctx.client)
    (receipt,) = tmp_path.glob("*.pdf")
    assert code not in receipt.name and receipt.read_bytes().startswith(b"%PDF")


def test_a_completed_baseline_is_randomised_without_showing_the_arm(
    qtbot, dashboard, ctx, tmp_path: Path
) -> None:
    list_file = allocation_list_file(qtbot, ctx, tmp_path / "lists", "laptop-1")
    dialog = open_register(qtbot, dashboard, ctx)
    dashboard.register.choose_file = lambda _parent, _title: str(list_file)
    dialog.findChild(type(dialog.export_button), "load_list").click()
    settle(qtbot, ctx.client)
    assert "laptop-1" in dialog.list_state.text()
    dialog.reject()
    view = start_session(qtbot, dashboard, "nb", number=44)
    accept_consent(qtbot, view)
    _run_to_thanks(qtbot, view)
    settle(qtbot, ctx.client)
    code = view.setup.session.participant_code
    allocation = store_call(qtbot, ctx.client, lambda w: w.store.allocation(code))
    assert allocation is not None and not allocation.emergency
    thanks_text = " ".join(w.text() for w in view.current.findChildren(type(dialog.message)))
    assert allocation.arm not in thanks_text


def test_a_withdrawal_goes_to_the_register_and_to_the_data_manager(qtbot, dashboard, ctx) -> None:
    dialog = open_register(qtbot, dashboard, ctx)
    code = make_code(45)
    look_up(qtbot, ctx, dialog, code)
    dialog.scopes["contact"].setChecked(True)
    dialog.findChild(type(dialog.export_button), "withdraw").click()
    settle(qtbot, ctx.client)
    (entry,) = store_call(qtbot, ctx.client, lambda w: w.register.withdrawals(code))
    assert entry.scopes == ("contact",)
    assert store_call(qtbot, ctx.client, lambda w: w.store.withdrawal_scopes(code)) == ("contact",)


def test_the_consent_record_keeps_the_participants_own_ticks(qtbot, dashboard, ctx) -> None:
    view = start_session(qtbot, dashboard, "ar", number=46)
    consent = view.current
    for item_id in consent.statements:
        consent.views[item_id].answer.button_for(0).click()
    consent.continue_button.click()
    consent.confirm_decline_button.click()  # "are you sure?"
    settle(qtbot, ctx.client)
    dashboard.show_dashboard()
    dialog = open_register(qtbot, dashboard, ctx)
    code = view.setup.session.participant_code
    look_up(qtbot, ctx, dialog, code)
    dialog.outcome.button(1).setChecked(True)
    dialog.findChild(type(dialog.export_button), "consent_record").click()
    settle(qtbot, ctx.client)
    (entry,) = store_call(qtbot, ctx.client, lambda w: w.register.consents(code))
    assert entry.outcome == "declined"
    assert set(entry.decisions.values()) == {0}


def test_the_list_key_saved_from_the_dialog_makes_a_list_this_laptop_loads(
    qtbot, dashboard, ctx, tmp_path: Path, capsys
) -> None:
    from survey_app.cli.main import main
    from survey_app.study import demo_study_dir

    dialog = open_register(qtbot, dashboard, ctx)
    dashboard.register.choose_folder = lambda _parent, _title: str(tmp_path)
    dialog.key_button.click()
    settle(qtbot, ctx.client)
    (key_file,) = tmp_path.glob("laptop-list-key-*.txt")
    recipient = store_call(qtbot, ctx.client, lambda w: w.store.list_recipient())
    assert recipient in key_file.read_text()
    code = main(["randomise", "lists", "--study", str(demo_study_dir()), "--laptop",
                 f"laptop-1={key_file}", "--out", str(tmp_path / "lists")])  # fmt: skip
    assert code == 0
    dashboard.register.choose_file = lambda _parent, _title: str(
        tmp_path / "lists" / "allocation-list-laptop-1.surveylist"
    )
    dialog.load_button.click()
    settle(qtbot, ctx.client)
    assert "laptop-1" in dialog.list_state.text(), dialog.message.text()


def test_a_list_key_for_a_pulled_stick_names_the_folder_in_the_staff_language(
    qtbot, dashboard, ctx, tmp_path: Path
) -> None:
    from survey_app.ui.direction import plain

    dialog = open_register(qtbot, dashboard, ctx)
    media = tmp_path / "media"
    media.mkdir()
    gone = media / "stick-gone"  # chosen, then the stick was pulled before the save
    dashboard.register.choose_folder = lambda _parent, _title: str(gone)
    dialog.key_button.click()
    settle(qtbot, ctx.client)
    said = plain(dialog.message.text())
    assert f"There is no folder “{gone}”: the list key was not saved" in said
    ctx.staff_language = "nb"
    dialog.key_button.click()
    settle(qtbot, ctx.client)
    assert f"Det finnes ingen mappe «{gone}»: listenøkkelen" in plain(dialog.message.text())
    assert list(media.iterdir()) == []


def test_a_recorded_consent_names_its_form_by_title_in_the_staff_language(
    qtbot, dashboard, ctx
) -> None:
    from survey_app.ui.direction import plain

    dialog = open_register(qtbot, dashboard, ctx)
    look_up(qtbot, ctx, dialog, make_code(45))
    dialog.name.setText(NAME)
    dialog.findChild(type(dialog.export_button), "register_save").click()
    settle(qtbot, ctx.client)
    dialog.findChild(type(dialog.export_button), "consent_record").click()
    qtbot.waitUntil(lambda: "1.0" in dialog.consent_list.text(), timeout=20000)
    line = plain(dialog.consent_list.text()).split("\n")[0]
    assert "(Information about the study and consent " in line
    assert "(consent " not in line


def test_a_withdrawal_from_collection_takes_the_unfinished_session_off_the_dashboard(
    qtbot, dashboard, ctx
) -> None:
    view = start_session(qtbot, dashboard, "ar", number=47)
    accept_consent(qtbot, view)
    code = view.setup.session.participant_code
    dashboard.show_dashboard()
    settle(qtbot, ctx.client)
    assert dashboard.stack.currentWidget().unfinished_table.rowCount() == 1
    dialog = open_register(qtbot, dashboard, ctx)
    look_up(qtbot, ctx, dialog, code)
    dialog.scopes["collection"].setChecked(True)
    dialog.findChild(type(dialog.export_button), "withdraw").click()
    settle(qtbot, ctx.client)
    dialog.reject()
    settle(qtbot, ctx.client)
    page = dashboard.stack.currentWidget()
    qtbot.waitUntil(lambda: page.unfinished_table.rowCount() == 0, timeout=20000)
    assert not page.unfinished_box.isVisible()


def load_list(qtbot, dashboard, ctx, tmp_path: Path, language: str):
    """Open the register in a staff language and load this laptop's allocation list."""
    list_file = allocation_list_file(qtbot, ctx, tmp_path / "lists", "laptop-1")
    ctx.staff_language = language
    dialog = open_register(qtbot, dashboard, ctx)
    dashboard.register.choose_file = lambda _parent, _title: str(list_file)
    dialog.load_button.click()
    settle(qtbot, ctx.client)
    return dialog


# The DEMO study's labels, in study.yaml's order; Latin ones marked (LRM) like other Latin text.
STRATA_SAID = {
    "ar": ("الأماكن المتاحة النساء ٣٠، الرجال وغيرهم ٣٠.", ["النساء", "الرجال وغيرهم"]),
    "nb": (
        f"ledige plasser {LRM}Kvinner{LRM} 30, {LRM}Menn og andre{LRM} 30.",
        ["Kvinner", "Menn og andre"],
    ),
    "en": (
        f"free slots {LRM}Women{LRM} 30, {LRM}Men and other{LRM} 30.",
        ["Women", "Men and other"],
    ),
}


@pytest.mark.parametrize("language", ["ar", "nb", "en"])
def test_the_register_names_each_stratum_in_the_staff_language(
    qtbot, dashboard, ctx, tmp_path: Path, language: str
) -> None:
    from survey_app.ui.direction import directed, left_to_right, plain

    dialog = load_list(qtbot, dashboard, ctx, tmp_path, language)
    free, choices = STRATA_SAID[language]
    assert free in dialog.list_state.text()
    shown = [dialog.stratum.itemText(i) for i in (1, 2)]
    assert [plain(text) for text in shown] == choices
    assert shown == [directed(left_to_right(text), language) for text in choices]
    # Staff choose by name; the stratum recorded is still the id in study.yaml.
    assert [dialog.stratum.itemData(i) for i in (1, 2)] == ["women", "men"]
