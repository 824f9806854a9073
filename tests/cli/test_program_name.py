"""Hints that name a command name the program the person ran: `survey-app` or `python main.py`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from survey_app.cli.main import entry, main
from survey_app.sealing.study_keys import read_public_key_file
from survey_app.study.demo import DEMO_PUBLIC_KEY_FILE, demo_study_dir
from tests.forms.conftest import VALID_FORM
from tests.forms.shipped_copy import FormsCopy
from tests.kdf import FAST_KDF

FORMS = Path(__file__).resolve().parents[2] / "forms"


def run_installed(monkeypatch: pytest.MonkeyPatch, *argv: str) -> int:
    """What the console script does when someone types `survey-app ARGV...`."""
    monkeypatch.setattr("sys.argv", ["survey-app", *argv])
    return entry()


def test_a_pdf_of_an_empty_forms_folder_points_to_check_forms_of_the_program_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["pdf", "codebook", "--forms", str(tmp_path), "--out", str(tmp_path / "c.pdf")]
    assert run_installed(monkeypatch, *argv) == 1
    err = capsys.readouterr().err
    assert "run `survey-app check-forms` for details" in err
    assert "python main.py" not in err
    assert main(argv) == 1
    assert "run `python main.py check-forms` for details" in capsys.readouterr().err


def test_stamping_without_a_template_names_the_template_command_of_the_program_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    form = tmp_path / "mini.yaml"
    form.write_text(VALID_FORM, encoding="utf-8")
    assert run_installed(monkeypatch, "forms", "back-translation", "stamp", str(form)) == 1
    err = capsys.readouterr().err
    assert "start one with: survey-app forms back-translation template" in err
    assert "python main.py" not in err


def test_the_program_name_does_not_stick_to_the_next_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    form = tmp_path / "mini.yaml"
    form.write_text(VALID_FORM, encoding="utf-8")
    run_installed(monkeypatch, "forms", "back-translation", "stamp", str(form))
    capsys.readouterr()
    assert main(["forms", "back-translation", "stamp", str(form)]) == 1
    assert "start one with: python main.py forms back-translation" in capsys.readouterr().err


def test_an_unknown_app_option_shows_the_usage_of_the_program_run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # `survey-app --bogus` goes to the app's own option parser, which stops before any window.
    with pytest.raises(SystemExit) as stopped:
        run_installed(monkeypatch, "--bogus")
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: survey-app ")
    assert "python main.py" not in err
    with pytest.raises(SystemExit):
        main(["--language", "xx"])
    assert capsys.readouterr().err.startswith("usage: python main.py ")


def test_check_forms_findings_name_the_sign_off_and_stamp_commands_of_the_program_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    forms = FormsCopy(tmp_path / "forms")
    forms.replace("hscl25", "ar: {status: draft,", "ar: {status: validated,")
    backs = forms.root / "hscl25.backtranslation.yaml"
    text = backs.read_text(encoding="utf-8")
    backs.write_text(re.sub(r'of: "[0-9a-f]+"', 'of: ""', text, count=1), encoding="utf-8")
    for target in (forms.path("hscl25"), forms.root):  # one file, and the whole folder
        assert run_installed(monkeypatch, "check-forms", str(target)) == 1
        out = capsys.readouterr().out
        assert "run survey-app forms sign-off hscl25 --language ar" in out
        assert "not stamped; run survey-app forms back-translation stamp" in out
        assert "python main.py" not in out


def test_a_study_sealed_to_the_demo_key_names_the_key_command_of_the_program_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    demo_key = read_public_key_file(demo_study_dir() / DEMO_PUBLIC_KEY_FILE)
    study = tmp_path / "study"
    study.mkdir()
    (study / "study.yaml").write_text(
        f"study_id: real-study\nname: Real\ndemo: false\npublic_key: {demo_key}\n"
        f"forms_dir: {FORMS}\n",
        encoding="utf-8",
    )
    assert run_installed(monkeypatch, "check-forms", "--study", str(study)) == 1
    out = capsys.readouterr().out
    assert "create a study key with `survey-app keys new`" in out
    assert "python main.py" not in out


def test_a_back_translation_template_names_the_stamp_command_of_the_program_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    form = tmp_path / "mini.yaml"
    form.write_text(VALID_FORM, encoding="utf-8")
    assert run_installed(monkeypatch, "forms", "back-translation", "template", str(form)) == 0
    text = (tmp_path / "mini.backtranslation.yaml").read_text(encoding="utf-8")
    assert "#   survey-app forms back-translation stamp mini\n" in text
    assert "python main.py" not in text


def _study_on_the_demo_key(folder: Path) -> Path:
    """A real study's folder whose study.yaml still names the DEMO key (a `keys new` hint)."""
    demo_key = read_public_key_file(demo_study_dir() / DEMO_PUBLIC_KEY_FILE)
    folder.mkdir()
    (folder / "study.yaml").write_text(
        f"study_id: real-study\nname: Real\ndemo: false\npublic_key: {demo_key}\n"
        f"forms_dir: {FORMS}\n",
        encoding="utf-8",
    )
    return folder


