"""`python main.py randomise ...`: allocation lists, their loading, reveals, the audit, letters."""

from __future__ import annotations

import argparse
from pathlib import Path

from survey_app.cli.code_arg import participant_code
from survey_app.cli.program import program
from survey_app.cli.study_key import KEY_PASSPHRASE_ENV
from survey_app.cli.trial_args import REGISTER_KEY_PASSPHRASE_ENV, STORE_PASSPHRASE_ENV


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `randomise` command and its actions."""
    parser = subparsers.add_parser(
        "randomise",
        help="concealed, stratified randomisation: lists, loading, reveal, audit, letters",
        description="The data manager generates sealed allocation lists (one per laptop) and a "
        "sealed seed record; laptops load their list; an allocation is revealed only after a "
        "completed, sealed baseline (the app does this itself). See docs/trial.md.",
    )
    actions = parser.add_subparsers(dest="randomise_action", metavar="ACTION", required=True)

    key = actions.add_parser("laptop-key", help="print this laptop's list key (laptop)")
    key.add_argument("--data-dir", help="the laptop's data folder (default: the app's)")
    key.set_defaults(handler=_laptop_key)

    lists = actions.add_parser(
        "lists",
        help="generate the allocation lists (data manager, offline)",
        description="Write one sealed list per laptop and the sealed seed record (to the study "
        "key and the register key) into a new folder. Nothing shows an arm.",
    )
    lists.add_argument("--study", required=True, help="study folder (with study.yaml)")
    lists.add_argument(
        "--laptop",
        action="append",
        required=True,
        metavar="LABEL=KEY",
        help="a laptop label and its list key (from `randomise laptop-key`), or the key file the "
        "laptop saved with Save list key… (repeat per laptop)",
    )
    lists.add_argument("--out", required=True, help="folder for the list files and seed record")
    lists.set_defaults(handler=_lists)

    load = actions.add_parser("load", help="load this laptop's sealed list (laptop)")
    load.add_argument("list_file", help="the .surveylist file made for this laptop")
    load.add_argument("--data-dir", help="the laptop's data folder")
    load.add_argument("--study", help="study folder (default: the laptop's)")
    load.add_argument("--staff", required=True, help="staff initials (for the audit trail)")
    load.set_defaults(handler=_load)

    status = actions.add_parser("status", help="free slots per stratum, never an arm (laptop)")
    status.add_argument("--data-dir", help="the laptop's data folder")
    status.set_defaults(handler=_status)

    emergency = actions.add_parser(
        "emergency",
        help="reveal an allocation without a completed baseline (logged)",
        description="For a participant whose baseline cannot be completed. The reveal is "
        "marked as an emergency in the sealed allocation and in the audit trail.",
    )
    emergency.add_argument("code", help="the participant code", type=participant_code)
    emergency.add_argument(
        "--reason", required=True, choices=("baseline_impossible", "clinical", "other")
    )
    emergency.add_argument("--stratum", required=True, help="the participant's stratum")
    emergency.add_argument("--date", required=True, help="the meeting date (YYYY-MM-DD)")
    emergency.add_argument("--staff", required=True, help="staff initials")
    emergency.add_argument("--data-dir", help="the laptop's data folder")
    emergency.add_argument("--study", help="study folder (default: the laptop's)")
    emergency.set_defaults(handler=_emergency)

    audit = actions.add_parser(
        "audit",
        help="check the allocation sequence in an import folder against the seed record",
        description="Rebuilds every list from the seed record and checks each imported "
        f"allocation. The study key passphrase is read from ${KEY_PASSPHRASE_ENV} or asked.",
    )
    audit.add_argument("--out", required=True, help="the import output folder")
    audit.add_argument("--key", required=True, help="the study private key file")
    audit.add_argument("--seed-record", action="append", default=[], help="seed record file(s)")
    audit.add_argument("--study", required=True, help="study folder")
    audit.set_defaults(handler=_audit)

    letters = actions.add_parser(
        "letters",
        help="allocation letters (nb/en/ar PDF) from the register and the imported allocations",
        description="One page per randomised participant, in their preferred language, with "
        "their name and address from the central register. Passphrases: study key from "
        f"${KEY_PASSPHRASE_ENV}, register key from ${REGISTER_KEY_PASSPHRASE_ENV}.",
    )
    letters.add_argument("--out", required=True, help="the import output folder")
    letters.add_argument("--key", required=True, help="the study private key file")
    letters.add_argument("--register", required=True, help="the central register folder")
    letters.add_argument("--register-key", required=True, help="the register private key file")
    letters.add_argument("--study", required=True, help="study folder")
    letters.add_argument("--to", required=True, help="the PDF file to write")
    letters.add_argument("--since", help="only allocations revealed on or after this date")
    letters.set_defaults(handler=_letters)


def _laptop_key(args: argparse.Namespace) -> int:
    from survey_app.cli.trial_args import laptop_paths, open_device_store

    store_path, _ = laptop_paths(args.data_dir)
    with open_device_store(store_path) as store:
        print(store.list_recipient())
    return 0


def _lists(args: argparse.Namespace) -> int:
    from survey_app.errors import UserFacingError
    from survey_app.study import load_study
    from survey_app.trial.sealed_lists import write_list_set

    study = load_study(Path(args.study), program(args))
    trial = study.config.trial
    if trial is None or trial.randomisation is None:
        raise UserFacingError("study.yaml has no trial.randomisation section")
    if not study.config.register_public_key:
        raise UserFacingError("study.yaml has no register_public_key for the seed record")
    laptops = []
    for item in args.laptop:
        label, sep, key = item.partition("=")
        if not sep or not key.strip():
            raise UserFacingError(f"--laptop {item[:30]!r}: write LABEL=KEY or LABEL=FILE")
        laptops.append((label.strip(), _laptop_key_value(label.strip(), key.strip())))
    written = write_list_set(
        trial.randomisation,
        laptops,
        study_id=study.study_id,
        keyholders=[study.public_key, study.config.register_public_key],
        out_dir=Path(args.out),
    )
    print(f"list set {written.record.list_id} for {len(laptops)} laptop(s):")
    for path, lst in zip(written.list_files, written.list_set.lists, strict=True):
        slots = sum(r.size for r in lst.ranges)
        print(f"  {path.name}: {slots} slots over {len(lst.ranges)} stratum/period ranges")
    print(f"seed record: {written.seed_file.name} (sealed to the study and register keys)")
    print("give each laptop its own list file; keep the seed record with the study key")
    return 0


def _laptop_key_value(label: str, value: str) -> str:
    """The list key given on the command line, or read from the file a laptop saved."""
    from survey_app.errors import UserFacingError
    from survey_app.sealing.study_keys import read_public_key_file

    if Path(value).is_file():
        # The file a laptop saved with "Save list key…" in the register dialog.
        return read_public_key_file(Path(value))
    if not value.startswith("age1"):
        raise UserFacingError(
            f"--laptop {label[:20]}: {value[:60]!r} is neither a list key (age1...) "
            "nor a key file that exists"
        )
    return value


def _load(args: argparse.Namespace) -> int:
    from survey_app.cli.trial_args import laptop_paths, laptop_study, open_device_store

    store_path, _ = laptop_paths(args.data_dir)
    study = laptop_study(args.study, store_path.parent, program(args))
    data = Path(args.list_file).read_bytes()
    with open_device_store(store_path) as store:
        status = store.load_allocation_list(data, study, actor=args.staff)
    _print_status(status)
    return 0


def _status(args: argparse.Namespace) -> int:
    from survey_app.cli.trial_args import laptop_paths, open_device_store

    store_path, _ = laptop_paths(args.data_dir)
    with open_device_store(store_path) as store:
        status = store.allocation_status()
    if status is None:
        print("no allocation list is loaded on this laptop")
        return 1
    _print_status(status)
    return 0


def _print_status(status) -> None:
    print(f"list {status.list_id[:8]} for laptop {status.laptop}, loaded {status.loaded_at}")
    print(f"{status.used} slot(s) used; free in the current period:")
    for stratum, free in sorted(status.remaining.items()):
        print(f"  {stratum}: {free}")


def _emergency(args: argparse.Namespace) -> int:
    from survey_app.cli.trial_args import laptop_paths, laptop_study, open_device_store

    store_path, _ = laptop_paths(args.data_dir)
    study = laptop_study(args.study, store_path.parent, program(args))
    with open_device_store(store_path) as store:
        info = store.emergency_reveal(
            args.code,
            study,
            reason=args.reason,
            stratum=args.stratum,
            meeting_date=args.date,
            actor=args.staff,
        )
    print(f"EMERGENCY REVEAL (logged): {info.participant_code} -> {info.arm}")
    return 0


def _audit(args: argparse.Namespace) -> int:
    from survey_app.bundle.container import utc_now
    from survey_app.cli.study_key import read_study_identity
    from survey_app.errors import UserFacingError
    from survey_app.importer.record import RECORD_NAME, ImportRecord
    from survey_app.importer.report import ImportReport, trial_text
    from survey_app.importer.trial_import import check_trial, remember_seed_records
    from survey_app.study import load_study

    out = Path(args.out)
    if not (out / RECORD_NAME).is_file():
        raise UserFacingError(f"no import record ({RECORD_NAME}) in {out}")
    study = load_study(Path(args.study), program(args))
    identity = read_study_identity(Path(args.key))
    report = ImportReport(study.study_id, utc_now())
    settings = study.config.trial.randomisation if study.config.trial else None
    with ImportRecord.open(out, identity) as record:
        remember_seed_records(record, [Path(p) for p in args.seed_record], identity, utc_now())
        check_trial(record, report, identity, settings)
    print("\n".join(trial_text(report.trial)).strip() or "no allocations imported")
    sequence = report.trial.get("sequence") or {}
    return 4 if sequence.get("problems") else 0


def _letters(args: argparse.Namespace) -> int:
    from survey_app.cli.study_key import read_study_identity
    from survey_app.cli.trial_args import read_register_identity
    from survey_app.errors import UserFacingError
    from survey_app.importer.record import RECORD_NAME, ImportRecord
    from survey_app.importer.trial_record import allocations_by_code
    from survey_app.pdf.trial_pdf import Letter, render_letters
    from survey_app.register.central import CentralRegister
    from survey_app.study import load_study

    out = Path(args.out)
    if not (out / RECORD_NAME).is_file():
        raise UserFacingError(f"no import record ({RECORD_NAME}) in {out}")
    study = load_study(Path(args.study), program(args))
    identity = read_study_identity(Path(args.key))
    with ImportRecord.open(out, identity) as record:
        allocations = allocations_by_code(record)
    register_identity = read_register_identity(Path(args.register_key))
    letters, missing = [], 0
    with CentralRegister.open(Path(args.register), register_identity) as central:
        for code, found in sorted(allocations.items()):
            if args.since and str(found.get("revealed_at") or "")[:10] < args.since:
                continue
            person = central.person(code)
            if person is None or central.contact_stopped(code):
                missing += 1
                continue
            letters.append(Letter(person, found["arm"], str(found["revealed_at"] or "")[:10]))
    if not letters:
        print(f"no letters to write ({missing} randomised without a register entry or contact)")
        return 0
    pages = render_letters(letters, study, Path(args.to))
    print(f"wrote {len(letters)} letter(s) on {pages} page(s) to {args.to}")
    if missing:
        print(
            f"{missing} randomised participant(s) have no register entry or asked not to be "
            "contacted: no letter"
        )
    return 0


__all__ = ["STORE_PASSPHRASE_ENV", "register"]
