"""`check-forms [PATH ...]`: check form definitions; exit 1 when any form has an error."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the check-forms command."""
    parser = subparsers.add_parser(
        "check-forms",
        help="check form definitions in every language (exit 1 on any error)",
        description="Check form files (.yaml, or XLSForm .xlsx with findings by sheet and row) "
        "or directories (default: the shipped forms/).",
    )
    parser.add_argument("paths", nargs="*", type=Path, help="form files or directories")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Print one line per finding and a summary; return 0 when every form is usable."""
    from survey_app.assets import forms_dir
    from survey_app.forms.findings import Finding, Severity
    from survey_app.forms.library import check_file, load_library
    from survey_app.forms.xlsform.check import check_xlsx

    paths: list[Path] = args.paths or [forms_dir()]
    findings = []
    usable = unusable = 0
    for path in paths:
        if path.is_dir():
            library = load_library(path)
            findings.extend(library.findings)
            usable += len(library.forms)
            unusable += len(library.unusable)
            for workbook in sorted(path.glob("*.xlsx")):
                form, file_findings = check_xlsx(workbook)
                findings.extend(file_findings)
                usable, unusable = (usable + 1, unusable) if form else (usable, unusable + 1)
        elif path.is_file():
            check = check_xlsx if path.suffix.lower() == ".xlsx" else check_file
            form, file_findings = check(path)
            findings.extend(file_findings)
            if form is None:
                unusable += 1
            else:
                usable += 1
        else:
            findings.append(Finding(str(path), 0, Severity.ERROR, "no such file or directory"))
            unusable += 1
    for finding in findings:
        print(finding)
    errors = sum(1 for f in findings if f.is_error)
    warnings = len(findings) - errors
    print(
        f"{usable + unusable} form(s) checked: {usable} usable, {unusable} unusable; "
        f"{errors} error(s), {warnings} warning(s)"
    )
    return 1 if errors else 0
