"""`check-forms` on an .xlsx: convert, run every check of a form file, report by sheet and row."""

from __future__ import annotations

import dataclasses
import re
import tempfile
from pathlib import Path

from survey_app.forms.findings import Finding, Severity
from survey_app.forms.library import check_file
from survey_app.forms.model import Form
from survey_app.forms.xlsform.importer import Converted, convert_file, place_media
from survey_app.forms.xlsform.pyxform_check import run_pyxform
from survey_app.forms.xlsform.sheets import WorkbookError
from survey_app.program_name import SOURCE

_SHEET_ORDER = {"settings": 0, "survey": 1, "choices": 2}


def where(path: Path, sheet: str) -> str:
    """How findings name a sheet of a workbook: `form.xlsx:survey` (then `:row`)."""
    return f"{path}:{sheet}"


def check_converted(
    path: Path, converted: Converted, program: str = SOURCE
) -> tuple[Form | None, list[Finding]]:
    """Check a converted workbook like a form file; findings point at sheets and rows.

    program: how the command line is run (`survey-app` when installed), for the hints.
    """
    findings = [
        Finding(where(path, n.sheet), n.row, Severity.ERROR if n.error else Severity.WARNING,
                n.message)
        for n in converted.notes
    ]  # fmt: skip
    name = converted.form_id if re.fullmatch(r"[a-z0-9_]{1,64}", converted.form_id) else "form"
    with tempfile.TemporaryDirectory(prefix="xlsform-") as tmp:
        form_file = Path(tmp) / f"{name}.yaml"
        form_file.write_text(converted.text, encoding="utf-8")
        place_media(path, converted, Path(tmp), name)
        form, file_findings = check_file(form_file, program=program)
    for finding in file_findings:
        sheet, row = converted.origin(finding.line)
        message = finding.message.replace(str(form_file), path.name)
        findings.append(Finding(where(path, sheet), row, finding.severity, message))
    if form is not None:
        form = dataclasses.replace(form, path=str(path))
    usable = form is not None and not any(f.is_error for f in findings)
    findings.sort(key=lambda f: (_SHEET_ORDER.get(f.path.rsplit(":", 1)[-1], 9), f.line))
    return (form if usable else None), findings


def check_xlsx(path: Path, program: str = SOURCE) -> tuple[Form | None, list[Finding]]:
    """Read, convert and check one XLSForm; the form only when it has no errors (program: hints)."""
    try:
        converted = convert_file(path)
    except WorkbookError as exc:
        return None, [Finding(str(path), 0, Severity.ERROR, str(exc))]
    form, findings = check_converted(path, converted, program)
    verdict = run_pyxform(path)
    if verdict.error is not None:
        # Not this app's rule, but a team still using ODK or Kobo needs to know.
        findings.append(
            Finding(
                where(path, "survey"),
                verdict.row,
                Severity.WARNING,
                f"pyxform (ODK/Kobo) would refuse this workbook: {verdict.error}",
            )
        )
    return form, findings
