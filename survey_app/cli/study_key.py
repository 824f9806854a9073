"""The data manager's study private key: its passphrase comes from the environment or a prompt."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from survey_app.errors import UserFacingError

KEY_PASSPHRASE_ENV = "SURVEY_KEY_PASSPHRASE"


def existing_key_passphrase() -> str:
    """Return the key passphrase from $SURVEY_KEY_PASSPHRASE, else ask (never echoing it)."""
    env = os.environ.get(KEY_PASSPHRASE_ENV)
    if env is not None:
        return env
    if not sys.stdin.isatty():
        raise UserFacingError(f"no passphrase: run in a terminal or set ${KEY_PASSPHRASE_ENV}")
    import getpass

    return getpass.getpass("Passphrase of the study private key: ")


def read_study_identity(key_path: Path) -> str:
    """Unlock the study private key file (UserFacingError on a wrong passphrase)."""
    from survey_app.sealing.study_keys import read_private_key

    return read_private_key(Path(key_path), existing_key_passphrase())


def check_key_matches_study(identity: str, study_public_key: str, study_id: str) -> None:
    """Refuse a private key that does not belong to the study, before anything is written."""
    from survey_app.sealing.study_keys import public_key_for

    if public_key_for(identity) != study_public_key.strip():
        raise UserFacingError(
            f"the key file is not the private key of study {study_id} (its public key differs "
            "from the one in study.yaml); nothing was written"
        )
