"""`python main.py participant find|export|erase CODE`: participants' rights (data manager)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from survey_app.cli.cmd_erase_on_server import add_connection_options
from survey_app.cli.code_arg import participant_code
from survey_app.cli.program import program
from survey_app.cli.study_key import (
    KEY_PASSPHRASE_ENV,
    check_key_matches_study,
    read_study_identity,
)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `participant` command."""
    parser = subparsers.add_parser(
        "participant",
        help="find, export or erase everything the import record holds about one participant",
        description="Answer a participant's request (access, copy, erasure) from the import "
        "record in an import output folder. `find` lists submissions (no answers), `export` "
        "writes a copy for the participant into a new folder, `erase` removes every submission "
        "of the code, logs the erasure without the code, refuses the code on later imports and "
        f"rewrites the data sets. The key passphrase is read from ${KEY_PASSPHRASE_ENV} or asked. "
        "With --register and --register-key the central linking register is covered too "
        "(find, export, erase), and `withdraw` records a withdrawal received directly.",
    )
    parser.add_argument("action", choices=("find", "export", "erase", "withdraw"))
    parser.add_argument(
        "code", nargs="?", help="the participant code (or give --submission)", type=participant_code
    )
    parser.add_argument(
        "--submission",
        metavar="ID",
        help="find, export, erase: the participant of this submission id, by the code exactly as "
        "stored in it (for a code that is not valid: the import report lists their ids)",
    )
    parser.add_argument("--out", required=True, help="the import output folder (as for import)")
    parser.add_argument("--key", required=True, help="the study private key file (age)")
    parser.add_argument("--study", help="study folder (with study.yaml); needed for export, erase")
    parser.add_argument("--to", help="export: a new folder for the copy (name it without the code)")
    parser.add_argument(
        "--archive-forms",
        action="append",
        default=[],
        metavar="DIR",
        help="export: folder with older form versions (for their item texts)",
    )
    parser.add_argument("--yes", action="store_true", help="erase: do not ask to confirm")
    parser.add_argument(
        "--reference", default="", help="erase: request reference for the log (never a name)"
    )
    parser.add_argument(
        "--separate-free-text",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="erase: as given to import when the data sets were written (default: yes)",
    )
    parser.add_argument(
        "--label-language",
        choices=("en", "nb", "ar"),
        default="en",
        help="erase: as given to import when the data sets were written",
    )
    parser.add_argument(
        "--server",
        help="erase: also erase the submissions on this research server (data-manager token)",
    )
    add_connection_options(parser)
    parser.add_argument("--register", help="the central linking register folder (docs/trial.md)")
    parser.add_argument("--register-key", help="the register (PI) private key file")
    parser.add_argument(
        "--scope",
        action="append",
        choices=("contact", "collection", "erase"),
        help="withdraw: what the withdrawal covers (repeat); erase also stops collection",
    )
    parser.add_argument("--date", help="withdraw: the day it takes effect (YYYY-MM-DD)")
    parser.add_argument("--staff", default="DM", help="withdraw: initials of who recorded it")
    parser.set_defaults(handler=_participant)


def _participant(args: argparse.Namespace) -> int:
    from pathlib import Path

    from survey_app.errors import UserFacingError
    from survey_app.importer.record import RECORD_NAME, ImportRecord
    from survey_app.importer.rights import canonical_code

    out = Path(args.out)
    if not (out / RECORD_NAME).is_file():
        raise UserFacingError(f"no import record ({RECORD_NAME}) in {out}")
    study = None
    if args.study:
        from survey_app.study import load_study

        study = load_study(Path(args.study), program(args))
    elif args.action != "find":
        raise UserFacingError(f"participant {args.action} needs --study")
    if bool(args.register) != bool(args.register_key):
        raise UserFacingError("give --register and --register-key together")
    if args.action == "export" and not args.to:
        raise UserFacingError("participant export needs --to: a new folder for the copy")
    if args.submission and (args.code or args.action == "withdraw"):
        raise UserFacingError("give either the participant code or --submission (not withdraw)")
    if not args.submission and not args.code:
        raise UserFacingError("give the participant code (or --submission ID)")
    code = canonical_code(args.code) if args.code else ""
    identity = read_study_identity(Path(args.key))
    if study is not None:
        check_key_matches_study(identity, study.public_key, study.study_id)
    with ImportRecord.open(out, identity) as record:
        owner = record.meta("study_id")
        if study is not None and owner is not None and owner != study.study_id:
            raise UserFacingError(f"the output folder holds study {owner}, not {study.study_id}")
        if args.submission:
            # The stored text itself: a code that is not valid cannot be typed as one.
            stored = record.code_of_submission(args.submission)
            if stored is None:
                raise UserFacingError("the import record holds no submission with this id")
            code = stored
        if args.action == "find":
            result = _find(record, code)
        elif args.action == "export":
            result = _export(record, code, study, args)
        elif args.action == "withdraw":
            return _withdraw(record, code, study, args)
        else:
            result = _erase(record, code, study, args)
    if args.register and result in (0, 3):
        _register_part(args, code)
    return result


