"""The device store passphrase: one variable for every command, a clear refusal without one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from survey_app.simulate.runner import SimClock, simulate
from survey_app.store import DeviceStore, store_path_in
from survey_app.study import demo_study_dir, load_study
from tests.kdf import FAST_KDF

ROOT = Path(__file__).resolve().parents[2]
PASSPHRASE = "correct horse battery"
VARIABLES = ("SURVEY_APP_PASSPHRASE", "SURVEY_STORE_PASSPHRASE")


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("laptop")
    with DeviceStore.create(store_path_in(folder), PASSPHRASE, kdf=FAST_KDF) as store:
        simulate(store, load_study(demo_study_dir()), 2, seed=3, clock=SimClock())
    return folder


def run_without_terminal(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """A command as a script runs it: no terminal to type into (new session, stdin empty)."""
    environment = {k: v for k, v in os.environ.items() if k not in VARIABLES}
    environment.update(env)
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=environment,
        start_new_session=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    "command",
    [
        ["export", "--out", "{tmp}"],
        ["sync", "run"],
        ["sync", "status"],
        ["pdf", "report", "--out", "{tmp}/report.pdf"],
    ],
    ids=["export", "sync-run", "sync-status", "pdf-report"],
)
def test_command_without_passphrase_or_terminal_says_which_variable_to_set(
    command: list[str], data_dir: Path, tmp_path: Path
) -> None:
    args = [a.replace("{tmp}", str(tmp_path)) for a in command]
    if args[0] == "sync":
        args += ["--store", str(store_path_in(data_dir))]
    else:
        args += ["--data-dir", str(data_dir)]
    result = run_without_terminal(*args)
    assert result.returncode == 1, result.stderr
    assert "$SURVEY_APP_PASSPHRASE" in result.stderr
    assert "internal error" not in result.stderr
    assert "Traceback" not in result.stderr


def test_pdf_report_reads_the_same_passphrase_variable_as_export(
    data_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "report.pdf"
    result = run_without_terminal(
        "pdf", "report", "--data-dir", str(data_dir), "--out", str(out),
        SURVEY_APP_PASSPHRASE=PASSPHRASE,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert out.read_bytes().startswith(b"%PDF")


def test_wrong_passphrases_wait_longer_across_separate_runs(tmp_path: Path) -> None:
    data_dir = tmp_path / "laptop"
    DeviceStore.create(store_path_in(data_dir), PASSPHRASE, kdf=FAST_KDF).close()
    waits = []
    for _ in range(3):
        result = run_without_terminal(
            "export", "--out", str(tmp_path), "--data-dir", str(data_dir),
            SURVEY_APP_PASSPHRASE="not the passphrase",
        )  # fmt: skip
        assert result.returncode == 1
        waits.append(result.stderr.strip())
    assert waits == [
        "error: Wrong passphrase. Wait 1 second, then try again.",
        "error: Wrong passphrase. Wait 2 seconds, then try again.",
        "error: Wrong passphrase. Wait 4 seconds, then try again.",
    ]


@pytest.mark.parametrize(
    "command",
    [
        ["pull", "--server", "https://127.0.0.1:9", "--out", "{tmp}/pulled"],
        ["erase-on-server", "--server", "https://127.0.0.1:9", "--submission", "sub-1"],
    ],
    ids=["pull", "erase-on-server"],
)
def test_data_manager_token_without_variable_or_terminal_says_which_variable_to_set(
    command: list[str], tmp_path: Path
) -> None:
    args = [a.replace("{tmp}", str(tmp_path)) for a in command]
    result = run_without_terminal(*args)
    assert result.returncode == 1, result.stderr
    assert "$SURVEY_APP_TOKEN" in result.stderr
    assert "internal error" not in result.stderr
