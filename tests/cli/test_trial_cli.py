"""The trial commands end to end on real stores and keys: laptop side and data manager side."""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pytest

from survey_app.answers.codes import make_code
from survey_app.cli.main import main
from survey_app.register.store import RegisterStore
from survey_app.store import DeviceStore
from survey_app.study import demo_study_dir, load_study
from tests.kdf import FAST_KDF as FAST

STUDY = demo_study_dir()
STUDY_KEY = STUDY / "DEMO-study-private-key.age"
REGISTER_KEY = STUDY / "DEMO-register-private-key.age"
ENV = {
    "SURVEY_APP_PASSPHRASE": "staff passphrase 1",
    "SURVEY_REGISTER_PASSPHRASE": "register passphrase 1",
    "SURVEY_KEY_PASSPHRASE": "demo",
    "SURVEY_REGISTER_KEY_PASSPHRASE": "demo",
}
NAME, PHONE = "Testa Fiktivsen", "+4700000001"
needs_pdftotext = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed"
)


@pytest.fixture(autouse=True)
def passphrases(monkeypatch) -> None:
    for key, value in ENV.items():
        monkeypatch.setenv(key, value)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def laptop(tmp_path: Path) -> Path:
    data = tmp_path / "laptop"
    DeviceStore.create(data / "device-store.db", ENV["SURVEY_APP_PASSPHRASE"], kdf=FAST).close()
    with RegisterStore.create(data / "linking-register.db", ENV["SURVEY_REGISTER_PASSPHRASE"],
                              kdf=FAST) as register:  # fmt: skip
        register.register_person(make_code(1), name=NAME, phone=PHONE, language="nb", actor="AB")
        consent = load_study(STUDY).library.forms["consent"]
        register.record_consent(make_code(1), timepoint="baseline", form=consent, language="nb",
                                reading="self", place="Skolen", outcome="given",
                                actor="AB")  # fmt: skip
    return data


@pytest.fixture
def lists(capsys, laptop: Path, tmp_path: Path) -> Path:
    _, key, _ = run(capsys, "randomise", "laptop-key", "--data-dir", laptop)
    code, out, _ = run(capsys, "randomise", "lists", "--study", STUDY, "--laptop",
                       f"laptop-1={key.strip()}", "--out", tmp_path / "lists")  # fmt: skip
    assert code == 0
    assert "intervention" not in out and "control" not in out
    return tmp_path / "lists"


def test_a_laptop_loads_its_list_and_shows_counts_only(capsys, laptop, lists) -> None:
    code, out, _ = run(capsys, "randomise", "load", lists / "allocation-list-laptop-1.surveylist",
                       "--data-dir", laptop, "--staff", "AB")  # fmt: skip
    # One laptop: the whole count of 30 per stratum is its period 1.
    assert code == 0 and "men: 30" in out and "control" not in out


def test_another_laptops_list_is_refused_with_a_reason(capsys, tmp_path, lists) -> None:
    other = tmp_path / "other"
    DeviceStore.create(other / "device-store.db", ENV["SURVEY_APP_PASSPHRASE"], kdf=FAST).close()
    code, _, err = run(capsys, "randomise", "load", lists / "allocation-list-laptop-1.surveylist",
                       "--data-dir", other, "--staff", "AB")  # fmt: skip
    assert code == 1 and "another laptop" in err and "Traceback" not in err


def test_an_emergency_reveal_prints_the_arm_and_says_it_is_logged(capsys, laptop, lists) -> None:
    run(capsys, "randomise", "load", lists / "allocation-list-laptop-1.surveylist",
        "--data-dir", laptop, "--staff", "AB")  # fmt: skip
    code, out, _ = run(capsys, "randomise", "emergency", make_code(2), "--reason", "clinical",
                       "--stratum", "women", "--date", "2025-01-14", "--staff", "AB",
                       "--data-dir", laptop)  # fmt: skip
    assert code == 0 and "EMERGENCY REVEAL (logged)" in out


def test_register_export_import_find_correct_and_erase(capsys, laptop, tmp_path) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    assert run(capsys, "register", "export", "--data-dir", laptop, "--out", usb)[0] == 0
    (snapshot,) = usb.glob("*.surveyregister")
    assert NAME.encode() not in snapshot.read_bytes()
    central = ("--register", tmp_path / "central", "--key", REGISTER_KEY)
    code, out, _ = run(capsys, "register", "import", usb, *central, "--study", STUDY)
    assert code == 0 and "1 new" in out
    code, out, _ = run(capsys, "register", "find", "--name", "fiktivsen", *central)
    assert make_code(1) in out
    run(capsys, "register", "correct", make_code(1), "--field", "phone", "--value",
        "+4700000002", *central)  # fmt: skip
    code, out, _ = run(capsys, "register", "find", "--code", make_code(1), *central)
    assert "+4700000002" in out
    code, out, _ = run(capsys, "register", "erase", make_code(1), "--yes", *central)
    assert code == 0
    code, out, _ = run(capsys, "register", "find", "--code", make_code(1), *central)
    assert "erased" in out and NAME not in out


