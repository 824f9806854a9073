"""`python main.py simulate-trial`: a synthetic DEMO trial on several laptops, ready to import."""

from __future__ import annotations

import argparse
from pathlib import Path

from survey_app.cli.program import program
from survey_app.cli.trial_args import REGISTER_PASSPHRASE_ENV, STORE_PASSPHRASE_ENV


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the simulate-trial command."""
    parser = subparsers.add_parser(
        "simulate-trial",
        help="simulate a DEMO trial: laptops, lists, meetings, reveals, USB exports",
        description="Creates one device store and one linking register per laptop in OUT, "
        "allocation lists sealed to each laptop, runs weekly meetings with synthetic people "
        "(made-up names, phone numbers outside any number plan), reveals allocations after "
        "each sealed baseline, and exports answers bundles and register snapshots to OUT/usb. "
        f"Passphrases from ${STORE_PASSPHRASE_ENV} and ${REGISTER_PASSPHRASE_ENV}. DEMO only.",
    )
    parser.add_argument("--out", type=Path, required=True, help="a new folder")
    parser.add_argument("--laptops", type=int, default=3)
    parser.add_argument("--participants", type=int, default=120)
    parser.add_argument("--meetings", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--study", type=Path, help="DEMO study folder (default: the bundled one)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Simulate and export; print counts only."""
    from survey_app.bundle.from_store import export_store
    from survey_app.cli.trial_args import secret
    from survey_app.errors import UserFacingError
    from survey_app.register.snapshot_file import export_register
    from survey_app.register.store import RegisterStore
    from survey_app.simulate.runner import SimClock
    from survey_app.simulate.trial_run import Laptop, simulate_trial
    from survey_app.store import DeviceStore
    from survey_app.study import demo_study_dir, load_study
    from survey_app.trial.sealed_lists import write_list_set

    study = load_study(args.study or demo_study_dir(), program(args))
    if not study.demo or study.config.trial is None or study.config.trial.randomisation is None:
        raise UserFacingError("simulate-trial runs only on a DEMO study that randomises")
    if not 1 <= args.laptops <= 20 or args.participants < 1 or args.meetings < 1:
        raise UserFacingError("give 1-20 laptops and at least one participant and meeting")
    out: Path = args.out
    if out.exists() and any(out.iterdir()):
        raise UserFacingError(f"{out} is not empty")
    store_passphrase = secret(STORE_PASSPHRASE_ENV, "Device store passphrase: ")
    register_passphrase = secret(REGISTER_PASSPHRASE_ENV, "Linking register passphrase: ")
    clock = SimClock()
    laptops = []
    for n in range(1, args.laptops + 1):
        folder = out / f"laptop-{n}"
        store = DeviceStore.create(folder / "device-store.db", store_passphrase, clock=clock)
        register_store = RegisterStore.create(
            folder / "linking-register.db", register_passphrase, clock=clock
        )
        laptops.append(Laptop(f"laptop-{n}", store, register_store))
    try:
        written = write_list_set(
            study.config.trial.randomisation,
            [(lap.label, lap.store.list_recipient()) for lap in laptops],
            study_id=study.study_id,
            keyholders=[study.public_key, study.config.register_public_key],
            out_dir=out / "lists",
        )
        for lap, path in zip(laptops, written.list_files, strict=True):
            lap.store.load_allocation_list(path.read_bytes(), study, actor="AB")
        report = simulate_trial(laptops, study, participants=args.participants,
                                meetings=args.meetings, seed=args.seed, clock=clock)  # fmt: skip
        usb = out / "usb"
        usb.mkdir()
        for lap in laptops:
            export_store(lap.store, usb)
            export_register(lap.register, study.study_id, study.config.register_public_key, usb)
    finally:
        for lap in laptops:
            lap.store.close()
            lap.register.close()
    arms = ", ".join(f"{arm} {n}" for arm, n in sorted(report.by_arm.items()))
    print(f"{report.registered} registered in {report.meetings} meeting(s) on {len(laptops)} "
          f"laptop(s): {report.declined} declined consent, {report.randomised} randomised "
          f"({arms}); {report.stratum_by_staff} stratum chosen by staff")  # fmt: skip
    print(f"lists and the seed record: {out / 'lists'}; bundles and snapshots: {usb}")
    return 0
