"""`python main.py export`: write this laptop's sealed submissions to an encrypted USB bundle."""

from __future__ import annotations

import argparse

from survey_app.cli.device_store import STORE_PASSPHRASE_ENV as PASSPHRASE_ENV
from survey_app.cli.program import program


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `export` command."""
    parser = subparsers.add_parser(
        "export",
        help="write sealed submissions to an export bundle (for a USB stick)",
        description="Write the sealed (encrypted) submissions of this laptop to one bundle file "
        "with a manifest signed by the laptop's key. Only submissions not exported before, "
        f"unless --all. The store passphrase is read from ${PASSPHRASE_ENV} or asked for. "
        "After a verified export, readable answers are removed from the laptop as the study's "
        "purge_policy says (after_export: removed now; after_sync: kept until the server "
        "confirms).",
    )
    parser.add_argument(
        "--out",
        required=True,
        metavar="DIR",
        help="existing folder to write the bundle into (the USB stick), or a file name ending "
        "in .surveybundle inside one; a folder that is not there is an error",
    )
    parser.add_argument(
        "--all", action="store_true", help="include submissions exported or synced before"
    )
    parser.add_argument("--data-dir", help="folder of the device store (default: the app's)")
    parser.add_argument(
        "--study",
        help="study folder (default: the one chosen in the app on this laptop, else the DEMO "
        "study); its purge_policy decides what is removed after the export",
    )
    parser.set_defaults(handler=_export)


def _export(args: argparse.Namespace) -> int:
    from pathlib import Path

    from survey_app.bundle.from_store import export_store, export_target
    from survey_app.cli.device_store import open_device_store, seal_left_unsealed, study_folder
    from survey_app.store import default_store_path, store_path_in
    from survey_app.study import load_study_config

    path = store_path_in(Path(args.data_dir)) if args.data_dir else default_store_path()
    # Read the study first: a broken study.yaml should stop us before anything is written.
    folder, named = study_folder(args.study, path.parent)
    config = load_study_config(folder, program(args))
    # A stick not plugged in is said at once, before the passphrase is asked for.
    export_target(Path(args.out))
    with open_device_store(path) as store:
        seal_left_unsealed(store, folder, named, program(args))
        info = export_store(store, Path(args.out), include_all=args.all)
        if info is None:
            print("nothing new to export (use --all to export everything again)")
            return 0
        print(f"wrote {info.count} sealed submission(s) to {info.path}")
        print(f"bundle id {info.bundle_id}, sha256 {info.file_sha256}")
        _purge_after_export(store, config, info.submission_ids[0])
    return 0


def _purge_after_export(store, config, submission_id: str) -> None:
    """Apply the study's purge policy now that the bundle has been read back and verified."""
    store_study = store.sealed_copy(submission_id).envelope["study_id"]
    if store_study != config.study_id:
        print(
            f"answers kept on this laptop: it holds study {store_study}, but the study folder "
            f"is {config.study_id} (give --study)"
        )
        return
    purged = store.purge_confirmed(str(config.purge_policy))
    if purged:
        print(
            f"removed the readable answers of {purged} session(s) from this laptop "
            f"(purge policy {config.purge_policy}); the sealed copies stay"
        )
    else:
        print(f"no answers removed from this laptop (purge policy {config.purge_policy})")
