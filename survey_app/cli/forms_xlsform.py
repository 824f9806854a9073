"""`forms import FILE.xlsx --out DIR` and `forms export PATH --out FILE.xlsx` (XLSForm)."""

from __future__ import annotations

import argparse
from pathlib import Path

from survey_app.cli.program import program
from survey_app.errors import UserFacingError


def add_xlsform_commands(sub: argparse._SubParsersAction) -> None:
    """Register the import and export sub-commands on the `forms` parser."""
    imp = sub.add_parser(
        "import",
        help="convert an XLSForm (.xlsx) to a form file; report by row what is not converted",
    )
    imp.add_argument("xlsx", type=Path, help="the XLSForm workbook")
    imp.add_argument("--out", type=Path, required=True, help="folder for <form_id>.yaml")
    imp.add_argument("--force", action="store_true", help="overwrite an existing form file")
    imp.set_defaults(handler=run_import)
    exp = sub.add_parser(
        "export",
        help="write a form (or every form of a folder) as XLSForm for pyxform/ODK/Kobo",
    )
    exp.add_argument("path", type=Path, help="a form .yaml file, or a forms folder")
    exp.add_argument("--out", type=Path, required=True, help=".xlsx file (a folder for a folder)")
    exp.set_defaults(handler=run_export)


def run_import(args: argparse.Namespace) -> int:
    """Convert, write the form file, print notes and check findings by sheet and row."""
    from survey_app.forms.xlsform.check import check_converted
    from survey_app.forms.xlsform.importer import convert_file, place_media
    from survey_app.forms.xlsform.sheets import WorkbookError

    try:
        converted = convert_file(args.xlsx)
    except WorkbookError as exc:
        raise UserFacingError(str(exc)) from None
    from survey_app.forms.loader import ID_PATTERN

    if not ID_PATTERN.fullmatch(converted.form_id):
        # The id names the written file: never let a workbook choose a path.
        raise UserFacingError(
            f"form_id {converted.form_id[:40]!r} in the settings sheet is not a form id this "
            "app accepts (lowercase letters, digits and _, starting with a letter, at most 32); "
            "change it in the workbook"
        )
    target = args.out / f"{converted.form_id}.yaml"
    if target.exists() and not args.force:
        raise UserFacingError(f"{target} exists; use --force to overwrite it")
    form, findings = check_converted(args.xlsx, converted, program(args))
    args.out.mkdir(parents=True, exist_ok=True)
    target.write_text(converted.text, encoding="utf-8")
    place_media(args.xlsx, converted, args.out)
    for finding in findings:
        print(finding)
    errors = sum(1 for f in findings if f.is_error)
    state = "usable" if form is not None else "NOT usable until the errors are fixed"
    print(f"wrote {target}: {state}; {errors} error(s), {len(findings) - errors} warning(s)")
    return 0 if form is not None else 1


def _export(form, out: Path) -> bool:
    """Write one workbook and let pyxform convert it; False when pyxform refuses it."""
    from survey_app.forms.xlsform.exporter import export_form, media_folder
    from survey_app.forms.xlsform.pyxform_check import run_pyxform

    export_form(form, out)
    verdict = run_pyxform(out)
    if verdict.error is not None:
        print(f"{out}: pyxform refuses it: {verdict.error}")
        return False
    print(f"wrote {out} (pyxform converts it to an XForm)")
    if form.audio is not None:
        print(f"{out}: recorded readings in audio::Language columns, files in {media_folder(out)}")
    return True


def run_export(args: argparse.Namespace) -> int:
    """Export checked forms only: a form with errors is refused with its findings."""
    from survey_app.forms.library import check_file, load_library

    if args.path.is_dir():
        library = load_library(args.path, program=program(args))
        for name, problems in library.unusable.items():
            print(f"{name}: not exported, it has errors (run `{program(args)} check-forms`)")
            for finding in problems[:5]:
                print(f"  {finding}")
        results = [_export(f, args.out / f"{i}.xlsx") for i, f in sorted(library.forms.items())]
        return 1 if library.unusable or not all(results) else 0
    form, findings = check_file(args.path, program=program(args))
    if form is None:
        for finding in findings:
            print(finding)
        raise UserFacingError(f"{args.path} has errors; fix them before exporting")
    return 0 if _export(form, args.out) else 1
