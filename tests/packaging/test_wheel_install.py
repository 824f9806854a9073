"""The wheel, installed into a fresh environment far from the checkout, is the whole app.

A staff laptop never has the repository: forms, translations, fonts and the DEMO study must come
from the wheel. The wheel is built with the project's own build step, installed with the
versions uv.lock pins into a new virtual environment in a temporary folder, and run from
there with a working directory and environment that cannot reach the checkout.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from uv import find_uv_bin

from survey_app.forms.library import form_files

pytestmark = pytest.mark.slow  # builds a wheel and a venv: ~20-60 s, most of it installing Qt

REPO = Path(__file__).resolve().parents[2]
UV = find_uv_bin()
PASSPHRASE = "wheel-test-passphrase"


@dataclass(frozen=True)
class Installed:
    """A fresh venv holding the built wheel, and a place outside the checkout to run it."""

    wheel: Path
    bin: Path
    home: Path

    def run(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        """Run `survey-app ARGS` from the outside folder with a clean environment."""
        clean = {
            "PATH": f"{self.bin}{os.pathsep}/usr/bin:/bin",
            "HOME": str(self.home),
            "XDG_DATA_HOME": str(self.home / "data"),
            "QT_QPA_PLATFORM": "offscreen",
            **env,
        }
        return subprocess.run(
            [str(self.bin / "survey-app"), *args],
            cwd=self.home,
            env=clean,
            capture_output=True,
            text=True,
            timeout=300,
        )


def _uv(*args: str, cwd: Path = REPO) -> str:
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never", "UV_NO_PROGRESS": "1"}
    env.pop("VIRTUAL_ENV", None)
    done = subprocess.run(
        [UV, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    base = tmp_path_factory.mktemp("wheel-install")
    # sdist first, wheel from it: proves the sdist carries the data, and no stale build/ leaks in
    _uv("build", "--out-dir", str(base / "dist"), "--quiet")
    (wheel,) = (base / "dist").glob("survey_app-*.whl")
    pins = base / "pins.txt"
    _uv("export", "--frozen", "--no-dev", "--no-emit-project", "--no-hashes", "-o", str(pins))
    venv = base / "venv"
    _uv("venv", "--python", sys.executable, "--quiet", str(venv), cwd=base)
    python = venv / ("Scripts" if os.name == "nt" else "bin") / "python"
    _uv("pip", "install", "--python", str(python), "--quiet", "-c", str(pins), str(wheel), cwd=base)
    home = base / "outside"
    home.mkdir()
    yield Installed(wheel, python.parent, home)


def test_wheel_carries_forms_translations_fonts_and_the_demo_study(installed: Installed) -> None:
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    for inside in (
        "forms/hscl25.yaml",
        "forms/protocol.yaml",
        "forms/audio/README.md",
        "forms/audio/background/bg_gender.ar.wav",
        "translations/ar/LC_MESSAGES/messages.mo",
        "translations/nb/LC_MESSAGES/messages.mo",
        "resources/fonts/NotoNaskhArabic-Regular.ttf",
        "resources/fonts/OFL.txt",
        "resources/demo-study/study.yaml",
    ):
        assert f"survey_app/_data/{inside}" in names


def test_installed_app_reads_its_data_from_the_install_not_the_checkout(
    installed: Installed,
) -> None:
    probe = subprocess.run(
        [
            str(installed.bin / "python"),
            "-c",
            "from survey_app import assets; from survey_app.i18n import tr;"
            "print(assets.data_root()); print(tr('ar', 'Unlock'))",
        ],
        cwd=installed.home,
        env={"PATH": "/usr/bin:/bin", "HOME": str(installed.home)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert probe.returncode == 0, probe.stderr
    root, unlock = probe.stdout.splitlines()
    assert Path(root).is_relative_to(installed.bin.parent)
    assert not Path(root).is_relative_to(REPO)
    assert unlock == "فتح القفل"


def test_installed_check_forms_finds_every_shipped_form_usable(installed: Installed) -> None:
    done = installed.run("check-forms")
    assert done.returncode == 0, done.stdout + done.stderr
    shipped = len(form_files(REPO / "forms"))
    assert f"{shipped} usable, 0 unusable; 0 error(s)" in done.stdout


def test_installed_app_simulates_a_meeting_then_starts_to_the_unlock_screen(
    installed: Installed,
) -> None:
    data = installed.home / "laptop"
    simulated = installed.run(
        "simulate", "--participants", "2", "--data-dir", str(data), SURVEY_APP_PASSPHRASE=PASSPHRASE
    )
    assert simulated.returncode == 0, simulated.stderr
    assert "2 sealed submission(s)" in simulated.stdout
    shot = installed.home / "unlock-ar.png"
    started = installed.run(
        "--self-check", "--language", "ar", "--data-dir", str(data), "--screenshot", str(shot)
    )
    assert started.returncode == 0, started.stdout + started.stderr
    assert "self-check: ok page=unlock" in started.stdout
    assert "Noto Naskh Arabic" in started.stdout
    assert shot.stat().st_size > 10_000
