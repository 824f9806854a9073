"""Passphrases, keys and stores the trial commands share (no secret is ever an argument)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from survey_app.errors import UserFacingError

STORE_PASSPHRASE_ENV = "SURVEY_APP_PASSPHRASE"
REGISTER_PASSPHRASE_ENV = "SURVEY_REGISTER_PASSPHRASE"
REGISTER_KEY_PASSPHRASE_ENV = "SURVEY_REGISTER_KEY_PASSPHRASE"


def secret(env: str, prompt: str) -> str:
    """A passphrase from the environment, else asked without echo (refused without a terminal)."""
    value = os.environ.get(env)
    if value is not None:
        return value
    if not sys.stdin.isatty():
        raise UserFacingError(f"no passphrase: run in a terminal or set ${env}")
    import getpass

    return getpass.getpass(prompt)


def read_register_identity(key_path: Path) -> str:
    """Unlock the principal investigator's register key file."""
    from survey_app.sealing.study_keys import read_private_key

    passphrase = secret(REGISTER_KEY_PASSPHRASE_ENV, "Passphrase of the register private key: ")
    return read_private_key(Path(key_path), passphrase)


def laptop_paths(data_dir: str | None) -> tuple[Path, Path]:
    """(device store, linking register) of a laptop: --data-dir, else the app's folder."""
    from survey_app.register.store import register_path_in
    from survey_app.store import default_store_path, store_path_in

    store = store_path_in(Path(data_dir)) if data_dir else default_store_path()
    return store, register_path_in(store.parent)


def laptop_study(study: str | None, data_dir: Path, program: str):
    """The study of a laptop: --study, else the folder chosen in the app, else DEMO.

    program: the name the command line was run by, for the study's hints.
    """
    from survey_app.study import demo_study_dir, load_study
    from survey_app.ui.settings import read_study_dir

    folder = Path(study) if study else read_study_dir(data_dir) or demo_study_dir()
    return load_study(folder, program)


def open_device_store(path: Path):
    """Open a laptop's device store with the passphrase from the environment or a prompt."""
    from survey_app.store import DeviceStore

    return DeviceStore.open(path, secret(STORE_PASSPHRASE_ENV, "Device store passphrase: "))


def open_register(path: Path, *, create: bool = False):
    """Open (or with create, make) a laptop's linking register."""
    from survey_app.register.store import RegisterStore, register_exists

    passphrase = secret(REGISTER_PASSPHRASE_ENV, "Linking register passphrase: ")
    if not register_exists(path):
        if not create:
            raise UserFacingError(f"no linking register in {path.parent}")
        return RegisterStore.create(path, passphrase)
    return RegisterStore.open(path, passphrase)
