"""`python main.py import`: the data manager's import of bundles into SPSS/Stata/CSV data sets."""

from __future__ import annotations

import argparse

from survey_app.cli.program import program
from survey_app.cli.study_key import (
    KEY_PASSPHRASE_ENV,
    check_key_matches_study,
    read_study_identity,
)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `import` command."""
    parser = subparsers.add_parser(
        "import",
        help="verify, decrypt and import bundles into CSV, SPSS and Stata files",
        description="Import export bundles (USB) and server pulls. Every bundle is verified and "
        "decrypted with the study private key, every submission is checked against the form "
        "version it was answered on, and duplicates are counted once. Bad bundles are "
        "rejected with a reason; good ones still import. The key passphrase is read from "
        f"${KEY_PASSPHRASE_ENV} or asked for.",
    )
    parser.add_argument("sources", nargs="+", metavar="BUNDLE_OR_DIR", help="bundles or folders")
    parser.add_argument("--key", required=True, help="the study private key file (age)")
    parser.add_argument("--out", required=True, help="output folder (holds the import record)")
    parser.add_argument("--study", required=True, help="study folder (with study.yaml)")
    parser.add_argument(
        "--known-devices",
        help="JSON file of enrolled device ids and public keys; without it, devices are "
        "trusted on first use and listed in the report",
    )
    parser.add_argument(
        "--separate-free-text",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="write free-text answers to separate files (default: yes)",
    )
    parser.add_argument(
        "--label-language",
        choices=("en", "nb", "ar"),
        default="en",
        help="language of the labels in .sav/.dta files (the codebook has all three)",
    )
    parser.add_argument(
        "--archive-forms",
        action="append",
        default=[],
        metavar="DIR",
        help="folder with older form versions that submissions may have been answered on",
    )
    parser.add_argument(
        "--allocation-seed",
        action="append",
        default=[],
        metavar="FILE",
        help="allocation seed record (from `randomise lists`); kept in the import record, so "
        "the allocation sequence is checked against its lists from then on",
    )
    parser.add_argument(
        "--workers",
        type=_workers,
        default=0,
        metavar="N",
        help="processes that verify and decrypt (default: one per core; 1: none besides this "
        "one); the outputs are the same either way",
    )
    parser.set_defaults(handler=_import)


def _workers(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 1 <= value <= 64:
        raise argparse.ArgumentTypeError("use 1 to 64 workers")
    return value


def _import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from survey_app.importer import ImportSettings, load_known_devices, run_import
    from survey_app.study import load_study

    study = load_study(Path(args.study), program(args))
    identity = read_study_identity(Path(args.key))
    check_key_matches_study(identity, study.public_key, study.study_id)
    settings = ImportSettings(
        out_dir=Path(args.out),
        library=study.library,
        study_id=study.study_id,
        pcl_cutoff=study.pcl_cutoff,
        known_devices=load_known_devices(Path(args.known_devices)) if args.known_devices else None,
        separate_free_text=args.separate_free_text,
        label_language=args.label_language,
        archive_dirs=tuple(Path(d) for d in args.archive_forms),
        randomisation=study.config.trial.randomisation if study.config.trial else None,
        seed_records=tuple(Path(f) for f in args.allocation_seed),
        workers=args.workers,
        program=program(args),
    )
    report = run_import([Path(s) for s in args.sources], identity, settings)
    print(report.to_text(settings.program), end="")
    print(f"outputs in {settings.out_dir} ({len(report.outputs_written)} written)")
    sequence_broken = bool((report.trial.get("sequence") or {}).get("problems"))
    return 0 if not report.rejections and not report.conflicts and not sequence_broken else 4
