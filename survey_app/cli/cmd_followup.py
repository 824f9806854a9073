"""`python main.py followup ...`: who is due, contact attempts, and the SMS reminder list."""

from __future__ import annotations

import argparse
from pathlib import Path

from survey_app.cli.code_arg import participant_code
from survey_app.cli.program import program
from survey_app.cli.study_key import KEY_PASSPHRASE_ENV
from survey_app.cli.trial_args import REGISTER_KEY_PASSPHRASE_ENV


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `followup` command and its actions."""
    parser = subparsers.add_parser(
        "followup",
        help="follow-up: who is due when, contact attempts, reminder list for an SMS service",
        description="Uses the imported data (which baselines and follow-ups arrived; study key "
        f"passphrase from ${KEY_PASSPHRASE_ENV}) and the central register (contacts and "
        f"withdrawals; register key passphrase from ${REGISTER_KEY_PASSPHRASE_ENV}).",
    )
    actions = parser.add_subparsers(dest="followup_action", metavar="ACTION", required=True)

    def both_sides(name: str, help_text: str) -> argparse.ArgumentParser:
        sub = actions.add_parser(name, help=help_text)
        sub.add_argument("--out", required=True, help="the import output folder")
        sub.add_argument("--key", required=True, help="the study private key file")
        sub.add_argument("--register", required=True, help="the central register folder")
        sub.add_argument("--register-key", required=True, help="the register private key file")
        sub.add_argument("--study", required=True, help="study folder")
        sub.add_argument("--as-of", help="the day to judge by (default: today)")
        return sub

    due = both_sides("due", "list codes due or overdue (no names) and the counts")
    due.add_argument("--all", action="store_true", help="also list done, withdrawn, not yet due")
    due.set_defaults(handler=_due)
    reminders = both_sides("reminders", "write the reminder list (CSV: phone, language)")
    reminders.add_argument("--to", required=True, help="the CSV file to write")
    reminders.set_defaults(handler=_reminders)

    attempt = actions.add_parser("attempt", help="record a contact attempt (letter, SMS, call)")
    attempt.add_argument("code", type=participant_code)
    attempt.add_argument("--channel", required=True, choices=("letter", "sms", "call", "email"))
    attempt.add_argument("--timepoint", required=True, help="the follow-up timepoint")
    attempt.add_argument("--staff", required=True, help="initials of who made the attempt")
    attempt.add_argument("--outcome", default="", help="short note: reached, no answer, ...")
    attempt.add_argument("--at", help="when (default: now)")
    attempt.add_argument("--register", required=True, help="the central register folder")
    attempt.add_argument("--register-key", required=True, help="the register private key file")
    attempt.add_argument("--study", required=True, help="study folder (its follow-up timepoints)")
    attempt.set_defaults(handler=_attempt)


def _dues(args: argparse.Namespace):
    from collections import Counter
    from datetime import date

    from survey_app.cli.study_key import read_study_identity
    from survey_app.cli.trial_args import read_register_identity
    from survey_app.errors import UserFacingError
    from survey_app.importer.record import RECORD_NAME, ImportRecord
    from survey_app.importer.trial_record import followup_inputs, withdrawn_codes
    from survey_app.register.central import CentralRegister
    from survey_app.study import load_study
    from survey_app.trial.followup import due_list

    study = load_study(Path(args.study), program(args))
    trial = study.config.trial
    if trial is None or not trial.followup:
        raise UserFacingError("study.yaml has no trial.followup schedule")
    out = Path(args.out)
    if not (out / RECORD_NAME).is_file():
        raise UserFacingError(f"no import record ({RECORD_NAME}) in {out}")
    baseline = next(iter(study.library.protocol.timepoints))
    with ImportRecord.open(out, read_study_identity(Path(args.key))) as record:
        baselines, done = followup_inputs(record, baseline)
        stopped = withdrawn_codes(record, "collection")
        quiet = withdrawn_codes(record, "contact")
    central = CentralRegister.open(
        Path(args.register), read_register_identity(Path(args.register_key))
    )
    tried = Counter((a.code, a.timepoint) for a in central.attempts())
    stopped |= {c for c in baselines if central.collection_stopped(c)}
    quiet |= {c for c in baselines if central.contact_stopped(c)}
    dues = due_list(
        baselines,
        done,
        trial.followup,
        collection_stopped=stopped,
        contact_stopped=quiet,
        attempts=tried,
        as_of=args.as_of or date.today().isoformat(),
    )
    return dues, central


def _due(args: argparse.Namespace) -> int:
    from survey_app.trial.followup import counts

    dues, central = _dues(args)
    central.close()
    shown = dues if args.all else [d for d in dues if d.status in ("due", "overdue")]
    for d in shown:
        contact = "" if d.contact_allowed else "  (no contact)"
        print(
            f"{d.code}  {d.timepoint}  due {d.due_date} (window {d.opens} to {d.closes})  "
            f"{d.status}  attempts {d.attempts}{contact}"
        )
    print("counts:")
    for timepoint, table in sorted(counts(dues).items()):
        print(f"  {timepoint}: " + ", ".join(f"{k} {v}" for k, v in sorted(table.items())))
    return 0


def _reminders(args: argparse.Namespace) -> int:
    import csv
    import io

    from survey_app.bundle.atomic import atomic_write_bytes
    from survey_app.trial.followup import to_remind

    dues, central = _dues(args)
    rows, no_phone = [], 0
    with central:
        for d in to_remind(dues):
            person = central.person(d.code)
            if person is None or not person.phone:
                no_phone += 1
                continue
            rows.append((person.phone, person.language, d.timepoint))
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(("phone", "language", "timepoint"))
    writer.writerows(sorted(set(rows)))
    atomic_write_bytes(Path(args.to), buf.getvalue().encode("utf-8"))
    print(
        f"wrote {len(set(rows))} reminder(s) to {args.to} (phone, language, timepoint only); "
        f"{no_phone} due without a phone number"
    )
    print("the file holds phone numbers: hand it to the SMS service encrypted and delete it after")
    return 0


def _attempt(args: argparse.Namespace) -> int:
    from survey_app.answers.codes import validate_code
    from survey_app.bundle.container import utc_now
    from survey_app.cli.trial_args import read_register_identity
    from survey_app.errors import UserFacingError
    from survey_app.register.central import CentralRegister
    from survey_app.study import load_study

    trial = load_study(Path(args.study), program(args)).config.trial
    timepoints = [f.timepoint for f in trial.followup] if trial is not None else []
    if args.timepoint not in timepoints:
        raise UserFacingError(
            f"--timepoint: the study follows up at {', '.join(timepoints) or 'no timepoint'}"
        )
    identity = read_register_identity(Path(args.register_key))
    with CentralRegister.open(Path(args.register), identity) as central:
        central.record_attempt(
            validate_code(args.code),
            timepoint=args.timepoint,
            channel=args.channel,
            at=args.at or utc_now(),
            outcome=args.outcome,
            staff=args.staff,
        )
    print(f"recorded a {args.channel} attempt for {args.timepoint}")
    return 0
