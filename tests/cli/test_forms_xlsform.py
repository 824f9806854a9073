"""`check-forms FILE.xlsx`, `forms import` and `forms export` as a study team runs them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from survey_app.forms.library import check_file
from survey_app.forms.xlsform.pyxform_check import run_pyxform
from tests.forms.xlsform.workbooks import SURVEY, write_workbook

ROOT = Path(__file__).resolve().parents[2]


def main(*args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


def test_check_forms_accepts_an_xlsform(tmp_path):
    result = main("check-forms", write_workbook(tmp_path / "odkbg.xlsx"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 usable, 0 unusable; 0 error(s)" in result.stdout


def test_check_forms_names_sheet_and_row_of_a_broken_arabic_label(tmp_path):
    survey = [dict(r) for r in SURVEY]
    survey[3] = {**survey[3], "label": ("Which country?", "Hvilket land?", "Which country?")}
    path = write_workbook(tmp_path / "odkbg.xlsx", survey=survey)
    result = main("check-forms", path)
    assert result.returncode == 1
    assert f"{path}:survey:5: error: item 'country' text [ar]" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_check_forms_on_a_folder_includes_its_workbooks(tmp_path):
    write_workbook(tmp_path / "odkbg.xlsx")
    result = main("check-forms", tmp_path)
    assert "1 form(s) checked: 1 usable" in result.stdout


def test_forms_import_writes_the_form_file_and_reports_rows(tmp_path):
    workbook = write_workbook(tmp_path / "odkbg.xlsx")
    result = main("forms", "import", workbook, "--out", tmp_path / "forms")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{workbook}:survey:2: warning: metadata 'start'" in result.stdout
    form, findings = check_file(tmp_path / "forms" / "odkbg.yaml")
    assert form is not None, [str(f) for f in findings]


def test_forms_import_refuses_to_overwrite_without_force(tmp_path):
    workbook = write_workbook(tmp_path / "odkbg.xlsx")
    (tmp_path / "forms").mkdir()
    (tmp_path / "forms" / "odkbg.yaml").write_text("keep me", encoding="utf-8")
    result = main("forms", "import", workbook, "--out", tmp_path / "forms")
    assert result.returncode == 1 and "--force" in result.stderr
    assert (tmp_path / "forms" / "odkbg.yaml").read_text(encoding="utf-8") == "keep me"


def test_forms_export_writes_a_workbook_pyxform_converts(tmp_path):
    out = tmp_path / "background.xlsx"
    result = main("forms", "export", ROOT / "forms" / "background.yaml", "--out", out)
    assert result.returncode == 0, result.stdout + result.stderr
    assert run_pyxform(out).error is None


def test_forms_export_of_a_folder_writes_one_workbook_per_form(tmp_path):
    result = main("forms", "export", ROOT / "forms", "--out", tmp_path / "x")
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "x" / "hscl25.xlsx").is_file()


def test_forms_export_refuses_a_form_with_errors(tmp_path):
    broken = tmp_path / "mini.yaml"
    broken.write_text("id: mini\n", encoding="utf-8")
    result = main("forms", "export", broken, "--out", tmp_path / "m.xlsx")
    assert result.returncode == 1 and not (tmp_path / "m.xlsx").exists()


def test_forms_import_refuses_a_form_id_that_is_a_path(tmp_path):
    from tests.forms.xlsform.workbooks import SETTINGS

    settings = {**SETTINGS, "form_id": "../../escaped"}
    workbook = write_workbook(tmp_path / "w.xlsx", settings=settings)
    result = main("forms", "import", workbook, "--out", tmp_path / "forms")
    assert result.returncode == 1 and "not a form id" in result.stderr
    assert not list(tmp_path.rglob("escaped*"))


def test_export_then_import_carries_the_recordings(tmp_path):
    workbook = tmp_path / "background.xlsx"
    exported = main("forms", "export", ROOT / "forms" / "background.yaml", "--out", workbook)
    assert exported.returncode == 0, exported.stdout + exported.stderr
    assert "background-media" in exported.stdout
    imported = main("forms", "import", workbook, "--out", tmp_path / "back")
    assert imported.returncode == 0, imported.stdout + imported.stderr
    assert (tmp_path / "back" / "audio" / "background" / "bg_gender.nb.wav").is_file()
    form, _ = check_file(tmp_path / "back" / "background.yaml")
    assert form is not None and form.audio is not None
