"""`python main.py export`: write this laptop's sealed submissions to an encrypted USB bundle."""

from __future__ import annotations

import argparse
import os

PASSPHRASE_ENV = "SURVEY_APP_PASSPHRASE"


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `export` command."""
    parser = subparsers.add_parser(
        "export",
        help="write sealed submissions to an export bundle (for a USB stick)",
        description="Write the sealed (encrypted) submissions of this laptop to one bundle file "
        "with a manifest signed by the laptop's key. Only submissions not exported before, "
        f"unless --all. The store passphrase is read from ${PASSPHRASE_ENV} or asked for.",
    )
    parser.add_argument(
        "--out", required=True, help="bundle file to write, or a folder to write it into"
    )
    parser.add_argument(
        "--all", action="store_true", help="include submissions exported or synced before"
    )
    parser.add_argument("--data-dir", help="folder of the device store (default: the app's)")
    parser.set_defaults(handler=_export)


def _export(args: argparse.Namespace) -> int:
    import getpass
    from pathlib import Path

    from survey_app.bundle.from_store import export_store
    from survey_app.store import DeviceStore, default_store_path, store_path_in

    path = store_path_in(Path(args.data_dir)) if args.data_dir else default_store_path()
    passphrase = os.environ.get(PASSPHRASE_ENV)
    if passphrase is None:
        passphrase = getpass.getpass("Device store passphrase: ")
    with DeviceStore.open(path, passphrase) as store:
        info = export_store(store, Path(args.out), include_all=args.all)
    if info is None:
        print("nothing new to export (use --all to export everything again)")
        return 0
    print(f"wrote {info.count} sealed submission(s) to {info.path}")
    print(f"bundle id {info.bundle_id}, sha256 {info.file_sha256}")
    return 0
