"""`check-forms --study DIR`: the study's safety triggers are checked against its forms."""

from __future__ import annotations

from pathlib import Path

from survey_app.assets import forms_dir
from survey_app.cli.main import main
from survey_app.study import demo_study_dir


def study_with(tmp_path: Path, safety: str) -> Path:
    text = (demo_study_dir() / "study.yaml").read_text(encoding="utf-8")
    text = text.replace('forms_dir: "../../forms"', f'forms_dir: "{forms_dir()}"')
    (tmp_path / "study.yaml").write_text(text + safety, encoding="utf-8")
    return tmp_path


def test_unknown_safety_item_fails_with_its_line(tmp_path, capsys):
    study = study_with(
        tmp_path, "safety:\n  triggers:\n    - {form: hscl25, item: hscl_26, at_least: 2}\n"
    )
    assert main(["check-forms", "--study", str(study)]) == 1
    out = capsys.readouterr().out
    assert "study.yaml:" in out and "has no item 'hscl_26'" in out


def test_valid_safety_setting_is_reported_on(tmp_path, capsys):
    study = study_with(
        tmp_path, "safety:\n  triggers:\n    - {form: hscl25, item: hscl_20, at_least: 2}\n"
    )
    assert main(["check-forms", "--study", str(study)]) == 0
    assert "safety signal: on, protocol S, 1 trigger" in capsys.readouterr().out


def test_demo_study_reports_the_safety_signal_off(capsys):
    assert main(["check-forms", "--study", str(demo_study_dir())]) == 0
    assert "safety signal: off" in capsys.readouterr().out
