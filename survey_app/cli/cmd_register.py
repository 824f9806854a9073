"""`python main.py register ...`: the linking register on a laptop and at the research unit."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from survey_app.cli.code_arg import participant_code
from survey_app.cli.program import program
from survey_app.cli.trial_args import (
    REGISTER_KEY_PASSPHRASE_ENV,
    REGISTER_PASSPHRASE_ENV,
)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `register` command and its actions."""
    parser = subparsers.add_parser(
        "register",
        help="the linking register (code <-> name, contacts, consent records), kept apart",
        description="On a laptop: export the register sealed to the principal investigator's "
        f"key, print a consent receipt (register passphrase from ${REGISTER_PASSPHRASE_ENV}). "
        "At the research unit: import snapshots into the central register, find by code or "
        f"name, correct, erase (register key passphrase from ${REGISTER_KEY_PASSPHRASE_ENV}).",
    )
    actions = parser.add_subparsers(dest="register_action", metavar="ACTION", required=True)

    export = actions.add_parser("export", help="write the sealed register snapshot (laptop)")
    export.add_argument("--out", required=True, help="the folder to write it into (USB stick)")
    export.add_argument("--data-dir", help="the laptop's data folder")
    export.add_argument("--study", help="study folder (default: the laptop's)")
    export.set_defaults(handler=_export)

    receipt = actions.add_parser("receipt", help="print a consent receipt PDF (laptop)")
    receipt.add_argument("code", help="the participant code", type=participant_code)
    receipt.add_argument("--to", required=True, help="the PDF file to write")
    receipt.add_argument("--data-dir", help="the laptop's data folder")
    receipt.add_argument("--study", help="study folder (default: the laptop's)")
    receipt.set_defaults(handler=_receipt)

    def central(name: str, help_text: str) -> argparse.ArgumentParser:
        sub = actions.add_parser(name, help=help_text)
        sub.add_argument("--register", required=True, help="the central register folder")
        sub.add_argument("--key", required=True, help="the register (PI) private key file")
        return sub

    imp = central("import", "merge laptop snapshots into the central register")
    imp.add_argument("snapshots", nargs="+", help=".surveyregister files or folders")
    imp.add_argument("--study", required=True, help="study folder")
    imp.set_defaults(handler=_import)

    find = central("find", "show one entry (by code) or the codes matching a name")
    which = find.add_mutually_exclusive_group(required=True)
    which.add_argument("--code", help="the participant code", type=participant_code)
    which.add_argument("--name", help="words of the name (case, accents, Arabic marks ignored)")
    find.set_defaults(handler=_find)

    correct = central("correct", "rectify one field of an entry (audited by field)")
    correct.add_argument("code", type=participant_code)
    correct.add_argument(
        "--field", required=True, choices=("name", "phone", "email", "address", "language")
    )
    correct.add_argument("--value", required=True)
    correct.set_defaults(handler=_correct)

    erase = central("erase", "erase an entry, its consent records and contact attempts")
    erase.add_argument("code", type=participant_code)
    erase.add_argument("--reference", default="", help="request reference for the log")
    erase.add_argument("--yes", action="store_true", help="do not ask to confirm")
    erase.set_defaults(handler=_erase)


def _laptop(args):
    from survey_app.cli.trial_args import laptop_paths, laptop_study

    store_path, register_path = laptop_paths(args.data_dir)
    return register_path, laptop_study(args.study, store_path.parent, program(args))


def _export(args: argparse.Namespace) -> int:
    from survey_app.cli.trial_args import open_register
    from survey_app.register.snapshot_file import export_register

    register_path, study = _laptop(args)
    with open_register(register_path) as store:
        path = export_register(
            store, study.study_id, study.config.register_public_key, Path(args.out)
        )
        counts = (len(store.people()), len(store.consents()), len(store.withdrawals()))
    print(
        f"wrote {path.name}: {counts[0]} entries, {counts[1]} consent records, "
        f"{counts[2]} withdrawals, sealed to the register key"
    )
    return 0


def _receipt(args: argparse.Namespace) -> int:
    from survey_app.answers.codes import validate_code
    from survey_app.cli.trial_args import open_register
    from survey_app.errors import UserFacingError
    from survey_app.pdf.trial_pdf import render_receipt

    register_path, study = _laptop(args)
    code = validate_code(args.code)
    with open_register(register_path) as store:
        consents = store.consents(code)
    if not consents:
        raise UserFacingError("the register holds no consent record for this code")
    render_receipt(consents[-1], code, study, Path(args.to))
    print(f"wrote the consent receipt to {args.to}")
    return 0


