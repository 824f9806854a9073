"""`keys new` / `keys show-public`: create and inspect the study's age key pair."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

from survey_app.cli.program import program
from survey_app.cli.study_key import KEY_PASSPHRASE_ENV, existing_key_passphrase

PUBLIC_FILE = "study-public-key.txt"
PRIVATE_FILE = "study-private-key.age"


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the keys command with its new and show-public actions."""
    parser = subparsers.add_parser(
        "keys",
        help="create or inspect the study key pair (data manager, offline computer)",
        description="Manage the study's age key pair. Answers are sealed to the public key; "
        "only the holder of the private key file and its passphrase can open them.",
    )
    actions = parser.add_subparsers(dest="keys_action", metavar="ACTION", required=True)
    new = actions.add_parser(
        "new",
        help="create a study key pair",
        description=f"Write {PUBLIC_FILE} and {PRIVATE_FILE} (passphrase-protected) into DIR. "
        f"The passphrase is asked twice, or read from ${KEY_PASSPHRASE_ENV} when set.",
    )
    new.add_argument("--out", type=Path, required=True, metavar="DIR", help="output directory")
    new.add_argument("--study-id", metavar="ID", help="study id, noted in the public key file")
    new.set_defaults(handler=run_new)
    show = actions.add_parser(
        "show-public",
        help="print the public key of a private key file",
        description="Open a private key file (passphrase asked, or from "
        f"${KEY_PASSPHRASE_ENV}) and print its public key; with --study, check it matches.",
    )
    show.add_argument("--key", type=Path, required=True, metavar="FILE", help="private key file")
    show.add_argument("--study", type=Path, metavar="DIR", help="study dir to compare with")
    show.set_defaults(handler=run_show_public)


def run_new(args: argparse.Namespace) -> int:
    """Create the key pair; never overwrite; print what to do with each file."""
    from survey_app.errors import UserFacingError
    from survey_app.sealing.study_keys import (
        check_passphrase,
        generate_study_keypair,
        write_private_key,
    )

    out: Path = args.out
    public_path, private_path = out / PUBLIC_FILE, out / PRIVATE_FILE
    existing = [p.name for p in (public_path, private_path) if p.exists()]
    if existing:
        raise UserFacingError(
            f"{', '.join(existing)} already exist(s) in {out}; nothing was written "
            "(a study key is never replaced by accident)"
        )
    passphrase = _new_passphrase()
    check_passphrase(passphrase)
    try:
        out.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise UserFacingError(f"cannot create {out}: {exc.strerror}") from None
    pair = generate_study_keypair()
    write_private_key(private_path, pair.identity, passphrase)
    created = datetime.now(UTC).strftime("%Y-%m-%d")
    label = f" for study '{args.study_id}'" if args.study_id else ""
    with public_path.open("x", encoding="utf-8") as fh:
        fh.write(f"# survey-app study public key{label}, created {created}\n{pair.public}\n")
    print(f"Public key ({public_path}):\n\n    {pair.public}\n")
    print("  -> Put it in the study's study.yaml as `public_key:`. It is not secret.\n")
    print(f"Private key ({private_path}), protected by your passphrase:")
    print("  -> Keep it with the data manager, on an offline computer, with a backup copy")
    print("     in a locked place. Never put it on a field laptop or the server.")
    print("  -> Without this file AND its passphrase no sealed answer can ever be opened.")
    return 0


def run_show_public(args: argparse.Namespace) -> int:
    """Print the public key of a private key file (and compare it with a study)."""
    from survey_app.errors import UserFacingError
    from survey_app.sealing.study_keys import public_key_for, read_private_key

    identity = read_private_key(args.key, existing_key_passphrase())
    public = public_key_for(identity)
    print(public)
    if args.study is not None:
        from survey_app.study import load_study_config

        config = load_study_config(args.study, program(args))
        if config.public_key != public:
            raise UserFacingError(
                f"this private key does NOT belong to study '{config.study_id}' "
                f"(its study.yaml has {config.public_key})"
            )
        print(f"matches study '{config.study_id}'")
    return 0


def _new_passphrase() -> str:
    from survey_app.errors import UserFacingError

    env = os.environ.get(KEY_PASSPHRASE_ENV)
    if env is not None:
        return env
    if not sys.stdin.isatty():
        raise UserFacingError(f"no passphrase: run in a terminal or set ${KEY_PASSPHRASE_ENV}")
    import getpass

    first = getpass.getpass("Passphrase for the private key (at least 12 characters): ")
    second = getpass.getpass("Same passphrase again: ")
    if first != second:
        raise UserFacingError("the two passphrases differ; nothing was written")
    return first
