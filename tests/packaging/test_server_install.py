"""The server installs and runs the way deploy/Dockerfile installs it: locked, without Qt.

Docker does not run on the development machine; this runs the image's install command
(`uv sync --locked --no-dev --no-editable --no-install-package pyside6-essentials ...`) into a
fresh environment and starts `survey-app server` from it.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import httpx
import pytest
from uv import find_uv_bin

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
DOCKERFILE = REPO / "deploy" / "Dockerfile"


def _image_install_args() -> list[str]:
    """The options of the Dockerfile's last `uv sync` (continuation lines joined)."""
    text = DOCKERFILE.read_text(encoding="utf-8").replace("\\\n", " ")
    commands = re.findall(r"^RUN (uv sync .*)$", text, re.M)
    return commands[-1].split()[2:]


def test_server_runs_from_the_images_install_without_qt(tmp_path: Path) -> None:
    args = _image_install_args()
    assert "--locked" in args and "pyside6-essentials" in args
    env = {
        **os.environ,
        "UV_PROJECT_ENVIRONMENT": str(tmp_path / "venv"),
        "UV_PYTHON_DOWNLOADS": "never",
        "UV_NO_PROGRESS": "1",
    }
    env.pop("VIRTUAL_ENV", None)
    sync = subprocess.run(
        [find_uv_bin(), "sync", *args, "--quiet"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert sync.returncode == 0, sync.stderr[-2000:]
    bin_dir = tmp_path / "venv" / "bin"
    no_qt = subprocess.run(
        [str(bin_dir / "python"), "-c", "import PySide6"], capture_output=True, timeout=60
    )
    assert no_qt.returncode != 0
    server = subprocess.Popen(
        [str(bin_dir / "survey-app"), "server", "--port", "0"],
        cwd=tmp_path,
        env={
            "PATH": "/usr/bin:/bin",
            "HOME": str(tmp_path),
            "SURVEY_APP_SERVER_DB": str(tmp_path / "server.sqlite3"),
            "SURVEY_APP_SERVER_STUDY_ID": "demo",
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert server.stdout is not None
        url = re.search(r"listening on (http\S+)", server.stdout.readline())
        assert url, "the server did not start"
        assert httpx.get(f"{url[1]}/v1/health/ready", timeout=10).status_code == 200
    finally:
        server.terminate()
        server.wait(timeout=10)
        server.stdout.close()  # type: ignore[union-attr]
