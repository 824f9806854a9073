"""`forms back-translation template|stamp FORM` and `forms sign-off FORM`: the translation
workflow's commands (docs/translation.md)."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from survey_app.cli.program import program
from survey_app.errors import UserFacingError


def add_translation_commands(sub: argparse._SubParsersAction) -> None:
    """Register back-translation and sign-off sub-commands on the `forms` parser."""
    back = sub.add_parser("back-translation", help="prepare and stamp back-translation files")
    back_sub = back.add_subparsers(dest="back_command", metavar="ACTION", required=True)
    template = back_sub.add_parser(
        "template", help="add an empty entry for every translated text without one"
    )
    _form_arguments(template)
    template.add_argument("--language", help="only this language (nb or ar)")
    template.add_argument("--by", help="who back-translates this language (role, initials)")
    template.set_defaults(handler=_template)
    stamp = back_sub.add_parser(
        "stamp", help="record which translation each delivered back-translation translates"
    )
    _form_arguments(stamp)
    stamp.add_argument("--language", help="only this language (nb or ar)")
    stamp.add_argument(
        "--key", action="append", default=[], help="restamp this (stale, now redone) text key"
    )
    stamp.add_argument(
        "--all", action="store_true", help="restamp every entry (a complete new delivery)"
    )
    stamp.set_defaults(handler=_stamp)

    sign = sub.add_parser("sign-off", help="validate one language of a form (writes the record)")
    _form_arguments(sign)
    sign.add_argument("--language", required=True, help="nb, en or ar")
    sign.add_argument("--role", required=True, help="e.g. 'certified translator', 'reviewer'")
    sign.add_argument("--initials", required=True, help="initials of the person signing")
    sign.add_argument(
        "--steps",
        required=True,
        nargs="+",
        help="steps done: forward_translation reconciliation back_translation "
        "back_translation_review cognitive_debriefing proofreading (or: all)",
    )
    sign.add_argument("--date", default=None, help="YYYY-MM-DD (default: today)")
    sign.set_defaults(handler=_sign_off)


def _form_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("form", help="form id (e.g. hscl25) or path to its .yaml file")
    parser.add_argument(
        "--forms", type=Path, default=None, help="forms folder (default: the shipped forms)"
    )


def _form_path(args) -> Path:
    candidate = Path(args.form)
    if candidate.suffix == ".yaml" and candidate.is_file():
        return candidate
    from survey_app.assets import forms_dir

    path = (args.forms or forms_dir()) / f"{args.form}.yaml"
    if not path.is_file():
        raise UserFacingError(f"no form file {path}")
    return path


def _loaded(path: Path):
    from survey_app.forms.loader import read_form

    form, findings, _ = read_form(path)
    errors = [f for f in findings if f.is_error]
    if form is None or errors:
        raise UserFacingError(
            f"{path} cannot be read as a form; fix it first:\n  "
            + "\n  ".join(str(f) for f in errors[:10])
        )
    return form


def _check_language(language: str | None) -> None:
    from survey_app.forms.model import LANGUAGES
    from survey_app.forms.texts import SOURCE_LANGUAGE

    if language is not None and (language not in LANGUAGES or language == SOURCE_LANGUAGE):
        others = ", ".join(lang for lang in LANGUAGES if lang != SOURCE_LANGUAGE)
        raise UserFacingError(f"--language must be one of {others} (not the source language)")


def _template(args) -> int:
    from survey_app.forms.backtranslation import (
        BackTranslations,
        add_missing,
        backtranslation_path,
        read_backtranslations,
    )

    _check_language(args.language)
    path = _form_path(args)
    form = _loaded(path)
    target = backtranslation_path(path)
    backs = read_backtranslations(target) or BackTranslations(target, form.id)
    _refuse_broken(backs)
    if args.by:
        if not args.language:
            raise UserFacingError("--by needs --language")
        backs.by[args.language] = args.by
    added = add_missing(form, backs, args.language)
    _write(form, backs, program(args))
    print(f"{target}: {len(added)} empty entr{'y' if len(added) == 1 else 'ies'} to fill in")
    return 0


def _stamp(args) -> int:
    from survey_app.forms.backtranslation import (
        backtranslation_path,
        read_backtranslations,
        stamp_entries,
    )

    _check_language(args.language)
    path = _form_path(args)
    form = _loaded(path)
    target = backtranslation_path(path)
    backs = read_backtranslations(target)
    if backs is None:
        raise UserFacingError(
            f"no {target.name}; start one with: {program(args)} forms back-translation "
            f"template {form.id} --language ar"
        )
    _refuse_broken(backs)
    done = stamp_entries(form, backs, set(args.key), args.all, args.language)
    _write(form, backs, program(args))
    for line in done:
        print(f"stamped {line}")
    print(f"{target}: {len(done)} back-translation(s) stamped")
    return 0


def _refuse_broken(backs) -> None:
    errors = [f for f in backs.findings if f.is_error]
    if errors:
        raise UserFacingError(
            "the back-translation file has errors; fix them first (nothing was written):\n  "
            + "\n  ".join(str(f) for f in errors[:10])
        )


def _write(form, backs, typed: str) -> None:
    from survey_app.forms.backtranslation import render

    temporary = backs.path.with_name(backs.path.name + ".tmp")
    temporary.write_text(render(form, backs, typed), encoding="utf-8")
    temporary.replace(backs.path)


def _sign_off(args) -> int:
    from survey_app.forms.library import inspect_file
    from survey_app.forms.model import LANGUAGES, SignOff
    from survey_app.forms.signoff import STEPS, record_problems, texts_hash
    from survey_app.forms.signoff_write import write_signoff
    from survey_app.forms.texts import SOURCE_LANGUAGE

    if args.language not in LANGUAGES:
        raise UserFacingError(f"--language must be one of {', '.join(LANGUAGES)}")
    steps = list(STEPS) if args.steps == ["all"] else [s.strip(",") for s in args.steps]
    unknown = [s for s in steps if s not in STEPS]
    if unknown:
        raise UserFacingError(f"unknown step(s) {', '.join(unknown)}; known: {', '.join(STEPS)}")
    when = args.date or date.today().isoformat()
    problems = record_problems(args.role, args.initials, when)
    if problems:
        raise UserFacingError("; ".join(problems))
    path = _form_path(args)
    report = inspect_file(path, sign_offs=False, program=program(args))
    errors = [f for f in report.findings if f.is_error]
    if report.form is None or errors:
        raise UserFacingError(
            "the form has errors and cannot be signed off (nothing was written):\n  "
            + "\n  ".join(str(f) for f in errors[:20])
        )
    form = report.form
    record = SignOff(
        role=args.role.strip(),
        initials=args.initials.strip(),
        date=when,
        steps=tuple(s for s in STEPS if s in steps),
        texts=texts_hash(form, args.language),
        source_texts=(
            texts_hash(form, SOURCE_LANGUAGE) if args.language != SOURCE_LANGUAGE else ""
        ),
    )
    info = form.languages.get(args.language)
    write_signoff(path, args.language, info.note if info else "", record)
    after = inspect_file(path, program=program(args))
    for finding in after.findings:
        print(finding)
    status = next(s for s in after.languages if s.language == args.language)
    print(f"{form.id} [{args.language}]: {status.describe()}")
    return 1 if not after.usable else 0
