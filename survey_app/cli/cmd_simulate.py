"""`python main.py simulate`: fill a device store with synthetic, sealed DEMO sessions."""

from __future__ import annotations

import argparse
from pathlib import Path

from survey_app.cli.program import program

DEFAULT_PASSPHRASE_ENV = "SURVEY_APP_PASSPHRASE"


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the simulate command."""
    parser = subparsers.add_parser(
        "simulate",
        help="fill a device store with synthetic DEMO participants (completed and sealed)",
        description="Simulate meetings on the DEMO study through the same device-store calls "
        "the app makes. Creates the store if it does not exist. Synthetic data only: refuses "
        "any study that is not marked demo.",
    )
    parser.add_argument("--participants", type=int, required=True, help="number of sessions")
    parser.add_argument("--seed", type=int, default=1, help="random seed (same seed, same data)")
    parser.add_argument(
        "--first-code",
        type=int,
        default=1,
        metavar="N",
        help="first participant number (give each simulated laptop its own range)",
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--store", type=Path, help="device store file")
    where.add_argument("--data-dir", type=Path, help="folder holding device-store.db")
    parser.add_argument(
        "--passphrase-env",
        default=DEFAULT_PASSPHRASE_ENV,
        metavar="VAR",
        help="environment variable holding the store passphrase (default %(default)s)",
    )
    parser.add_argument("--study", type=Path, help="DEMO study folder (default: the bundled one)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Open or create the store, simulate, print counts (never codes or answers)."""
    import os
    from datetime import timedelta

    from survey_app.errors import UserFacingError
    from survey_app.simulate import SimClock, simulate
    from survey_app.simulate.runner import FIRST_MEETING
    from survey_app.store import DeviceStore, default_store_path, store_exists, store_path_in
    from survey_app.study import load_study
    from survey_app.study.demo import demo_study_dir

    if args.participants < 1:
        raise UserFacingError("--participants must be at least 1")
    passphrase = os.environ.get(args.passphrase_env)
    if not passphrase:
        raise UserFacingError(f"set the store passphrase in ${args.passphrase_env}")
    study = load_study(args.study or demo_study_dir(), program(args))
    if not study.demo:
        raise UserFacingError("simulate only runs on a DEMO study (demo: true in study.yaml)")
    if args.store is not None:
        path = args.store
    elif args.data_dir is not None:
        path = store_path_in(args.data_dir)
    else:
        path = default_store_path()
    clock = SimClock()
    if store_exists(path):
        store = DeviceStore.open(path, passphrase, clock=clock)
        created = False
    else:
        store = DeviceStore.create(path, passphrase, clock=clock)
        created = True
    with store:
        latest = max((m.date for m in store.meetings()), default=None)
        if latest is not None:
            start = FIRST_MEETING.replace(
                year=int(latest[:4]), month=int(latest[5:7]), day=int(latest[8:10])
            )
            clock.now = max(FIRST_MEETING, start + timedelta(days=7))
        report = simulate(
            store, study, args.participants, args.seed, clock, first_code=args.first_code
        )
        pending = len(store.pending_envelopes())
    print(f"{'created' if created else 'opened'} device store {path}")
    print(
        f"{report.sessions} session(s) in {report.meetings} meeting(s): "
        f"{report.completed} completed, {report.declined} declined consent"
    )
    timepoints = ", ".join(f"{k} {v}" for k, v in sorted(report.by_timepoint.items()))
    languages = ", ".join(f"{k} {v}" for k, v in sorted(report.by_language.items()))
    print(f"timepoints: {timepoints}; languages: {languages}")
    print(
        f"{report.answers} answers, {report.declined_items} declined items, "
        f"{report.missing_items} skipped items, {report.changed_answers} changed on review"
    )
    print(
        f"{report.interpreter_assisted} interpreter-assisted, {report.paper} from paper, "
        f"{report.language_switches} language switch(es)"
    )
    print(f"{pending} sealed submission(s) waiting for sync or export")
    return 0
