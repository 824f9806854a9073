"""`check-forms [PATH ...]`: check form definitions; exit 1 when any form has an error."""

from __future__ import annotations

import argparse
from pathlib import Path

from survey_app.cli.program import program


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the check-forms command."""
    parser = subparsers.add_parser(
        "check-forms",
        help="check form definitions in every language (exit 1 on any error)",
        description="Check form files (.yaml, or XLSForm .xlsx with findings by sheet and row) "
        "or directories (default: the shipped forms/).",
    )
    parser.add_argument("paths", nargs="*", type=Path, help="form files or directories")
    parser.add_argument(
        "--study",
        type=Path,
        metavar="DIR",
        help="also check the study's study.yaml against its forms (e.g. its safety triggers); "
        "without PATH, checks the study's forms",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Print one line per finding, each form's language status and a summary; 0 when usable."""
    from survey_app.assets import forms_dir
    from survey_app.forms.backtranslation import BACKTRANSLATION_SUFFIX
    from survey_app.forms.findings import Finding, Severity
    from survey_app.forms.library import inspect_file, load_library
    from survey_app.forms.xlsform.check import check_xlsx

    typed = program(args)  # the hints in the findings name the program run
    study_ok = True
    if args.study is not None:
        study_ok, study_forms = _check_study(args.study, typed)
        if study_forms is not None and not args.paths:
            args.paths = [study_forms]
    paths: list[Path] = args.paths or [forms_dir()]
    findings = []
    reports = []
    usable = unusable = 0
    for path in paths:
        if path.name.endswith(BACKTRANSLATION_SUFFIX):  # its checks are the form's checks
            path = path.with_name(path.name.removesuffix(BACKTRANSLATION_SUFFIX) + ".yaml")
        if path.is_dir():
            library = load_library(path, program=typed)
            findings.extend(library.findings)
            reports.extend(library.reports)
            workbooks = sorted(path.glob("*.xlsx"))
        elif path.is_file() and path.suffix.lower() == ".xlsx":
            workbooks = [path]
        elif path.is_file():
            report = inspect_file(path, program=typed)
            findings.extend(report.findings)
            reports.append(report)
            workbooks = []
        else:
            findings.append(Finding(str(path), 0, Severity.ERROR, "no such file or directory"))
            unusable += 1
            workbooks = []
        for workbook in workbooks:
            form, file_findings = check_xlsx(workbook, typed)
            findings.extend(file_findings)
            usable, unusable = (usable + 1, unusable) if form else (usable, unusable + 1)
    for finding in findings:
        print(finding)
    for report in reports:
        if report.form is None:
            continue
        for status in report.languages:
            print(f"{report.form.id} [{status.language}]: {status.describe()}")
    usable += sum(1 for r in reports if r.usable)
    unusable += sum(1 for r in reports if not r.usable)
    errors = sum(1 for f in findings if f.is_error)
    warnings = len(findings) - errors
    print(
        f"{usable + unusable} form(s) checked: {usable} usable, {unusable} unusable; "
        f"{errors} error(s), {warnings} warning(s)"
    )
    return 1 if errors or not study_ok else 0


def _check_study(study_dir: Path, typed: str) -> tuple[bool, Path | None]:
    """Print the study's configuration problems (or its safety setting); (ok, forms folder)."""
    from survey_app.forms.library import load_library
    from survey_app.study import StudyConfigError, load_study_config
    from survey_app.study.config import safety_problems

    try:
        config = load_study_config(study_dir, typed)
    except StudyConfigError as exc:
        for problem in exc.problems:
            print(problem)
        return False, None
    library = load_library(config.forms_dir, program=typed)
    problems = safety_problems(config, library, study_dir)
    for problem in problems:
        print(problem)
    if config.safety is None:
        print("safety signal: off")
    elif not problems:
        triggers = len(config.safety.triggers)
        print(
            f"safety signal: on, protocol {config.safety.protocol}, "
            f"{triggers} trigger{'s' if triggers != 1 else ''}"
        )
    return not problems, config.forms_dir