def _laptop_store(data_dir: Path, monkeypatch: pytest.MonkeyPatch):
    """Where a laptop's store goes, its passphrase (also in the environment) and a fast KDF."""
    from survey_app.store import store_path_in

    passphrase = "staff passphrase 1"
    monkeypatch.setenv("SURVEY_APP_PASSPHRASE", passphrase)
    return (
        store_path_in(data_dir),
        passphrase,
        FAST_KDF,
    )


def test_sync_sealing_a_left_session_names_the_key_command_of_the_program_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from survey_app.study import load_study
    from tests.store.legacy import store_with_stranded_session

    data_dir = tmp_path / "laptop"
    store_with_stranded_session(*_laptop_store(data_dir, monkeypatch), load_study(demo_study_dir()))
    study = _study_on_the_demo_key(tmp_path / "study")
    argv = ["sync", "run", "--data-dir", str(data_dir), "--study", str(study)]
    assert run_installed(monkeypatch, *argv) == 1
    err = capsys.readouterr().err
    assert "create a study key with `survey-app keys new`" in err
    assert "python main.py" not in err


def test_sync_on_a_laptop_not_enrolled_names_the_enrol_command_of_the_program_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from survey_app.store import DeviceStore

    data_dir = tmp_path / "laptop"
    path, passphrase, fast = _laptop_store(data_dir, monkeypatch)
    DeviceStore.create(path, passphrase, kdf=fast).close()
    assert run_installed(monkeypatch, "sync", "run", "--data-dir", str(data_dir)) == 1
    assert "not enrolled: run `survey-app sync enrol` first" in capsys.readouterr().err


def test_the_laptop_register_with_a_study_on_the_demo_key_names_the_program_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    study = _study_on_the_demo_key(tmp_path / "study")
    (tmp_path / "usb").mkdir()
    argv = ["register", "export", "--data-dir", str(tmp_path / "laptop"), "--study", str(study)]
    assert run_installed(monkeypatch, *argv, "--out", str(tmp_path / "usb")) == 1
    err = capsys.readouterr().err
    assert "create a study key with `survey-app keys new`" in err
    assert "python main.py" not in err


def _validated_workbook(path: Path) -> Path:
    """An XLSForm whose settings call Arabic validated, with no sign-off record (a hint)."""
    from tests.forms.xlsform.workbooks import SETTINGS, write_workbook

    return write_workbook(path, settings={**SETTINGS, "app_status_ar": "validated"})


def test_check_forms_on_an_xlsform_names_the_sign_off_command_of_the_program_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    workbook = _validated_workbook(tmp_path / "odkbg.xlsx")
    assert run_installed(monkeypatch, "check-forms", str(workbook)) == 1
    out = capsys.readouterr().out
    assert "run survey-app forms sign-off odkbg --language ar" in out
    assert "python main.py" not in out


def test_forms_import_of_an_xlsform_names_the_sign_off_command_of_the_program_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    workbook = _validated_workbook(tmp_path / "odkbg.xlsx")
    argv = ["forms", "import", str(workbook), "--out", str(tmp_path / "forms")]
    assert run_installed(monkeypatch, *argv) == 1  # written, and not usable until signed
    out = capsys.readouterr().out
    assert "run survey-app forms sign-off odkbg --language ar" in out
    assert "python main.py" not in out


def test_forms_export_of_forms_with_errors_names_the_program_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    forms = FormsCopy(tmp_path / "forms")
    forms.replace("hscl25", "ar: {status: draft,", "ar: {status: validated,")
    out_dir = tmp_path / "xlsx"
    argv = ["forms", "export", str(forms.root), "--out", str(out_dir)]
    assert run_installed(monkeypatch, *argv) == 1
    out = capsys.readouterr().out
    assert "hscl25: not exported, it has errors (run `survey-app check-forms`)" in out
    argv = ["forms", "export", str(forms.path("hscl25")), "--out", str(out_dir / "h.xlsx")]
    assert run_installed(monkeypatch, *argv) == 1
    out = capsys.readouterr().out
    assert "run survey-app forms sign-off hscl25 --language ar" in out
    assert "python main.py" not in out


def test_a_pdf_of_a_timepoint_with_a_broken_form_names_check_forms_of_the_program_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    forms = FormsCopy(tmp_path / "forms")
    forms.replace("hscl25", "ar: {status: draft,", "ar: {status: validated,")
    argv = ["pdf", "form", "--forms", str(forms.root), "--timepoint", "baseline", "--lang", "nb"]
    assert run_installed(monkeypatch, *argv, "--out", str(tmp_path / "f.pdf")) == 1
    err = capsys.readouterr().err
    assert "form 'hscl25' has errors and cannot be used; run `survey-app check-forms`" in err
    assert not (tmp_path / "f.pdf").exists()
