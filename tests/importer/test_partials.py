"""Decrypted temp files of an import killed mid-write: owner-only, and gone on the next run."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from survey_app.answers.codes import make_code
from survey_app.cli.main import main
from survey_app.study import demo_study_dir
from tests.crash.laptops import DEMO_KEY_PASSPHRASE, import_args, simulated_laptop, usb_bundle
from tests.crash.support import child_env, run_child

pytestmark = pytest.mark.skipif(os.name == "nt", reason="kill -9 and POSIX permission bits")


def _partials(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name.endswith(".partial"))


@pytest.fixture(scope="module")
def usb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("meeting")
    usb = root / "usb"
    usb_bundle(simulated_laptop(root / "laptop", 4, seed=3), usb)
    return usb


def _killed_mid_output(usb: Path, out: Path) -> list[Path]:
    """Import, killed with SIGKILL just before its 3rd output file is renamed into place."""
    env = child_env("atomic_write.before_rename:3", SURVEY_KEY_PASSPHRASE=DEMO_KEY_PASSPHRASE)
    run = run_child(import_args([usb], out), env=env)
    assert run.killed
    left = _partials(out)
    assert left, "the kill left no temp file to clean"
    return left


def test_temp_files_of_a_killed_import_are_owner_only(usb: Path, tmp_path: Path) -> None:
    left = _killed_mid_output(usb, tmp_path / "out")
    assert {stat.S_IMODE(p.stat().st_mode) for p in left} == {0o600}


def test_next_import_removes_what_a_killed_import_left(
    usb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    _killed_mid_output(usb, out)
    monkeypatch.setenv("SURVEY_KEY_PASSPHRASE", DEMO_KEY_PASSPHRASE)
    assert main(import_args([usb], out)[1:]) == 0
    assert _partials(out) == []


def test_participant_erase_removes_what_a_killed_import_left(
    usb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    monkeypatch.setenv("SURVEY_KEY_PASSPHRASE", DEMO_KEY_PASSPHRASE)
    assert main(import_args([usb], out)[1:]) == 0
    (out / "baseline.csv").unlink()  # so the next import rewrites it, and is killed doing so
    env = child_env("atomic_write.before_rename:1", SURVEY_KEY_PASSPHRASE=DEMO_KEY_PASSPHRASE)
    assert run_child(import_args([usb], out), env=env).killed
    assert _partials(out)
    key = import_args([usb], out)[import_args([usb], out).index("--key") + 1]
    code = main(
        ["participant", "erase", make_code(1), "--out", str(out), "--key", key,
         "--study", str(demo_study_dir()), "--yes"]
    )  # fmt: skip
    assert code == 0
    assert _partials(out) == []
