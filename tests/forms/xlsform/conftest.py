"""Fixtures for XLSForm tests: the ODK-style workbook in nb, en and ar, converted and checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from survey_app.forms.xlsform.check import check_xlsx

from .workbooks import write_workbook


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    return write_workbook(tmp_path / "odkbg.xlsx")


@pytest.fixture
def odk_form(workbook: Path):
    form, findings = check_xlsx(workbook)
    assert form is not None, [str(f) for f in findings if f.is_error]
    return form