def test_register_export_to_a_missing_folder_names_it_and_exports_nothing(
    capsys, laptop, tmp_path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "register", "export", "--data-dir", laptop, "--out", "usb")
    assert code == 1
    assert "There is no folder “usb”: the register was not exported" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["laptop"]
    Path("usb").mkdir()
    assert run(capsys, "register", "export", "--data-dir", laptop, "--out", "usb")[0] == 0
    assert len(list(Path("usb").glob("*.surveyregister"))) == 1


def test_register_erase_points_to_participant_erase_of_the_program_run(
    capsys, laptop, tmp_path
) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    run(capsys, "register", "export", "--data-dir", laptop, "--out", usb)
    central = [str(a) for a in ("--register", tmp_path / "central", "--key", REGISTER_KEY)]
    run(capsys, "register", "import", usb, *central, "--study", STUDY)
    argv = ["register", "erase", make_code(1), "--yes", *central]
    assert main(argv, prog="survey-app") == 0
    assert "erased with `survey-app participant erase`" in capsys.readouterr().out


def test_a_receipt_is_printed_from_the_laptop_register(capsys, laptop, tmp_path) -> None:
    out = tmp_path / "receipt.pdf"
    code, _, _ = run(capsys, "register", "receipt", make_code(1), "--data-dir", laptop,
                     "--to", out)  # fmt: skip
    assert code == 0 and out.read_bytes().startswith(b"%PDF")


def _imported_trial(capsys, tmp_path: Path) -> tuple[Path, tuple]:
    """A simulated laptop trial exported, imported and merged into a central register."""
    from survey_app.bundle.from_store import export_store
    from survey_app.simulate.runner import SimClock
    from survey_app.simulate.trial_run import Laptop, simulate_trial

    study = load_study(STUDY)
    folder = tmp_path / "sim"
    with DeviceStore.create(folder / "device-store.db", "staff passphrase 1", kdf=FAST) as store, \
            RegisterStore.create(folder / "linking-register.db", "register passphrase 1",
                                 kdf=FAST) as register:  # fmt: skip
        from survey_app.trial.sealed_lists import write_list_set

        written = write_list_set(study.config.trial.randomisation,
                                 [("laptop-1", store.list_recipient())], study_id="demo",
                                 keyholders=[study.public_key], out_dir=tmp_path / "l")  # fmt: skip
        store.load_allocation_list(written.list_files[0].read_bytes(), study, actor="AB")
        simulate_trial([Laptop("laptop-1", store, register)], study, participants=4, meetings=1,
                       seed=3, clock=SimClock())  # fmt: skip
        usb = tmp_path / "usb2"
        usb.mkdir()
        export_store(store, usb)
        from survey_app.register.snapshot_file import export_register

        export_register(register, "demo", study.config.register_public_key, usb)
    data = tmp_path / "data"
    assert run(capsys, "import", usb, "--key", STUDY_KEY, "--study", STUDY, "--out", data)[0] == 0
    central = ("--register", tmp_path / "c", "--register-key", REGISTER_KEY)
    run(capsys, "register", "import", usb, "--register", tmp_path / "c", "--key", REGISTER_KEY,
        "--study", STUDY)  # fmt: skip
    return data, central


def test_reminders_hold_phone_and_language_only(capsys, laptop, tmp_path) -> None:
    data, central = _imported_trial(capsys, tmp_path)
    from datetime import date, timedelta

    in_a_year = (date.today() + timedelta(days=365)).isoformat()  # the stores kept real time
    both = ("--out", data, "--key", STUDY_KEY, *central, "--study", STUDY, "--as-of", in_a_year)
    code, out, _ = run(capsys, "followup", "due", *both)
    assert code == 0 and "followup-12m: due" in out
    reminders = tmp_path / "sms.csv"
    code, out, _ = run(capsys, "followup", "reminders", *both, "--to", reminders)
    rows = list(csv.reader(io.StringIO(reminders.read_text(encoding="utf-8"))))
    assert rows[0] == ["phone", "language", "timepoint"]
    assert len(rows) > 1 and all(r[0].startswith("+470") for r in rows[1:])


