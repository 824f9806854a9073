"""An export killed while writing the bundle leaves a temp file that the next export removes."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from survey_app.study import demo_study_dir
from tests.crash.laptops import PASSPHRASE, simulated_laptop
from tests.crash.support import child_env, run_child

pytestmark = pytest.mark.skipif(os.name == "nt", reason="kill -9 and POSIX permission bits")


def _export(data_dir: Path, usb: Path, crash_at: str | None = None):
    args = ["main.py", "export", "--out", str(usb), "--data-dir", str(data_dir),
            "--study", str(demo_study_dir())]  # fmt: skip
    return run_child(args, env=child_env(crash_at, SURVEY_APP_PASSPHRASE=PASSPHRASE))


def test_next_export_removes_the_temp_file_of_a_killed_export(tmp_path: Path) -> None:
    data_dir = simulated_laptop(tmp_path / "laptop", 3, seed=4)
    usb = tmp_path / "usb"
    usb.mkdir()
    assert _export(data_dir, usb, "atomic_write.before_rename:1").killed
    [left] = usb.iterdir()
    assert left.name.endswith(".partial")
    assert stat.S_IMODE(left.stat().st_mode) == 0o600
    assert _export(data_dir, usb).returncode == 0
    names = [p.name for p in usb.iterdir()]
    assert len(names) == 1
    assert names[0].endswith(".surveybundle")