def _register_part(args: argparse.Namespace, code: str) -> None:
    """The same request on the central linking register (find, export, erase)."""
    import json

    from survey_app.bundle.container import utc_now
    from survey_app.cli.trial_args import read_register_identity
    from survey_app.register.central import CentralRegister

    identity = read_register_identity(Path(args.register_key))
    with CentralRegister.open(Path(args.register), identity) as central:
        copy = central.participant_copy(code)
        if args.action == "find":
            entry = "an entry" if copy["person"] else "no entry"
            erased = " (erased at the participant's request)" if copy["erased"] else ""
            print(
                f"register: {entry}{erased}, {len(copy['consents'])} consent record(s), "
                f"{len(copy['withdrawals'])} withdrawal(s), {len(copy['contact_attempts'])} "
                f"contact attempt(s); `{program(args)} register find --code` shows them"
            )
        elif args.action == "export":
            target = Path(args.to) / "register-data.json"
            text = json.dumps(copy, ensure_ascii=False, indent=2) + "\n"
            target.write_text(text, encoding="utf-8")
            target.chmod(0o600)
            print(f"  {target.name} (name, contacts, consent records, withdrawals, contacts)")
        else:
            counts = central.erase(code, at=utc_now(), reference=args.reference)
            print(
                f"register: erased {counts['people']} entry, {counts['consents']} consent "
                f"record(s), {counts['attempts']} contact attempt(s)"
            )


def _withdraw(record, code: str, study, args: argparse.Namespace) -> int:
    from survey_app.bundle.container import utc_now
    from survey_app.errors import UserFacingError
    from survey_app.importer import ImportSettings
    from survey_app.importer.outputs import write_outputs
    from survey_app.importer.report import ImportReport
    from survey_app.importer.rights import refuse_mistyped
    from survey_app.importer.trial_import import apply_withdrawals
    from survey_app.importer.trial_record import add_direct_withdrawal
    from survey_app.store.validation import meeting_date
    from survey_app.trial.notices import normalise_scopes

    if not args.scope or not args.date:
        raise UserFacingError("participant withdraw needs --scope and --date")
    scopes = normalise_scopes(args.scope)
    day = meeting_date(args.date)
    if not record.payloads_of(code):
        refuse_mistyped(code)  # before it is stored: a stored typo would stop every import
    at = utc_now()
    with record.transaction():
        add_direct_withdrawal(record, code, scopes, day, at, args.staff)
    report = ImportReport(study.study_id, at)
    apply_withdrawals(record, report, at)
    settings = ImportSettings(
        out_dir=Path(args.out),
        library=study.library,
        study_id=study.study_id,
        pcl_cutoff=study.pcl_cutoff,
        separate_free_text=args.separate_free_text,
        label_language=args.label_language,
    )
    write_outputs(record, settings)
    print(f"withdrawal recorded ({', '.join(scopes)}, from {day}) in the import record")
    if args.register:
        from survey_app.cli.trial_args import read_register_identity
        from survey_app.register.central import CentralRegister

        identity = read_register_identity(Path(args.register_key))
        with CentralRegister.open(Path(args.register), identity) as central:
            central.record_withdrawal(code, list(scopes), day, staff=args.staff, at=at)
        print("and in the central register")
    if "erase" in scopes:
        print(
            "erased: the import record, the data sets"
            + (" and the register" if args.register else "")
        )
    return 0


def _find(record, code: str) -> int:
    from collections import Counter

    from survey_app.importer.rights import find_participant, refuse_mistyped

    found = find_participant(record, code)
    if not (found.submissions or found.erasures or found.refused):
        refuse_mistyped(code)
    print(f"{len(found.submissions)} submission(s) of this code in the import record")
    # The same code at one timepoint more than once: flagged duplicate_code_timepoint in the data.
    per_timepoint = Counter(s.timepoint for s in found.submissions)
    for s in found.submissions:
        print(
            f"  {s.submission_id}  {s.timepoint}  {s.status}  language {s.language}  "
            f"device {s.device_id}  meeting {s.meeting_date}  started {s.started_at}  "
            f"imported {s.imported_at}"
            + ("  (duplicate code on laptop)" if s.duplicate_flag else "")
            + (
                f"  (same code and timepoint in {per_timepoint[s.timepoint]} submissions)"
                if per_timepoint[s.timepoint] > 1
                else ""
            )
        )
    for e in found.erasures:
        print(
            f"erased {e.at}: {e.submissions} submission(s), erasure {e.erasure_id}"
            + (f", reference {e.reference}" if e.reference else "")
        )
    if found.refused:
        print(f"offered again by later imports and refused: {found.refused}")
    return 0