def test_lists_take_the_key_file_a_laptop_saved(capsys, laptop, tmp_path) -> None:
    _, key, _ = run(capsys, "randomise", "laptop-key", "--data-dir", laptop)
    key_file = tmp_path / "laptop-list-key-x.txt"
    key_file.write_text(f"# Allocation-list key of laptop x\n{key.strip()}\n", encoding="ascii")
    code, _, err = run(capsys, "randomise", "lists", "--study", STUDY, "--laptop",
                       f"laptop-1={key_file}", "--out", tmp_path / "lists")  # fmt: skip
    assert code == 0, err
    code, out, _ = run(capsys, "randomise", "load",
                       tmp_path / "lists" / "allocation-list-laptop-1.surveylist",
                       "--data-dir", laptop, "--staff", "AB")  # fmt: skip
    assert code == 0 and "men: 30" in out


def test_lists_refuse_a_laptop_key_that_is_neither_key_nor_file(capsys, tmp_path) -> None:
    code, _, err = run(capsys, "randomise", "lists", "--study", STUDY, "--laptop",
                       "laptop-1=usb/laptop-key.txt", "--out", tmp_path / "lists")  # fmt: skip
    assert code == 1 and "neither a list key" in err and "Traceback" not in err
    assert not (tmp_path / "lists").exists()


@pytest.mark.parametrize(
    ("typed", "said"),
    [("P-0002", "This is not a participant code"), ("P-0002-Y", "This code has a typing error")],
)
def test_a_mistyped_code_is_explained_in_words(capsys, tmp_path, typed, said) -> None:
    # A data manager answering an access request types the code from a letter.
    central = ("--register", tmp_path / "central", "--key", REGISTER_KEY)
    with pytest.raises(SystemExit) as stopped:
        run(capsys, "register", "find", "--code", typed, *central)
    err = capsys.readouterr().err
    assert stopped.value.code == 2
    assert said in err and "code.format" not in err and "code.check" not in err


def test_an_attempt_for_a_timepoint_the_study_does_not_follow_up_is_refused(capsys, tmp_path):
    central = ("--register", tmp_path / "c", "--register-key", REGISTER_KEY)
    code, _, err = run(capsys, "followup", "attempt", make_code(1), "--channel", "sms",
                       "--timepoint", "followup-99m", "--staff", "AB", *central,
                       "--study", STUDY)  # fmt: skip
    assert code == 1 and "followup-12m" in err and "Traceback" not in err


@needs_pdftotext
def test_letters_leave_out_a_participant_who_asked_not_to_be_contacted(capsys, tmp_path) -> None:
    import subprocess

    from survey_app.importer.record import ImportRecord
    from survey_app.importer.trial_record import allocations_by_code
    from survey_app.register.central import CentralRegister
    from survey_app.sealing.study_keys import read_private_key

    data, central = _imported_trial(capsys, tmp_path)
    with ImportRecord.open(data, read_private_key(STUDY_KEY, "demo")) as record:
        codes = sorted(allocations_by_code(record))
    with CentralRegister.open(tmp_path / "c", read_private_key(REGISTER_KEY, "demo")) as register:
        names = {code: register.person(code).name for code in codes}
    assert len(codes) >= 2
    stopped = codes[0]
    code, _, err = run(capsys, "participant", "withdraw", stopped, "--scope", "contact",
                       "--date", "2025-03-01", "--staff", "AB", "--out", data, "--key",
                       STUDY_KEY, "--study", STUDY, *central)  # fmt: skip
    assert code == 0, err
    letters = tmp_path / "letters.pdf"
    code, out, _ = run(capsys, "randomise", "letters", "--out", data, "--key", STUDY_KEY,
                       *central, "--study", STUDY, "--to", letters)  # fmt: skip
    assert code == 0
    assert f"wrote {len(codes) - 1} letter(s)" in out
    text = subprocess.run(["pdftotext", str(letters), "-"], capture_output=True, check=True,
                          text=True).stdout  # fmt: skip
    text = re.sub("[\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", text)
    others = {word for c in codes[1:] for word in names[c].split()}
    assert others <= set(text.split())
    assert not (set(names[stopped].split()) - others) & set(text.split())


def test_participant_find_points_to_register_find_of_the_program_run(capsys, tmp_path) -> None:
    from survey_app.importer.record import ImportRecord
    from survey_app.importer.trial_record import allocations_by_code
    from survey_app.sealing.study_keys import read_private_key

    data, central = _imported_trial(capsys, tmp_path)
    with ImportRecord.open(data, read_private_key(STUDY_KEY, "demo")) as record:
        code = sorted(allocations_by_code(record))[0]
    argv = ["participant", "find", code, "--out", data, "--key", STUDY_KEY, *central]
    assert main([str(a) for a in argv], prog="survey-app") == 0
    out = capsys.readouterr().out
    assert "contact attempt(s); `survey-app register find --code` shows them" in out
