"""Real laptops for crash tests: simulated DEMO stores, their USB bundles, the DEMO key."""

from __future__ import annotations

from pathlib import Path

from survey_app.cli.main import main
from survey_app.simulate.runner import SimClock, simulate
from survey_app.store import DeviceStore, store_path_in
from survey_app.study import demo_private_key_path, demo_study_dir, load_study
from tests.kdf import FAST_KDF

PASSPHRASE = "correct horse battery"
DEMO_KEY_PASSPHRASE = "demo"


def simulated_laptop(data_dir: Path, participants: int, seed: int, first_code: int = 1) -> Path:
    """A laptop store with `participants` finished, sealed DEMO sessions; returns data_dir."""
    with DeviceStore.create(store_path_in(data_dir), PASSPHRASE, kdf=FAST_KDF) as store:
        simulate(
            store,
            load_study(demo_study_dir()),
            participants,
            seed,
            SimClock(),
            first_code=first_code,
        )
    return data_dir


def usb_bundle(data_dir: Path, usb: Path) -> Path:
    """Export every sealed submission of the laptop to a bundle in usb (the real command)."""
    import os

    usb.mkdir(parents=True, exist_ok=True)
    before = set(usb.iterdir())
    old = os.environ.get("SURVEY_APP_PASSPHRASE")
    os.environ["SURVEY_APP_PASSPHRASE"] = PASSPHRASE
    try:
        code = main(
            ["export", "--all", "--out", str(usb), "--data-dir", str(data_dir),
             "--study", str(demo_study_dir())]
        )  # fmt: skip
    finally:
        if old is None:
            os.environ.pop("SURVEY_APP_PASSPHRASE", None)
        else:
            os.environ["SURVEY_APP_PASSPHRASE"] = old
    assert code == 0
    [new] = set(usb.iterdir()) - before
    return new


def import_args(sources: list[Path], out: Path) -> list[str]:
    """`main.py import ...` with the DEMO study and its published key."""
    return [
        "main.py",
        "import",
        *map(str, sources),
        "--key",
        str(demo_private_key_path()),
        "--study",
        str(demo_study_dir()),
        "--out",
        str(out),
    ]
