"""`python main.py pdf ...`: printable forms, the codebook PDF and the meeting report."""

from __future__ import annotations

import argparse
from pathlib import Path

from survey_app.cli.program import program
from survey_app.errors import UserFacingError


def register(subparsers) -> None:
    """Add the `pdf` command and its sub-commands."""
    parser = subparsers.add_parser(
        "pdf", help="print forms, the codebook or a meeting report as PDF"
    )
    sub = parser.add_subparsers(dest="pdf_command", metavar="WHAT", required=True)

    form = sub.add_parser("form", help="printable questionnaire (A4)")
    which = form.add_mutually_exclusive_group(required=True)
    which.add_argument("--timepoint", help="every form of a timepoint, e.g. baseline")
    which.add_argument("--form", help="one form id, e.g. hscl25")
    form.add_argument("--arm", help="study arm, for steps limited to one arm (e.g. intervention)")
    form.add_argument("--lang", required=True, help="nb, en, ar, or two side by side: ar+nb")
    form.add_argument("--code-pattern", default=None, help="participant-code boxes, e.g. AA-0000-A")
    form.add_argument(
        "--addressee",
        default=None,
        help="texts worded for a woman or a man (Arabic): female, male, or both "
        "(default: the usual wording, as on screen when not stated)",
    )
    _common(form)
    form.set_defaults(handler=_form)

    codebook = sub.add_parser("codebook", help="codebook of every exported variable")
    codebook.add_argument("--pcl-cutoff", type=int, default=None, help="PCL-5 probable cut-off")
    _staff_language(codebook)
    _common(codebook)
    codebook.set_defaults(handler=_codebook)

    review = sub.add_parser(
        "review", help="reviewer's pack: source, translation and back-translation side by side"
    )
    review.add_argument("form_ids", nargs="*", metavar="FORM", help="form ids (default: all)")
    review.add_argument(
        "--language", action="append", help="translation to review: nb or ar (repeatable)"
    )
    _staff_language(review)
    _common(review)
    review.set_defaults(handler=_review)

    report = sub.add_parser(
        "report",
        help="meeting report from a device store (counts only); the store passphrase is read "
        "from $SURVEY_APP_PASSPHRASE or asked for",
    )
    report.add_argument("--data-dir", required=True, type=Path, help="folder of device-store.db")
    report.add_argument("--meeting", default=None, help="meeting id (default: all meetings)")
    _staff_language(report)
    _common(report)
    report.set_defaults(handler=_report)


def _staff_language(parser: argparse.ArgumentParser) -> None:
    # Who reads these papers is staff (data manager, reviewer), not the participant: their
    # language sets the headings; texts of the forms stay in each of their own languages.
    parser.add_argument(
        "--staff-language",
        choices=("en", "nb", "ar"),
        default="en",
        help="language of the headings and notes (staff, data manager): en, nb or ar (default: en)",
    )


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", required=True, type=Path, help="PDF file to write")
    parser.add_argument(
        "--forms", type=Path, default=None, help="forms folder (default: the demo study's)"
    )


def _library(args):
    from survey_app.forms.library import load_library

    forms_dir = args.forms if args.forms is not None else _default_forms_dir(args)
    library = load_library(Path(forms_dir), program=program(args))
    if not library.forms:
        raise UserFacingError(
            f"no usable forms in {forms_dir}; run `{program(args)} check-forms` for details"
        )
    return library


def _form(args) -> int:
    from survey_app.pdf.forms_pdf import (
        DEFAULT_CODE_PATTERN,
        PrintOptions,
        parse_addressee,
        parse_languages,
        render_forms,
    )

    languages = parse_languages(args.lang)
    library = _library(args)
    if args.form:
        form = library.forms.get(args.form)
        if form is None:
            known = ", ".join(sorted(library.forms))
            raise UserFacingError(f"no usable form '{args.form}' (usable forms: {known})")
        forms = [form]
    else:
        forms = library.steps(args.timepoint, args.arm)
    options = PrintOptions(
        languages,
        code_pattern=args.code_pattern or DEFAULT_CODE_PATTERN,
        addressee=parse_addressee(args.addressee),
    )
    result = render_forms(forms, args.out, options)
    print(f"wrote {args.out} ({result.pages} pages, {len(forms)} form(s), {args.lang})")
    return 0


def _review(args) -> int:
    from survey_app.forms.backtranslation import backtranslation_path, read_backtranslations
    from survey_app.forms.library import form_files, inspect_file
    from survey_app.forms.model import LANGUAGES
    from survey_app.forms.texts import SOURCE_LANGUAGE
    from survey_app.pdf.review_pdf import ReviewForm, render_review

    translated = [lang for lang in LANGUAGES if lang != SOURCE_LANGUAGE]
    languages = args.language or translated
    unknown = [lang for lang in languages if lang not in translated]
    if unknown:
        raise UserFacingError(f"--language must be one of {', '.join(translated)}")
    forms_dir = Path(args.forms) if args.forms else _default_forms_dir(args)
    paths = {p.stem: p for p in form_files(forms_dir)}
    wanted = args.form_ids or sorted(paths)
    missing = [f for f in wanted if f not in paths]
    if missing:
        raise UserFacingError(f"no form {', '.join(missing)} in {forms_dir}")
    reviews = []
    for form_id in wanted:
        report = inspect_file(paths[form_id], program=program(args))
        if report.form is None:
            raise UserFacingError(
                f"{form_id} cannot be read; run `{program(args)} check-forms {paths[form_id]}`"
            )
        backs = read_backtranslations(backtranslation_path(paths[form_id]))
        reviews.append(ReviewForm(report.form, backs, report.findings, program(args)))
    result = render_review(reviews, languages, args.out, args.staff_language)
    print(
        f"wrote {args.out} ({result.pages} pages, {len(reviews)} form(s), "
        f"{'+'.join(languages)}, {result.rows} texts)"
    )
    return 0


def _default_forms_dir(args) -> Path:
    from survey_app.study import demo_study_dir, load_study_config

    return load_study_config(demo_study_dir(), program(args)).forms_dir


def _codebook(args) -> int:
    from survey_app.pdf.codebook_pdf import build_codebook_for_print, render_codebook

    codebook = build_codebook_for_print(_library(args), args.pcl_cutoff)
    result = render_codebook(codebook, args.out, args.staff_language)
    print(f"wrote {args.out} ({result.pages} pages, {result.variables} variables)")
    return 0


def _report(args) -> int:
    from survey_app.cli.device_store import open_device_store
    from survey_app.pdf.report_pdf import render_report, report_from_store
    from survey_app.store import store_path_in

    library = _library(args)
    with open_device_store(store_path_in(args.data_dir)) as store:
        if args.meeting is not None:
            _known_meeting(store, args.meeting)
        report = report_from_store(store, library, args.meeting)
    pages = render_report(report, args.out, args.staff_language)
    print(f"wrote {args.out} ({pages} page(s), {report.sessions} session(s), counts only)")
    return 0


def _known_meeting(store, meeting_id: str) -> None:
    """Refuse an unknown --meeting with the ids this laptop has: they are shown nowhere else."""
    from survey_app.errors import UserFacingError

    meetings = store.meetings()
    if any(m.id == meeting_id for m in meetings):
        return
    if not meetings:
        raise UserFacingError(f"unknown meeting {meeting_id}: this laptop has no meetings")
    known = "; ".join(f"{m.id} ({m.date})" for m in meetings)
    raise UserFacingError(f"unknown meeting {meeting_id}; the meetings on this laptop: {known}")
