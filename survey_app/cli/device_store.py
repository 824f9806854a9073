"""A laptop's device store from the command line: one passphrase variable, one study rule."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from survey_app.errors import UserFacingError

STORE_PASSPHRASE_ENV = "SURVEY_APP_PASSPHRASE"


def store_passphrase() -> str:
    """Return the store passphrase from $SURVEY_APP_PASSPHRASE, else ask (never echoing it)."""
    env = os.environ.get(STORE_PASSPHRASE_ENV)
    if env is not None:
        return env
    if not sys.stdin.isatty():
        raise UserFacingError(
            f"no device store passphrase: run in a terminal or set ${STORE_PASSPHRASE_ENV}"
        )
    import getpass

    try:
        return getpass.getpass("Device store passphrase: ")
    except EOFError:
        raise UserFacingError(
            f"no device store passphrase: run in a terminal or set ${STORE_PASSPHRASE_ENV}"
        ) from None


def open_device_store(path: Path, **options: Any):  # -> DeviceStore
    """Unlock the device store at path with the passphrase from the one place above."""
    from survey_app.store import DeviceStore

    return DeviceStore.open(Path(path), store_passphrase(), **options)


def study_folder(study: str | Path | None, data_dir: Path) -> tuple[Path, bool]:
    """The laptop's study folder: --study, else the one chosen in the app, else DEMO.

    Returns the folder and whether it was named (given or remembered) rather than the fallback.
    """
    from survey_app.study import demo_study_dir
    from survey_app.ui.settings import read_study_dir

    if study:
        return Path(study), True
    remembered = read_study_dir(Path(data_dir))
    if remembered is not None:
        return remembered, True
    return demo_study_dir(), False


def seal_left_unsealed(store: Any, study_dir: Path, named: bool, program: str) -> None:
    """Seal sessions an older app left finished but unsealed, with the laptop's own study.

    Only with a study that was named (--study or chosen in the app) and that this laptop's other
    submissions were sealed for: sealing to a wrong key could not be undone. program: the name
    the command line was run by, for the study's hints.
    """
    waiting = store.unsealed_count()
    if not waiting:
        return
    from survey_app.study import load_study

    study = load_study(Path(study_dir), program)
    studies = store.sealed_study_ids()
    if not named or (studies and studies != {study.study_id}):
        print(
            f"{waiting} finished session(s) are not sealed yet and this laptop's study is not "
            "certain: open the app, or give --study",
            file=sys.stderr,
        )
        return
    sealed = store.seal_unsealed(study)
    print(f"sealed {len(sealed)} finished session(s) left unsealed by an interrupted app")
