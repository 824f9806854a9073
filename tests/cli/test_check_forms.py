"""`python main.py check-forms`: exit codes and located output lines."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.forms.conftest import VALID_FORM

ROOT = Path(__file__).resolve().parents[2]


def run_check(*paths: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "check-forms", *map(str, paths)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )


def test_clean_form_exits_zero(tmp_path):
    path = tmp_path / "mini.yaml"
    path.write_text(VALID_FORM, encoding="utf-8")
    result = run_check(path)
    assert result.returncode == 0, result.stdout
    assert "1 usable, 0 unusable; 0 error(s)" in result.stdout


def test_broken_form_exits_one_with_located_line_and_no_traceback(tmp_path):
    path = tmp_path / "mini.yaml"
    path.write_text(VALID_FORM.replace('ar: "آخر ١٤ يومًا"', 'ar: "آخر ١٥ يومًا"'), encoding="utf-8")
    result = run_check(path)
    assert result.returncode == 1
    assert f"{path}:18: error: recall_period [ar]: numbers [15] differ" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_missing_path_is_reported_not_raised(tmp_path):
    result = run_check(tmp_path / "nope.yaml")
    assert result.returncode == 1
    assert "no such file" in result.stdout


def test_back_translation_file_is_checked_with_its_form(tmp_path):
    path = tmp_path / "mini.yaml"
    path.write_text(VALID_FORM, encoding="utf-8")
    (tmp_path / "mini.backtranslation.yaml").write_text(
        'form: mini\ntexts:\n  title:\n    ar: {back: "Short form", of: "0000000000000000"}\n',
        encoding="utf-8",
    )
    result = run_check(tmp_path / "mini.backtranslation.yaml")
    assert result.returncode == 1
    assert "mini.backtranslation.yaml:4: error: title [ar]: the back-translation is stale" in (
        result.stdout
    )
    assert "mini [ar]: draft; back-translated 0/" in result.stdout