def _central(args):
    from survey_app.cli.trial_args import read_register_identity
    from survey_app.register.central import CentralRegister

    return CentralRegister.open(Path(args.register), read_register_identity(Path(args.key)))


def _import(args: argparse.Namespace) -> int:
    from survey_app.bundle.container import utc_now
    from survey_app.cli.trial_args import read_register_identity
    from survey_app.errors import UserFacingError
    from survey_app.register.central import CentralRegister
    from survey_app.register.snapshot_file import SNAPSHOT_SUFFIX, read_snapshot
    from survey_app.study import load_study_config

    config = load_study_config(Path(args.study), program(args))
    files: list[Path] = []
    for source in map(Path, args.snapshots):
        files += sorted(source.rglob(f"*{SNAPSHOT_SUFFIX}")) if source.is_dir() else [source]
    if not files:
        raise UserFacingError(f"no register snapshots found (they end in {SNAPSHOT_SUFFIX})")
    identity = read_register_identity(Path(args.key))
    failed = 0
    with CentralRegister.open(Path(args.register), identity) as central:
        for path in files:
            try:
                summary = central.import_snapshot(
                    read_snapshot(path, identity), study_id=config.study_id, at=utc_now()
                )
            except UserFacingError as exc:
                failed += 1
                print(f"{path.name}: REFUSED: {exc}", file=sys.stderr)
                continue
            if summary.already_imported:
                print(f"{path.name}: imported before")
                continue
            print(
                f"{path.name}: {summary.new_people} new, {summary.updated_people} updated, "
                f"{summary.consents} consent record(s), {summary.withdrawals} withdrawal(s), "
                f"{summary.refused_erased} refused (erased before), "
                f"{len(summary.erased)} erased now at the participant's request"
            )
            if summary.first_use_device:
                print(f"  laptop {summary.first_use_device} trusted on first use")
    return 4 if failed else 0


def _find(args: argparse.Namespace) -> int:
    from survey_app.answers.codes import validate_code

    with _central(args) as central:
        if args.name:
            found = central.find_name(args.name)
            print(f"{len(found)} entr{'y' if len(found) == 1 else 'ies'} match:")
            for person in found:
                print(f"  {person.code}  {person.name}")
            return 0
        code = validate_code(args.code)
        copy = central.participant_copy(code)
    if copy["erased"]:
        print("this code was erased at the participant's request")
        return 0
    person = copy["person"]
    if person is None:
        print("no register entry for this code")
    else:
        for key in ("code", "name", "phone", "email", "address", "language", "updated_at"):
            print(f"{key}: {person[key]}")
    for c in copy["consents"]:
        print(
            f"consent {c['outcome']} {c['at'][:10]} {c['form_id']} {c['form_version']} "
            f"{c['language']} {c['reading']} witness {c['witness'] or '-'} staff {c['staff']}"
        )
    for w in copy["withdrawals"]:
        print(f"withdrawal {w['effective_date']}: {', '.join(w['scopes'])}")
    for a in copy["contact_attempts"]:
        print(f"contact {a['at'][:10]} {a['timepoint']} {a['channel']} {a['outcome']}")
    return 0


def _correct(args: argparse.Namespace) -> int:
    from survey_app.answers.codes import validate_code
    from survey_app.bundle.container import utc_now

    with _central(args) as central:
        central.correct(validate_code(args.code), args.field, args.value, at=utc_now())
    print(f"corrected {args.field} (the audit log names the field, never the value)")
    return 0


def _erase(args: argparse.Namespace) -> int:
    from survey_app.answers.codes import validate_code
    from survey_app.bundle.container import utc_now
    from survey_app.errors import UserFacingError
    from survey_app.importer.rights import check_reference

    code = validate_code(args.code)
    reference = check_reference(args.reference, code)
    if not args.yes:
        if not sys.stdin.isatty():
            raise UserFacingError("erase asks for confirmation; give --yes when running a script")
        if input("Type the participant code again to confirm: ").strip().upper() != code:
            print("not the same code: nothing erased")
            return 1
    with _central(args) as central:
        counts = central.erase(code, at=utc_now(), reference=reference)
    print(
        f"erased from the register: {counts['people']} entry, {counts['consents']} consent "
        f"record(s), {counts['attempts']} contact attempt(s); later snapshots are refused"
    )
    print(f"the answers are erased with `{program(args)} participant erase` (docs/trial.md)")
    return 0