def _export(record, code: str, study, args: argparse.Namespace) -> int:
    from pathlib import Path

    from survey_app.bundle.container import utc_now
    from survey_app.errors import UserFacingError
    from survey_app.importer.rights_export import participant_document, write_participant_export
    from survey_app.importer.validate import FormIndex

    forms = FormIndex.from_library(study.library, [Path(d) for d in args.archive_forms])
    document = participant_document(
        record,
        code,
        forms,
        study_id=study.study_id,
        pcl_cutoff=study.pcl_cutoff,
        created_at=utc_now(),
    )
    if not document["submissions"]:
        raise UserFacingError("the import record holds no submissions of this code")
    paths = write_participant_export(Path(args.to), document)
    print(f"wrote {len(document['submissions'])} submission(s) to {Path(args.to)}:")
    for path in paths:
        print(f"  {path.name}")
    return 0


def _erase(record, code: str, study, args: argparse.Namespace) -> int:
    from pathlib import Path

    from survey_app.bundle.atomic import remove_partials
    from survey_app.bundle.container import utc_now
    from survey_app.errors import UserFacingError
    from survey_app.importer import ImportSettings
    from survey_app.importer.outputs import write_outputs
    from survey_app.importer.rights import erase_participant, find_participant

    # Temp files an interrupted import left may hold this participant's answers too.
    remove_partials(Path(args.out))
    held_ids = [s.submission_id for s in find_participant(record, code).submissions]
    held = len(held_ids)
    if not args.yes:
        if not sys.stdin.isatty():
            raise UserFacingError("erase asks for confirmation; give --yes when running a script")
        print(
            f"This erases {held} submission(s) of this code from the import record and data sets."
        )
        if args.submission:
            typed = input("Type the submission id again to confirm: ")
            same = typed.strip() == args.submission
        else:
            typed = input("Type the participant code again to confirm: ")
            same = typed.strip().upper() == code.upper()
        if not same:
            print("not the same code: nothing erased")
            return 1
    token = None
    if args.server:
        from survey_app.cli.cmd_erase_on_server import read_token

        token = read_token(args.token_env)
    entry = erase_participant(record, code, at=utc_now(), reference=args.reference)
    settings = ImportSettings(
        out_dir=Path(args.out),
        library=study.library,
        study_id=study.study_id,
        pcl_cutoff=study.pcl_cutoff,
        separate_free_text=args.separate_free_text,
        label_language=args.label_language,
    )
    changes = write_outputs(record, settings)
    if entry is None:
        print("this code was erased before and nothing of it is left")
    else:
        print(f"erased {entry.submissions} submission(s); erasure {entry.erasure_id}")
        print("later imports will refuse this code and these submissions")
    print(
        f"data sets: {len(changes.written)} rewritten, {len(changes.unchanged)} unchanged, "
        f"{len(changes.removed)} removed"
    )
    if token is None:
        print(
            "remember: laptops, USB sticks and the server may still hold sealed copies; "
            "see docs/import.md, Participants' rights"
        )
        return 0
    return _erase_on_server(args, token, held_ids)


def _erase_on_server(args: argparse.Namespace, token: str, submission_ids: list[str]) -> int:
    from survey_app.importer.server_erasure import (
        ServerErasureError,
        erase_on_server,
        repeat_commands,
    )

    if not submission_ids:
        print(
            "server: nothing to send (the import record held no submission of this code); "
            "if an earlier erasure's server part failed, repeat the command printed then"
        )
        return 0
    try:
        result = erase_on_server(
            args.server,
            token,
            submission_ids,
            reference=args.reference,
            verify=args.ca or True,
            allow_insecure=args.insecure_http,
        )
    except ServerErasureError as exc:
        print(f"the local erasure is done, but the server part is NOT: {exc}", file=sys.stderr)
        print("repeat the server part with:", file=sys.stderr)
        repeat = repeat_commands(args.server, submission_ids, args.reference, program(args))
        print(repeat, file=sys.stderr)
        return 3
    print(
        f"server: {result.deleted} deleted, {result.not_stored} not stored there (refused if "
        f"they ever arrive), {result.already_erased} erased before"
    )
    print("laptops and USB copies cannot bring these back to the server or into the data sets")
    return 0
